# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .vshn_onboarding_gate_mixin import (
    PROCESS_CONTEXT_KEY,
    PROCESS_TOKEN,
    as_process,
    check_process_fields,
)

# written by ``_vshn_update_times`` only
TIMING_FIELDS = {
    "date_first_engagement",
    "time_to_first_engagement",
    "time_to_onboard",
}


class VshnOnboarding(models.Model):
    """How long the onboarding took: to its first engagement, to Done.

    An integer column cannot be empty through the ORM (it stores 0), so "not
    yet" is told by the dates: ``date_first_engagement`` and ``date_done``.
    The averages live in the onboarding-times report, which computes the days
    from those dates and so leaves out what has not happened yet.
    """

    _inherit = "vshn.onboarding"

    date_first_engagement = fields.Date(
        readonly=True,
        copy=False,
        help="When the first customer-facing journey step was done.",
    )
    time_to_first_engagement = fields.Integer(
        string="Days to First Engagement",
        readonly=True,
        copy=False,
        aggregator=False,
        help="Days from Day 0 to the first customer-facing journey step done.",
    )
    time_to_onboard = fields.Integer(
        string="Days to Onboard",
        readonly=True,
        copy=False,
        aggregator=False,
        help="Days from Day 0 to Done.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "date_start" in vals:
            self._vshn_update_times()
        return result

    def _check_evidence_fields(self, vals):
        result = super()._check_evidence_fields(vals)
        check_process_fields(
            self,
            vals,
            TIMING_FIELDS,
            self.env._(
                "The onboarding times are measured from its journey and its "
                "stages (Day 0, the first customer-facing step done, Done); "
                "they are not typed, copied or imported."
            ),
        )
        return result

    @api.constrains("date_start")
    def _check_day0_before_the_times(self):
        # Day 0 may be corrected, but not past what already happened: the
        # times would turn negative and count as Day 0 in the report. The
        # process (``_vshn_move_day0``) moves the events with Day 0.
        if self.env.context.get(PROCESS_CONTEXT_KEY) is PROCESS_TOKEN:
            return
        for onboarding in self:
            day0 = onboarding.date_start
            for date, event in (
                (onboarding.date_first_engagement, self.env._("first engagement")),
                (onboarding.is_done and onboarding.date_done, self.env._("Done")),
            ):
                if date and day0 and date < day0:
                    raise ValidationError(
                        self.env._(
                            "%(onboarding)s: Day 0 (%(day0)s) cannot be after its "
                            "%(event)s (%(date)s); set Day 0 on or before %(date)s.",
                            onboarding=onboarding.display_name,
                            day0=day0,
                            event=event,
                            date=date,
                        )
                    )

    def _on_stage_entered(self):
        result = super()._on_stage_entered()
        self._vshn_update_times()
        return result

    def _vshn_update_times(self):
        """Store the first engagement and the times from Day 0 (in batch).

        One grouped read for any number of onboardings, one write per distinct
        set of values, none for onboardings whose times did not change.
        """
        # The times are the process's record of what happened, derived from
        # Day 0, the done steps and Done only: whoever finished a step or moved
        # the stage (an account manager, a customer's payment) need not be
        # allowed to read every step or to edit the onboarding, and nothing
        # but these three fields is written. Private: no RPC caller reaches it.
        onboardings = self.sudo().exists()
        if not onboardings:
            return
        first_dates = dict(
            self.env["vshn.onboarding.journey.line"]
            .sudo()
            ._read_group(
                [
                    ("onboarding_id", "in", onboardings.ids),
                    ("customer_facing", "=", True),
                    ("state", "=", "done"),
                    ("date_done", "!=", False),
                ],
                ["onboarding_id"],
                ["date_done:min"],
            )
        )
        to_write = defaultdict(onboardings.browse)
        for onboarding in onboardings:
            day0 = onboarding.date_start
            first = first_dates.get(onboarding, False)
            done = onboarding.is_done and onboarding.date_done
            values = {
                "date_first_engagement": first,
                "time_to_first_engagement": (first - day0).days
                if first and day0
                else 0,
                "time_to_onboard": (done - day0).days if done and day0 else 0,
            }
            if any(onboarding[name] != value for name, value in values.items()):
                to_write[tuple(sorted(values.items()))] |= onboarding
        for values, records in to_write.items():
            as_process(records).write(dict(values))
