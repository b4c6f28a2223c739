# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .crm_lead import OFFERING_TYPES
from .vshn_onboarding_gate_mixin import check_internal_users


class VshnOnboardingRoleDefault(models.Model):
    """Who takes a role in an onboarding when neither customer nor deal says.

    The most specific row wins: segment and offering type, then either, then
    a row with neither.
    """

    _name = "vshn.onboarding.role.default"
    _description = "Onboarding Role Default"
    _order = "sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    segment_id = fields.Many2one("vshn.onboarding.segment")
    offering_type = fields.Selection(OFFERING_TYPES)
    role_id = fields.Many2one("vshn.onboarding.role", required=True)
    user_id = fields.Many2one(
        "res.users",
        required=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )

    @api.constrains("user_id")
    def _check_user_is_internal(self):
        check_internal_users(self, "user_id")

    def _get_best(self, company, segment, offering_type, role):
        """The most specific default among ``self`` for these criteria."""
        candidates = self.filtered(
            lambda row: row.company_id == company
            and row.role_id == role
            and row.segment_id in (segment, self.env["vshn.onboarding.segment"])
            and row.offering_type in (offering_type, False)
        )
        return candidates.sorted(
            lambda row: (-bool(row.segment_id) - bool(row.offering_type), row.sequence)
        )[:1]
