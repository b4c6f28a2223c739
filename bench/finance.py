"""The profitability report's grouped reads against Odoo's invoice analysis.

Run by bench/run_finance.sh. Two commands:

  python finance.py generate CONF DB INVOICES CUSTOMERS
      Fill DB (the addon installed, no demo data) once, seeded: CUSTOMERS
      won deals converted into customers with onboardings (a confirmed order
      and a project each), INVOICES posted customer invoices and credit notes
      over 24 months linked to the orders' lines, a few cancelled and draft
      ones that must not count, 2-4 timesheets per invoice by employees of
      different hourly costs on the onboardings' projects, and vendor bills
      charged to the projects. Exits at once if DB already holds this data;
      with exit code 3 if it holds other (or unfinished) data.

  python finance.py measure CONF DB ROUNDS
      Alternating, ROUNDS times: each grouping's grouped read on
      vshn.profitability.report, then the same grouping on
      account.invoice.report, the ORM cache emptied before each, as a finance
      user. Prints one JSON line per measurement.
"""

import json
import random
import sys
import time
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

import odoo
from odoo import Command, api
from odoo.tools import config

PARAM_KEY = "vshn_bench_finance.generated"
SEED = 9
BATCH = 250
FIRST_MONTH = date(2024, 11, 1)
MONTHS = 24
# creation without chatter messages, followers or tracking: fixtures
QUIET = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "tracking_disable": True,
    "no_reset_password": True,
}
HOURLY_COSTS = (45.0, 60.0, 75.0, 90.0, 110.0, 130.0, 150.0)


def log(message, started):
    print(f"{time.perf_counter() - started:7.1f} s  {message}", flush=True)


