# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from .vshn_onboarding_report_mixin import ONBOARDING_DIMENSION_DEPENDS

EVENT_KINDS = [
    ("activity", "Activity"),
    ("meeting", "Meeting"),
    ("stage_change", "Stage Change"),
    ("mail", "Mail"),
    ("milestone", "Milestone"),
]
ORIGINS = [
    ("onboarding", "Onboarding"),
    ("opportunity", "Opportunity"),
    ("order", "Order"),
]
# the window of the report, in days around Day 0
WINDOW_DAYS = 60
FIRST_WEEK = -9  # floor(-60 / 7)
LAST_WEEK = 8  # floor(60 / 7)
# keys sort as the weeks do (the pivot orders a selection by its key)
WEEKS = [
    (f"{week - FIRST_WEEK:02d}", f"Week {week:+d}" if week else "Week 0")
    for week in range(FIRST_WEEK, LAST_WEEK + 1)
]
# a row's id: its onboarding, its source table and the source's id, so that
# an event seen by two onboardings (one opportunity's) is two rows
ID_ONBOARDING_FACTOR = 2**32
ID_SOURCE_FACTOR = 2**29


class VshnOnboardingTimelineReport(models.Model):
    """Day -60 to Day +60: every event of each onboarding on one axis, in days
    from its Day 0 (the signature).

    The events are Odoo's own records, read where they live:

    - activities on the onboarding, its opportunity or its orders: open ones
      at their deadline, done ones when they were done (kept activities are
      archived with their date done; an activity whose type does not keep
      done ones leaves its "done" message, dated when it was done); the
      activity a meeting puts on its record is the meeting, not another row;
    - meetings of the onboarding or of its opportunity;
    - stage changes of the onboarding and of its opportunity (tracking);
    - mails: e-mails and messages to followers (no internal notes) on the
      onboarding, its opportunity and its orders, incoming and outgoing;
    - milestones of its journey: done ones when done, open ones when planned.

    Only events from 60 days before to 60 days after Day 0 are rows. Dates of
    timestamps are UTC dates, as Odoo stores when an activity was done.
    """

    _name = "vshn.onboarding.timeline.report"
    _inherit = "vshn.onboarding.report.mixin"
    _description = "Onboarding Day -60 to +60"
    _auto = False
    _rec_name = "name"
    _order = "date, id"
    # a read of the report flushes what the ORM still holds of these
    _depends = {
        "vshn.onboarding": [*ONBOARDING_DIMENSION_DEPENDS, "lead_id"],
        "res.partner": ["industry_id"],
        "sale.order": ["onboarding_id"],
        "mail.activity": [
            "res_model",
            "res_id",
            "active",
            "date_deadline",
            "date_done",
            "summary",
            "activity_type_id",
            "calendar_event_id",
        ],
        "mail.activity.type": ["name", "keep_done"],
        "mail.message": [
            "model",
            "res_id",
            "message_type",
            "subtype_id",
            "mail_activity_type_id",
            "date",
            "subject",
            "body",
            "is_internal",
        ],
        "mail.message.subtype": ["internal"],
        "mail.tracking.value": [
            "field_id",
            "mail_message_id",
            "old_value_char",
            "new_value_char",
        ],
        "calendar.event": [
            "res_model",
            "res_id",
            "opportunity_id",
            "active",
            "allday",
            "start",
            "start_date",
            "name",
        ],
        "vshn.onboarding.journey.line": [
            "onboarding_id",
            "kind",
            "state",
            "date_done",
            "date_planned",
            "name",
        ],
    }

    event_kind = fields.Selection(EVENT_KINDS, string="Event", readonly=True)
    origin = fields.Selection(
        ORIGINS, readonly=True, help="The record the event belongs to."
    )
    name = fields.Char(string="Event Name", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", readonly=True)
    date = fields.Date(readonly=True)
    day = fields.Integer(readonly=True, aggregator=False, help="Days from Day 0.")
    week = fields.Integer(
        readonly=True,
        aggregator=False,
        help="Weeks from Day 0: week 0 is Days 0 to 6, week -1 Days -7 to -1.",
    )
    week_label = fields.Selection(WEEKS, string="Week from Day 0", readonly=True)
    is_done = fields.Boolean(
        string="Happened",
        readonly=True,
        help="Unset for what is still planned: open activities, future "
        "meetings, milestones not reached yet.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT
                ev.onboarding_id::bigint * %(id_onboarding)s
                    + ev.source::bigint * %(id_source)s + ev.source_id AS id,
                ev.event_kind AS event_kind,
                ev.origin AS origin,
                ev.name AS name,
                ev.activity_type_id AS activity_type_id,
                ev.date AS date,
                rel.day AS day,
                rel.week AS week,
                lpad((rel.week - %(first_week)s)::text, 2, '0') AS week_label,
                ev.is_done AS is_done,
                onb.id AS onboarding_id,
                onb.company_id AS company_id,
                onb.partner_id AS partner_id,
                partner.industry_id AS industry_id,
                onb.segment_id AS segment_id,
                onb.complexity AS complexity,
                onb.offering_type AS offering_type,
                onb.kind AS kind,
                onb.user_id AS user_id,
                onb.account_manager_id AS account_manager_id,
                onb.date_start AS date_start
            FROM (%(events)s) AS ev
            JOIN vshn_onboarding onb ON onb.id = ev.onboarding_id
            LEFT JOIN res_partner partner ON partner.id = onb.partner_id
            CROSS JOIN LATERAL (
                SELECT
                    ev.date - onb.date_start AS day,
                    floor((ev.date - onb.date_start) / 7.0)::int AS week
            ) AS rel
            WHERE onb.active
              AND rel.day BETWEEN %(window_start)s AND %(window_end)s
            """,
            events=self._get_event_queries(),
            id_onboarding=ID_ONBOARDING_FACTOR,
            id_source=ID_SOURCE_FACTOR,
            first_week=FIRST_WEEK,
            window_start=-WINDOW_DAYS,
            window_end=WINDOW_DAYS,
        )

    def _get_event_queries(self):
        """The events of every onboarding, one UNION ALL branch per source.

        Each branch gives: onboarding_id, source (its rank in the row id),
        source_id, event_kind, origin, name, activity_type_id, date, is_done.
        """
        lang = self.env.lang or "en_US"
        activities_done = self.env["ir.model.data"]._xmlid_to_res_id(
            "mail.mt_activities", raise_if_not_found=False
        )
        # the records whose chatter belongs to an onboarding: itself, its
        # opportunity, its orders
        documents = SQL(
            """
            (
                SELECT onb.id AS onboarding_id, 'vshn.onboarding' AS model,
                       onb.id AS res_id, 'onboarding' AS origin
                FROM vshn_onboarding onb
                UNION ALL
                SELECT onb.id, 'crm.lead', onb.lead_id, 'opportunity'
                FROM vshn_onboarding onb
                WHERE onb.lead_id IS NOT NULL
                UNION ALL
                SELECT so.onboarding_id, 'sale.order', so.id, 'order'
                FROM sale_order so
                WHERE so.onboarding_id IS NOT NULL
            )
            """
        )
        type_name = SQL(
            "COALESCE(atype.name->>%(lang)s, atype.name->>'en_US')", lang=lang
        )
        return SQL(
            """
            SELECT doc.onboarding_id, 0 AS source, act.id AS source_id,
                   'activity' AS event_kind, doc.origin,
                   COALESCE(NULLIF(act.summary, ''), %(type_name)s) AS name,
                   act.activity_type_id,
                   CASE WHEN act.active THEN act.date_deadline ELSE act.date_done END
                       AS date,
                   NOT act.active AS is_done
            FROM mail_activity act
            JOIN %(documents)s AS doc
                ON doc.model = act.res_model AND doc.res_id = act.res_id
            LEFT JOIN mail_activity_type atype ON atype.id = act.activity_type_id
            WHERE (act.active OR act.date_done IS NOT NULL)
              AND act.calendar_event_id IS NULL

            UNION ALL
            SELECT doc.onboarding_id, 1, msg.id, 'activity', doc.origin,
                   %(type_name)s, msg.mail_activity_type_id, msg.date::date, TRUE
            FROM mail_message msg
            JOIN %(documents)s AS doc
                ON doc.model = msg.model AND doc.res_id = msg.res_id
            JOIN mail_activity_type atype ON atype.id = msg.mail_activity_type_id
            WHERE msg.message_type = 'notification'
              AND msg.subtype_id = %(activities_done)s
              AND NOT COALESCE(atype.keep_done, FALSE)

            UNION ALL
            SELECT onb.id, 2, ce.id, 'meeting',
                   CASE WHEN ce.res_model = 'vshn.onboarding' AND ce.res_id = onb.id
                        THEN 'onboarding' ELSE 'opportunity' END,
                   ce.name, NULL,
                   CASE WHEN ce.allday THEN ce.start_date ELSE ce.start::date END,
                   ce.start <= %(now)s
            FROM calendar_event ce
            JOIN vshn_onboarding onb
                ON (ce.res_model = 'vshn.onboarding' AND ce.res_id = onb.id)
                OR ce.opportunity_id = onb.lead_id
                OR (ce.res_model = 'crm.lead' AND ce.res_id = onb.lead_id)
            WHERE ce.active

            UNION ALL
            SELECT doc.onboarding_id, 3, tracking.id, 'stage_change', doc.origin,
                   concat_ws(' → ', tracking.old_value_char, tracking.new_value_char),
                   NULL, msg.date::date, TRUE
            FROM mail_tracking_value tracking
            JOIN mail_message msg ON msg.id = tracking.mail_message_id
            JOIN ir_model_fields field
                ON field.id = tracking.field_id
               AND field.model = msg.model
               AND field.name = 'stage_id'
            JOIN %(documents)s AS doc
                ON doc.model = msg.model AND doc.res_id = msg.res_id
            WHERE msg.model IN ('vshn.onboarding', 'crm.lead')

            UNION ALL
            SELECT doc.onboarding_id, 4, msg.id, 'mail', doc.origin,
                   COALESCE(
                       NULLIF(msg.subject, ''),
                       left(regexp_replace(
                           COALESCE(msg.body, ''), '<[^>]*>', '', 'g'), 80)
                   ),
                   NULL, msg.date::date, TRUE
            FROM mail_message msg
            JOIN %(documents)s AS doc
                ON doc.model = msg.model AND doc.res_id = msg.res_id
            LEFT JOIN mail_message_subtype subtype ON subtype.id = msg.subtype_id
            WHERE msg.message_type IN ('email', 'comment', 'email_outgoing')
              AND NOT COALESCE(msg.is_internal, FALSE)
              AND NOT COALESCE(subtype.internal, FALSE)

            UNION ALL
            SELECT line.onboarding_id, 5, line.id, 'milestone', 'onboarding',
                   line.name, NULL,
                   CASE WHEN line.state = 'done' THEN line.date_done
                        ELSE line.date_planned END,
                   line.state = 'done'
            FROM vshn_onboarding_journey_line line
            WHERE line.kind = 'milestone' AND line.state != 'cancelled'
            """,
            documents=documents,
            type_name=type_name,
            activities_done=activities_done or None,
            now=fields.Datetime.now(),
        )
