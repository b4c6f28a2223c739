# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .vshn_onboarding_journey_step import ANCHORS, STEP_KINDS

LINE_STATES = [
    ("waiting", "Waiting for Anchor"),
    ("planned", "Planned"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
CLOCK_STATES = [
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
]


class VshnOnboardingJourneyLine(models.Model):
    """A journey step on one onboarding: when its anchor happened, what it
    created (an activity, a queued e-mail), when it was done, and its clock.

    Every field is written by the process (the start, the anchors, done
    activities and sent mails, the clock's scheduled action), never by hand.
    """

    _name = "vshn.onboarding.journey.line"
    _description = "Onboarding Journey Step (on an Onboarding)"
    _order = "onboarding_id, date_planned, sequence, id"

    onboarding_id = fields.Many2one(
        "vshn.onboarding", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="onboarding_id.company_id", store=True, index=True
    )
    step_id = fields.Many2one(
        "vshn.onboarding.journey.step", ondelete="set null", index="btree_not_null"
    )
    sequence = fields.Integer()
    name = fields.Char(required=True)
    kind = fields.Selection(STEP_KINDS, required=True)
    anchor = fields.Selection(ANCHORS, required=True)
    customer_facing = fields.Boolean()
    state = fields.Selection(LINE_STATES, required=True, default="waiting", index=True)
    user_id = fields.Many2one("res.users", string="Assigned To")
    date_anchor = fields.Date(help="When the anchor event happened.")
    date_planned = fields.Date(string="Planned On")
    date_due = fields.Date(
        string="Due By", help="The anchor plus the step's target in working days."
    )
    date_done = fields.Date(string="Done On")
    clock_state = fields.Selection(CLOCK_STATES, index=True)
    escalated = fields.Boolean(
        help="The breach was escalated to the Customer Success Manager (once)."
    )
    activity_id = fields.Many2one("mail.activity", ondelete="set null")
    mail_message_id = fields.Many2one("mail.message", ondelete="set null")
