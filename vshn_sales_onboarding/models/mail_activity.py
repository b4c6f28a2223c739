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

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals:
            # a journey step's activity passed to someone else (a role filled,
            # a reassignment): the step is theirs; the line is the process's
            onboarding_activities = self.filtered(
                lambda activity: activity.res_model == "vshn.onboarding"
            )
            if onboarding_activities:
                self.env["vshn.onboarding.journey.line"].sudo().search(
                    [
                        ("activity_id", "in", onboarding_activities.ids),
                        ("state", "=", "planned"),
                    ]
                ).write({"user_id": vals["user_id"]})
        return result

    def unlink(self):
        # a journey step's activity cancelled: the step is cancelled with it
        # (it would otherwise wait, planned, for its clock to breach)
        lines = self.env["vshn.onboarding.journey.line"]
        if not self.env.context.get("vshn_activity_done"):
            onboarding_activities = self.filtered(
                lambda activity: activity.res_model == "vshn.onboarding"
            )
            if onboarding_activities:
                lines = lines.sudo().search(
                    [
                        ("activity_id", "in", onboarding_activities.ids),
                        ("state", "=", "planned"),
                    ]
                )
        result = super().unlink()
        if lines:
            lines.write({"state": "cancelled"})
            lines.onboarding_id._vshn_update_clocks()
        return result

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
        onboarding_activities = self.filtered(
            lambda activity: activity.res_model == "vshn.onboarding"
        )
        kickoff_type = self.env.ref(
            "vshn_sales_onboarding.mail_activity_type_kickoff",
            raise_if_not_found=False,
        )
        kickoff_ids = {
            activity.res_id
            for activity in onboarding_activities
            if activity.activity_type_id == kickoff_type
        }
        # the journey steps of these activities, read before core archives or
        # deletes them; written by the process (users only read steps)
        lines = self.env["vshn.onboarding.journey.line"]
        if onboarding_activities:
            lines = lines.sudo().search(
                [
                    ("activity_id", "in", onboarding_activities.ids),
                    ("state", "=", "planned"),
                ]
            )
        # core unlinks what it does not keep: done, not cancelled (``unlink``)
        result = super(
            MailActivity, self.with_context(vshn_activity_done=True)
        )._action_done(feedback=feedback, attachment_ids=attachment_ids)
        lines._vshn_mark_done(fields.Date.context_today(self))
        if kickoff_ids:
            self.env["vshn.onboarding"].browse(kickoff_ids)._vshn_kickoff_held()
        if lead_ids:
            leads = self.env["crm.lead"].browse(lead_ids)
            # marking its activity done is the owner's resolution, whether or
            # not the owner may edit the deal otherwise
            leads.sudo().filtered(
                lambda lead: lead.escalation_state == "escalated"
            )._vshn_mark_escalation_resolved()
        return result
