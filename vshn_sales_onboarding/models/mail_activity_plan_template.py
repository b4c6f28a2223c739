# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MailActivityPlanTemplate(models.Model):
    _inherit = "mail.activity.plan.template"

    responsible_type = fields.Selection(
        selection_add=[("vshn_onboarding_role", "Onboarding Role")],
        ondelete={"vshn_onboarding_role": "cascade"},
    )
    vshn_onboarding_role_id = fields.Many2one(
        "vshn.onboarding.role",
        string="Onboarding Role",
        ondelete="restrict",
        help="The role on the onboarding whose holder gets the activity. While "
        "the role is vacant, the holder of its stand-in role, else the "
        "onboarding's owner, takes it; it passes to the holder once the role is "
        "filled.",
    )

    @api.constrains("plan_id", "responsible_type", "vshn_onboarding_role_id")
    def _check_vshn_onboarding_role(self):
        for template in self.filtered(
            lambda tpl: tpl.responsible_type == "vshn_onboarding_role"
        ):
            if template.plan_id.res_model != "vshn.onboarding":
                raise ValidationError(
                    self.env._(
                        "%(plan)s: onboarding roles are limited to Onboarding plans.",
                        plan=template.plan_id.name,
                    )
                )
            if not template.vshn_onboarding_role_id:
                raise ValidationError(
                    self.env._(
                        "%(plan)s: choose the onboarding role that gets the "
                        "activity %(activity)s.",
                        plan=template.plan_id.name,
                        activity=template.summary or template.activity_type_id.name,
                    )
                )

    def _determine_responsible(self, on_demand_responsible, applied_on_record):
        if self.responsible_type != "vshn_onboarding_role":
            return super()._determine_responsible(
                on_demand_responsible, applied_on_record
            )
        responsible = applied_on_record._vshn_get_role_assignee(
            self.vshn_onboarding_role_id
        )
        error = False
        if not responsible:
            error = self.env._(
                "%(record)s has no %(role)s and no owner to take the activity "
                "%(activity)s.",
                record=applied_on_record.display_name,
                role=self.vshn_onboarding_role_id.name,
                activity=self.summary or self.activity_type_id.name,
            )
        return {"responsible": responsible, "error": error}
