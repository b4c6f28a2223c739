"""Install, uninstall and reinstall the addon on a database with sales data.

    python lifecycle_check.py ODOO_CONF DATABASE REPORT.xml WORKDIR

Three checks, written as a junit report that setup/test_summary.py adds up:

install    Odoo's sales apps and the addon's other dependencies first, without
           demo data, then business data as users make it (customers, leads in
           each of crm's stages, quotations and confirmed orders: records no
           module owns), then the addon on that database; with clean logs.
uninstall  the addon used (a quotation confirmed: a customer converted, an
           onboarding started), then uninstalled (button_immediate_uninstall,
           as the Apps menu does), with a clean log: crm's own stages are active again,
           every lead that had a stage is in one that exists, and nothing of
           the addon is left: no table or column of the models and fields its
           ir_model_data named, no relation table or SQL constraint of it, no
           menu, window or server action, view, or ir_model_data row.
reinstall  the addon installed again on the same database, with a clean log.

DATABASE is dropped and created afresh. Each Odoo step runs in a process of
its own: the installs through setup/odoo_test_runner.py, the uninstall
through this script's `uninstall` command. Logs and step reports go to
WORKDIR. Exits 0 when all three checks pass, else 1.
"""

import ast
import configparser
import json
import pathlib
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import psycopg2

ADDON = "vshn_sales_onboarding"
# a database in use: CRM leads and sale orders, projects, timesheets, employees
SALES_APPS = ("sale_crm", "sale_management", "sale_project", "sale_timesheet", "hr")
CRM_STAGES = ("stage_lead1", "stage_lead2", "stage_lead3", "stage_lead4")
# the records of the module that must leave with it, besides its ir_model_data
UI_MODELS = ("ir.ui.menu", "ir.actions.act_window", "ir.actions.server", "ir.ui.view")
HERE = pathlib.Path(__file__).resolve().parent
MANIFEST = HERE.parent / ADDON / "__manifest__.py"
ODOO_ARGS = ("--log-level=info", "--max-cron-threads=0", "--stop-after-init")

# the module's records that no other module holds an external id for
OWNED_SQL = """
    SELECT d.model, d.res_id, d.name FROM ir_model_data d
     WHERE d.module = %(module)s AND NOT EXISTS (
           SELECT 1 FROM ir_model_data other
            WHERE other.model = d.model AND other.res_id = d.res_id
              AND other.module NOT IN (%(module)s, '__cloc_exclude__'))
"""


class CheckFailed(Exception):
    pass


# --- the orchestrating process (no Odoo imported) ------------------------


