# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class VshnOnboardingSegment(models.Model):
    """A customer segment and how much touch its onboarding gets.

    From the seed 003: high touch for enterprise, medium touch for mid-market,
    digital (low/no touch) for SMB, onboarding complete by Day 60.
    """

    _name = "vshn.onboarding.segment"
    _description = "Customer Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    touch_model = fields.Selection(
        [("high", "High touch"), ("medium", "Medium touch"), ("digital", "Digital")],
        required=True,
        default="medium",
    )
    onboarding_days = fields.Integer(
        string="Onboarding Length (days)",
        default=60,
        help="Days from Day 0 (deal won) until the onboarding should be done.",
    )
    description = fields.Text(translate=True)
    color = fields.Integer()

    _sql_constraints = [
        (
            "onboarding_days_positive",
            "CHECK(onboarding_days > 0)",
            "The onboarding length of a segment must be at least one day.",
        ),
    ]
