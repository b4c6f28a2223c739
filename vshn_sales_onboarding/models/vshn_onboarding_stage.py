# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class VshnOnboardingStage(models.Model):
    """A column of the onboarding board and what an order needs to enter it.

    The requirements are cumulative: entering a stage also needs what every
    earlier stage asks for, so a drag straight to Done cannot skip a gate.
    """

    _name = "vshn.onboarding.stage"
    _description = "Onboarding Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    fold = fields.Boolean(string="Folded in Board")
    is_done = fields.Boolean(
        string="Onboarding Done",
        help="Onboardings in this stage are finished; the customer becomes a Customer.",
    )
    requirements = fields.Text(
        translate=True,
        help="What has to be true before an onboarding enters this stage.",
    )
    run_initialization = fields.Boolean(
        help="Entering this stage creates the tickets, tasks or project of the "
        "onboarding's offering type (once).",
    )
    required_role_ids = fields.Many2many(
        "vshn.onboarding.role",
        string="Roles Named",
        help="The roles that must have a holder on the onboarding (a role "
        "limited to an offering type only there).",
    )
    require_handover = fields.Boolean(string="Handover Done")
    require_initialization = fields.Boolean(string="Initialization Done")
    require_kickoff = fields.Boolean(string="Kickoff Held")
    require_dod = fields.Boolean(string="Definition of Done Complete")
    require_retrospective = fields.Boolean(string="Retrospective Done (where required)")
    target_working_days = fields.Integer(
        string="Target (working days)",
        help="Working days of the company's calendar an onboarding may stay in "
        "this stage; after that its clock is breached and the Customer Success "
        "Manager is told once. Zero: no clock.",
    )
