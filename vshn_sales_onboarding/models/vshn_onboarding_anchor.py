# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class VshnOnboarding(models.Model):
    """The onboarding's journey and the events its steps are anchored on."""

    _inherit = "vshn.onboarding"

    journey_id = fields.Many2one(
        "vshn.onboarding.journey",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Chosen when the onboarding starts, by segment, complexity and "
        "offering type.",
    )
    journey_line_ids = fields.One2many(
        "vshn.onboarding.journey.line", "onboarding_id", string="Journey Steps"
    )
    date_booked = fields.Date(
        string="Booked On",
        readonly=True,
        copy=False,
        help="Day 1: the onboarding started and its contract was booked.",
    )
    date_paid = fields.Date(
        string="First Invoice Paid On",
        readonly=True,
        copy=False,
        help="When the first invoice of the onboarding's orders was paid "
        "(a payment registered).",
    )
    date_kickoff_held = fields.Date(string="Kickoff Held On", readonly=True, copy=False)
