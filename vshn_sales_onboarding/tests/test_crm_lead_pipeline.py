# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged, users, warmup
from odoo.tools import mute_logger

from .common import OnboardingCrmCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestCrmLeadPipeline(OnboardingCrmCommon):
    def test_segment_and_complexity_default_from_the_customer(self):
        lead = self._make_lead()
        self.assertEqual(lead.segment_id, self.segment_enterprise)
        self.assertEqual(lead.complexity, "high")
        smb = self.env.ref("vshn_sales_onboarding.vshn_onboarding_segment_smb")
        lead.segment_id = smb
        self.assertEqual(lead.segment_id, smb, "the segment stays editable")

    def test_weighted_one_time_and_recurring_revenue(self):
        monthly = self.env.ref("crm.crm_recurring_plan_monthly")
        lead = self._make_lead(
            expected_revenue=20000,
            recurring_revenue=3000,
            recurring_plan=monthly.id,
            probability=40,
        )
        self.assertEqual(lead.prorated_revenue, 8000)
        self.assertEqual(lead.recurring_revenue_monthly, 3000)
        self.assertEqual(lead.recurring_revenue_monthly_prorated, 1200)
        self.assertTrue(
            self.user_salesman.has_group("crm.group_use_recurring_revenues")
        )

    def test_upsell_is_derived_from_the_customer_status(self):
        self.assertFalse(self._make_lead().is_upsell)
        self.customer.customer_status = "customer"
        self.assertEqual(self.customer_contact.customer_status, "customer")
        lead = self._make_lead(partner_id=self.customer_contact.id)
        self.assertTrue(lead.is_upsell)

    def test_onboarding_owner_defaults_to_the_account_manager(self):
        lead = self._make_lead(account_manager_id=self.user_manager.id)
        self.assertEqual(lead.onboarding_owner_id, self.user_manager)
        lead.onboarding_owner_id = self.user_architect
        self.assertEqual(lead.onboarding_owner_id, self.user_architect)

    def test_escalation_needs_a_configured_owner(self):
        lead = self._make_lead()
        wizard = (
            self.env["crm.lead.escalate"]
            .with_user(self.user_salesman)
            .create({"lead_ids": lead.ids, "target": "legal", "reason": "Odd terms"})
        )
        with self.assertRaisesMessage(UserError, "No escalation owner for Legal"):
            wizard.action_escalate()
        self.assertFalse(lead.escalation_state)

    def test_escalation_assigns_an_activity_until_resolved(self):
        self.env.company.escalation_legal_user_id = self.user_manager
        lead = self._make_lead()
        self.env["crm.lead.escalate"].with_user(self.user_salesman).create(
            {"lead_ids": lead.ids, "target": "legal", "reason": "Unlimited liability"}
        ).action_escalate()
        self.assertEqual(lead.escalation_state, "escalated")
        activity = lead.activity_ids.filtered(
            lambda act: act.activity_type_id
            == self.env.ref("vshn_sales_onboarding.mail_activity_type_escalation")
        )
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertEqual(activity.note, "<p>Unlimited liability</p>")
        escalated = self.env["crm.lead"].search(
            [("escalation_state", "=", "escalated")]
        )
        self.assertIn(lead, escalated)
        lead.with_user(self.user_manager).action_resolve_escalation()
        self.assertEqual(lead.escalation_state, "resolved")
        self.assertFalse(activity.exists() and activity.active)

    def test_owner_marking_the_escalation_done_resolves_it(self):
        self.env.company.escalation_product_user_id = self.user_manager
        lead = self._make_lead()
        lead._escalate("product", "Custom SLA of 99.99%")
        activity = lead.activity_ids.filtered(
            lambda act: act.user_id == self.user_manager
        )
        activity.with_user(self.user_manager).action_feedback("Approved")
        self.assertEqual(lead.escalation_state, "resolved")

    def test_restricted_user_cannot_configure_segments(self):
        segment = self.segment_enterprise.with_user(self.user_salesman)
        self.assertEqual(segment.name, "Enterprise")
        with self.assertRaises(AccessError):
            segment.write({"onboarding_days": 10})


@tagged("post_install", "-at_install", "vshn_onboarding", "vshn_onboarding_perf")
class TestCrmLeadPerformance(OnboardingCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        leads = cls.env["crm.lead"].create(
            [cls._lead_values(name=f"Deal {index}") for index in range(50)]
        )
        leads.write(
            {
                "qualification_contact_id": cls.customer_contact.id,
                "qualification_problem": "Outages",
                "qualification_scale": "medium",
                "qualification_opportunity": "yes",
                "solution_architect_id": cls.user_architect.id,
            }
        )
        meeting_type = cls.env.ref("mail.mail_activity_data_meeting")
        cls.env["mail.activity"].create(
            [
                {
                    "res_model_id": cls.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": meeting_type.id,
                    "user_id": cls.user_architect.id,
                }
                for lead in leads
            ]
        )
        cls.leads = leads

    @users("onb_salesman")
    @warmup
    def test_moving_50_leads_one_stage_forward_in_one_write(self):
        leads = self.leads.with_user(self.env.user)
        # Measured: 19 queries for 50 leads (14 before the gate status was
        # stored: its batch recompute costs 5); it must not grow with their number.
        with self.assertQueryCount(onb_salesman=19):
            leads.write({"stage_id": self.stage_sa_meeting.id})
        self.assertEqual(leads.stage_id, self.stage_sa_meeting)

    @users("onb_salesman")
    @warmup
    def test_gate_status_of_50_leads_is_computed_in_batch(self):
        leads = self.leads.with_user(self.env.user)
        with self.assertQueryCount(onb_salesman=13):
            leads.read(["stage_gate_missing_count", "stage_gate_blocked"])


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestCrmLeadAccess(OnboardingCrmCommon):
    def test_role_holder_sees_the_deal_and_others_do_not(self):
        lead = self._make_lead(solution_architect_id=self.user_architect.id)
        outsider = self.user_project_manager
        self.assertEqual(lead.with_user(self.user_architect).name, "Managed Kubernetes")
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_rule"),
        ):
            lead.with_user(outsider).read(["name"])
        Lead = self.env["crm.lead"]
        self.assertIn(lead, Lead.with_user(self.user_architect).search([]))
        self.assertNotIn(lead, Lead.with_user(outsider).search([]))
        self.assertIn(lead, Lead.with_user(self.user_manager).search([]))

    def test_employee_without_onboarding_groups_cannot_read_deals(self):
        lead = self._make_lead()
        with self.assertRaises(AccessError), mute_logger("odoo.access"):
            lead.with_user(self.user_employee).read(["name"])
