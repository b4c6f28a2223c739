# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .vshn_onboarding_gate_mixin import check_process_fields
from .vshn_onboarding_journey_line import CLOCK_STATES

# written by the clocks' own code only
CLOCK_FIELDS = {
    "date_stage_entered",
    "stage_date_due",
    "clock_state",
    "stage_escalated",
}


class VshnOnboarding(models.Model):
    """Working-day clocks of the onboarding's stage and journey steps."""

    _inherit = "vshn.onboarding"

    date_stage_entered = fields.Date(string="In Stage Since", readonly=True, copy=False)
    stage_date_due = fields.Date(
        string="Stage Due By",
        readonly=True,
        copy=False,
        help="The stage's target in working days from entering it.",
    )
    clock_state = fields.Selection(
        CLOCK_STATES,
        string="Clock",
        readonly=True,
        copy=False,
        index=True,
        help="The worst of the stage's clock and the open journey steps' clocks.",
    )
    stage_escalated = fields.Boolean(
        readonly=True,
        copy=False,
        help="The stage's breach was escalated to the Customer Success Manager.",
    )

    def _vshn_update_clocks(self):
        """Recompute the clocks of these onboardings and their steps (in batch)."""

    def _check_evidence_fields(self, vals):
        result = super()._check_evidence_fields(vals)
        check_process_fields(
            self,
            vals,
            CLOCK_FIELDS,
            self.env._(
                "The clocks are kept from the company's working days, the stages "
                "and the journey's steps; they are not typed, copied or imported."
            ),
        )
        return result