class Lifecycle:
    def __init__(self, conf, database, workdir):
        self.conf = conf
        self.database = database
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        parser = configparser.ConfigParser()
        parser.read(conf)
        self.options = parser["options"]

    def connect(self, database=None):
        options = self.options
        return psycopg2.connect(
            dbname=database or self.database,
            host=options.get("db_host") or None,
            port=options.get("db_port") or None,
            user=options.get("db_user") or None,
            password=options.get("db_password") or None,
        )

    def query(self, sql, params=None):
        connection = self.connect()
        try:
            with connection.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall()
        finally:
            connection.close()

    def drop_database(self):
        connection = self.connect("postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cr:
                cr.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        finally:
            connection.close()
        data_dir = self.options.get("data_dir")
        if data_dir:
            shutil.rmtree(pathlib.Path(data_dir, "filestore", self.database), True)

    def run(self, step, command):
        """Run COMMAND, {report} in it standing for WORKDIR/STEP.json; that report."""
        report = self.workdir / f"{step}.json"
        log = self.workdir / f"{step}.log"
        report.unlink(missing_ok=True)
        command = [str(report) if part == "{report}" else part for part in command]
        with open(log, "w", encoding="utf-8") as out:
            subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=False)
        if not report.exists():
            tail = log.read_text(encoding="utf-8").splitlines()[-15:]
            raise CheckFailed("\n".join([f"{step} crashed (log: {log}):", *tail]))
        return json.loads(report.read_text(encoding="utf-8")), log

    def odoo(self, step, *args):
        """Run Odoo through the reporting runner; the problems of the run."""
        runner = str(HERE / "odoo_test_runner.py")
        odoo_args = ["-c", self.conf, "-d", self.database, *ODOO_ARGS, *args]
        result, log = self.run(
            step, [sys.executable, runner, "{report}", "--", *odoo_args]
        )
        problems = list(result["log_problems"])
        if not result["registry_loaded"] or result["exit_code"]:
            problems.insert(0, f"Odoo exited with {result['exit_code']} (log: {log})")
        return problems

    def module_state(self):
        rows = self.query("SELECT state FROM ir_module_module WHERE name = %s", [ADDON])
        return rows[0][0] if rows else None

    # the three checks: each returns nothing or raises CheckFailed

    def check_install(self):
        self.drop_database()
        depends = ast.literal_eval(MANIFEST.read_text(encoding="utf-8"))["depends"]
        base = ",".join(dict.fromkeys([*SALES_APPS, *depends]))
        problems = self.odoo("install-base", "-i", base, "--without-demo=all")
        if problems:
            raise CheckFailed(f"installing {base}:", problems)
        command = [sys.executable, __file__, "seed", self.conf, self.database]
        result, log = self.run("seed", [*command, "{report}"])
        if result["problems"]:
            raise CheckFailed(f"making business data (log: {log}):", result["problems"])
        in_crm_stages = self.query(
            """SELECT count(*) FROM crm_lead l
                 JOIN ir_model_data d ON d.model = 'crm.stage' AND d.res_id = l.stage_id
                WHERE d.module = 'crm' AND d.name IN %s""",
            [CRM_STAGES],
        )[0][0]
        orders = self.query("SELECT count(*) FROM sale_order")[0][0]
        if not in_crm_stages or not orders:
            raise CheckFailed(
                f"the business data holds {in_crm_stages} leads in crm's stages and "
                f"{orders} sale orders: the lifecycle would prove nothing"
            )
        problems = self.odoo("install", "-i", ADDON)
        if problems:
            raise CheckFailed(f"installing {ADDON} on that database:", problems)
        if self.module_state() != "installed":
            raise CheckFailed(f"{ADDON} is {self.module_state()} after its install")

    def check_uninstall(self):
        command = [sys.executable, __file__, "uninstall", self.conf, self.database]
        result, log = self.run("uninstall", [*command, "{report}"])
        if result["problems"]:
            raise CheckFailed(f"uninstalling {ADDON} (log: {log}):", result["problems"])

    def check_reinstall(self):
        state = self.module_state()
        if state != "uninstalled":
            raise CheckFailed(f"not run: {ADDON} is {state}, not uninstalled")
        problems = self.odoo("reinstall", "-i", ADDON)
        if problems:
            raise CheckFailed(f"installing {ADDON} again:", problems)
        if self.module_state() != "installed":
            raise CheckFailed(f"{ADDON} is {self.module_state()} after its reinstall")


def failure_text(error):
    lines = []
    for part in error.args:
        if isinstance(part, list | tuple):
            lines.extend(f"  - {line[:600]}" for line in part[:30])
            if len(part) > 30:
                lines.append(f"  ... and {len(part) - 30} more")
        else:
            lines.append(str(part))
    return "\n".join(lines)


def run_checks(conf, database, report_path, workdir):
    lifecycle = Lifecycle(conf, database, workdir)
    checks = [
        ("test_install_on_a_database_with_sales_data", lifecycle.check_install),
        ("test_uninstall_leaves_nothing_behind", lifecycle.check_uninstall),
        ("test_reinstall_on_the_same_database", lifecycle.check_reinstall),
    ]
    results = []
    install_failed = False
    for name, check in checks:
        start = time.monotonic()
        message = None
        if install_failed:
            message = "not run: the install failed"
        else:
            try:
                check()
            except CheckFailed as error:
                message = failure_text(error)
            except Exception as error:  # a crash of the check itself fails it too
                message = f"{type(error).__name__}: {error}"
            install_failed = message is not None and check == lifecycle.check_install
        elapsed = time.monotonic() - start
        results.append((name, message, elapsed))
        status = "PASSED" if message is None else "FAILED"
        print(f"lifecycle {name}: {status} in {elapsed:.0f}s", flush=True)
        if message:
            print("    " + message.replace("\n", "\n    "), flush=True)
    write_junit(report_path, results)
    return 0 if all(message is None for _, message, _ in results) else 1


def write_junit(path, results):
    failures = sum(1 for _, message, _ in results if message)
    suites = ET.Element("testsuites")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="lifecycle",
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{sum(elapsed for _, _, elapsed in results):.1f}",
    )
    for name, message, elapsed in results:
        case = ET.SubElement(
            suite, "testcase", classname="lifecycle", name=name, time=f"{elapsed:.1f}"
        )
        if message:
            ET.SubElement(case, "failure", message=message).text = message
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


