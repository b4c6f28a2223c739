# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    BYPASS_CONTEXT_KEY,
    GATE_BYPASS,
)

from .onboarding_common import OnboardingOrderCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestConversion(OnboardingOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()

    def test_convert_won_lead(self):
        lead = self._create_won_deals(1)
        order = lead.order_ids
        customer = lead.partner_id
        self.assertEqual(customer.customer_status, "prospect")
        result = lead.action_convert_to_customer()
        self.assertEqual(result["params"]["type"], "success")
        # the customer
        self.assertEqual(customer.customer_status, "onboarding")
        self.assertTrue(customer.customer_reference.startswith("C"))
        self.assertGreaterEqual(customer.customer_rank, 1)
        # the onboarding, its roles from the lead and the defaults
        self.assertEqual(order.onboarding_stage_id, self.stages["handover"])
        self.assertEqual(order.onboarding_date_start, order.date_order.date())
        self.assertEqual(
            order.onboarding_date_end_planned.toordinal(),
            order.onboarding_date_start.toordinal() + 30,
        )
        self.assertEqual(order.onboarding_account_manager_id, self.user_salesman)
        self.assertEqual(order.onboarding_solution_architect_id, self.user_tsm)
        self.assertEqual(order.onboarding_csm_id, self.user_csm)
        self.assertEqual(order.onboarding_service_manager_id, self.user_sm)
        self.assertEqual(
            order.onboarding_technical_contact_id, lead.partner_id.child_ids
        )
        # the account team is kept on the customer
        self.assertEqual(customer.csm_id, self.user_csm)
        self.assertEqual(customer.account_manager_id, self.user_salesman)
        # checklists
        self.assertEqual(len(order.onboarding_dod_line_ids), 5)
        self.assertEqual(len(order.onboarding_setup_line_ids), 6)
        # CSM and SM told, handover and kickoff planned, introduction to review
        signed = order.message_ids.filtered(
            lambda message: self.user_csm.partner_id in message.partner_ids
        )
        self.assertTrue(signed)
        self.assertIn(self.user_sm.partner_id, signed.partner_ids)
        activities = {
            (activity.activity_type_id.name, activity.user_id)
            for activity in order.activity_ids
        }
        self.assertIn(("Internal Handover", self.user_salesman), activities)
        self.assertIn(("Kickoff", self.user_salesman), activities)
        self.assertIn(("Review Introduction", self.user_salesman), activities)
        self.assertIn(("To-Do", self.user_csm), activities)
        self.assertIn(("To-Do", self.user_sm), activities)

    def test_convert_is_idempotent(self):
        lead = self._create_won_deals(1)
        lead.action_convert_to_customer()
        order = lead.order_ids
        reference = lead.partner_id.customer_reference
        activity_count = len(order.activity_ids)
        message_count = len(order.message_ids)
        result = lead.action_convert_to_customer()
        self.assertEqual(result["params"]["type"], "info")
        self.assertIn("Nothing to do", result["params"]["message"])
        result = order.action_convert_to_customer()
        self.assertEqual(result["params"]["type"], "info")
        self.assertEqual(lead.partner_id.customer_reference, reference)
        self.assertEqual(len(order.activity_ids), activity_count)
        self.assertEqual(len(order.message_ids), message_count)
        self.assertEqual(len(order.onboarding_checklist_line_ids), 11)

    def test_refuse_lead_not_won(self):
        lead = self.env["crm.lead"].create(
            {"name": "Still Open Deal", "type": "opportunity"}
        )
        with self.assertRaisesMessage(UserError, "Still Open Deal"):
            lead.action_convert_to_customer()

    def test_batch_is_atomic(self):
        leads = self._create_won_deals(3, prefix="Atomic")
        failing = leads[1].order_ids
        action = self.env["ir.actions.server"].create(
            {
                "name": "Fail for one order",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "state": "code",
                "code": f"if {failing.id} in records.ids:\n"
                "    raise UserError('tracker down')",
            }
        )
        self.env.ref("vshn_sales_onboarding.checklist_setup_issue_tracker").write(
            {"action_server_id": action.id}
        )
        with self.assertRaisesMessage(UserError, "tracker down"):
            leads.action_convert_to_customer()
        self.env.invalidate_all()
        self.assertFalse(any(leads.order_ids.mapped("onboarding_stage_id")))
        self.assertFalse(any(leads.partner_id.mapped("customer_reference")))
        self.assertEqual(set(leads.partner_id.mapped("customer_status")), {"prospect"})
        self.assertFalse(leads.order_ids.onboarding_checklist_line_ids)

    def test_refuse_batch_with_unconfirmed_order(self):
        leads = self._create_won_deals(2, prefix="Mixed")
        draft = leads[1].order_ids
        draft.write({"state": "draft"})
        with self.assertRaisesMessage(UserError, draft.name):
            leads.order_ids._vshn_convert_to_customer()
        self.assertFalse(leads[0].order_ids.onboarding_stage_id)
        self.assertFalse(leads[0].partner_id.customer_reference)

    def test_setup_action_runs(self):
        action = self.env["ir.actions.server"].create(
            {
                "name": "Create in tracker",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "state": "code",
                "code": "records.onboarding_setup_line_ids.filtered("
                "lambda line: line.template_id.action_server_id).write("
                "{'state': 'done', 'link': 'https://tracker.example/ACME'})",
            }
        )
        self.env.ref("vshn_sales_onboarding.checklist_setup_issue_tracker").write(
            {"action_server_id": action.id}
        )
        lead = self._create_won_deals(1, prefix="Setup")
        lead.action_convert_to_customer()
        line = lead.order_ids.onboarding_setup_line_ids.filtered(
            "template_id.action_server_id"
        )
        self.assertEqual(line.state, "done")
        self.assertEqual(line.link, "https://tracker.example/ACME")

    def test_auto_send_introduction(self):
        self.env.company.onboarding_intro_auto_send = True
        lead = self._create_won_deals(1, prefix="Auto")
        lead.action_convert_to_customer()
        order = lead.order_ids
        intro = order.message_ids.filtered(
            lambda message: message.subject
            and message.subject.startswith("Welcome to VSHN")
        )
        self.assertTrue(intro)
        self.assertIn("Cora CSM", intro.body)
        self.assertFalse(
            order.activity_ids.filtered(
                lambda activity: activity.activity_type_id.name == "Review Introduction"
            )
        )

    def test_lead_won_converts(self):
        """Moving a lead with a confirmed order to a won stage converts it."""
        lead = self._create_won_deals(1, prefix="Hook")
        lead.write(
            {"stage_id": self.env.ref("vshn_sales_onboarding.crm_stage_offer").id}
        )
        self.assertFalse(lead.order_ids.onboarding_stage_id)
        lead.with_context(**{BYPASS_CONTEXT_KEY: GATE_BYPASS}).write(
            {"stage_id": self.won_stage.id}
        )
        self.assertEqual(lead.order_ids.onboarding_stage_id, self.stages["handover"])

    def test_confirm_converts_and_wins(self):
        partner = self.env["res.partner"].create(
            {"name": "Confirm AG", "is_company": True}
        )
        lead = self.env["crm.lead"].create(
            {"name": "Confirm deal", "type": "opportunity", "partner_id": partner.id}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "opportunity_id": lead.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        self.assertEqual(partner.customer_status, "onboarding")
        self.assertEqual(order.onboarding_stage_id, self.stages["handover"])
        # a signed order wins the deal
        self.assertTrue(lead.stage_id.is_won)

    def test_confirm_wins_when_gates_met(self):
        partner = self.env["res.partner"].create(
            {"name": "Ready AG", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Rita", "parent_id": partner.id}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Ready deal",
                "type": "opportunity",
                "partner_id": partner.id,
                "user_id": self.user_salesman.id,
                "qualification_contact_id": contact.id,
                "qualification_problem": "Slow deployments",
                "qualification_scale": "small",
                "qualification_opportunity": "yes",
                "solution_architect_id": self.user_tsm.id,
                "solution_design": "<p>Managed Kubernetes</p>",
                "customer_timeline": "Q3",
                "delivery_timeline": "Q3",
                "sla_not_needed": True,
                "framework_not_needed": True,
            }
        )
        self.env["calendar.event"].create(
            {"name": "SA meeting", "opportunity_id": lead.id}
        )
        lead.with_user(self.user_manager).action_review_offer()
        lead.with_user(self.user_manager).action_confirm_timeline()
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "opportunity_id": lead.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        self.assertFalse(lead.stage_id.is_won)
        order.action_confirm()
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(order.onboarding_stage_id, self.stages["handover"])
        self.assertEqual(partner.customer_status, "onboarding")


@tagged("post_install", "-at_install", "vshn_onboarding", "is_query_count")
class TestConversionPerformance(OnboardingOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()

    def _measure_conversion(self, count, budget=None):
        leads = self._create_won_deals(count, prefix=f"Perf{count}")
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        if budget:
            with self.assertQueryCount(budget):
                leads.action_convert_to_customer()
        else:
            leads.action_convert_to_customer()
        self.env.flush_all()
        queries = self.cr.sql_log_count - before
        self.assertTrue(all(leads.order_ids.mapped("onboarding_stage_id")))
        return queries

    def test_batch_query_budget(self):
        """The conversion cost grows by a constant per record, no more.

        Per record: one activity per plan template (handover, kickoff) and the
        introduction review, each notifying its assignee; the "signed" message
        to the CSM and SM; the plan notes; the tracked roles; checklist lines
        and a customer number. Budgets measured on a green run (377, 3170,
        31098), with some headroom.
        """
        self._measure_conversion(1)  # warm the caches
        one = self._measure_conversion(1, budget=400)
        ten = self._measure_conversion(10, budget=3400)
        hundred = self._measure_conversion(100, budget=33000)
        per_record = (hundred - ten) / 90
        _logger.info(
            "Conversion queries: 1 -> %s, 10 -> %s, 100 -> %s (%.1f per record)",
            one,
            ten,
            hundred,
            per_record,
        )
        # linear: the 100th record costs what the 2nd did
        self.assertLessEqual(per_record, (ten - one) / 9 * 1.1)
