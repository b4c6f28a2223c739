# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    vshn_onboarding_role_id = fields.Many2one(
        "vshn.onboarding.role",
        string="For Role",
        index="btree_not_null",
        ondelete="set null",
        help="The onboarding role this activity is for; while the role was "
        "vacant a stand-in got it, and it passes to the holder once named.",
    )

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
            # marking its activity done is the owner's resolution, whether or
            # not the owner may edit the deal otherwise
            leads.sudo().filtered(
                lambda lead: lead.escalation_state == "escalated"
            )._vshn_mark_escalation_resolved()
        return result
