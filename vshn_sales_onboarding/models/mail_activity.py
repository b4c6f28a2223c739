# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # The escalation owner closes the escalation by marking its activity done.
        escalation_type = self.env.ref(
            "vshn_sales_onboarding.mail_activity_type_escalation",
            raise_if_not_found=False,
        )
        lead_ids = {
            activity.res_id
            for activity in self
            if activity.res_model == "crm.lead"
            and activity.activity_type_id == escalation_type
        }
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if lead_ids:
            leads = self.env["crm.lead"].browse(lead_ids)
            leads.filtered(lambda lead: lead.escalation_state == "escalated").write(
                {"escalation_state": "resolved"}
            )
        return result
