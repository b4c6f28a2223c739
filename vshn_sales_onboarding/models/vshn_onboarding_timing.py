# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class VshnOnboarding(models.Model):
    """How long the onboarding took: to its first engagement, to Done."""

    _inherit = "vshn.onboarding"

    date_first_engagement = fields.Date(readonly=True, copy=False)
    time_to_first_engagement = fields.Integer(
        string="Days to First Engagement",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Days from Day 0 to the first customer-facing journey step done.",
    )
    time_to_onboard = fields.Integer(
        string="Days to Onboard",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Days from Day 0 to Done.",
    )

    def _vshn_update_times(self):
        """Store the first engagement and the times from Day 0 (in batch)."""
