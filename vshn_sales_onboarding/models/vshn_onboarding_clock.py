# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_date, split_every

from .vshn_onboarding_gate_mixin import check_process_fields
from .vshn_onboarding_journey_line import CLOCK_STATES

# written by the stage changes and the clocks' scheduled action only
CLOCK_FIELDS = {
    "date_stage_entered",
    "stage_date_due",
    "clock_state",
    "stage_escalated",
}
# the worse state wins on the onboarding
CLOCK_RANK = {False: 0, "on_track": 1, "at_risk": 2, "breached": 3}
# onboardings per batch of the scheduled action: a constant number of queries
# each, and a bounded cache
CLOCK_BATCH_SIZE = 1000


def clock_state(today, date_due, working_days, at_risk_days):
    """Breached after the due date, at risk within ``at_risk_days`` working
    days of it (the due date itself included), else on track."""
    if today > date_due:
        return "breached"
    if working_days.count(today, date_due) <= at_risk_days:
        return "at_risk"
    return "on_track"


def write_clock_columns(model, rows, fnames):
    """Write ``rows`` ([(id, value, ...)], values in the order of ``fnames``)
    into ``model``'s table in one UPDATE.

    A new day or a new holiday changes the clocks of a whole batch at once:
    the ORM would send them a hundred rows at a time, one statement keeps the
    daily pass's queries the same for any number of onboardings. The cache is
    invalidated and what depends on the fields is marked as modified, as the
    ORM would.
    """
    if not rows:
        return
    booleans = [model._fields[fname].type == "boolean" for fname in fnames]
    # what the ORM still holds for the table goes first (the whole rows: the
    # write date is invalidated below)
    model.flush_model()
    columns = [SQL.identifier(fname) for fname in fnames]
    model.env.cr.execute(
        SQL(
            "UPDATE %(table)s AS t SET %(sets)s, write_uid = %(uid)s, "
            "write_date = %(now)s FROM (VALUES %(rows)s) AS v(id, %(columns)s) "
            "WHERE t.id = v.id",
            table=SQL.identifier(model._table),
            sets=SQL(", ").join(
                SQL(
                    "%s = v.%s::%s",
                    column,
                    column,
                    SQL(model._fields[fname].column_type[1]),
                )
                for fname, column in zip(fnames, columns, strict=True)
            ),
            uid=model.env.uid,
            now=model.env.cr.now(),
            rows=SQL(", ").join(
                SQL(
                    "(%s, %s)",
                    row[0],
                    SQL(", ").join(
                        SQL("%s", value if boolean else value or None)
                        for boolean, value in zip(booleans, row[1:], strict=True)
                    ),
                )
                for row in rows
            ),
            columns=SQL(", ").join(columns),
        )
    )
    records = model.browse([row[0] for row in rows])
    records.invalidate_recordset([*fnames, "write_uid", "write_date"], flush=False)
    records.modified(fnames)


def claim_flag(records, fname):
    """Set the boolean ``fname`` on those of ``records`` where it is not set
    yet, in one statement; return the records it was set on.

    The guard of an escalation: the rows stay locked until the transaction
    ends, so a pass overlapping this one waits, then fails on them (Odoo's
    repeatable read) or sees them set; never escalates them twice.
    """
    if not records:
        return records
    records.flush_recordset()
    column = SQL.identifier(fname)
    rows = records.env.execute_query(
        SQL(
            "UPDATE %(table)s SET %(column)s = TRUE, write_uid = %(uid)s, "
            "write_date = %(now)s WHERE id = ANY(%(ids)s) AND %(column)s IS NOT TRUE "
            "RETURNING id",
            table=SQL.identifier(records._table),
            column=column,
            uid=records.env.uid,
            now=records.env.cr.now(),
            ids=list(records.ids),
        )
    )
    records.invalidate_recordset([fname, "write_uid", "write_date"], flush=False)
    claimed = records.browse([row[0] for row in rows])
    claimed.modified([fname])
    return claimed


