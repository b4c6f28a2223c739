# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    as_process,
)

from .onboarding_common import STAGE_KEYS, OnboardingOrderCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestOnboarding(OnboardingOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()

    def _launch_plan(self, onboarding, plan_xmlid, user):
        """Launch a plan on the onboarding through core's scheduling wizard."""
        plan = self.env.ref(plan_xmlid)
        wizard = (
            self.env["mail.activity.schedule"]
            .with_user(user)
            .with_context(active_model=onboarding._name, active_ids=onboarding.ids)
            .create({"plan_id": plan.id})
        )
        wizard.action_schedule_plan()
        onboarding.invalidate_recordset(["activity_ids"])

    # Activity plans -----------------------------------------------------

    def test_plan_roles_resolve_to_assignees(self):
        onboarding = self._start_onboarding()
        tsm_line = onboarding.stakeholder_ids.filtered(
            lambda line: line.role_id == self.roles["tsm"]
        )
        tsm_line.user_id = False
        onboarding.activity_ids.unlink()
        self._launch_plan(
            onboarding,
            "vshn_sales_onboarding.mail_activity_plan_kickoff",
            self.user_salesman,
        )
        by_summary = {a.summary: a.user_id for a in onboarding.activity_ids}
        self.assertEqual(
            by_summary[
                "Organize and host the kickoff with the customer and the engineers"
            ],
            self.user_salesman,
        )
        # a vacant role falls back to its stand-in, the (Key) Account Manager
        self.assertEqual(
            by_summary["Prepare the technical part of the kickoff"], self.user_salesman
        )
        tsm_line.user_id = self.user_tsm
        onboarding.activity_ids.unlink()
        self._launch_plan(
            onboarding,
            "vshn_sales_onboarding.mail_activity_plan_retrospective",
            self.user_salesman,
        )
        by_summary = {a.summary: a.user_id for a in onboarding.activity_ids}
        self.assertEqual(
            by_summary["Collect the customer's journey feedback"], self.user_csm
        )
        self.assertEqual(
            by_summary["Retrospective with the involved parties"], self.user_salesman
        )

    def test_plan_vacant_role_without_stand_in_goes_to_owner(self):
        onboarding = self._start_onboarding(prefix="Owner")
        onboarding.stakeholder_ids.filtered(
            lambda line: line.role_id == self.roles["account_manager"]
        ).unlink()
        onboarding.user_id = self.user_manager
        self.assertEqual(
            onboarding._vshn_get_role_assignee(self.roles["tsm"]), self.user_tsm
        )
        # a vacant role without a stand-in: the owner
        self.assertEqual(
            onboarding._vshn_get_role_assignee(self.roles["inside_sales"]),
            self.user_manager,
        )
        # a vacant role whose stand-in (the Account Manager) is vacant: the owner
        onboarding.csm_id = False
        self.assertEqual(
            onboarding._vshn_get_role_assignee(self.roles["csm"]), self.user_manager
        )

    def test_plan_role_limited_to_onboarding_plans(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        plan = self.env["mail.activity.plan"].create(
            {"name": "Leads", "res_model": "crm.lead"}
        )
        with self.assertRaisesMessage(ValidationError, "limited to Onboarding plans"):
            self.env["mail.activity.plan.template"].create(
                {
                    "plan_id": plan.id,
                    "activity_type_id": todo.id,
                    "responsible_type": "vshn_onboarding_role",
                    "vshn_onboarding_role_id": self.roles["csm"].id,
                }
            )
        onboarding_plan = self.env["mail.activity.plan"].create(
            {"name": "Onboardings", "res_model": "vshn.onboarding"}
        )
        with self.assertRaisesMessage(ValidationError, "choose the onboarding role"):
            self.env["mail.activity.plan.template"].create(
                {
                    "plan_id": onboarding_plan.id,
                    "activity_type_id": todo.id,
                    "responsible_type": "vshn_onboarding_role",
                }
            )

    def test_retrospective_required_for_large_onboardings(self):
        self.env.company.onboarding_retrospective_amount = 500
        onboarding = self._start_onboarding(prefix="Large")
        self.assertTrue(onboarding.retrospective_required)
        self.assertIn(
            "Retrospective", onboarding.activity_ids.activity_type_id.mapped("name")
        )
        self.env.company.onboarding_retrospective_amount = 0
        small = self._start_onboarding(prefix="Small")
        self.assertFalse(small.retrospective_required)
        self.assertNotIn(
            "Retrospective", small.activity_ids.activity_type_id.mapped("name")
        )

    # Initialization -----------------------------------------------------

    def test_initialization_consulting(self):
        onboarding = self._start_onboarding("consulting", prefix="Consult")
        as_am = onboarding.with_user(self.user_salesman)
        as_am.write({"stage_id": self.stages["initialization"].id})
        self.assertTrue(onboarding.initialized)
        tasks = onboarding.task_ids
        self.assertEqual(
            sorted(tasks.mapped("onboarding_task_kind")),
            ["allocation", "ticket", "workshop"],
        )
        self.assertEqual(tasks.project_id, self.env.company.onboarding_project_id)
        self.assertEqual(onboarding.project_id, tasks.project_id)
        # the tasks sell the order's service line
        self.assertEqual(tasks.sale_line_id, onboarding.order_ids.order_line)
        self.assertEqual(tasks.user_ids, self.user_salesman)
        # entering again, or the button, creates nothing more
        as_am.write({"stage_id": self.stages["setup"].id})
        as_am.write({"stage_id": self.stages["initialization"].id})
        as_am.action_initialize()
        self.assertEqual(len(onboarding.task_ids), 3)
        self.assertEqual(onboarding.task_count, 3)

    def test_initialization_standard_service(self):
        onboarding = self._start_onboarding("standard_service", prefix="Standard")
        onboarding.with_user(self.user_salesman).action_initialize()
        tasks = onboarding.task_ids
        self.assertEqual(
            sorted(tasks.mapped("onboarding_task_kind")), ["handover", "requirements"]
        )
        requirements = tasks.filtered(
            lambda task: task.onboarding_task_kind == "requirements"
        )
        self.assertEqual(requirements.partner_id, onboarding.technical_contact_id)
        self.assertEqual(requirements.user_ids, self.user_tsm)

    def test_initialization_project_from_template(self):
        template = self.env["project.project"].create(
            {
                "name": "Onboarding project template",
                "task_ids": [Command.create({"name": "Create tickets with engineers"})],
            }
        )
        self.env.company.onboarding_project_template_id = template
        onboarding = self._start_onboarding("project", prefix="Project")
        onboarding.with_user(self.user_salesman).action_initialize()
        project = onboarding.project_id
        order = onboarding.order_ids
        self.assertTrue(project)
        self.assertNotEqual(project, template)
        self.assertEqual(project.user_id, self.user_pm)
        self.assertEqual(project.sale_line_id, order.order_line)
        self.assertEqual(project.reinvoiced_sale_order_id, order)
        self.assertIn("Create tickets with engineers", project.task_ids.mapped("name"))
        self.assertEqual(
            sorted(onboarding.task_ids.mapped("onboarding_task_kind")),
            ["planning", "review"],
        )
        self.assertEqual(onboarding.task_ids.project_id, project)
        self.assertEqual(onboarding.task_ids.user_ids, self.user_pm)

    # Definition of Done -------------------------------------------------

    def test_dod_progress_and_invoice_evidence(self):
        onboarding = self._start_onboarding(prefix="Dod")
        order = onboarding.order_ids
        self.assertEqual(onboarding.dod_progress, 0)
        invoicing = onboarding.dod_line_ids.filtered("evidence")
        invoicing.action_mark_done()  # typed ticks are ignored for evidence
        self.assertFalse(invoicing.is_done)
        (onboarding.dod_line_ids - invoicing).action_mark_done()
        self.assertEqual(onboarding.dod_progress, 80)
        self.assertFalse(onboarding.dod_complete)
        invoice = order._create_invoices()
        self.assertFalse(invoicing.is_done)
        invoice.action_post()
        self.assertTrue(invoicing.is_done)
        self.assertEqual(onboarding.dod_progress, 100)
        self.assertTrue(onboarding.dod_complete)

    def test_dates_and_overdue(self):
        onboarding = self._start_onboarding(prefix="Late")
        onboarding.date_start = fields.Date.subtract(
            fields.Date.context_today(onboarding), days=40
        )
        self.assertEqual(onboarding.days_since_start, 40)
        self.assertTrue(onboarding.is_overdue)
        onboardings = self.env["vshn.onboarding"]
        self.assertIn(onboarding, onboardings.search([("is_overdue", "=", True)]))
        self.assertNotIn(onboarding, onboardings.search([("is_overdue", "=", False)]))
        self.assertNotIn(onboarding, onboardings.search([("is_overdue", "!=", True)]))
        with self.assertRaises(UserError):
            onboardings.search([("is_overdue", "in", [True])])

    def test_plan_dates_within_each_segment(self):
        """Every activity the segment's journey plans at the start falls
        between Day 0 and the planned end, in order: handover, then kickoff,
        then the retrospective (the journeys replaced the fixed plans)."""
        self.env.company.onboarding_retrospective_amount = 1
        types = {
            key: self.env.ref(f"vshn_sales_onboarding.mail_activity_type_{key}")
            for key in ("handover", "kickoff", "retrospective")
        }
        for xmlid, days in (
            ("vshn_onboarding_segment_enterprise", 60),
            ("vshn_onboarding_segment_midmarket", 45),
            ("vshn_onboarding_segment_smb", 30),
        ):
            segment = self.env.ref(f"vshn_sales_onboarding.{xmlid}")
            with self.subTest(segment=segment.name):
                self.assertEqual(segment.onboarding_days, days)
                lead = self._create_won_deals(1, prefix=xmlid, segment=segment)
                lead.with_user(self.user_salesman).action_convert_to_customer()
                onboarding = lead.order_ids.onboarding_id
                start, end = onboarding.date_start, onboarding.date_end_planned
                self.assertEqual((end - start).days, days)
                self.assertTrue(onboarding.retrospective_required)
                activities = onboarding.activity_ids
                # the journey's steps planned at the start and the
                # introduction review
                self.assertEqual(
                    len(activities),
                    len(onboarding.journey_line_ids.activity_id) + 1,
                )
                for activity in activities:
                    self.assertGreaterEqual(activity.date_deadline, start)
                    self.assertLessEqual(activity.date_deadline, end)
                deadlines = {
                    key: activities.filtered(
                        lambda a, t=activity_type: a.activity_type_id == t
                    ).mapped("date_deadline")
                    for key, activity_type in types.items()
                }
                self.assertTrue(all(deadlines.values()))
                self.assertLess(max(deadlines["handover"]), min(deadlines["kickoff"]))
                self.assertLess(
                    max(deadlines["kickoff"]), min(deadlines["retrospective"])
                )

    # Gates --------------------------------------------------------------

    def test_gate_kickoff_as_account_manager(self):
        onboarding = self._start_onboarding(prefix="Gate")
        as_am = onboarding.with_user(self.user_salesman)
        as_am.write({"service_manager_id": False})
        with self.assertRaisesMessage(ValidationError, "a Service Manager") as error:
            as_am.write({"stage_id": self.stages["kickoff"].id})
        self.assertIn("handover", str(error.exception))
        # a Project Manager is required for projects only
        self.assertNotIn("Project Manager", str(error.exception))
        self.assertEqual(onboarding.stage_id, self.stages["handover"])
        as_am.write({"service_manager_id": self.user_sm.id})
        self._mark_activities_done(as_am, "handover")
        self.assertTrue(as_am.handover_done)
        as_am.write({"stage_id": self.stages["kickoff"].id})
        self.assertEqual(onboarding.stage_id, self.stages["kickoff"])
        self.assertEqual(
            onboarding.order_ids.onboarding_stage_id, self.stages["kickoff"]
        )
        # moving back is never gated
        as_am.write({"stage_id": self.stages["handover"].id})
        self.assertEqual(onboarding.stage_id, self.stages["handover"])

    def test_gate_project_needs_project_manager(self):
        onboarding = self._start_onboarding("project", prefix="GatePM")
        as_am = onboarding.with_user(self.user_salesman)
        self._mark_activities_done(as_am, "handover")
        as_am.write({"project_manager_id": False})
        with self.assertRaisesMessage(ValidationError, "a Project Manager"):
            as_am.write({"stage_id": self.stages["kickoff"].id})
        as_am.write({"project_manager_id": self.user_pm.id})
        as_am.write({"stage_id": self.stages["kickoff"].id})
        self.assertEqual(onboarding.stage_id, self.stages["kickoff"])

    def test_gate_done_needs_dod_and_retrospective(self):
        self.env.company.onboarding_retrospective_amount = 1
        onboarding = self._start_onboarding(prefix="Done")
        as_am = onboarding.with_user(self.user_salesman)
        self._mark_activities_done(as_am, "handover")
        self._mark_activities_done(as_am, "kickoff")
        as_am.action_initialize()
        as_am.write({"stage_id": self.stages["review"].id})
        with self.assertRaisesMessage(ValidationError, "Definition of Done") as error:
            as_am.write({"stage_id": self.stages["done"].id})
        self.assertIn("retrospective", str(error.exception))
        self.assertFalse(onboarding.date_done)
        self._complete_dod(as_am)
        self._mark_activities_done(as_am, "retrospective")
        self.assertTrue(as_am.retrospective_done)
        as_am.write({"stage_id": self.stages["done"].id})
        self.assertTrue(onboarding.is_done)
        self.assertFalse(onboarding.is_overdue)
        self.assertEqual(onboarding.date_done, fields.Date.context_today(onboarding))

    def test_gate_only_confirmed_orders(self):
        """Only a confirmed order starts or joins an onboarding."""
        onboarding = self._start_onboarding(prefix="Draft")
        draft = self._make_order(onboarding.partner_id)
        with self.assertRaisesMessage(UserError, "Only confirmed orders"):
            draft.with_user(self.user_salesman).action_convert_to_customer()
        self.assertFalse(draft.onboarding_id)
        # linked by hand: refused by the ORM, even as superuser ...
        with self.assertRaisesMessage(UserError, "through its conversion"):
            draft.sudo().write({"onboarding_id": onboarding.id})
        # ... and by the database, should code forget to convert first
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesMessage(IntegrityError, "onboarding_means_converted"),
        ):
            as_process(draft.sudo()).write({"onboarding_id": onboarding.id})
            self.env.flush_all()
        self.assertNotIn(draft, onboarding.order_ids)

    def test_manager_bypass_through_wizard(self):
        onboarding = self._start_onboarding(prefix="Bypass")
        wizard = (
            self.env["vshn.onboarding.gate.bypass"]
            .with_user(self.user_manager)
            .create(
                {
                    "res_model": "vshn.onboarding",
                    "res_ids": str(onboarding.ids),
                    "onboarding_stage_id": self.stages["kickoff"].id,
                    "reason": "Handover done in person",
                }
            )
        )
        self.assertIn("handover", wizard.missing)
        wizard.action_bypass()
        self.assertEqual(onboarding.stage_id, self.stages["kickoff"])
        self.assertIn("Handover done in person", onboarding.message_ids[0].body)
        self.assertEqual(
            onboarding.message_ids[0].author_id, self.user_manager.partner_id
        )

    def test_user_cannot_bypass(self):
        onboarding = self._start_onboarding(prefix="NoBypass")
        with self.assertRaises(AccessError):
            onboarding.with_user(self.user_salesman)._bypass_stage_gate(
                self.stages["kickoff"], "I am in a hurry"
            )
        self.assertEqual(onboarding.stage_id, self.stages["handover"])

    def test_next_order_knows_account_team(self):
        """A light onboarding of an existing customer starts with its account
        team, without any role default."""
        onboarding = self._start_onboarding(prefix="Repeat")
        onboarding.with_user(self.user_manager)._bypass_stage_gate(
            self.stages["done"], "Finished elsewhere"
        )
        self.env["vshn.onboarding.role.default"].search([]).unlink()
        second = self._make_order(onboarding.partner_id, offering_type="project")
        second.action_confirm()
        light = second.onboarding_id
        self.assertTrue(light)
        self.assertNotEqual(light, onboarding)
        self.assertEqual(light.kind, "light")
        self.assertEqual(light.csm_id, self.user_csm)
        self.assertEqual(light.service_manager_id, self.user_sm)
        self.assertEqual(light.account_manager_id, self.user_salesman)
        self.assertEqual(self._get_holder(light, "tsm"), self.user_tsm)
        # the deal roles come from the deal that started it
        self.assertEqual(
            self._get_holder(light, "solution_architect"),
            second.opportunity_id.solution_architect_id,
        )

    # Customer status ----------------------------------------------------

    def test_customer_status_follows_the_onboarding(self):
        """Prospect, Onboarding at the conversion, Customer once it is done,
        through every gate as its Account Manager."""
        lead = self._create_won_deals(1, prefix="Status")
        customer = lead.partner_id
        partners = self.env["res.partner"].with_user(self.user_salesman)
        self.assertEqual(customer.customer_status, "prospect")
        lead.with_user(self.user_salesman).action_convert_to_customer()
        onboarding = lead.order_ids.onboarding_id.with_user(self.user_salesman)
        self.assertEqual(customer.customer_status, "onboarding")
        self.assertIn(
            customer, partners.search([("customer_status", "=", "onboarding")])
        )
        self.assertFalse(onboarding.retrospective_required)
        self._mark_activities_done(onboarding, "handover")
        self._mark_activities_done(onboarding, "kickoff")
        self._complete_dod(onboarding)
        for key in STAGE_KEYS[1:]:
            onboarding.write({"stage_id": self.stages[key].id})
            self.assertEqual(onboarding.stage_id, self.stages[key])
            if key != "done":
                self.assertEqual(customer.customer_status, "onboarding")
        self.assertTrue(onboarding.initialized)
        self.assertEqual(customer.customer_status, "customer")
        self.assertIn(customer, partners.search([("customer_status", "=", "customer")]))
        self.assertNotIn(
            customer, partners.search([("customer_status", "=", "onboarding")])
        )
        # a contact shares the status of its company
        self.assertEqual(customer.child_ids.customer_status, "customer")
