# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.tools import format_date

from .vshn_onboarding_gate_mixin import as_process, check_process_fields

# The onboarding's date of each anchor event
ANCHOR_DATE_FIELDS = {
    "signed": "date_start",
    "booked": "date_booked",
    "paid": "date_paid",
    "kickoff": "date_kickoff_held",
    "done": "date_done",
}
# What a journey is chosen by; an empty criterion of a journey matches anything
JOURNEY_CRITERIA = ("segment_id", "complexity", "offering_type")
# Written by the journey's own code only: the anchor events and what they did
ANCHOR_EVIDENCE_FIELDS = {
    "journey_id",
    "journey_line_ids",
    "date_booked",
    "date_paid",
    "date_kickoff_held",
}


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

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    def _check_evidence_fields(self, vals):
        result = super()._check_evidence_fields(vals)
        check_process_fields(
            self,
            vals,
            ANCHOR_EVIDENCE_FIELDS,
            self.env._(
                "The journey and the dates of its events (booked, first invoice "
                "paid, kickoff held) are recorded when they happen; they are not "
                "typed, copied or imported."
            ),
        )
        return result

    def write(self, vals):
        result = super().write(vals)
        if "date_start" in vals:
            # Day 0 moved: the steps planned from it move with it
            self._vshn_replan_journey()
        return result

    def _on_stage_entered(self):
        result = super()._on_stage_entered()
        done = self.filtered(lambda onboarding: onboarding.is_done)
        if done:
            done._vshn_reach_anchor("done")
            done._vshn_update_times()
        return result

    # ------------------------------------------------------------------
    # Choosing and starting the journey
    # ------------------------------------------------------------------

    def _vshn_find_journeys(self):
        """{onboarding: journey}: the most specific matching journey of each.

        Active journeys of the onboarding's company or of none, whose segment,
        complexity and offering type each is empty or the onboarding's; the one
        with the most criteria set wins, a company's own before a shared one,
        then the lowest sequence. One search for the whole batch.
        """
        journeys = self.env["vshn.onboarding.journey"].search(
            [("company_id", "in", [False, *self.company_id.ids])]
        )
        result = {}
        for onboarding in self:
            best, best_key = journeys.browse(), None
            for journey in journeys:
                if journey.company_id and journey.company_id != onboarding.company_id:
                    continue
                if any(
                    journey[name] and journey[name] != onboarding[name]
                    for name in JOURNEY_CRITERIA
                ):
                    continue
                key = (
                    sum(bool(journey[name]) for name in JOURNEY_CRITERIA),
                    bool(journey.company_id),
                    -journey.sequence,
                    -journey.id,
                )
                if best_key is None or key > best_key:
                    best, best_key = journey, key
            result[onboarding] = best
        return result

    def _vshn_start_journeys(self, extra_activity_vals=()):
        """Give each onboarding its journey and reach Day 0 and Day 1.

        One line per step (retrospective-only steps only where a retrospective
        is required), all created in one batch; then "signed" (Day 0, the
        onboarding's start) and "booked" (today: the onboarding started) are
        reached together. ``extra_activity_vals`` are created with the steps'
        activities, in the same create. Returns the activities created.
        """
        journeys = self._vshn_find_journeys()
        by_journey = defaultdict(lambda: self.browse())
        line_vals = []
        for onboarding, journey in journeys.items():
            by_journey[journey] |= onboarding
            line_vals += [
                {
                    "onboarding_id": onboarding.id,
                    "step_id": step.id,
                    "sequence": step.sequence,
                    "name": step.name,
                    "kind": step.kind,
                    "anchor": step.anchor,
                    "reached_on": step.reached_on,
                    "customer_facing": step.customer_facing,
                    "state": "waiting",
                }
                for step in journey.step_ids
                if not step.only_if_retrospective or onboarding.retrospective_required
            ]
        today = fields.Date.context_today(self)
        for journey, onboardings in by_journey.items():
            as_process(onboardings).write(
                {"journey_id": journey.id, "date_booked": today}
            )
        # the lines are the process's record of the journey: users only read them
        self.env["vshn.onboarding.journey.line"].sudo().create(line_vals)
        return self._vshn_reach_anchor(
            ("signed", "booked"),
            extra_activity_vals=extra_activity_vals,
            notify=False,
        )

    # ------------------------------------------------------------------
    # Reaching anchors
    # ------------------------------------------------------------------

    def _vshn_reach_anchor(
        self, anchor, date=None, extra_activity_vals=(), notify=True
    ):
        """The event ``anchor`` (or several) happened on these onboardings.

        Their waiting steps of that anchor are planned from ``date`` (default:
        the onboarding's date of the event): planned ``offset_days`` after it,
        due ``target_working_days`` working days after it, for the holder of
        the step's role; activities and meetings get their activity, e-mails
        are queued for their day; milestones reached by an event already
        happened are done. In batch: one create of activities, one batch of
        e-mails per step. ``notify=False`` leaves telling the assignees to the
        caller (the start's digests). Returns the activities created.
        """
        anchors = (anchor,) if isinstance(anchor, str) else tuple(anchor)
        # the process plans the steps whoever caused the event (a payment
        # registered by an accountant, a kickoff marked done by an engineer)
        onboardings = self.sudo()
        lines = onboardings.journey_line_ids.filtered(
            lambda line: line.state == "waiting" and line.anchor in anchors
        )
        anchor_dates = {}
        for line in lines:
            onboarding = line.onboarding_id
            anchor_dates[line] = date or onboarding[ANCHOR_DATE_FIELDS[line.anchor]]
        lines = lines.filtered(lambda line: anchor_dates[line])
        Activity = self.env["mail.activity"].with_context(
            mail_activity_quick_update=not notify
        )
        if not lines:
            return Activity.create(list(extra_activity_vals))
        values = self._vshn_get_line_dates(lines, anchor_dates)
        assignees = {}
        for line in lines:
            onboarding, role = line.onboarding_id, line.step_id.role_id
            if (onboarding, role) not in assignees:
                assignees[onboarding, role] = onboarding._vshn_get_role_assignee(role)
            values[line].update(
                state="planned",
                user_id=assignees[onboarding, role].id,
            )
            line.write(values[line])
        model_id = self.env["ir.model"]._get_id(self._name)
        meeting_type = self.env.ref("mail.mail_activity_data_meeting")
        activity_lines = lines.filtered(
            lambda line: line.kind in ("activity", "meeting")
        )
        activity_vals = [
            {
                "res_model_id": model_id,
                "res_id": line.onboarding_id.id,
                "activity_type_id": (
                    line.step_id.activity_type_id
                    or (line.kind == "meeting" and meeting_type)
                    or self.env.ref("mail.mail_activity_data_todo")
                ).id,
                "summary": line.name,
                "note": line.step_id.note,
                "user_id": line.user_id.id,
                "date_deadline": line.date_planned,
                "vshn_onboarding_role_id": line.step_id.role_id.id,
                "automated": False,
            }
            for line in activity_lines
        ]
        activities = Activity.create(activity_vals + list(extra_activity_vals))
        for line, activity in zip(activity_lines, activities, strict=False):
            line.activity_id = activity
        lines.filtered(lambda line: line.kind == "email")._vshn_queue_emails()
        # milestones whose event already happened are reached at once
        reached = lines.filtered(
            lambda line: line.kind == "milestone"
            and line.reached_on
            and line.onboarding_id[ANCHOR_DATE_FIELDS[line.reached_on]]
        )
        for line in reached:
            line.write(
                {
                    "state": "done",
                    "date_done": line.onboarding_id[
                        ANCHOR_DATE_FIELDS[line.reached_on]
                    ],
                }
            )
        # and milestones planned earlier that waited for this event
        pending = onboardings.journey_line_ids.filtered(
            lambda line: line.kind == "milestone"
            and line.state == "planned"
            and line.reached_on in anchors
            and line.onboarding_id[ANCHOR_DATE_FIELDS[line.reached_on]]
        )
        for line in pending:
            line.write(
                {
                    "state": "done",
                    "date_done": date
                    or line.onboarding_id[ANCHOR_DATE_FIELDS[line.reached_on]],
                }
            )
        touched = lines.onboarding_id | pending.onboarding_id
        touched._vshn_update_clocks()
        if reached or pending:
            (reached | pending).onboarding_id._vshn_update_times()
        return activities

    def _vshn_check_first_invoice_paid(self, invoices, paid_on=None):
        """Record "paid" on the onboardings whose first invoice got paid.

        ``invoices``: customer invoices just reconciled with a payment;
        ``paid_on``: {invoice: the reconciliation's date} (default today). The
        first invoice of an onboarding is its orders' earliest posted customer
        invoice; paid means Odoo's payment state paid or in payment. Once per
        onboarding: a later payment changes nothing.
        """
        # the accountant registering the payment need not read the orders or
        # the onboardings; the event is recorded by the process
        onboardings = (
            invoices.sudo().invoice_line_ids.sale_line_ids.order_id.onboarding_id
        )
        onboardings = onboardings.filtered(lambda onboarding: not onboarding.date_paid)
        paid_on = paid_on or {}
        paid_dates = defaultdict(lambda: self.browse())
        for onboarding in onboardings:
            posted = onboarding.order_ids.invoice_ids.filtered(
                lambda move: move.move_type == "out_invoice" and move.state == "posted"
            )
            if not posted:
                continue
            first = posted.sorted(
                lambda move: (move.invoice_date or fields.Date.today(), move.id)
            )[0]
            if first.payment_state in ("paid", "in_payment"):
                paid_dates[paid_on.get(first)] |= onboarding
        for date, paid in paid_dates.items():
            paid._vshn_first_invoice_paid(date)

    def _vshn_first_invoice_paid(self, date=None):
        """Record "paid" (once) on these onboardings, on ``date`` (default:
        today), and plan the steps waiting for it."""
        self._vshn_record_anchor("paid", date)

    def _vshn_kickoff_held(self, date=None):
        """Record "kickoff" (once) on these onboardings: a kickoff activity was
        marked done (or, for demo data, on ``date``)."""
        self._vshn_record_anchor("kickoff", date)

    def _vshn_record_anchor(self, anchor, date=None):
        field = ANCHOR_DATE_FIELDS[anchor]
        reached = self.sudo().filtered(lambda onboarding: not onboarding[field])
        if reached:
            as_process(reached).write(
                {field: fields.Date.to_date(date) or fields.Date.context_today(self)}
            )
            reached._vshn_reach_anchor(anchor)
        return True

    def _vshn_get_line_dates(self, lines, anchor_dates):
        """{line: anchor, planned and due dates}, from one working-days lookup."""
        calendars = lines.onboarding_id.company_id.resource_calendar_id
        first = min(anchor_dates[line] for line in lines)
        last = max(anchor_dates[line] for line in lines)
        longest = max(lines.step_id.mapped("target_working_days") or [0])
        # weekends and a few holidays: twice the target is always enough
        working = calendars._vshn_get_working_days(
            first, last + timedelta(days=2 * longest + 14)
        )
        values = {}
        for line in lines:
            step, anchor_date = line.step_id, anchor_dates[line]
            calendar = line.onboarding_id.company_id.resource_calendar_id
            days = working[calendar.id or False]
            values[line] = {
                "date_anchor": anchor_date,
                "date_planned": anchor_date + timedelta(days=step.offset_days),
                "date_due": step.target_working_days
                and days.add(anchor_date, step.target_working_days)
                or False,
            }
        return values

    def _vshn_replan_journey(self):
        """Re-plan the open steps from the onboarding's current anchor dates.

        Called when Day 0 moves (a write of ``date_start``) and by
        ``_vshn_move_day0``: planned lines get their anchor, planned and due
        dates again, their activity its deadline, their queued e-mail its day.
        """
        lines = self.sudo().journey_line_ids.filtered(
            lambda line: line.state == "planned"
        )
        anchor_dates = {
            line: line.onboarding_id[ANCHOR_DATE_FIELDS[line.anchor]] for line in lines
        }
        lines = lines.filtered(
            lambda line: anchor_dates[line] and anchor_dates[line] != line.date_anchor
        )
        if not lines:
            return
        values = self._vshn_get_line_dates(lines, anchor_dates)
        for line in lines:
            # a new due date is a new clock: its breach escalates afresh
            line.write(dict(values[line], escalated=False))
            if line.activity_id:
                line.activity_id.date_deadline = line.date_planned
        emails = lines.filtered("mail_message_id")
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", emails.mail_message_id.ids),
                    ("state", "=", "outgoing"),
                ]
            )
        )
        planned = {line.mail_message_id: line.date_planned for line in emails}
        for mail in mails:
            mail.scheduled_date = fields.Datetime.to_datetime(
                planned[mail.mail_message_id]
            )
        lines.onboarding_id._vshn_update_clocks()

    def _vshn_move_day0(self, date_start):
        """Move Day 0 to ``date_start`` and the whole journey with it.

        For demo data and migrations (put an onboarding at a given point of
        its journey): the booked, paid, kickoff-held and done dates shift by
        as many days as Day 0, so do the dates of the steps already done; the
        open steps are re-planned from the moved events (their activities'
        deadlines and queued e-mails with them).
        """
        date_start = fields.Date.to_date(date_start)
        for onboarding in self:
            delta = date_start - onboarding.date_start
            if not delta:
                continue
            vals = {"date_start": date_start}
            for name in ("date_booked", "date_paid", "date_kickoff_held", "date_done"):
                if onboarding[name]:
                    vals[name] = onboarding[name] + delta
            as_process(onboarding).write(vals)
            for line in onboarding.sudo().journey_line_ids.filtered(
                lambda line: line.state in ("done", "cancelled")
            ):
                line.write(
                    {
                        name: line[name] + delta
                        for name in (
                            "date_anchor",
                            "date_planned",
                            "date_due",
                            "date_done",
                        )
                        if line[name]
                    }
                )
        self._vshn_update_clocks()
        self._vshn_update_times()
        return True

    def _vshn_get_journey_summary(self):
        """{onboarding id: [text]}: the e-mails the journey queued, for the log."""
        result = defaultdict(list)
        for line in self.sudo().journey_line_ids.filtered(
            lambda line: line.kind == "email" and line.state == "planned"
        ):
            result[line.onboarding_id.id].append(
                self.env._(
                    "%(email)s to the customer, %(day)s",
                    email=line.name,
                    day=format_date(self.env, line.date_planned),
                )
            )
        return result
