# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .crm_lead import OFFERING_TYPES

# role field on this model -> role field on sale.order
DEFAULT_ROLE_FIELDS = {
    "account_manager_id": "onboarding_account_manager_id",
    "csm_id": "onboarding_csm_id",
    "service_manager_id": "onboarding_service_manager_id",
    "tsm_id": "onboarding_tsm_id",
    "project_manager_id": "onboarding_project_manager_id",
    "tpm_id": "onboarding_tpm_id",
}


class VshnOnboardingRoleDefault(models.Model):
    """Who takes a role in an onboarding when the deal does not say.

    The most specific row wins: segment and offering type, then either, then
    a row with neither.
    """

    _name = "vshn.onboarding.role.default"
    _description = "Onboarding Role Defaults"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    segment_id = fields.Many2one("vshn.onboarding.segment")
    offering_type = fields.Selection(OFFERING_TYPES)
    account_manager_id = fields.Many2one(
        "res.users", string="(Key) Account Manager", domain="[('share', '=', False)]"
    )
    csm_id = fields.Many2one(
        "res.users",
        string="Customer Success Manager",
        domain="[('share', '=', False)]",
    )
    service_manager_id = fields.Many2one("res.users", domain="[('share', '=', False)]")
    tsm_id = fields.Many2one(
        "res.users",
        string="Technical Service Manager",
        domain="[('share', '=', False)]",
    )
    project_manager_id = fields.Many2one("res.users", domain="[('share', '=', False)]")
    tpm_id = fields.Many2one(
        "res.users",
        string="Technical Project Manager",
        domain="[('share', '=', False)]",
    )

    def _get_best(self, company, segment, offering_type):
        """The most specific default among ``self`` for these criteria."""
        candidates = self.filtered(
            lambda row: row.company_id == company
            and row.segment_id in (segment, self.env["vshn.onboarding.segment"])
            and row.offering_type in (offering_type, False)
        )
        return candidates.sorted(
            lambda row: (-bool(row.segment_id) - bool(row.offering_type), row.sequence)
        )[:1]
