# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models

from .vshn_onboarding_stakeholder import HOLDER_FIELDS


def role_user_field(string=None, **kwargs):
    """A column that shows, and sets, the holder of one role (``_role_fields``).

    Stored and indexed, so lists, pivots, kanbans and record rules group and
    filter on it; the stakeholder lines stay the truth.
    """
    return fields.Many2one(
        "res.users",
        string=string,
        compute="_compute_role_fields",
        inverse="_inverse_role_fields",
        store=True,
        index="btree_not_null",
        domain="[('share', '=', False)]",
        **kwargs,
    )


class VshnOnboardingStakeholderMixin(models.AbstractModel):
    """Records with stakeholder lines (``stakeholder_ids``) and role columns.

    ``_role_fields`` maps a many2one to res.users on the model to a role code:
    the field shows that role's holder (stored, so lists, pivots and kanbans
    group and filter on it) and writing it writes the line. Everything else
    reads the lines through ``_get_role_holders``.
    """

    _name = "vshn.onboarding.stakeholder.mixin"
    _description = "Holder of Onboarding Stakeholders"
    _role_fields = {}

    @api.depends("stakeholder_ids.user_id", "stakeholder_ids.role_id")
    def _compute_role_fields(self):
        for record in self:
            holders = {
                line.role_id.code: line.user_id for line in record.stakeholder_ids
            }
            for field, code in self._role_fields.items():
                record[field] = holders.get(code, False)

    def _inverse_role_fields(self):
        roles = {
            role.code: role
            for role in self.env["vshn.onboarding.role"]
            .with_context(active_test=False)
            .search([("code", "in", list(self._role_fields.values()))])
        }
        holder_field = HOLDER_FIELDS[self._name]
        to_create = []
        for record in self:
            lines = {line.role_id.code: line for line in record.stakeholder_ids}
            for field, code in self._role_fields.items():
                user, line = record[field], lines.get(code)
                if line and line.user_id != user:
                    line.user_id = user
                elif not line and user and code in roles:
                    to_create.append(
                        {
                            holder_field: record.id,
                            "role_id": roles[code].id,
                            "user_id": user.id,
                        }
                    )
        self.env["vshn.onboarding.stakeholder"].create(to_create)

    def _get_role_holders(self, roles):
        """{record id: {role: user}} of ``roles`` on ``self``; vacant roles left out."""
        result = defaultdict(dict)
        for line in self.stakeholder_ids:
            if line.role_id in roles and line.user_id:
                record = line[HOLDER_FIELDS[self._name]]
                result[record.id][line.role_id] = line.user_id
        return result

    def _get_stakeholder_users(self):
        return self.stakeholder_ids.user_id