# --- the uninstall process (Odoo in-process) -----------------------------


def existing_tables(cr, tables):
    if not tables:
        return set()
    cr.execute(
        """SELECT table_name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_name IN %s""",
        [tuple(tables)],
    )
    return {row[0] for row in cr.fetchall()}


def existing_columns(cr, columns):
    if not columns:
        return set()
    cr.execute(
        """SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema()
              AND (table_name, column_name) IN %s""",
        [tuple(columns)],
    )
    return set(cr.fetchall())


def existing_constraints(cr, names):
    if not names:
        return set()
    cr.execute("SELECT conname FROM pg_constraint WHERE conname IN %s", [tuple(names)])
    return {row[0] for row in cr.fetchall()}


def spread_leads(cr, owned):
    """A pipeline in use: a lead that is not the module's in each of its stages.

    Its demo leads leave with it; the uninstall must give everyone else's
    leads back to crm's stages, whichever step they are at.
    """
    stages = sorted(owned.get("crm.stage", ()))
    leads = tuple(owned.get("crm.lead", ())) or (0,)
    cr.execute(
        "SELECT id FROM crm_lead WHERE id NOT IN %s ORDER BY id LIMIT %s",
        [leads, len(stages)],
    )
    for (lead_id,), stage_id in zip(cr.fetchall(), stages, strict=False):
        cr.execute(
            "UPDATE crm_lead SET stage_id = %s WHERE id = %s", [stage_id, lead_id]
        )


def record_module(env):
    """What the module owns in the schema and the data, before its uninstall."""
    cr = env.cr
    cr.execute(OWNED_SQL, {"module": ADDON})
    owned = {}
    for model, res_id, _name in cr.fetchall():
        owned.setdefault(model, set()).add(res_id)

    tables, columns = set(), set()
    for model in env["ir.model"].browse(owned.get("ir.model", ())):
        if model.model in env.registry and env[model.model]._auto:
            tables.add(env[model.model]._table)
    for ir_field in env["ir.model.fields"].browse(owned.get("ir.model.fields", ())):
        if ir_field.model not in env.registry:
            continue
        record_model = env[ir_field.model]
        field = record_model._fields.get(ir_field.name)
        if field is None or not field.store or not record_model._auto:
            continue
        if field.type == "many2many":
            tables.add(field.relation)
        elif field.column_type:
            columns.add((record_model._table, field.name))
    cr.execute(
        """SELECT r.name FROM ir_model_relation r
             JOIN ir_module_module m ON m.id = r.module WHERE m.name = %s""",
        [ADDON],
    )
    tables.update(row[0] for row in cr.fetchall())
    constraints = env["ir.model.constraint"].browse(
        owned.get("ir.model.constraint", [])
    )
    constraint_names = [c.name for c in constraints if c.type == "u"]

    rows = {}
    for model in UI_MODELS:
        if owned.get(model):
            rows[env[model]._table] = sorted(owned[model])
    spread_leads(cr, owned)
    cr.execute("SELECT id FROM crm_lead WHERE stage_id IS NOT NULL")
    staged_leads = [row[0] for row in cr.fetchall()]
    return {
        "tables": sorted(existing_tables(cr, tables)),
        "columns": sorted(existing_columns(cr, columns)),
        "constraints": sorted(existing_constraints(cr, constraint_names)),
        "rows": rows,
        "staged_leads": staged_leads,
    }