class VshnOnboarding(models.Model):
    """Working-day clocks of the onboarding's stage and journey steps.

    A clock runs on the company's working-time calendar (weekends and public
    holidays excluded): the stage's clock from the day the onboarding entered
    it for the stage's target in working days, each planned journey step's
    from its anchor to its due date. The onboarding shows the worst of them.
    A daily scheduled action updates them all, escalates each new breach once
    to the Customer Success Manager and sends each account manager a digest.
    """

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

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        onboardings = super().create(vals_list)
        onboardings._vshn_start_stage_clock()
        return onboardings

    def write(self, vals):
        if "stage_id" in vals:
            old_stages = {onboarding.id: onboarding.stage_id for onboarding in self}
        result = super().write(vals)
        if "stage_id" in vals:
            self.filtered(
                lambda onboarding: onboarding.stage_id != old_stages[onboarding.id]
            )._vshn_start_stage_clock()
        elif "active" in vals:
            # an archived onboarding has no clock; a restored one has again
            self._vshn_update_clocks()
        return result

    def _check_evidence_fields(self, vals):
        result = super()._check_evidence_fields(vals)
        check_process_fields(
            self,
            vals,
            CLOCK_FIELDS,
            self.env._(
                "The clocks are kept by the onboarding itself (entering a stage "
                "starts its clock, the daily check updates and escalates them); "
                "they are not typed, copied or imported."
            ),
        )
        return result

    # ------------------------------------------------------------------
    # Clocks
    # ------------------------------------------------------------------

    def _vshn_start_stage_clock(self):
        """The stage's clock starts today, its breach not yet escalated."""
        self._vshn_update_clocks(restart_stage=True)

    def _vshn_update_clocks(self, restart_stage=False):
        """Recompute the clocks of these onboardings and their steps (in batch).

        A planned journey step with a due date, and the stage when it has a
        target, are breached once today is after their due date, at risk
        when at most the company's *Clock At Risk Within* working days are
        left, else on track; done, cancelled and waiting steps, and Done or
        archived onboardings, have no clock. Only changed values are written;
        the queries are the same for any number of onboardings.

        With ``restart_stage``, the stage's clock starts today, its breach
        not yet escalated (the onboarding entered its stage).

        Returns {onboarding id: the state of its stage's clock} (the daily
        check escalates and reports from it).
        """
        if not self:
            return {}
        # the clocks are the process's: whoever finishes a step or moves the
        # stage may not write the steps (read-only to users), and every step
        # of the onboarding counts, whoever can see it
        onboardings = self.sudo()
        today = fields.Date.context_today(self)
        entered_dates = {
            onboarding.id: today if restart_stage else onboarding.date_stage_entered
            for onboarding in onboardings
        }
        lines_model = onboardings.env["vshn.onboarding.journey.line"]
        lines = lines_model.search(
            [
                ("onboarding_id", "in", onboardings.ids),
                "|",
                "&",
                ("state", "=", "planned"),
                ("date_due", "!=", False),
                ("clock_state", "!=", False),
            ]
        )

        def is_open(onboarding):
            return onboarding.active and not onboarding.is_done

        entered = [
            onboarding
            for onboarding in onboardings
            if entered_dates[onboarding.id] and onboarding.stage_id.target_working_days
        ]
        starts = [today, *(entered_dates[onboarding.id] for onboarding in entered)]
        # far enough for every stage target, whatever the holidays
        ends = [
            today,
            *filter(None, lines.mapped("date_due")),
            *(
                entered_dates[onboarding.id]
                + timedelta(days=onboarding.stage_id.target_working_days * 2 + 31)
                for onboarding in entered
            ),
        ]
        calendars = onboardings.company_id.resource_calendar_id
        working_days = calendars._vshn_get_working_days(min(starts), max(ends))

        def calendar_of(onboarding):
            return working_days[onboarding.company_id.resource_calendar_id.id or False]

        line_rows = []
        worst = defaultdict(lambda: False)
        for line in lines:
            onboarding = line.onboarding_id
            state = False
            if line.state == "planned" and line.date_due and is_open(onboarding):
                state = clock_state(
                    today,
                    line.date_due,
                    calendar_of(onboarding),
                    onboarding.company_id.onboarding_clock_at_risk_days,
                )
                if CLOCK_RANK[state] > CLOCK_RANK[worst[onboarding.id]]:
                    worst[onboarding.id] = state
            if line.clock_state != state:
                line_rows.append((line.id, state))
        write_clock_columns(lines_model, line_rows, ["clock_state"])

        stage_states = {}
        onboarding_rows = []
        for onboarding in onboardings:
            target = onboarding.stage_id.target_working_days
            entered_on = entered_dates[onboarding.id]
            due = (
                calendar_of(onboarding).add(entered_on, target)
                if target and entered_on
                else False
            )
            stage_state = False
            if due and is_open(onboarding):
                stage_state = clock_state(
                    today,
                    due,
                    calendar_of(onboarding),
                    onboarding.company_id.onboarding_clock_at_risk_days,
                )
            stage_states[onboarding.id] = stage_state
            state = False
            if is_open(onboarding):
                state = max(stage_state, worst[onboarding.id], key=CLOCK_RANK.get)
            if restart_stage:
                onboarding_rows.append((onboarding.id, due, state, today, False))
            elif (onboarding.stage_date_due, onboarding.clock_state) != (due, state):
                onboarding_rows.append((onboarding.id, due, state))
        fnames = ["stage_date_due", "clock_state"]
        if restart_stage:
            fnames += ["date_stage_entered", "stage_escalated"]
        write_clock_columns(onboardings.browse(), onboarding_rows, fnames)
        return stage_states

    def _vshn_set_stage_entered(self, date_entered):
        """Record ``date_entered`` as the day these onboardings entered their
        stage, and update their clocks.

        For data only: demo stories told back in time, migrations. A stage
        change starts the clock by itself.
        """
        date_entered = fields.Date.to_date(date_entered)
        write_clock_columns(
            self.browse(),
            [(onboarding_id, date_entered) for onboarding_id in self.ids],
            ["date_stage_entered"],
        )
        return self._vshn_update_clocks()

    # ------------------------------------------------------------------
    # The daily check: escalations and digests
    # ------------------------------------------------------------------

    @api.model
    def _cron_vshn_check_clocks(self):
        self._vshn_check_clocks()

    @api.model
    def _vshn_check_clocks(self, batch_size=CLOCK_BATCH_SIZE):
        """One pass over all open onboardings, in batches of ``batch_size``.

        Each batch: update the clocks, escalate every new breach once, and
        note what each account manager should hear about; then one digest per
        account manager. The queries per batch are the same for any number of
        onboardings (the digests cost per person, not per onboarding).
        """
        # every company's onboardings, whoever runs the pass (the scheduled
        # action runs as superuser; the method is private, no RPC reaches it)
        onboardings = self.sudo()
        ids = onboardings.search([("is_done", "=", False)], order="id").ids
        digests = defaultdict(list)
        for batch_ids in split_every(batch_size, ids):
            batch = onboardings.browse(batch_ids)
            stage_states = batch._vshn_update_clocks()
            batch._vshn_escalate_breaches(stage_states)
            batch._vshn_collect_clock_digests(stage_states, digests)
            if len(ids) > batch_size:
                # the next batch reads afresh: the cache stays one batch large
                self.env.flush_all()
                self.env.invalidate_all()
        self._vshn_send_clock_digests(digests)

    def _vshn_get_clock_items(self, stage_states, states):
        """{onboarding: [(what, due date, state)]} of the stage and steps whose
        clock is in ``states``, stage first."""
        items = defaultdict(list)
        for onboarding in self:
            if stage_states.get(onboarding.id) in states:
                items[onboarding].append(
                    (
                        self.env._("Stage %(stage)s", stage=onboarding.stage_id.name),
                        onboarding.stage_date_due,
                        stage_states[onboarding.id],
                    )
                )
        lines = self.env["vshn.onboarding.journey.line"].search(
            [("onboarding_id", "in", self.ids), ("clock_state", "in", list(states))],
            order="date_due, sequence, id",
        )
        for line in lines:
            items[line.onboarding_id].append(
                (
                    self.env._("Step %(step)s", step=line.name),
                    line.date_due,
                    line.clock_state,
                )
            )
        return items

    def _vshn_escalate_breaches(self, stage_states):
        """Escalate each new breach once to the Customer Success Manager.

        New: a breached step not yet escalated, a breached stage clock not
        yet escalated (entering another stage starts a new one). One activity
        per onboarding and run names all of its new breaches. The flags are
        claimed in the database first (``claim_flag``), in the transaction
        that creates the activities: a second run never escalates the same
        breach, and a run overlapping this one cannot double it.
        """
        lines = self.env["vshn.onboarding.journey.line"].search(
            [
                ("onboarding_id", "in", self.ids),
                ("clock_state", "=", "breached"),
                ("escalated", "=", False),
            ],
            order="date_due, sequence, id",
        )
        stages = self.filtered(
            lambda onboarding: stage_states.get(onboarding.id) == "breached"
            and not onboarding.stage_escalated
        )
        lines = claim_flag(lines, "escalated")
        stages = claim_flag(stages, "stage_escalated")
        if not lines and not stages:
            return self.env["mail.activity"]
        items = defaultdict(list)
        for onboarding in stages:
            items[onboarding].append(
                (
                    self.env._("Stage %(stage)s", stage=onboarding.stage_id.name),
                    onboarding.stage_date_due,
                )
            )
        for line in lines.sorted(lambda line: (line.date_due, line.sequence, line.id)):
            items[line.onboarding_id].append(
                (self.env._("Step %(step)s", step=line.name), line.date_due)
            )

        activity_type = self.env.ref(
            "vshn_sales_onboarding.mail_activity_type_journey_breach"
        )
        csm_role = self.env["vshn.onboarding.role"].search(
            [("code", "=", "csm")], limit=1
        )
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = []
        for onboarding in self.filtered(lambda onboarding: onboarding in items):
            breaches = items[onboarding]
            user = onboarding._vshn_get_role_assignee(csm_role) or onboarding.user_id
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": onboarding.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id or self.env.user.id,
                    "date_deadline": today,
                    "summary": self.env._(
                        "Breached: %(what)s", what=", ".join(w for w, _d in breaches)
                    ),
                    "note": Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        self.env._(
                            "%(onboarding)s is behind its journey:",
                            onboarding=onboarding.display_name,
                        ),
                        Markup().join(
                            Markup("<li>%s</li>")
                            % self.env._(
                                "%(what)s: due %(due)s, breached since %(since)s",
                                what=what,
                                due=format_date(self.env, due),
                                since=format_date(self.env, due + timedelta(days=1)),
                            )
                            for what, due in breaches
                        ),
                    ),
                }
            )
        # in the CSM's activities at once; no mail per activity, so that the
        # pass costs the same for any number of breaches
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def _vshn_collect_clock_digests(self, stage_states, digests):
        """Add to ``digests`` ({user id: [line]}) this batch's onboardings at
        risk or breached, for their account manager (else their owner)."""
        states = dict(self._fields["clock_state"]._description_selection(self.env))
        items = self._vshn_get_clock_items(stage_states, ("at_risk", "breached"))
        for onboarding in self:
            if onboarding.clock_state not in ("at_risk", "breached"):
                continue
            user = onboarding.account_manager_id or onboarding.user_id
            if not user:
                continue
            digests[user.id].append(
                self.env._(
                    "%(onboarding)s: %(state)s (%(items)s)",
                    onboarding=onboarding.display_name,
                    state=states[onboarding.clock_state],
                    items="; ".join(
                        self.env._(
                            "%(what)s %(state)s, due %(due)s",
                            what=what,
                            state=states[state].lower(),
                            due=format_date(self.env, due),
                        )
                        for what, due, state in items[onboarding]
                    ),
                )
            )

    @api.model
    def _vshn_send_clock_digests(self, digests):
        """One message per account manager listing their onboardings at risk
        or breached; none for whoever has none."""
        users = (
            self.env["res.users"]
            .browse(list(digests))
            .filtered(lambda user: user.active and user.partner_id)
        )
        # e-mails leave through the mail queue, not from inside the pass
        onboardings = self.with_context(mail_notify_force_send=False)
        for user in users:
            onboardings._vshn_notify_digest(
                user,
                self.env._("Onboarding clocks: at risk and breached"),
                digests[user.id],
            )
