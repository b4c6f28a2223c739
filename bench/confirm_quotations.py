"""Confirm N quotations of new customers, as a salesperson, and count the cost.

Run by bench/run.sh on a database with the addon and on one without it (the
same Odoo modules otherwise), so the two figures compare the addon's
confirmation (win the deal, convert, start the onboarding) with stock Odoo's.
Everything is rolled back. Usage: python confirm_quotations.py CONF DB N
"""

import json
import sys
import time

import odoo
from odoo import Command, api
from odoo.tools import config


def make_offer_ready(leads, architect, project_manager):
    """The pipeline done before the offer goes out (confirming needs it)."""
    from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
        as_process,
    )

    leads.write(
        {
            "solution_architect_id": architect.id,
            "project_manager_id": project_manager.id,
            "qualification_problem": "Weekend outages",
            "qualification_scale": "medium",
            "qualification_opportunity": "yes",
            "solution_design": "<p>Managed Kubernetes</p>",
            "customer_timeline": "Q1",
            "delivery_timeline": "Q1",
            "sla_not_needed": True,
            "framework_not_needed": True,
        }
    )
    for lead in leads:
        lead.qualification_contact_id = lead.partner_id
    leads.env["calendar.event"].create(
        [{"name": "SA meeting", "opportunity_id": lead.id} for lead in leads]
    )
    now = odoo.fields.Datetime.now()
    as_process(leads).write(
        {
            "offer_reviewed_by_id": architect.id,
            "offer_reviewed_date": now,
            "timeline_confirmed_by_id": project_manager.id,
            "timeline_confirmed_date": now,
        }
    )


def measure(env, count):
    has_addon = "vshn.onboarding" in env
    group = (
        "vshn_sales_onboarding.group_onboarding_user"
        if has_addon
        else "sales_team.group_sale_salesman"
    )
    users = env["res.users"].with_context(no_reset_password=True)
    salesperson = users.create(
        {
            "name": "Bench Sales",
            "login": "bench_sales",
            "email": "bench.sales@example.com",
            "groups_id": [Command.set([env.ref(group).id])],
        }
    )
    if has_addon:
        managers = users.create(
            [
                {
                    "name": f"Bench {code}",
                    "login": f"bench_{code}",
                    "email": f"bench.{code}@example.com",
                    "groups_id": [Command.set([env.ref(group).id])],
                }
                for code in ("account_manager", "csm", "service_manager", "tsm")
            ]
        )
        env["vshn.onboarding.role.default"].create(
            [
                {
                    "role_id": env.ref(
                        f"vshn_sales_onboarding.vshn_onboarding_role_{code}"
                    ).id,
                    "user_id": user.id,
                }
                for code, user in zip(
                    ("account_manager", "csm", "service_manager", "tsm"),
                    managers,
                    strict=True,
                )
            ]
        )
    product = env["product.product"].create(
        {"name": "Bench Service", "type": "service", "list_price": 1000}
    )
    customers = env["res.partner"].create(
        [{"name": f"Bench Customer {i}", "is_company": True} for i in range(count)]
    )
    leads = env["crm.lead"].create(
        [
            {
                "name": f"Bench deal {customer.name}",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": salesperson.id,
            }
            for customer in customers
        ]
    )
    if has_addon:
        make_offer_ready(leads, managers[3], managers[0])
    orders = env["sale.order"].create(
        [
            {
                "partner_id": lead.partner_id.id,
                "opportunity_id": lead.id,
                "user_id": salesperson.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
            for lead in leads
        ]
    )
    env.flush_all()
    env.invalidate_all()
    orders = orders.with_user(salesperson)
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    orders.action_confirm()
    env.flush_all()
    return {
        "addon": has_addon,
        "orders": count,
        "queries": env.cr.sql_log_count - queries,
        "seconds": round(time.perf_counter() - start, 3),
    }


def main():
    conf, db, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    config.parse_config(["-c", conf, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = measure(env, count)
        cr.rollback()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
