"""Run Odoo (install or upgrade, optionally with tests) and report like pytest.

odoo-bin prints no pytest-style summary and lets warnings pass. This runner
starts Odoo in-process exactly as odoo-bin does, then reads the test report of
the registry it loaded and every WARNING or worse that reached the log, and
writes both as JSON for setup/test.sh to add up.

    python odoo_test_runner.py REPORT.json -- <odoo-bin arguments>
"""

import json
import logging
import sys

import odoo
from odoo.modules.registry import Registry
from odoo.tools import config


class LogCollector(logging.Handler):
    """Keeps the records that make a run unclean, and the skip notices."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.problems = []
        self.skips = []

    def emit(self, record):
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            if record.exc_info:
                message += "\n" + logging.Formatter().formatException(record.exc_info)
            self.problems.append(f"{record.levelname} {record.name}: {message}")
        elif message.startswith("skipped "):
            self.skips.append(message)


def main(report_path, odoo_args):
    config.parse_config(odoo_args, setup_logging=True)
    collector = LogCollector()
    logging.getLogger().addHandler(collector)

    db_name = config["db_name"]
    # as odoo-bin does: a database that does not exist yet is created empty
    try:
        odoo.service.db._create_empty_database(db_name)
        config["init"]["base"] = True
    except odoo.service.db.DatabaseExists:
        pass

    loaded = []
    original_new = Registry.new

    def capturing_new(*args, **kwargs):
        registry = original_new(*args, **kwargs)
        loaded.append(registry)
        return registry

    Registry.new = capturing_new
    exit_code = odoo.service.server.start(preload=[db_name], stop=True)

    result = loaded[-1]._assertion_report if loaded else None
    run = result.testsRun if result else 0
    failed = (result.failures_count + result.errors_count) if result else 0
    skipped = result.skipped if result else 0
    report = {
        "exit_code": exit_code,
        "registry_loaded": bool(loaded),
        "tests_run": run,
        "failed": failed,
        "skipped": skipped,
        "passed": run - failed - skipped,
        "log_problems": collector.problems,
        "skips": collector.skips,
    }
    with open(report_path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
    clean = exit_code == 0 and loaded and not failed and not collector.problems
    return 0 if clean else 1


if __name__ == "__main__":
    separator = sys.argv.index("--")
    sys.exit(main(sys.argv[1], sys.argv[separator + 1 :]))
