# The two commands of the quick start, and a few helpers around them.
.PHONY: run test stop lint clean bench-finance

run:  ## a local Odoo 18 with the addon and demo data on http://localhost:8069
	bash setup/run.sh

test:  ## every test: lint, Odoo tests, out-of-process tests
	bash setup/test.sh

stop:  ## stop what `setup/run.sh --background` started
	bash setup/stop.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && \
	.venv/bin/pylint --rcfile=.pylintrc-mandatory vshn_sales_onboarding

bench-finance:  ## profitability report vs invoice analysis on generated data (not a test)
	bash bench/run_finance.sh $(BENCH_ARGS)

clean:  ## remove the virtualenv, the private PostgreSQL and its databases
	bash setup/stop.sh || true
	rm -rf .venv .local
