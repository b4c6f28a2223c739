# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .crm_lead import OFFERING_TYPES


class VshnOnboardingRole(models.Model):
    """A role someone holds towards a customer: CSM, Service Manager, PM, ...

    Roles are data: access, plan assignees, kickoff attendees, the introduction
    e-mail and the roles a stage requires all read the stakeholder lines and
    these flags, so a new role is one record.
    """

    _name = "vshn.onboarding.role"
    _description = "Onboarding Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical key, used by fields that show one role's holder "
        "(e.g. the Customer Success Manager column).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    account_team = fields.Boolean(
        string="On the Customer's Account Team",
        help="Kept on the customer across engagements: the next onboarding of "
        "the customer starts with its holder.",
    )
    introduced = fields.Boolean(
        string="Introduced to the Customer",
        help="Listed, with contact details, in the introduction e-mail.",
    )
    notified_on_signature = fields.Boolean(
        string="Told When the Customer Signs",
    )
    kickoff_attendee = fields.Boolean(string="Invited to the Kickoff", default=True)
    required_offering_type = fields.Selection(
        OFFERING_TYPES,
        string="Required Only For",
        help="When a stage requires this role, only onboardings of this offering "
        "type need it. Empty: every onboarding.",
    )
    fallback_role_id = fields.Many2one(
        "vshn.onboarding.role",
        string="Stand-in Role",
        help="Who takes this role's activities while it is vacant; without one "
        "(or when the stand-in is vacant too), the onboarding's salesperson.",
    )

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "The code of a role must be unique."),
    ]

    def _get_by_code(self, code):
        return self.with_context(active_test=False).search([("code", "=", code)])
