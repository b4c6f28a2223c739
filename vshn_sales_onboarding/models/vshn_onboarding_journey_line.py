# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError

from .vshn_onboarding_gate_mixin import check_record_ids
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
    activity_id = fields.Many2one(
        "mail.activity", ondelete="set null", index="btree_not_null"
    )
    mail_message_id = fields.Many2one(
        "mail.message", ondelete="set null", index="btree_not_null"
    )
    reached_on = fields.Selection(
        ANCHORS, help="Milestones: the event that reaches the milestone."
    )

    def action_mark_reached(self):
        """Mark milestones reached by hand (those no event reaches).

        Whoever may edit the onboarding may; the line itself stays the
        process's (users have no write access to it).
        """
        check_record_ids(self)
        self.onboarding_id.check_access("write")
        wrong = self.filtered(
            lambda line: line.kind != "milestone"
            or line.reached_on
            or line.state not in ("waiting", "planned")
        )
        if wrong:
            raise UserError(
                self.env._(
                    "%(steps)s: only open milestones without an event that "
                    "reaches them are marked reached by hand.",
                    steps=", ".join(wrong.mapped("name")),
                )
            )
        # the user may edit the onboarding (checked above); the line is
        # written by the process, which users cannot write otherwise
        self.sudo()._vshn_mark_done(fields.Date.context_today(self))
        return True

    def _vshn_queue_emails(self):
        """Queue each line's e-mail to the customer for its planned day.

        Rendered in one batch per step and company, from the company's
        journey sender (default: the company), through Odoo's mail queue (its
        scheduled action sends it that day), logged in the onboarding's
        chatter. The line is done once the mail is sent (``mail.mail``).
        """
        groups = defaultdict(lambda: self.browse())
        for line in self:
            groups[line.step_id, line.onboarding_id.company_id] |= line
        for (step, company), lines in groups.items():
            author = (
                company.onboarding_journey_sender_id.partner_id or company.partner_id
            )
            # the template is the manager's configuration; the e-mail is the
            # process's, whoever caused the event
            mails = step.mail_template_id.sudo().send_mail_batch(
                [line.onboarding_id.id for line in lines],
                email_values={
                    "author_id": author.id,
                    # the log in the chatter stays once the mail is sent
                    "is_notification": True,
                },
            )
            for line, mail in zip(lines, mails, strict=True):
                mail.scheduled_date = fields.Datetime.to_datetime(line.date_planned)
                line.mail_message_id = mail.mail_message_id

    def _vshn_mark_done(self, date_done):
        """Mark these lines done and update their onboardings' clocks and times."""
        lines = self.filtered(lambda line: line.state in ("waiting", "planned"))
        if not lines:
            return
        lines.write({"state": "done", "date_done": date_done})
        onboardings = lines.onboarding_id
        onboardings._vshn_update_clocks()
        onboardings._vshn_update_times()
