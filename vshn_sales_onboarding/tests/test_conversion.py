# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    BYPASS_CONTEXT_KEY,
    GATE_BYPASS,
)

from .onboarding_common import OnboardingOrderCommon, make_offer_ready

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestConversion(OnboardingOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()

    def _digests_to(self, user):
        return self.env["mail.message"].search(
            [
                ("partner_ids", "in", user.partner_id.ids),
                ("subject", "=", "New onboardings: what is yours"),
            ]
        )

    def test_convert_won_lead(self):
        lead = self._create_won_deals(1)
        order = lead.order_ids
        customer = lead.partner_id
        self.assertEqual(customer.customer_status, "prospect")
        result = lead.with_user(self.user_salesman).action_convert_to_customer()
        self.assertEqual(result["params"]["type"], "success")
        # the customer
        self.assertEqual(customer.customer_status, "onboarding")
        self.assertTrue(customer.customer_reference.startswith("C"))
        self.assertGreaterEqual(customer.customer_rank, 1)
        # the onboarding, its roles from the lead and the defaults
        onboarding = order.onboarding_id
        self.assertEqual(order.onboarding_conversion, "done")
        self.assertEqual(onboarding.kind, "full")
        self.assertEqual(onboarding.partner_id, customer)
        self.assertEqual(onboarding.lead_id, lead)
        self.assertEqual(onboarding.offering_type, "consulting")
        self.assertEqual(onboarding.segment_id, self.segment)
        self.assertEqual(onboarding.user_id, self.user_salesman)
        self.assertEqual(onboarding.create_uid, self.user_salesman)
        self.assertEqual(onboarding.stage_id, self.stages["handover"])
        self.assertEqual(order.onboarding_stage_id, self.stages["handover"])
        self.assertEqual(onboarding.date_start, order.date_order.date())
        self.assertEqual(
            onboarding.date_end_planned.toordinal(),
            onboarding.date_start.toordinal() + 30,
        )
        self.assertEqual(onboarding.account_manager_id, self.user_salesman)
        self.assertEqual(
            self._get_holder(onboarding, "solution_architect"), self.user_tsm
        )
        self.assertEqual(onboarding.csm_id, self.user_csm)
        self.assertEqual(onboarding.service_manager_id, self.user_sm)
        self.assertEqual(onboarding.project_manager_id, self.user_pm)
        self.assertEqual(self._get_holder(onboarding, "tsm"), self.user_tsm)
        self.assertEqual(onboarding.technical_contact_id, customer.child_ids)
        # the account team is kept on the customer, the deal roles are not
        self.assertEqual(customer.csm_id, self.user_csm)
        self.assertEqual(customer.account_manager_id, self.user_salesman)
        self.assertEqual(customer.service_manager_id, self.user_sm)
        self.assertEqual(customer.tsm_id, self.user_tsm)
        self.assertFalse(
            customer.stakeholder_ids.filtered(
                lambda line: not line.role_id.account_team
            )
        )
        # checklists
        self.assertEqual(len(onboarding.dod_line_ids), 5)
        self.assertEqual(len(onboarding.setup_line_ids), 6)
        # CSM and SM told, handover and kickoff planned, introduction to review
        for user in (self.user_csm, self.user_sm):
            digest = self._digests_to(user)
            self.assertEqual(len(digest), 1, f"one digest for {user.name}")
            self.assertIn("signed", digest.body)
            self.assertIn(customer.name, digest.body)
        activities = {
            (activity.activity_type_id.name, activity.user_id)
            for activity in onboarding.activity_ids
        }
        self.assertIn(("Internal Handover", self.user_salesman), activities)
        self.assertIn(("Kickoff", self.user_salesman), activities)
        self.assertIn(("Review Introduction", self.user_salesman), activities)
        self.assertIn(("To-Do", self.user_csm), activities)
        self.assertIn(("To-Do", self.user_sm), activities)
        self.assertIn(("To-Do", self.user_tsm), activities)
        self.assertFalse(order.activity_ids)
        # one note says what was started
        started = onboarding.message_ids.filtered(
            lambda message: "onboarding started" in (message.body or "")
        )
        self.assertEqual(len(started), 1)
        self.assertEqual(started.author_id, self.user_salesman.partner_id)
        self.assertTrue(customer.onboarding_introduced_date)

    def test_convert_is_idempotent(self):
        lead = self._create_won_deals(1)
        lead.with_user(self.user_salesman).action_convert_to_customer()
        order = lead.order_ids
        onboarding = order.onboarding_id
        reference = lead.partner_id.customer_reference
        activity_count = len(onboarding.activity_ids)
        message_count = len(onboarding.message_ids)
        team = onboarding.stakeholder_ids
        result = lead.with_user(self.user_salesman).action_convert_to_customer()
        self.assertEqual(result["params"]["type"], "info")
        self.assertIn("Nothing to do", result["params"]["message"])
        result = order.with_user(self.user_salesman).action_convert_to_customer()
        self.assertEqual(result["params"]["type"], "info")
        self.env.invalidate_all()
        self.assertEqual(lead.partner_id.customer_reference, reference)
        self.assertEqual(order.onboarding_id, onboarding)
        self.assertEqual(
            self.env["vshn.onboarding"].search_count(
                [("partner_id", "=", lead.partner_id.id)]
            ),
            1,
        )
        self.assertEqual(onboarding.stakeholder_ids, team)
        self.assertEqual(len(onboarding.activity_ids), activity_count)
        self.assertEqual(len(onboarding.message_ids), message_count)
        self.assertEqual(len(onboarding.checklist_line_ids), 11)

    def test_refuse_lead_not_won(self):
        lead = self.env["crm.lead"].create(
            {"name": "Still Open Deal", "type": "opportunity"}
        )
        with self.assertRaisesMessage(UserError, "Still Open Deal"):
            lead.action_convert_to_customer()

    def test_refuse_lead_without_confirmed_order(self):
        lead = self._create_won_deals(1, prefix="Unsigned")
        lead.order_ids.write({"state": "draft"})
        with self.assertRaisesMessage(UserError, "no confirmed quotation"):
            lead.action_convert_to_customer()
        self.assertFalse(lead.order_ids.onboarding_id)

    def test_batch_is_atomic(self):
        leads = self._create_won_deals(3, prefix="Atomic")
        self._break_introduction_for(leads[1].partner_id.name)
        with self.assertRaisesMessage(UserError, "no_such_field"):
            leads.with_user(self.user_salesman).action_convert_to_customer()
        self.env.invalidate_all()
        orders = leads.order_ids
        self.assertFalse(orders.onboarding_id)
        self.assertFalse(any(orders.mapped("onboarding_stage_id")))
        self.assertFalse(any(orders.mapped("onboarding_conversion")))
        self.assertFalse(
            self.env["vshn.onboarding"].search(
                [("partner_id", "in", leads.partner_id.ids)]
            )
        )
        self.assertFalse(any(leads.partner_id.mapped("customer_reference")))
        self.assertFalse(any(leads.partner_id.mapped("onboarding_introduced_date")))
        self.assertFalse(leads.partner_id.stakeholder_ids)
        self.assertEqual(set(leads.partner_id.mapped("customer_status")), {"prospect"})
        self.assertFalse(
            self.env["vshn.onboarding.checklist.line"].search(
                [("onboarding_id.partner_id", "in", leads.partner_id.ids)]
            )
        )

    def test_refuse_batch_with_unconfirmed_order(self):
        leads = self._create_won_deals(2, prefix="Mixed")
        draft = leads[1].order_ids
        draft.write({"state": "draft"})
        with self.assertRaisesMessage(UserError, draft.name):
            leads.order_ids._vshn_convert_to_customer()
        self.assertFalse(leads[0].order_ids.onboarding_id)
        self.assertFalse(leads[0].order_ids.onboarding_conversion)
        self.assertFalse(leads[0].partner_id.customer_reference)

    def test_setup_action_runs(self):
        action = self.env["ir.actions.server"].create(
            {
                "name": "Create in tracker",
                "model_id": self.env["ir.model"]._get_id("vshn.onboarding"),
                "state": "code",
                "code": "records.setup_line_ids.filtered("
                "lambda line: line.template_id == env.ref("
                "'vshn_sales_onboarding.checklist_setup_issue_tracker')).write("
                "{'state': 'done', 'link': 'https://tracker.example/ACME'})",
            }
        )
        self.env.ref("vshn_sales_onboarding.checklist_setup_issue_tracker").write(
            {"action_server_id": action.id}
        )
        lead = self._create_won_deals(1, prefix="Setup")
        lead.with_user(self.user_salesman).action_convert_to_customer()
        line = lead.order_ids.onboarding_id.setup_line_ids.filtered(
            "template_id.action_server_id"
        )
        # nothing reaches outside before the conversion is committed ...
        self.assertEqual(line.state, "todo")
        # ... then the action runs once, as the user who converted
        self._run_after_commit()
        self.assertEqual(line.state, "done")
        self.assertEqual(line.link, "https://tracker.example/ACME")
        self.assertEqual(line.write_uid, self.user_salesman)
        self.env.cr.postcommit.run()  # nothing left to run twice
        self.assertEqual(
            len(line.onboarding_id.message_ids.filtered(lambda m: "failed" in m.body)),
            0,
        )

    def test_failing_setup_action_is_noted_not_undone(self):
        """An outside system that fails leaves the onboarding started, with a note."""
        action = self.env["ir.actions.server"].create(
            {
                "name": "Create in tracker",
                "model_id": self.env["ir.model"]._get_id("vshn.onboarding"),
                "state": "code",
                "code": "raise UserError('tracker down')",
            }
        )
        self.env.ref("vshn_sales_onboarding.checklist_setup_issue_tracker").write(
            {"action_server_id": action.id}
        )
        lead = self._create_won_deals(1, prefix="Down")
        lead.with_user(self.user_salesman).action_convert_to_customer()
        onboarding = lead.order_ids.onboarding_id
        with mute_logger(
            "odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_start"
        ):
            self._run_after_commit()
        self.assertTrue(onboarding.exists())
        self.assertIn("tracker down", onboarding.message_ids[0].body)

    def test_only_administrators_link_setup_actions(self):
        template = self.env.ref("vshn_sales_onboarding.checklist_setup_issue_tracker")
        self.assertNotIn(
            "action_server_id",
            template.with_user(self.user_manager).fields_get(),
        )
        with self.assertRaises(AccessError):
            template.with_user(self.user_manager).write({"action_server_id": False})

    def test_auto_send_introduction(self):
        self.env.company.onboarding_intro_auto_send = True
        lead = self._create_won_deals(1, prefix="Auto")
        lead.with_user(self.user_salesman).action_convert_to_customer()
        onboarding = lead.order_ids.onboarding_id
        intro = onboarding.message_ids.filtered(
            lambda message: message.subject
            and message.subject.startswith("Welcome to VSHN")
        )
        self.assertEqual(len(intro), 1)
        self.assertIn("Cora CSM", intro.body)
        self.assertIn(lead.partner_id, intro.partner_ids)
        self.assertFalse(self._activities_of_type(onboarding, "introduction"))
        self.assertTrue(lead.partner_id.onboarding_introduced_date)

    def test_lead_won_converts(self):
        """Moving a lead with a confirmed order to a won stage converts it."""
        lead = self._create_won_deals(1, prefix="Hook")
        lead.write(
            {"stage_id": self.env.ref("vshn_sales_onboarding.crm_stage_offer").id}
        )
        self.assertFalse(lead.order_ids.onboarding_id)
        lead.with_context(**{BYPASS_CONTEXT_KEY: GATE_BYPASS}).write(
            {"stage_id": self.won_stage.id}
        )
        self.assertEqual(lead.order_ids.onboarding_stage_id, self.stages["handover"])
        self.assertEqual(lead.order_ids.onboarding_id.lead_id, lead)

    def test_confirm_needs_the_offer_gate_then_converts_and_wins(self):
        """Confirming ends the offer step: it is no way round the pipeline."""
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
        with self.assertRaisesMessage(UserError, "cannot be confirmed yet"):
            order.with_user(self.user_manager).action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.onboarding_conversion)
        make_offer_ready(lead, self.user_tsm, self.user_pm)
        order.action_confirm()
        self.assertEqual(partner.customer_status, "onboarding")
        self.assertEqual(order.onboarding_conversion, "done")
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
        order = (
            self.env["sale.order"]
            .with_user(self.user_salesman)
            .create(
                {
                    "partner_id": partner.id,
                    "opportunity_id": lead.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )
        self.assertFalse(lead.stage_id.is_won)
        order.action_confirm()
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(order.onboarding_stage_id, self.stages["handover"])
        self.assertEqual(order.onboarding_id.create_uid, self.user_salesman)
        self.assertEqual(partner.customer_status, "onboarding")

    def test_confirm_by_internal_user_is_not_queued(self):
        partner = self.env["res.partner"].create(
            {"name": "Direct AG", "is_company": True}
        )
        order = self._make_order(partner)
        order.action_confirm()
        self.assertEqual(order.onboarding_conversion, "done")
        self.assertTrue(order.onboarding_id)
        self.assertFalse(
            self.env["sale.order"].search([("onboarding_conversion", "=", "pending")])
        )

    @mute_logger("odoo.addons.vshn_sales_onboarding.models.sale_order")
    def test_cron_converts_queued_orders_apart(self):
        """The queued job converts each salesperson's orders on their own: one
        failing batch is marked failed and does not hold back the others."""
        leads = self._create_won_deals(2, prefix="Queued")
        good, bad = leads.order_ids
        bad.user_id = self.user_manager
        leads.order_ids.sudo()._vshn_queue_conversion()
        self.assertEqual(
            set(leads.order_ids.mapped("onboarding_conversion")), {"pending"}
        )
        self._break_introduction_for(bad.partner_id.name)
        self.env.ref(
            "vshn_sales_onboarding.ir_cron_convert_confirmed_orders"
        ).method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(good.onboarding_conversion, "done")
        self.assertEqual(good.onboarding_id.create_uid, self.user_salesman)
        self.assertEqual(bad.onboarding_conversion, "failed")
        self.assertFalse(bad.onboarding_id)
        self.assertEqual(bad.state, "sale")
        self.assertIn("no_such_field", bad.message_ids[0].body)
        # "Start Onboarding" once the cause is fixed
        self.env.company.onboarding_intro_auto_send = False
        bad.with_user(self.user_manager).action_convert_to_customer()
        self.assertEqual(bad.onboarding_conversion, "done")
        self.assertTrue(bad.onboarding_id)


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