def check_module_gone(cr, before):
    """The problems left after the uninstall, as sentences."""
    problems = []
    cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [ADDON])
    state = cr.fetchone()[0]
    if state != "uninstalled":
        problems.append(f"{ADDON} is {state} after its uninstall")

    # crm.stage has no active flag of its own: where none is left, all are active
    has_active = existing_columns(cr, [("crm_stage", "active")])
    active = "s.active" if has_active else "TRUE"
    for name in CRM_STAGES:
        cr.execute(
            f"""SELECT s.id, {active} FROM ir_model_data d
                  LEFT JOIN crm_stage s ON s.id = d.res_id
                 WHERE d.module = 'crm' AND d.model = 'crm.stage' AND d.name = %s""",
            [name],
        )
        row = cr.fetchone()
        if not row or row[0] is None:
            problems.append(f"crm's stage crm.{name} no longer exists")
        elif not row[1]:
            problems.append(f"crm's stage crm.{name} is still archived")
    if before["staged_leads"]:
        cr.execute(
            """SELECT l.id, l.name, l.stage_id FROM crm_lead l
                 LEFT JOIN crm_stage s ON s.id = l.stage_id
                WHERE l.id IN %s AND s.id IS NULL ORDER BY l.id""",
            [tuple(before["staged_leads"])],
        )
        for lead_id, name, stage_id in cr.fetchall():
            problems.append(
                f"lead {lead_id} ({name}) is in no existing stage (stage_id {stage_id})"
            )

    for table in sorted(existing_tables(cr, before["tables"])):
        problems.append(f"table {table} is left")
    columns = [tuple(column) for column in before["columns"]]
    for table, column in sorted(existing_columns(cr, columns)):
        problems.append(f"column {table}.{column} is left")
    for name in sorted(existing_constraints(cr, before["constraints"])):
        problems.append(f"constraint {name} is left")
    for table, ids in before["rows"].items():
        cr.execute(f'SELECT id FROM "{table}" WHERE id IN %s ORDER BY id', [tuple(ids)])
        left = [row[0] for row in cr.fetchall()]
        if left:
            problems.append(f"{len(left)} rows of {table} are left: ids {left[:20]}")
    cr.execute(
        "SELECT model, name FROM ir_model_data WHERE module = %s ORDER BY model, name",
        [ADDON],
    )
    for model, name in cr.fetchall():
        problems.append(f"ir_model_data {ADDON}.{name} ({model}) is left")
    return problems


def open_registry(conf, database):
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", conf, "-d", database, *ODOO_ARGS], setup_logging=True)
    return Registry(database)


def seed(conf, database, report_path):
    """Business data as users make it: no module owns these records."""
    from odoo import SUPERUSER_ID, Command, api

    problems = []
    with open_registry(conf, database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        customers = env["res.partner"].create(
            [{"name": f"Lifecycle Customer {i}", "is_company": True} for i in range(6)]
        )
        stages = [env.ref(f"crm.{name}") for name in CRM_STAGES]
        env["crm.lead"].create(
            [
                {
                    "name": f"Lifecycle deal {index}",
                    "type": "opportunity",
                    "partner_id": customer.id,
                    "stage_id": stages[index % len(stages)].id,
                }
                for index, customer in enumerate(customers)
            ]
        )
        product = env["product.product"].create(
            {"name": "Lifecycle Service", "type": "service", "list_price": 100}
        )
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
                for customer in customers[:4]
            ]
        )
        orders[:2].action_confirm()
    with open(report_path, "w", encoding="utf-8") as handle:
        json.dump({"problems": problems}, handle)
    return 0


def use_addon(env):
    """The addon in use before it goes: a quotation confirmed and converted."""
    quotation = env["sale.order"].search([("state", "=", "draft")], limit=1)
    quotation.action_confirm()
    return bool(quotation.onboarding_id)


def uninstall(conf, database, report_path):
    import odoo_test_runner

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    registry = open_registry(conf, database)
    collector = odoo_test_runner.LogCollector()
    odoo_test_runner.logging.getLogger().addHandler(collector)
    problems = []
    with registry.cursor() as cr:
        if not use_addon(api.Environment(cr, SUPERUSER_ID, {})):
            problems.append("confirming a quotation started no onboarding")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        before = record_module(env)
        env.invalidate_all()
        module = env["ir.module.module"].search([("name", "=", ADDON)])
        if module.state != "installed":
            problems.append(f"{ADDON} is {module.state}, not installed")
        else:
            module.button_immediate_uninstall()
    with Registry(database).cursor() as cr:
        problems += check_module_gone(cr, before)
    # one line each: "ERROR odoo.sql_db: bad query: ... / ERROR: ... / DETAIL: ..."
    problems += [
        "log: " + " / ".join(part.strip() for part in line.splitlines() if part.strip())
        for line in collector.problems
    ]
    with open(report_path, "w", encoding="utf-8") as handle:
        json.dump({"recorded": before, "problems": problems}, handle, indent=2)
    return 0 if not problems else 1


if __name__ == "__main__":
    if sys.argv[1] == "uninstall":
        sys.exit(uninstall(*sys.argv[2:5]))
    if sys.argv[1] == "seed":
        sys.exit(seed(*sys.argv[2:5]))
    sys.exit(run_checks(*sys.argv[1:5]))
