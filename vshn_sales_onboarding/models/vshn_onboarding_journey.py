# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .crm_lead import OFFERING_TYPES
from .res_partner import COMPLEXITY_LEVELS
from .vshn_onboarding_gate_mixin import check_relational_values


class VshnOnboardingJourney(models.Model):
    """A Day 0 to Day N journey: the ordered steps an onboarding goes through.

    Chosen per onboarding by segment, complexity and offering type: the most
    specific active journey whose criteria all match (an empty criterion
    matches anything) wins; sequence breaks ties. A new segment's journey is
    data, not code.
    """

    _name = "vshn.onboarding.journey"
    _description = "Onboarding Journey"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Empty: the journey is offered in every company."
    )
    segment_id = fields.Many2one(
        "vshn.onboarding.segment", help="Empty: onboardings of any segment."
    )
    complexity = fields.Selection(
        COMPLEXITY_LEVELS, help="Empty: onboardings of any complexity."
    )
    offering_type = fields.Selection(
        OFFERING_TYPES, help="Empty: onboardings of any offering type."
    )
    description = fields.Text(translate=True)
    step_ids = fields.One2many(
        "vshn.onboarding.journey.step", "journey_id", string="Steps", copy=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        # a name or a dict for a segment or a company is refused clearly, not
        # by the database
        for vals in vals_list:
            check_relational_values(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_relational_values(self, vals)
        return super().write(vals)