def batched(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def random_day(rng, month_index):
    first = FIRST_MONTH + relativedelta(months=month_index)
    last = first + relativedelta(months=1) - timedelta(days=1)
    return first + timedelta(days=rng.randrange((last - first).days + 1))


class Generator:
    def __init__(self, env, invoices, customers):
        from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (  # noqa: E501
            BYPASS_CONTEXT_KEY,
            GATE_BYPASS,
        )

        self.env = env(context=dict(env.context, **QUIET))
        self.gate_env = self.env(
            context=dict(self.env.context, **{BYPASS_CONTEXT_KEY: GATE_BYPASS})
        )
        self.invoices = invoices
        self.customers = customers
        self.rng = random.Random(SEED)
        self.started = time.perf_counter()

    def commit(self, message):
        self.env.flush_all()
        self.env.cr.commit()
        self.env.invalidate_all()
        log(message, self.started)

    def run(self):
        self.setup()
        self.onboard()
        self.customer_invoices()
        self.vendor_bills()
        self.env["ir.config_parameter"].set_param(
            PARAM_KEY, f"{self.invoices}/{self.customers}/{SEED}"
        )
        self.commit("done")

    # ------------------------------------------------------------------

    def setup(self):
        env, rng = self.env, self.rng
        self.company = env.company
        self.eur = env.ref("base.EUR")
        if self.company.currency_id != self.eur:
            self.eur.active = True
            env["res.currency.rate"].create(
                {"currency_id": self.eur.id, "name": "2024-01-01", "rate": 0.92}
            )
        else:  # the other currency of the invoices abroad
            self.eur = env.ref("base.USD")
            self.eur.active = True
            env["res.currency.rate"].create(
                {"currency_id": self.eur.id, "name": "2024-01-01", "rate": 1.08}
            )
        users = env["res.users"]
        sales_group = env.ref("vshn_sales_onboarding.group_onboarding_user")
        self.salespeople = users.create(
            [
                {
                    "name": f"Bench Account Manager {index}",
                    "login": f"bench_am_{index}",
                    "email": f"bench.am{index}@example.com",
                    "groups_id": [Command.set(sales_group.ids)],
                }
                for index in range(6)
            ]
        )
        users.create(
            {
                "name": "Bench Finance",
                "login": "bench_finance",
                "email": "bench.finance@example.com",
                "groups_id": [
                    Command.set(
                        [
                            env.ref(
                                "vshn_sales_onboarding.group_onboarding_finance"
                            ).id,
                            env.ref("account.group_account_invoice").id,
                            # the whole Invoice Analysis, not a salesperson's own
                            env.ref("sales_team.group_sale_salesman_all_leads").id,
                        ]
                    )
                ],
            }
        )
        self.segments = env["vshn.onboarding.segment"].search([])
        product = env["product.product"]
        self.one_time_products = product.create(
            [
                {"name": name, "type": "service", "list_price": price}
                for name, price in (
                    ("Kubernetes Setup", 8000.0),
                    ("Consulting Day", 1600.0),
                    ("Migration Project", 25000.0),
                    ("Workshop", 2400.0),
                )
            ]
        )
        self.recurring_products = product.create(
            [
                {"name": name, "type": "service", "is_contract": True, "list_price": p}
                for name, p in (
                    ("Managed Kubernetes (monthly)", 3000.0),
                    ("Managed Database (monthly)", 900.0),
                    ("24/7 Support (monthly)", 1500.0),
                )
            ]
        )
        self.expense_product = product.create(
            {"name": "Travel Expenses", "type": "service", "list_price": 300.0}
        )
        self.employees = env["hr.employee"].create(
            [
                {
                    "name": f"Bench Engineer {index}",
                    "hourly_cost": HOURLY_COSTS[index % len(HOURLY_COSTS)],
                }
                for index in range(21)
            ]
        )
        self.suppliers = env["res.partner"].create(
            [
                {"name": f"Bench Supplier {index}", "is_company": True}
                for index in range(10)
            ]
        )
        # few customers buy much, many buy little, as in a real ledger
        self.weights = [rng.paretovariate(1.3) for _ in range(self.customers)]
        self.commit("users, products, employees")

    def onboard(self):
        """Won deals with a confirmed order each, converted in batches."""
        env, gate_env, rng = self.env, self.gate_env, self.rng
        offering_types = ("consulting", "standard_service", "project")
        self.orders = env["sale.order"]
        for chunk in batched(range(self.customers), 100):
            companies = gate_env["res.partner"].create(
                [
                    {"name": f"Bench Customer {index:04d}", "is_company": True}
                    for index in chunk
                ]
            )
            contacts = gate_env["res.partner"].create(
                [
                    {"name": f"Tech {company.name}", "parent_id": company.id}
                    for company in companies
                ]
            )
            leads = gate_env["crm.lead"].create(
                [
                    {
                        "name": f"Deal {company.name}",
                        "type": "opportunity",
                        "partner_id": company.id,
                        "user_id": (manager := rng.choice(self.salespeople)).id,
                        "account_manager_id": manager.id,
                        "qualification_contact_id": contact.id,
                        "segment_id": rng.choice(self.segments).id,
                        "offering_type": rng.choice(offering_types),
                        "stage_id": env.ref("vshn_sales_onboarding.crm_stage_won").id,
                    }
                    for company, contact in zip(companies, contacts, strict=True)
                ]
            )
            orders = gate_env["sale.order"].create(
                [
                    {
                        "partner_id": lead.partner_id.id,
                        "opportunity_id": lead.id,
                        "user_id": lead.user_id.id,
                        "state": "sale",
                        "date_order": FIRST_MONTH - timedelta(days=rng.randrange(60)),
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": (
                                        one_time := rng.choice(self.one_time_products)
                                    ).id,
                                    "product_uom_qty": 1,
                                    "price_unit": one_time.list_price,
                                }
                            ),
                            Command.create(
                                {
                                    "product_id": (
                                        recurring := rng.choice(self.recurring_products)
                                    ).id,
                                    "product_uom_qty": 1,
                                    "price_unit": recurring.list_price,
                                    "date_start": FIRST_MONTH,
                                }
                            ),
                        ],
                    }
                    for lead in leads
                ]
            )
            orders.with_env(env)._vshn_convert_to_customer()
            self.orders |= orders.with_env(env)
            self.commit(f"{len(self.orders)} customers onboarded")
        onboardings = self.orders.onboarding_id
        projects = env["project.project"].create(
            [
                {
                    "name": f"Onboarding {order.partner_id.name}",
                    "partner_id": order.partner_id.id,
                    "allow_timesheets": True,
                }
                for order in self.orders
            ]
        )
        for order, project in zip(self.orders, projects, strict=True):
            order.project_id = project
            order.onboarding_id.project_id = project
        self.commit(f"{len(onboardings)} onboardings, {len(projects)} projects")

    def customer_invoices(self):
        """INVOICES posted invoices and credit notes, with their timesheets.

        Besides, 1 % cancelled and 1 % left in draft: they must not count
        (the tests cover an invoice cancelled after posting).
        """
        env, rng = self.env, self.rng
        count = self.invoices
        extra = max(2, count // 100)
        plan = ["posted"] * count + ["cancel"] * extra + ["draft"] * extra
        rng.shuffle(plan)
        orders = list(self.orders)
        posted = 0
        for chunk in batched(plan):
            moves_vals, timesheets, states = [], [], []
            for state in chunk:
                order = rng.choices(orders, weights=self.weights)[0]
                month = rng.randrange(MONTHS)
                day = random_day(rng, month)
                moves_vals.append(self._invoice_values(order, day))
                states.append(state)
                if state == "posted":
                    project = order.project_id
                    timesheets += [
                        {
                            "name": "Engineering",
                            "project_id": project.id,
                            "employee_id": rng.choice(self.employees).id,
                            "unit_amount": rng.choice((0.5, 1, 2, 3, 4, 6, 8)),
                            "date": random_day(rng, month),
                        }
                        for _ in range(rng.randint(2, 4))
                    ]
            moves = env["account.move"].create(moves_vals)
            drafts = env["account.move"].browse(
                [m.id for m, s in zip(moves, states, strict=True) if s == "draft"]
            )
            cancelled = env["account.move"].browse(
                [m.id for m, s in zip(moves, states, strict=True) if s == "cancel"]
            )
            # cancelled before posting: cancelling a posted invoice resets it
            # to draft first, which here costs seconds a batch
            (moves - drafts - cancelled).action_post()
            cancelled.button_cancel()
            env["account.analytic.line"].create(timesheets)
            posted += chunk.count("posted")
            self.commit(f"{posted} invoices posted, {len(timesheets)} timesheets")

    def _invoice_values(self, order, day):
        rng = self.rng
        one_time_line, recurring_line = order.order_line
        refund = rng.random() < 0.05
        lines = []
        if refund:
            lines.append((one_time_line, round(one_time_line.price_unit * 0.1, 2)))
        else:
            kind = rng.random()
            if kind < 0.6:
                lines.append((recurring_line, recurring_line.price_unit))
            elif kind < 0.9:
                lines.append(
                    (
                        one_time_line,
                        round(one_time_line.price_unit * rng.uniform(0.2, 1), 2),
                    )
                )
            else:
                lines.append((None, round(rng.uniform(80, 900), 2)))
            if rng.random() < 0.3:
                lines.append((None, round(rng.uniform(80, 900), 2)))
        currency = self.eur if rng.random() < 0.05 else self.company.currency_id
        return {
            "move_type": "out_refund" if refund else "out_invoice",
            "partner_id": order.partner_id.id,
            "invoice_date": day,
            "date": day,
            "currency_id": currency.id,
            "invoice_user_id": order.user_id.id,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": (
                            sale_line.product_id if sale_line else self.expense_product
                        ).id,
                        "quantity": 1,
                        "price_unit": price,
                        "sale_line_ids": (
                            [Command.set(sale_line.ids)] if sale_line else []
                        ),
                    }
                )
                for sale_line, price in lines
            ],
        }

    def vendor_bills(self):
        """One posted vendor bill per 20 invoices, charged to a project."""
        env, rng = self.env, self.rng
        count = max(5, self.invoices // 20)
        orders = list(self.orders)
        plan = ["posted"] * count + ["draft"] * max(1, count // 50)
        vals = []
        for _state in plan:
            project = rng.choices(orders, weights=self.weights)[0].project_id
            day = random_day(rng, rng.randrange(MONTHS))
            vals.append(
                {
                    "move_type": "in_invoice",
                    "partner_id": rng.choice(self.suppliers).id,
                    "invoice_date": day,
                    "date": day,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Cloud hosting",
                                "quantity": 1,
                                "price_unit": round(rng.uniform(100, 3000), 2),
                                "analytic_distribution": {
                                    str(project.account_id.id): 100
                                },
                            }
                        )
                    ],
                }
            )
        for chunk_vals, chunk_plan in zip(batched(vals), batched(plan), strict=True):
            bills = env["account.move"].create(chunk_vals)
            bills.browse(
                [b.id for b, s in zip(bills, chunk_plan, strict=True) if s == "posted"]
            ).action_post()
        self.commit(f"{count} vendor bills posted")


