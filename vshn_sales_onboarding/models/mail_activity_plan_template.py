# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

# role key -> (sale.order field, label)
ONBOARDING_ROLES = {
    "account_manager": ("onboarding_account_manager_id", "(Key) Account Manager"),
    "csm": ("onboarding_csm_id", "Customer Success Manager"),
    "service_manager": ("onboarding_service_manager_id", "Service Manager"),
    "tsm": ("onboarding_tsm_id", "Technical Service Manager"),
    "project_manager": ("onboarding_project_manager_id", "Project Manager"),
    "solution_architect": ("onboarding_solution_architect_id", "Solution Architect"),
    "tpm": ("onboarding_tpm_id", "Technical Project Manager"),
}


class MailActivityPlanTemplate(models.Model):
    _inherit = "mail.activity.plan.template"

    responsible_type = fields.Selection(
        selection_add=[("vshn_onboarding_role", "Onboarding Role")],
        ondelete={"vshn_onboarding_role": "cascade"},
    )
    onboarding_role = fields.Selection(
        [(key, label) for key, (_field, label) in ONBOARDING_ROLES.items()],
        help="The role on the sales order whose holder gets the activity. When "
        "the role is vacant, the (Key) Account Manager, then the salesperson, "
        "takes it.",
    )

    @api.constrains("plan_id", "responsible_type", "onboarding_role")
    def _check_onboarding_role(self):
        for template in self.filtered(
            lambda tpl: tpl.responsible_type == "vshn_onboarding_role"
        ):
            if template.plan_id.res_model != "sale.order":
                raise ValidationError(
                    self.env._("Onboarding roles are limited to Sales Order plans.")
                )
            if not template.onboarding_role:
                raise ValidationError(
                    self.env._("Choose the onboarding role that gets the activity.")
                )

    def _determine_responsible(self, on_demand_responsible, applied_on_record):
        if self.responsible_type != "vshn_onboarding_role":
            return super()._determine_responsible(
                on_demand_responsible, applied_on_record
            )
        field_name = ONBOARDING_ROLES[self.onboarding_role][0]
        responsible = (
            applied_on_record[field_name]
            or applied_on_record.onboarding_account_manager_id
            or applied_on_record.user_id
        )
        error = False
        if not responsible:
            error = self.env._(
                "%(order)s has no %(role)s, no (Key) Account Manager and no "
                "salesperson to take the activity %(activity)s.",
                order=applied_on_record.display_name,
                role=dict(
                    self._fields["onboarding_role"]._description_selection(self.env)
                )[self.onboarding_role],
                activity=self.summary or self.activity_type_id.name,
            )
        return {"responsible": responsible, "error": error}
