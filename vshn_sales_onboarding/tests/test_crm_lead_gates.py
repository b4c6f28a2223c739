# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import OnboardingCrmCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestCrmLeadGates(OnboardingCrmCommon):
    def test_stages_are_the_sales_steps_and_core_stages_are_archived(self):
        visible = self.env["crm.stage"].search([])
        self.assertEqual(
            visible.mapped("sales_step"),
            ["qualify", "sa_meeting", "design", "offer", "customer_review", "won"],
        )
        self.assertFalse(self.env.ref("crm.stage_lead1").active)
        self.assertTrue(all(stage.requirements for stage in visible))

    def test_new_opportunity_starts_in_contact_and_qualify(self):
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_salesman)
            .create(
                {"name": "Fresh", "type": "opportunity", "partner_id": self.customer.id}
            )
        )
        self.assertEqual(lead.stage_id, self.stage_qualify)

    def test_leaving_qualify_needs_qualification_architect_and_meeting(self):
        lead = self._make_lead()
        with self.assertRaises(ValidationError) as caught:
            lead.write({"stage_id": self.stage_sa_meeting.id})
        message = str(caught.exception)
        for expected in (
            "the right contact at the customer",
            "the customer's problem",
            "the scale of the possible proposal",
            "is there an opportunity for both sides",
            "a Solution Architect",
            "the Solution Architecture meeting scheduled",
        ):
            self.assertIn(expected, message)
        self.assertEqual(lead.stage_id, self.stage_qualify)

    def test_a_no_on_the_opportunity_question_keeps_the_gate_closed(self):
        lead = self._make_lead()
        self._qualify(lead)
        lead.qualification_opportunity = "no"
        with self.assertRaisesMessage(ValidationError, "opportunity for both sides"):
            lead.stage_id = self.stage_sa_meeting

    def test_qualified_lead_enters_sa_meeting_with_a_calendar_event_too(self):
        lead = self._make_lead()
        self._qualify(lead)
        lead.activity_ids.unlink()
        with self.assertRaisesMessage(ValidationError, "meeting scheduled"):
            lead.stage_id = self.stage_sa_meeting
        self.env["calendar.event"].with_user(self.user_salesman).create(
            {
                "name": "SA meeting",
                "opportunity_id": lead.id,
                "start": "2026-12-01 09:00:00",
                "stop": "2026-12-01 10:00:00",
            }
        )
        lead.stage_id = self.stage_sa_meeting
        self.assertEqual(lead.stage_id, self.stage_sa_meeting)

    def test_kanban_drag_past_design_needs_design_and_timelines(self):
        lead = self._make_lead()
        self._qualify(lead)
        lead.stage_id = self.stage_design
        with self.assertRaises(ValidationError) as caught:
            lead.write({"stage_id": self.stage_offer.id})
        message = str(caught.exception)
        self.assertIn("the solution documented", message)
        self.assertIn("the customer's timeline", message)
        self.assertIn("our timeline", message)
        self._design(lead)
        lead.write({"stage_id": self.stage_offer.id})
        self.assertEqual(lead.stage_id, self.stage_offer)

    def test_a_design_document_documents_the_solution(self):
        lead = self._make_lead()
        self._qualify(lead)
        self._design(lead)
        attachment = self.env["ir.attachment"].create(
            {"name": "architecture.pdf", "raw": b"%PDF-1.4", "res_model": "crm.lead"}
        )
        lead.write(
            {"solution_design": False, "solution_attachment_ids": attachment.ids}
        )
        lead.stage_id = self.stage_offer
        self.assertEqual(lead.stage_id, self.stage_offer)

    def test_jumping_from_qualify_to_offer_checks_every_step_between(self):
        lead = self._make_lead()
        with self.assertRaises(ValidationError) as caught:
            lead.stage_id = self.stage_offer
        message = str(caught.exception)
        self.assertIn("a Solution Architect", message)
        self.assertIn("our timeline", message)

    def test_multi_record_write_refuses_all_and_names_each_lead(self):
        ready = self._make_lead(name="Ready deal")
        blocked = self._make_lead(name="Blocked deal")
        self._qualify(ready)
        with self.assertRaises(ValidationError) as caught:
            (ready | blocked).write({"stage_id": self.stage_sa_meeting.id})
        self.assertIn("Blocked deal", str(caught.exception))
        self.assertNotIn("Ready deal", str(caught.exception))
        self.assertEqual((ready | blocked).stage_id, self.stage_qualify)

    def test_moving_back_is_allowed(self):
        lead = self._make_lead()
        self._qualify(lead)
        lead.stage_id = self.stage_design
        lead.stage_id = self.stage_qualify
        self.assertEqual(lead.stage_id, self.stage_qualify)

    def test_offer_cannot_be_sent_before_review_confirmation_and_documents(self):
        lead = self._make_lead()
        self._qualify(lead)
        self._design(lead)
        lead.stage_id = self.stage_offer
        quotation = self._quotation(lead)
        with self.assertRaises(UserError) as caught:
            quotation.action_quotation_send()
        message = str(caught.exception)
        self.assertIn("reviewed by the Solution Architect", message)
        self.assertIn("confirmed by a Project Manager", message)
        self.assertIn("the SLA attached or marked not needed", message)
        with self.assertRaises(UserError):
            quotation.action_quotation_sent()
        self.assertEqual(quotation.state, "draft")

    def test_review_and_confirmation_record_who_and_when(self):
        lead = self._make_lead()
        self._qualify(lead)
        self._design(lead)
        lead.stage_id = self.stage_offer
        with self.assertRaises(AccessError):
            lead.action_review_offer()
        with self.assertRaises(AccessError):
            lead.with_user(self.user_architect).action_confirm_timeline()
        self._review_offer(lead)
        self.assertEqual(lead.offer_reviewed_by_id, self.user_architect)
        self.assertTrue(lead.offer_reviewed_date)
        self.assertEqual(lead.timeline_confirmed_by_id, self.user_project_manager)
        self.assertTrue(lead.timeline_confirmed_date)

    def test_review_fields_cannot_be_written_directly(self):
        lead = self._make_lead()
        with self.assertRaises(UserError):
            lead.write({"offer_reviewed_by_id": self.user_salesman.id})
        self.assertFalse(lead.offer_reviewed_by_id)

    def test_sent_offer_opens_customer_review(self):
        lead = self._make_lead()
        self._qualify(lead)
        self._design(lead)
        lead.stage_id = self.stage_offer
        quotation = self._quotation(lead)
        with self.assertRaisesMessage(ValidationError, "the quotation sent"):
            lead.stage_id = self.stage_review
        self._review_offer(lead)
        quotation.action_quotation_sent()
        self.assertEqual(quotation.state, "sent")
        lead.stage_id = self.stage_review
        self.assertEqual(lead.stage_id, self.stage_review)

    def test_won_needs_a_confirmed_quotation(self):
        lead = self._make_lead()
        with self.assertRaisesMessage(
            ValidationError, "a confirmed or signed quotation"
        ):
            lead.action_set_won()
        self._qualify(lead)
        self._design(lead)
        self._review_offer(lead)
        quotation = self._quotation(lead)
        quotation.sudo().action_confirm()
        lead.action_set_won()
        self.assertEqual(lead.stage_id, self.stage_won)

    def test_lost_needs_reason_and_explanation(self):
        lead = self._make_lead()
        reason = self.env["crm.lost.reason"].create({"name": "Too expensive"})
        with self.assertRaisesMessage(ValidationError, "lost reason and a written"):
            lead.action_set_lost(lost_reason_id=reason.id)
        self.assertTrue(lead.active)
        with self.assertRaises(ValidationError):
            lead.action_archive()
        lead.action_set_lost(
            lost_reason_id=reason.id,
            lost_explanation="Chose a hyperscaler for the price.",
        )
        self.assertFalse(lead.active)
        self.assertEqual(lead.probability, 0)

    def test_lost_wizard_refuses_an_empty_closing_note(self):
        lead = self._make_lead()
        reason = self.env["crm.lost.reason"].create({"name": "No budget"})
        wizard = (
            self.env["crm.lead.lost"]
            .with_user(self.user_salesman)
            .create({"lead_ids": lead.ids, "lost_reason_id": reason.id})
        )
        with self.assertRaisesMessage(UserError, "Document why"):
            wizard.action_lost_reason_apply()
        wizard.lost_feedback = "<p>Budget moved to next year.</p>"
        wizard.action_lost_reason_apply()
        self.assertEqual(lead.lost_explanation, "Budget moved to next year.")
        self.assertFalse(lead.active)

    def test_gate_status_shows_what_is_missing_for_the_next_stage(self):
        lead = self._make_lead()
        self.assertTrue(lead.stage_gate_blocked)
        self.assertIn("a Solution Architect", lead.stage_gate_missing)
        self.assertEqual(lead.stage_gate_missing_count, 6)
        self._qualify(lead)
        self.assertFalse(lead.stage_gate_blocked)
        Lead = self.env["crm.lead"].with_user(self.user_salesman)
        blocked = Lead.search([("stage_gate_blocked", "=", True)])
        self.assertNotIn(lead, blocked)
        self.assertIn(lead, Lead.search([("stage_gate_blocked", "=", False)]))

    def test_bypass_through_the_wizard_is_for_managers_and_logged(self):
        lead = self._make_lead()
        action = lead.action_open_gate_bypass()
        wizard = (
            self.env["vshn.onboarding.gate.bypass"]
            .with_user(self.user_manager)
            .with_context(**action["context"])
            .create(
                {"crm_stage_id": self.stage_sa_meeting.id, "reason": "Met at a fair"}
            )
        )
        self.assertIn("a Solution Architect", wizard.missing)
        wizard.action_bypass()
        self.assertEqual(lead.stage_id, self.stage_sa_meeting)
        self.assertIn("Martin Manager bypassed the gate", lead.message_ids[0].body)
        with self.assertRaises(AccessError):
            self.env["vshn.onboarding.gate.bypass"].with_user(
                self.user_salesman
            ).create(
                {
                    "res_model": "crm.lead",
                    "res_ids": str(lead.ids),
                    "crm_stage_id": self.stage_design.id,
                    "reason": "Because",
                }
            )
