# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .onboarding_common import OnboardingOrderCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestOnboarding(OnboardingOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()

    def _started_order(self, offering_type="consulting", prefix="Board"):
        lead = self._create_won_deals(1, offering_type=offering_type, prefix=prefix)
        lead.action_convert_to_customer()
        return lead.order_ids

    # Activity plans -----------------------------------------------------

    def test_plan_roles_resolve_to_assignees(self):
        order = self._started_order()
        order.write({"onboarding_tsm_id": False})
        order.activity_ids.unlink()
        order.action_launch_onboarding_plan(
            "vshn_sales_onboarding.mail_activity_plan_kickoff"
        )
        by_summary = {a.summary: a.user_id for a in order.activity_ids}
        self.assertEqual(
            by_summary[
                "Organize and host the kickoff with the customer and the engineers"
            ],
            self.user_salesman,
        )
        # a vacant role falls back to the (Key) Account Manager
        self.assertEqual(
            by_summary["Prepare the technical part of the kickoff"], self.user_salesman
        )
        order.write({"onboarding_tsm_id": self.user_tsm.id})
        order.activity_ids.unlink()
        order.action_launch_onboarding_plan(
            "vshn_sales_onboarding.mail_activity_plan_retrospective"
        )
        by_summary = {a.summary: a.user_id for a in order.activity_ids}
        self.assertEqual(
            by_summary["Collect the customer's journey feedback"], self.user_csm
        )

    def test_plan_role_limited_to_sale_orders(self):
        plan = self.env["mail.activity.plan"].create(
            {"name": "Leads", "res_model": "crm.lead"}
        )
        with self.assertRaises(ValidationError):
            self.env["mail.activity.plan.template"].create(
                {
                    "plan_id": plan.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "responsible_type": "vshn_onboarding_role",
                    "onboarding_role": "csm",
                }
            )

    def test_retrospective_required_for_large_onboardings(self):
        self.env.company.onboarding_retrospective_amount = 500
        order = self._started_order(prefix="Large")
        self.assertTrue(order.onboarding_retrospective_required)
        self.assertIn(
            "Retrospective", order.activity_ids.activity_type_id.mapped("name")
        )
        self.env.company.onboarding_retrospective_amount = 0
        small = self._started_order(prefix="Small")
        self.assertFalse(small.onboarding_retrospective_required)
        self.assertNotIn(
            "Retrospective", small.activity_ids.activity_type_id.mapped("name")
        )

    # Initialization -----------------------------------------------------

    def test_initialization_consulting(self):
        order = self._started_order("consulting", prefix="Consult")
        order.write({"onboarding_stage_id": self.stages["initialization"].id})
        self.assertTrue(order.onboarding_initialized)
        self.assertEqual(
            sorted(order.onboarding_task_ids.mapped("onboarding_task_kind")),
            ["allocation", "ticket", "workshop"],
        )
        self.assertEqual(
            order.onboarding_task_ids.project_id, self.env.company.onboarding_project_id
        )
        # entering again, or the button, creates nothing more
        order.write({"onboarding_stage_id": self.stages["setup"].id})
        order.write({"onboarding_stage_id": self.stages["initialization"].id})
        order.action_initialize_onboarding()
        self.assertEqual(len(order.onboarding_task_ids), 3)

    def test_initialization_standard_service(self):
        order = self._started_order("standard_service", prefix="Standard")
        order.action_initialize_onboarding()
        tasks = order.onboarding_task_ids
        self.assertEqual(
            sorted(tasks.mapped("onboarding_task_kind")), ["handover", "requirements"]
        )
        requirements = tasks.filtered(
            lambda task: task.onboarding_task_kind == "requirements"
        )
        self.assertEqual(requirements.partner_id, order.onboarding_technical_contact_id)
        self.assertEqual(requirements.user_ids, self.user_tsm)

    def test_initialization_project_from_template(self):
        template = self.env["project.project"].create(
            {
                "name": "Onboarding project template",
                "task_ids": [Command.create({"name": "Create tickets with engineers"})],
            }
        )
        self.env.company.onboarding_project_template_id = template
        order = self._started_order("project", prefix="Project")
        order.action_initialize_onboarding()
        project = order.project_id
        self.assertTrue(project)
        self.assertNotEqual(project, template)
        self.assertEqual(project.user_id, self.user_pm)
        self.assertIn("Create tickets with engineers", project.task_ids.mapped("name"))
        self.assertEqual(
            sorted(order.onboarding_task_ids.mapped("onboarding_task_kind")),
            ["planning", "review"],
        )
        self.assertEqual(order.onboarding_task_ids.project_id, project)

    # Definition of Done -------------------------------------------------

    def test_dod_progress_and_invoice_evidence(self):
        order = self._started_order(prefix="Dod")
        self.assertEqual(order.onboarding_dod_progress, 0)
        invoicing = order.onboarding_dod_line_ids.filtered("evidence")
        invoicing.action_mark_done()  # typed ticks are ignored for evidence
        self.assertFalse(invoicing.is_done)
        (order.onboarding_dod_line_ids - invoicing).action_mark_done()
        self.assertEqual(order.onboarding_dod_progress, 80)
        self.assertFalse(order.onboarding_dod_complete)
        invoice = order._create_invoices()
        self.assertFalse(invoicing.is_done)
        invoice.action_post()
        self.assertTrue(invoicing.is_done)
        self.assertEqual(order.onboarding_dod_progress, 100)
        self.assertTrue(order.onboarding_dod_complete)

    def test_dates_and_overdue(self):
        order = self._started_order(prefix="Late")
        order.onboarding_date_start = fields.Date.subtract(
            fields.Date.context_today(order), days=40
        )
        self.assertEqual(order.onboarding_days_since_start, 40)
        self.assertTrue(order.onboarding_is_overdue)
        self.assertIn(
            order, self.env["sale.order"].search([("onboarding_is_overdue", "=", True)])
        )
        self.assertNotIn(
            order,
            self.env["sale.order"].search([("onboarding_is_overdue", "=", False)]),
        )

    # Gates --------------------------------------------------------------

    def test_gate_kickoff_as_account_manager(self):
        order = self._started_order(prefix="Gate")
        order.write({"onboarding_service_manager_id": False})
        as_am = order.with_user(self.user_salesman)
        with self.assertRaisesMessage(ValidationError, "Service Manager") as error:
            as_am.write({"onboarding_stage_id": self.stages["kickoff"].id})
        self.assertIn("handover", str(error.exception))
        self.assertEqual(order.onboarding_stage_id, self.stages["handover"])
        as_am.write({"onboarding_service_manager_id": self.user_sm.id})
        self._mark_activities_done(as_am, "handover")
        self.assertTrue(as_am.onboarding_handover_done)
        as_am.write({"onboarding_stage_id": self.stages["kickoff"].id})
        self.assertEqual(order.onboarding_stage_id, self.stages["kickoff"])

    def test_gate_done_needs_dod_and_retrospective(self):
        self.env.company.onboarding_retrospective_amount = 1
        order = self._started_order(prefix="Done")
        as_am = order.with_user(self.user_salesman)
        self._mark_activities_done(as_am, "handover")
        self._mark_activities_done(as_am, "kickoff")
        as_am.action_initialize_onboarding()
        as_am.write({"onboarding_stage_id": self.stages["review"].id})
        with self.assertRaisesMessage(ValidationError, "Definition of Done") as error:
            as_am.write({"onboarding_stage_id": self.stages["done"].id})
        self.assertIn("retrospective", str(error.exception))
        as_am.onboarding_dod_line_ids.filtered(lambda line: not line.evidence).write(
            {"state": "done"}
        )
        order._create_invoices().action_post()
        self._mark_activities_done(as_am, "retrospective")
        as_am.write({"onboarding_stage_id": self.stages["done"].id})
        self.assertTrue(order.onboarding_is_done)
        self.assertFalse(order.onboarding_is_overdue)

    def test_gate_only_confirmed_orders(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env["res.partner"].create({"name": "Draft AG"}).id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        with self.assertRaisesMessage(ValidationError, "a confirmed order"):
            order.write({"onboarding_stage_id": self.stages["handover"].id})

    def test_manager_bypass_through_wizard(self):
        order = self._started_order(prefix="Bypass")
        wizard = (
            self.env["vshn.onboarding.gate.bypass"]
            .with_user(self.user_manager)
            .create(
                {
                    "res_model": "sale.order",
                    "res_ids": str(order.ids),
                    "onboarding_stage_id": self.stages["kickoff"].id,
                    "reason": "Handover done in person",
                }
            )
        )
        self.assertIn("handover", wizard.missing)
        wizard.action_bypass()
        self.assertEqual(order.onboarding_stage_id, self.stages["kickoff"])
        self.assertIn("Handover done in person", order.message_ids[0].body)

    def test_next_order_knows_account_team(self):
        order = self._started_order(prefix="Repeat")
        second = self.env["sale.order"].create(
            {
                "partner_id": order.partner_id.id,
                "user_id": self.user_salesman.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        self.env["vshn.onboarding.role.default"].search([]).unlink()
        second.action_confirm()
        self.assertEqual(second.onboarding_csm_id, self.user_csm)
        self.assertEqual(second.onboarding_service_manager_id, self.user_sm)
        self.assertEqual(second.onboarding_account_manager_id, self.user_salesman)