# ----------------------------------------------------------------------


GROUPINGS = (
    # name, report groupby, invoice report groupby
    ("by customer", ["partner_id"], ["partner_id"]),
    ("by month", ["date:month"], ["invoice_date:month"]),
)
REPORT_MEASURES = ["revenue:sum", "effort_cost:sum", "margin:sum", "margin_percent:avg"]
INVOICE_MEASURES = ["price_subtotal:sum"]


def timed_read_group(model, domain, measures, groupby):
    env = model.env
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    groups = model.read_group(domain, measures, groupby, lazy=False)
    seconds = time.perf_counter() - start
    return env.cr.sql_log_count - queries, seconds, groups


def measure(env, rounds):
    user = env["res.users"].search([("login", "=", "bench_finance")])
    report = env["vshn.profitability.report"].with_user(user)
    invoice_report = env["account.invoice.report"].with_user(user)
    # the customer with the most invoices: its smart button
    top = report._read_group(
        [], ["partner_id"], ["__count"], order="__count desc", limit=1
    )
    customer = top[0][0]
    cases = list(GROUPINGS) + [
        (
            "one customer (smart button)",
            ["partner_id"],
            ["partner_id"],
            [("partner_id", "=", customer.id)],
        )
    ]
    cases = [case if len(case) == 4 else (*case, []) for case in cases]
    sides = (
        ("report", report, REPORT_MEASURES, 1),
        ("invoice_report", invoice_report, INVOICE_MEASURES, 2),
    )
    # once each, unmeasured: PostgreSQL's buffers and the plan caches warm
    for _name, report_groupby, invoice_groupby, domain in cases:
        for _side, model, measures, index in sides:
            groupby = (report_groupby, invoice_groupby)[index - 1]
            timed_read_group(model, domain, measures, groupby)
    for round_ in range(1, rounds + 1):
        for name, report_groupby, invoice_groupby, domain in cases:
            for side, model, measures, index in sides:
                groupby = (report_groupby, invoice_groupby)[index - 1]
                queries, seconds, groups = timed_read_group(
                    model, domain, measures, groupby
                )
                print(
                    json.dumps(
                        {
                            "round": round_,
                            "grouping": name,
                            "side": side,
                            "queries": queries,
                            "ms": round(seconds * 1000, 2),
                            "groups": len(groups),
                        }
                    ),
                    flush=True,
                )
    # what the two reports count, for the reader to check the data
    revenue = report._read_group([], [], ["revenue:sum", "effort_cost:sum"])[0]
    posted = invoice_report._read_group(
        [("state", "=", "posted"), ("move_type", "in", ("out_invoice", "out_refund"))],
        [],
        ["price_subtotal:sum", "move_id:count_distinct"],
    )[0]
    print(
        json.dumps(
            {
                "check": True,
                "report_revenue": round(revenue[0], 2),
                "report_effort": round(revenue[1], 2),
                "invoice_report_posted_customer_subtotal": round(posted[0], 2),
                "posted_customer_invoices": posted[1],
                "rows": report.search_count([]),
                "invoice_report_rows": invoice_report.search_count([]),
            }
        )
    )


def main():
    command, conf, db = sys.argv[1:4]
    config.parse_config(["-c", conf, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        if command == "generate":
            invoices, customers = int(sys.argv[4]), int(sys.argv[5])
            wanted = f"{invoices}/{customers}/{SEED}"
            found = env["ir.config_parameter"].get_param(PARAM_KEY)
            if found == wanted:
                print(f"reusing the data in {db} ({wanted})")
                return
            if found or env["res.partner"].search_count(
                [("name", "=like", "Bench Customer %")]
            ):
                print(f"{db} holds other data ({found or 'unfinished'})")
                sys.exit(3)
            Generator(env, invoices, customers).run()
        elif command == "measure":
            measure(env, int(sys.argv[4]))
            cr.rollback()
        else:
            sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
