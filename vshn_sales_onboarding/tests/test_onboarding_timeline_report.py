# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.models import BaseModel
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    as_process,
)

from .onboarding_common import OnboardingOrderCommon

DAY0 = date(2026, 3, 2)
DAY0_B = date(2026, 4, 1)


def at(day, day0=DAY0, hour=10):
    """The moment ``day`` days from ``day0``, at ``hour`` (UTC)."""
    return datetime.combine(day0 + timedelta(days=day), time(hour))


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestOnboardingTimelineReport(OnboardingOrderCommon):
    """Day -60 to Day +60 against a hand-computed fixture.

    Onboarding A (segment Mid, industry Banking, Day 0 on 2 March 2026, owned
    by Sandra Sales) and its opportunity:

    ====  =====  ============  ==============================================
    day   week   kind          event
    ====  =====  ============  ==============================================
    -61          mail          an e-mail on the opportunity (outside)
    -30   -5     stage_change  the opportunity moved to Proposition
    -20   -3     activity      a call on the opportunity, done (not kept)
    -10   -2     mail          an e-mail from the customer on the opportunity
    0     0      stage_change  the onboarding moved to Setup
    1     0      activity      the internal handover, done (kept, archived)
    2     0      meeting       the kickoff, on the onboarding and the
                               opportunity (one row)
    5     0      mail          a message to the customer on the onboarding
    6            (note)        an internal note: not a mail
    7     1      mail          an e-mail on the onboarding's order
    10    1      meeting       a workshop on the opportunity
    12    1      activity      an open activity, due then (planned)
    20           (milestone)   a cancelled milestone: not an event
    30    4      milestone     go-live, done
    45    6      milestone     onboarding complete, planned
    61           mail          a message on the onboarding (outside)
    ====  =====  ============  ==============================================

    Onboarding B (segment Small, industry Retail, Day 0 on 1 April 2026, owned
    by Otto Other): a mail on Day -3 (week -1) and a milestone done on Day 14
    (week 2).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_other = mail_new_test_user(
            cls.env,
            login="onb_timeline_other",
            name="Otto Other",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        cls.segment_small = cls.env["vshn.onboarding.segment"].create(
            {"name": "Test Small", "touch_model": "digital", "onboarding_days": 30}
        )
        cls.banking, cls.retail = cls.env["res.partner.industry"].create(
            [{"name": "Banking"}, {"name": "Retail"}]
        )
        customer_a, customer_b = cls.env["res.partner"].create(
            [
                {"name": "Bank AG", "is_company": True, "industry_id": cls.banking.id},
                {"name": "Shop AG", "is_company": True, "industry_id": cls.retail.id},
            ]
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Bank AG: Managed Kubernetes",
                "type": "opportunity",
                "partner_id": customer_a.id,
                "user_id": cls.user_salesman.id,
            }
        )
        cls.onboarding_a, cls.onboarding_b = cls.env["vshn.onboarding"].create(
            [
                {
                    "name": "Bank AG onboarding",
                    "partner_id": customer_a.id,
                    "lead_id": cls.lead.id,
                    "user_id": cls.user_salesman.id,
                    "segment_id": cls.segment.id,
                    "date_start": DAY0,
                },
                {
                    "name": "Shop AG onboarding",
                    "partner_id": customer_b.id,
                    "user_id": cls.user_other.id,
                    "segment_id": cls.segment_small.id,
                    "date_start": DAY0_B,
                },
            ]
        )
        cls.onboardings = cls.onboarding_a | cls.onboarding_b
        cls._make_events()

    @classmethod
    def _make_events(cls):
        env, lead, onboarding = cls.env, cls.lead, cls.onboarding_a
        comment = env.ref("mail.mt_comment")
        note = env.ref("mail.mt_note")

        def message(record, day, subject, message_type="comment", subtype=comment):
            return {
                "model": record._name,
                "res_id": record.id,
                "message_type": message_type,
                "subtype_id": subtype.id,
                "subject": subject,
                "body": f"<p>{subject}</p>",
                "date": at(day, record == cls.onboarding_b and DAY0_B or DAY0),
            }

        def stage_change(record, day, old, new):
            field = env["ir.model.fields"]._get(record._name, "stage_id")
            values = message(record, day, False, "notification", note)
            values["tracking_value_ids"] = [
                Command.create(
                    {"field_id": field.id, "old_value_char": old, "new_value_char": new}
                )
            ]
            return values

        order = cls.env["sale.order"].create(
            {
                "partner_id": onboarding.partner_id.id,
                "order_line": [Command.create({"product_id": cls.product.id})],
            }
        )
        as_process(order.sudo()).write(
            {"onboarding_id": onboarding.id, "onboarding_conversion": "done"}
        )
        cls.order = order
        env["mail.message"].create(
            [
                message(lead, -61, "Too early"),
                stage_change(lead, -30, "Qualification", "Proposition"),
                message(lead, -10, "Our requirements", "email"),
                stage_change(onboarding, 0, "Handover", "Setup"),
                message(onboarding, 5, "Welcome <b>aboard</b> & more"),
                message(onboarding, 6, "Internal note", "comment", note),
                message(order, 7, "Your order", "email_outgoing"),
                message(onboarding, 61, "Too late"),
                message(cls.onboarding_b, -3, "Hello Shop"),
            ]
        )
        # the date an activity was done is computed when it is flushed
        with freeze_time(at(-20)):
            lead.activity_schedule(
                "mail.mail_activity_data_call", summary="Discovery call"
            ).action_feedback(feedback="Interested")
            env.flush_all()
        with freeze_time(at(1)):
            onboarding.activity_schedule(
                "vshn_sales_onboarding.mail_activity_type_handover",
                summary="Handover",
            ).action_feedback(feedback="Handed over")
            env.flush_all()
        onboarding.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Check setup",
            date_deadline=DAY0 + timedelta(days=12),
        )
        env["calendar.event"].with_context(no_mail_to_attendees=True).create(
            [
                {
                    "name": "Kickoff",
                    "start": at(2),
                    "stop": at(2, hour=11),
                    "res_model_id": env["ir.model"]._get_id("vshn.onboarding"),
                    "res_id": onboarding.id,
                    "opportunity_id": lead.id,
                    "partner_ids": [],
                },
                {
                    "name": "Architecture workshop",
                    "start": at(10),
                    "stop": at(10, hour=12),
                    "opportunity_id": lead.id,
                    "partner_ids": [],
                },
            ]
        )

        def milestone(record, name, state, day, day0=DAY0):
            values = {
                "onboarding_id": record.id,
                "name": name,
                "kind": "milestone",
                "anchor": "signed",
                "state": state,
                "date_planned": day0 + timedelta(days=day),
            }
            if state == "done":
                values["date_done"] = day0 + timedelta(days=day)
            return values

        as_process(env["vshn.onboarding.journey.line"].sudo()).create(
            [
                milestone(onboarding, "Security review", "cancelled", 20),
                milestone(onboarding, "Go-live", "done", 30),
                milestone(onboarding, "Onboarding complete", "planned", 45),
                milestone(cls.onboarding_b, "First login", "done", 14, DAY0_B),
            ]
        )

    def _rows(self, onboardings=None, user=None):
        return (
            self.env["vshn.onboarding.timeline.report"]
            .with_user(user or self.env.user)
            .search([("onboarding_id", "in", (onboardings or self.onboardings).ids)])
        )

    def _counts(self, groupby, onboardings=None, user=None):
        report = self.env["vshn.onboarding.timeline.report"].with_user(
            user or self.env.user
        )
        counts = {}
        for row in report._read_group(
            [("onboarding_id", "in", (onboardings or self.onboardings).ids)],
            groupby,
            ["__count"],
        ):
            keys = row[:-1]
            counts[
                tuple(key.id if isinstance(key, BaseModel) else key for key in keys)
            ] = row[-1]
        return counts

    def test_events_of_one_onboarding(self):
        rows = self._rows(self.onboarding_a)
        self.assertEqual(
            sorted((row.day, row.week, row.event_kind, row.origin) for row in rows),
            [
                (-30, -5, "stage_change", "opportunity"),
                (-20, -3, "activity", "opportunity"),
                (-10, -2, "mail", "opportunity"),
                (0, 0, "stage_change", "onboarding"),
                (1, 0, "activity", "onboarding"),
                (2, 0, "meeting", "onboarding"),
                (5, 0, "mail", "onboarding"),
                (7, 1, "mail", "order"),
                (10, 1, "meeting", "opportunity"),
                (12, 1, "activity", "onboarding"),
                (30, 4, "milestone", "onboarding"),
                (45, 6, "milestone", "onboarding"),
            ],
        )
        by_day = {row.day: row for row in rows}
        self.assertEqual(by_day[-20].name, "Call")
        self.assertEqual(by_day[-20].date, date(2026, 2, 10))
        self.assertEqual(by_day[1].name, "Handover")
        self.assertEqual(by_day[-30].name, "Qualification → Proposition")
        self.assertEqual(by_day[5].name, "Welcome <b>aboard</b> & more")
        self.assertEqual(by_day[7].name, "Your order")
        self.assertEqual(
            [day for day, row in sorted(by_day.items()) if not row.is_done], [12, 45]
        )
        self.assertEqual(by_day[-20].week_label, "06")
        self.assertEqual(
            dict(rows._fields["week_label"].selection)[by_day[-20].week_label],
            "Week -3",
        )
        self.assertEqual(len(set(rows.ids)), 12)

    def test_counts_by_kind_and_week(self):
        self.assertEqual(
            self._counts(["event_kind", "week"], self.onboarding_a),
            {
                ("stage_change", -5): 1,
                ("activity", -3): 1,
                ("mail", -2): 1,
                ("stage_change", 0): 1,
                ("activity", 0): 1,
                ("meeting", 0): 1,
                ("mail", 0): 1,
                ("mail", 1): 1,
                ("meeting", 1): 1,
                ("activity", 1): 1,
                ("milestone", 4): 1,
                ("milestone", 6): 1,
            },
        )
        self.assertEqual(
            self._counts(["event_kind"]),
            {
                ("activity",): 3,
                ("meeting",): 2,
                ("stage_change",): 2,
                ("mail",): 4,
                ("milestone",): 3,
            },
        )

    def test_counts_by_segment_industry_and_week(self):
        """Week labels sort as the weeks: "04" is week -5, "09" week 0."""
        self.assertEqual(
            self._counts(["segment_id", "week_label"]),
            {
                (self.segment.id, "04"): 1,
                (self.segment.id, "06"): 1,
                (self.segment.id, "07"): 1,
                (self.segment.id, "09"): 4,
                (self.segment.id, "10"): 3,
                (self.segment.id, "13"): 1,
                (self.segment.id, "15"): 1,
                (self.segment_small.id, "08"): 1,
                (self.segment_small.id, "11"): 1,
            },
        )
        self.assertEqual(
            self._counts(["industry_id"]),
            {(self.banking.id,): 12, (self.retail.id,): 2},
        )

    def test_window_bounds_are_inclusive(self):
        self.onboarding_a.date_start = DAY0 - timedelta(days=1)
        # the e-mail on Day -61 is now Day -60, the message on Day +61 Day +60
        days = self._rows(self.onboarding_a).mapped("day")
        self.assertIn(-60, days)
        self.assertNotIn(60, days)
        self.onboarding_a.date_start = DAY0 + timedelta(days=1)
        days = self._rows(self.onboarding_a).mapped("day")
        self.assertIn(60, days)
        self.assertNotIn(-60, days)

    def test_timeline_html(self):
        with freeze_time(at(20)):
            onboarding = self.onboarding_a.with_user(self.user_salesman)
            self.assertEqual(onboarding.timeline_event_count, 12)
            html = str(onboarding.timeline_html)
        self.assertIn("Day 0", html)
        self.assertIn("Today: Day +20", html)
        for lane in (
            '<span>Activity</span><span class="text-muted">(3)</span>',
            '<span>Meeting</span><span class="text-muted">(2)</span>',
            '<span>Stage Change</span><span class="text-muted">(2)</span>',
            '<span>Mail</span><span class="text-muted">(3)</span>',
            '<span>Milestone</span><span class="text-muted">(2)</span>',
        ):
            self.assertIn(lane, html)
        self.assertIn('title="2026-02-10, Day -20: Call"', html)
        self.assertIn('title="2026-03-04, Day +2: Kickoff"', html)
        self.assertIn(
            'title="2026-04-16, Day +45: Onboarding complete (planned)"', html
        )
        # what users typed is escaped
        self.assertIn("Welcome &lt;b&gt;aboard&lt;/b&gt; &amp; more", html)
        self.assertNotIn("<b>aboard", html)
        self.assertEqual(html.count('<span title="'), 12)

    def test_timeline_action(self):
        action = self.onboarding_a.action_view_timeline_report()
        self.assertEqual(action["res_model"], "vshn.onboarding.timeline.report")
        self.assertEqual(
            action["domain"], [("onboarding_id", "in", [self.onboarding_a.id])]
        )

    def test_salespeople_read_the_rows_of_their_onboardings(self):
        self.assertEqual(
            self._rows(user=self.user_salesman).onboarding_id, self.onboarding_a
        )
        self.assertEqual(
            self._rows(user=self.user_other).onboarding_id, self.onboarding_b
        )
        self.assertEqual(
            self._rows(user=self.user_manager).onboarding_id, self.onboardings
        )
        self.assertEqual(len(self._rows(user=self.user_finance)), 14)
        # nor can a foreign onboarding's timeline be read
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_rule"),
        ):
            self.onboarding_a.with_user(self.user_other).timeline_html  # noqa: B018

    def test_other_company_reads_nothing(self):
        company = self.env["res.company"].create({"name": "Other Company"})
        manager = mail_new_test_user(
            self.env,
            login="onb_timeline_foreign",
            name="Foreign Manager",
            groups="vshn_sales_onboarding.group_onboarding_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        self.assertFalse(self._rows(user=manager))
        self.assertFalse(
            self.env["vshn.onboarding.time.report"]
            .with_user(manager)
            .search([("onboarding_id", "in", self.onboardings.ids)])
        )

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model")
    def test_employee_without_sales_role_is_refused(self):
        with self.assertRaises(AccessError):
            self.env["vshn.onboarding.timeline.report"].with_user(
                self.user_employee
            ).search([])

    def test_query_count_does_not_grow_with_onboardings(self):
        """The grouped read and the timelines of 10 and of 100 onboardings cost
        the same number of queries."""
        customers = self.env["res.partner"].create(
            [{"name": f"Bulk {index}", "is_company": True} for index in range(100)]
        )
        onboardings = self.env["vshn.onboarding"].create(
            [
                {
                    "name": f"Bulk {index}",
                    "partner_id": customer.id,
                    "segment_id": self.segment.id,
                    "date_start": DAY0,
                }
                for index, customer in enumerate(customers)
            ]
        )
        self.env["mail.message"].create(
            [
                {
                    "model": "vshn.onboarding",
                    "res_id": onboarding.id,
                    "message_type": "comment",
                    "subtype_id": self.env.ref("mail.mt_comment").id,
                    "body": "<p>Hello</p>",
                    "date": at(3),
                }
                for onboarding in onboardings
            ]
        )
        report = self.env["vshn.onboarding.timeline.report"].with_user(
            self.user_manager
        )
        groupby = ["segment_id", "week_label", "event_kind"]
        counts = {}
        for size in (10, 100, 10, 100):
            subset = onboardings[:size].with_user(self.user_manager)
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            groups = report._read_group(
                [("onboarding_id", "in", subset.ids)], groupby, ["__count"]
            )
            grouped = self.cr.sql_log_count - before
            self.assertEqual(groups[0][-1], size)
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            subset.mapped("timeline_html")
            drawn = self.cr.sql_log_count - before
            counts[size] = (grouped, drawn)
        self.assertEqual(counts[10], counts[100])
        # the grouped read is the report's one query; drawing the timelines
        # reads the onboardings and the report once each, and the user and its
        # partner (for today's date in the user's time zone) after the cache
        # was emptied
        self.assertEqual(counts[100], (1, 4))

    def test_menus(self):
        menus = {
            "vshn_sales_onboarding.vshn_onboarding_time_report_menu",
            "vshn_sales_onboarding.vshn_onboarding_timeline_report_menu",
        }
        for user, expected in (
            (self.user_salesman, menus),
            (self.user_manager, menus),
            (self.user_employee, set()),
        ):
            visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            xmlids = set(
                self.env["ir.ui.menu"].browse(visible).get_external_id().values()
            )
            self.assertEqual(xmlids & menus, expected, user.name)
