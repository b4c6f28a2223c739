# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import date, datetime, timedelta

import psycopg2.errors
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import format_date, mute_logger

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    as_process,
)

from .onboarding_common import OnboardingOrderCommon

_logger = logging.getLogger(__name__)

# A Friday; the Monday after it (Whit Monday) is a public holiday
FRIDAY = date(2026, 5, 22)
HOLIDAY = date(2026, 5, 25)
TUESDAY, WEDNESDAY, THURSDAY = date(2026, 5, 26), date(2026, 5, 27), date(2026, 5, 28)
DIGEST_SUBJECT = "Onboarding clocks: at risk and breached"
# The daily check's queries on open onboardings with 3 steps each (one
# breached, one at risk, one on track), 2 account managers and 2 CSMs: the
# same at 10 and 100; 200 adds Odoo's own chunks of 100 rows when it inserts
# the activities and the CSMs' followers.
CRON_QUERIES = 58
CRON_QUERIES_200 = 60


@tagged("post_install", "-at_install", "vshn_onboarding", "is_query_count")
class TestJourneyClock(OnboardingOrderCommon):
    """Working-day clocks of stages and journey steps, their escalation once
    to the Customer Success Manager, and the account managers' digest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()
        cls.calendar = cls.env.company.resource_calendar_id
        # noon UTC: the same day in the calendar's time zone
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Whit Monday",
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2026, 5, 25, 6, 0),
                "date_to": datetime(2026, 5, 25, 18, 0),
            }
        )
        cls.breach_type = cls.env.ref(
            "vshn_sales_onboarding.mail_activity_type_journey_breach"
        )
        cls.Onboarding = cls.env["vshn.onboarding"]

    def _bare_onboarding(self, prefix="Board"):
        """A started onboarding without journey steps (the journeys are
        their own tests' subject): the tests plan the steps themselves."""
        onboarding = self._start_onboarding(prefix=prefix)
        as_process(onboarding.journey_line_ids.sudo()).unlink()
        onboarding._vshn_update_clocks()
        return onboarding

    def _add_lines(self, onboarding, *specs):
        """Journey steps (name, state, due date) on ``onboarding``, as the
        journey would plan them."""
        lines = as_process(self.env["vshn.onboarding.journey.line"].sudo()).create(
            [
                {
                    "onboarding_id": onboarding.id,
                    "sequence": sequence,
                    "name": name,
                    "kind": "activity",
                    "anchor": "booked",
                    "state": state,
                    "date_anchor": onboarding.date_start,
                    "date_planned": due,
                    "date_due": due,
                }
                for sequence, (name, state, due) in enumerate(specs)
            ]
        )
        onboarding._vshn_update_clocks()
        return lines.with_env(self.env)

    def _breach_activities(self, onboarding):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "vshn.onboarding"),
                ("res_id", "=", onboarding.id),
                ("activity_type_id", "=", self.breach_type.id),
            ],
            order="id",
        )

    # ------------------------------------------------------------------
    # Working days
    # ------------------------------------------------------------------

    def test_working_days_across_weekend_and_holiday(self):
        days = self.calendar._vshn_get_working_days(date(2026, 5, 1), date(2026, 6, 30))
        company_days = days[self.calendar.id]
        self.assertEqual(company_days.add(FRIDAY, 1), TUESDAY)
        self.assertEqual(company_days.add(FRIDAY, 2), WEDNESDAY)
        self.assertEqual(company_days.add(FRIDAY, 0), FRIDAY)
        self.assertEqual(company_days.count(FRIDAY, WEDNESDAY), 2)
        self.assertEqual(company_days.count(FRIDAY, HOLIDAY), 0)
        self.assertEqual(company_days.count(WEDNESDAY, FRIDAY), -2)
        self.assertFalse(company_days.is_working_day(HOLIDAY))
        self.assertFalse(company_days.is_working_day(date(2026, 5, 23)))
        self.assertTrue(company_days.is_working_day(TUESDAY))
        # a company without a calendar works Monday to Friday; the holiday is
        # the company calendar's
        self.assertEqual(days[False].add(FRIDAY, 2), TUESDAY)
        self.assertEqual(days[False].count(FRIDAY, WEDNESDAY), 3)

    # ------------------------------------------------------------------
    # Clock states
    # ------------------------------------------------------------------

    def test_step_clocks_and_the_worst_on_the_onboarding(self):
        with freeze_time("2026-05-22 10:00:00"):
            onboarding = self._bare_onboarding()
            # Handover: 3 working days from Friday, over the weekend and the
            # holiday: Tuesday, Wednesday, Thursday
            self.assertEqual(onboarding.stage_id, self.stages["handover"])
            self.assertEqual(onboarding.date_stage_entered, FRIDAY)
            self.assertEqual(onboarding.stage_date_due, THURSDAY)
            self.assertEqual(onboarding.clock_state, "on_track")
            lines = self._add_lines(
                onboarding,
                ("Welcome call", "planned", THURSDAY),  # 3 working days left
                ("Material", "planned", WEDNESDAY),  # 2 left: at risk
                ("Due today", "planned", FRIDAY),  # 0 left: at risk
                ("Setup e-mail", "planned", date(2026, 5, 21)),  # past
                ("Done step", "done", date(2026, 5, 20)),
                ("Waiting step", "waiting", False),
                ("Cancelled step", "cancelled", date(2026, 5, 20)),
            )
            self.assertEqual(
                lines.mapped("clock_state"),
                ["on_track", "at_risk", "at_risk", "breached", False, False, False],
            )
            self.assertEqual(onboarding.clock_state, "breached")

            as_process(lines[3].sudo()).write({"state": "done"})
            onboarding._vshn_update_clocks()
            self.assertFalse(lines[3].clock_state)
            self.assertEqual(onboarding.clock_state, "at_risk")

            as_process(lines[1:3].sudo()).write({"state": "done"})
            onboarding._vshn_update_clocks()
            self.assertEqual(onboarding.clock_state, "on_track")

            # a company that warns earlier: 3 working days left is at risk
            with self.assertRaisesMessage(ValidationError, "zero or more"):
                self.env.company.onboarding_clock_at_risk_days = -1
            self.env.company.onboarding_clock_at_risk_days = 3
            onboarding._vshn_update_clocks()
            self.assertEqual(lines[0].clock_state, "at_risk")
            self.assertEqual(onboarding.clock_state, "at_risk")

    def test_stage_clock(self):
        with freeze_time("2026-05-22 10:00:00"):
            onboarding = self._bare_onboarding()
        with freeze_time("2026-05-26 10:00:00"):
            onboarding._vshn_update_clocks()
            # Tuesday: Wednesday and Thursday left
            self.assertEqual(onboarding.clock_state, "at_risk")
        with freeze_time("2026-05-28 10:00:00"):
            onboarding._vshn_update_clocks()
            self.assertEqual(onboarding.clock_state, "at_risk")
        with freeze_time("2026-05-29 10:00:00"):
            onboarding._vshn_update_clocks()
            self.assertEqual(onboarding.clock_state, "breached")
            # Done and archived onboardings have no clock
            onboarding.action_archive()
            self.assertFalse(onboarding.clock_state)
            onboarding.action_unarchive()
            self.assertEqual(onboarding.clock_state, "breached")

    def test_stage_change_restarts_the_clock_and_its_escalation(self):
        with freeze_time("2026-05-22 10:00:00"):
            onboarding = self._bare_onboarding()
        with freeze_time("2026-05-29 10:00:00"):
            self.Onboarding._vshn_check_clocks()
            self.assertEqual(onboarding.clock_state, "breached")
            self.assertTrue(onboarding.stage_escalated)
            activity = self._breach_activities(onboarding)
            self.assertEqual(activity.summary, "Breached: Stage Handover")
            self.assertEqual(activity.user_id, self.user_csm)
            self.assertIn(
                f"due {format_date(self.env, THURSDAY)}, breached since "
                f"{format_date(self.env, date(2026, 5, 29))}",
                str(activity.note),
            )

            onboarding.with_user(self.user_salesman).write(
                {"stage_id": self.stages["setup"].id}
            )
            # Customer Setup: 5 working days from Friday 29th
            self.assertEqual(onboarding.date_stage_entered, date(2026, 5, 29))
            self.assertEqual(onboarding.stage_date_due, date(2026, 6, 5))
            self.assertFalse(onboarding.stage_escalated)
            self.assertEqual(onboarding.clock_state, "on_track")
        with freeze_time("2026-06-08 10:00:00"):
            self.Onboarding._vshn_check_clocks()
            activities = self._breach_activities(onboarding)
            self.assertEqual(len(activities), 2, "the new stage's breach is new")
            self.assertEqual(activities[1].summary, "Breached: Stage Customer Setup")

    def test_stage_entered_back_in_time(self):
        """Demo data tells its story back in time: the stage entered 8
        working days ago is breached, and the check escalates it."""
        with freeze_time("2026-05-22 10:00:00"):
            onboarding = self._bare_onboarding()
            onboarding._vshn_set_stage_entered("2026-05-11")
            # Handover, 3 working days from Monday 11th: Thursday 14th
            self.assertEqual(onboarding.date_stage_entered, date(2026, 5, 11))
            self.assertEqual(onboarding.stage_date_due, date(2026, 5, 14))
            self.assertEqual(onboarding.clock_state, "breached")
            onboarding._vshn_set_stage_entered(TUESDAY - timedelta(days=7))
            self.assertEqual(onboarding.clock_state, "at_risk")

    # ------------------------------------------------------------------
    # Escalation and digest
    # ------------------------------------------------------------------

    def test_breach_escalates_once(self):
        with freeze_time("2026-05-22 10:00:00"):
            onboarding = self._bare_onboarding()
            welcome = self._add_lines(
                onboarding,
                ("Welcome call", "planned", date(2026, 5, 21)),
                ("Material", "planned", date(2026, 6, 10)),
            )[0]
            self.Onboarding._vshn_check_clocks()
            activity = self._breach_activities(onboarding)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.user_csm)
            self.assertEqual(activity.summary, "Breached: Step Welcome call")
            self.assertIn("Welcome call", str(activity.note))
            self.assertIn(
                f"breached since {format_date(self.env, FRIDAY)}", str(activity.note)
            )
            self.assertTrue(welcome.escalated)

            self.Onboarding._vshn_check_clocks()
            self.assertEqual(self._breach_activities(onboarding), activity)

            self._add_lines(onboarding, ("Kickoff", "planned", date(2026, 5, 20)))
            self.Onboarding._vshn_check_clocks()
            activities = self._breach_activities(onboarding)
            self.assertEqual(len(activities), 2)
            self.assertEqual(activities[1].summary, "Breached: Step Kickoff")
            self.Onboarding._vshn_check_clocks()
            self.assertEqual(len(self._breach_activities(onboarding)), 2)

    def test_breach_goes_to_the_owner_without_csm(self):
        with freeze_time("2026-05-22 10:00:00"):
            onboarding = self._bare_onboarding()
            onboarding.csm_id = False
            self._add_lines(onboarding, ("Welcome call", "planned", date(2026, 5, 21)))
            self.Onboarding._vshn_check_clocks()
            self.assertEqual(
                self._breach_activities(onboarding).user_id, onboarding.user_id
            )

    def test_digest_per_account_manager(self):
        user_am2 = mail_new_test_user(
            self.env,
            login="onb_am2",
            name="Alma Account",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        user_am3 = mail_new_test_user(
            self.env,
            login="onb_am3",
            name="Otto Ontrack",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        with freeze_time("2026-05-22 10:00:00"):
            alpha = self._bare_onboarding("Alpha")
            self._add_lines(alpha, ("Welcome call", "planned", date(2026, 5, 21)))
            beta = self._bare_onboarding("Beta")
            self._add_lines(beta, ("Material", "planned", WEDNESDAY))
            gamma = self._bare_onboarding("Gamma")
            self._add_lines(gamma, ("Webinar", "planned", date(2026, 6, 10)))
            gamma.account_manager_id = user_am3
            delta = self._bare_onboarding("Delta")
            self._add_lines(delta, ("Kickoff", "planned", date(2026, 5, 20)))
            delta.account_manager_id = user_am2
            last = self.env["mail.message"].search([], order="id desc", limit=1)
            # one onboarding a batch: the account manager's two onboardings
            # still make one digest
            self.Onboarding._vshn_check_clocks(batch_size=1)
        digests = self.env["mail.message"].search(
            [("id", ">", last.id), ("subject", "=", DIGEST_SUBJECT)]
        )
        self.assertEqual(len(digests), 2, "one per account manager with news")
        sales_digest = digests.filtered(
            lambda message: message.partner_ids == self.user_salesman.partner_id
        )
        self.assertEqual(len(sales_digest), 1)
        body = str(sales_digest.body)
        self.assertIn(f"{alpha.display_name}: Breached", body)
        self.assertIn("Step Welcome call breached", body)
        self.assertIn(f"{beta.display_name}: At Risk", body)
        self.assertIn("Step Material at risk", body)
        self.assertNotIn(gamma.display_name, body)
        self.assertNotIn(delta.display_name, body)
        am2_digest = digests - sales_digest
        self.assertEqual(am2_digest.partner_ids, user_am2.partner_id)
        self.assertIn(f"{delta.display_name}: Breached", str(am2_digest.body))
        self.assertIn("Step Kickoff breached", str(am2_digest.body))
        self.assertEqual(am2_digest.author_id, self.env.ref("base.partner_root"))

    # ------------------------------------------------------------------
    # Security
    # ------------------------------------------------------------------

    @mute_logger("odoo.sql_db")
    def test_clock_fields_are_the_process(self):
        onboarding = self._bare_onboarding().with_user(self.user_salesman)
        for vals in (
            {"clock_state": "on_track"},
            {"stage_escalated": True},
            {"date_stage_entered": "2026-01-01"},
            {"stage_date_due": "2026-12-31"},
        ):
            with self.assertRaisesMessage(UserError, "The clocks are kept"):
                onboarding.write(vals)
        with self.assertRaisesMessage(UserError, "The clocks are kept"):
            self.Onboarding.with_user(self.user_salesman).create(
                {
                    "name": "Typed clock",
                    "partner_id": onboarding.partner_id.id,
                    "clock_state": "on_track",
                }
            )
        result = self.Onboarding.with_user(self.user_salesman).load(
            ["name", "partner_id/.id", "stage_escalated"],
            [["Imported clock", str(onboarding.partner_id.id), "1"]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("The clocks are kept", result["messages"][0]["message"])

    # ------------------------------------------------------------------
    # Queries
    # ------------------------------------------------------------------

    def _open_onboardings(self, count, prefix):
        """``count`` open onboardings in Handover since today, each with a
        breached, an at-risk and an on-track step; two account managers and
        two CSMs take turns."""
        account_managers = self.user_salesman | self.user_sm
        csms = self.user_csm | self.user_pm
        partners = self.env["res.partner"].create(
            [
                {"name": f"{prefix} {index}", "is_company": True}
                for index in range(count)
            ]
        )
        onboardings = as_process(self.Onboarding).create(
            [
                {
                    "name": f"{prefix} {index}",
                    "partner_id": partner.id,
                    "user_id": self.user_salesman.id,
                    "segment_id": self.segment.id,
                    "account_manager_id": account_managers[index % 2].id,
                    "csm_id": csms[index % 2].id,
                }
                for index, partner in enumerate(partners)
            ]
        )
        as_process(self.env["vshn.onboarding.journey.line"].sudo()).create(
            [
                {
                    "onboarding_id": onboarding.id,
                    "sequence": sequence,
                    "name": name,
                    "kind": "activity",
                    "anchor": "booked",
                    "state": "planned",
                    "date_anchor": FRIDAY,
                    "date_due": due,
                }
                for onboarding in onboardings
                for sequence, (name, due) in enumerate(
                    (
                        ("Welcome call", date(2026, 5, 21)),
                        ("Material", WEDNESDAY),
                        ("Webinar", date(2026, 6, 10)),
                    )
                )
            ]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        return onboardings

    def _count_check(self, count, prefix, budget):
        onboardings = self._open_onboardings(count, prefix)
        # counted as assertQueryCount counts: what was pending goes first
        self.env.flush_all()
        self.env.cr.flush()
        before = self.cr.sql_log_count
        with self.assertQueryCount(budget):
            self.Onboarding._vshn_check_clocks()
        queries = self.cr.sql_log_count - before
        _logger.info("Daily clock check of %s onboardings: %s queries", count, queries)
        self.assertEqual(set(onboardings.mapped("clock_state")), {"breached"})
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "vshn.onboarding"),
                ("res_id", "in", onboardings.ids),
                ("activity_type_id", "=", self.breach_type.id),
            ]
        )
        self.assertEqual(len(activities), count)
        self.assertEqual(activities.user_id, self.user_csm | self.user_pm)
        # the next count starts from no open onboardings
        onboardings.action_archive()
        return queries

    def test_daily_check_query_count(self):
        with freeze_time("2026-05-22 10:00:00"):
            self._open_onboardings(2, "Warm")
            self.Onboarding._vshn_check_clocks()  # fill the caches
            self.Onboarding.search([]).action_archive()
            ten = self._count_check(10, "Ten", CRON_QUERIES)
            hundred = self._count_check(100, "Hundred", CRON_QUERIES)
            two_hundred = self._count_check(200, "Two hundred", CRON_QUERIES_200)
        # the same for 10 as for 100; 200 within its budget (assertQueryCount)
        self.assertEqual(ten, hundred)
        self.assertLessEqual(two_hundred - hundred, 2)


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestJourneyClockOverlap(BaseCase):
    """Two daily checks at once escalate a breach once.

    Real cursors, as the server runs two transactions: the fixtures are
    committed through a cursor of their own and deleted by the cleanup.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        assert not cls.registry.in_test_mode(), "overlap tests need real cursors"
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, DISABLED_MAIL_CONTEXT)
            partner = env["res.partner"].create(
                {"name": "Overlap AG", "is_company": True}
            )
            onboarding = as_process(env["vshn.onboarding"]).create(
                {"name": "Overlap AG: Managed Service", "partner_id": partner.id}
            )
            as_process(env["vshn.onboarding.journey.line"]).create(
                {
                    "onboarding_id": onboarding.id,
                    "name": "Welcome call",
                    "kind": "activity",
                    "anchor": "booked",
                    "state": "planned",
                    "date_due": fields.Date.today() - timedelta(days=7),
                }
            )
            onboarding._vshn_update_clocks()
            cls.partner_id, cls.onboarding_id = partner.id, onboarding.id
        cls.addClassCleanup(cls._delete_fixtures)

    @classmethod
    def _delete_fixtures(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, DISABLED_MAIL_CONTEXT)
            env["vshn.onboarding"].browse(cls.onboarding_id).unlink()
            env["res.partner"].browse(cls.partner_id).unlink()

    def _escalations(self, env):
        return env["mail.activity"].search_count(
            [
                ("res_model", "=", "vshn.onboarding"),
                ("res_id", "=", self.onboarding_id),
                (
                    "activity_type_id",
                    "=",
                    env.ref(
                        "vshn_sales_onboarding.mail_activity_type_journey_breach"
                    ).id,
                ),
            ]
        )

    @mute_logger("odoo.sql_db")
    def test_overlapping_checks_escalate_once(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            first = env1["vshn.onboarding"].browse(self.onboarding_id)
            second = env2["vshn.onboarding"].browse(self.onboarding_id)
            # the second run started before the first commits: it still sees
            # the breach as new
            self.assertFalse(second.journey_line_ids.escalated)
            self.assertEqual(len(first._vshn_escalate_breaches({})), 1)
            cr1.commit()
            with self.assertRaises(psycopg2.errors.SerializationFailure):
                second._vshn_escalate_breaches({})
            cr2.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(self._escalations(env), 1)
            # and a run after it finds nothing new
            self.assertFalse(
                env["vshn.onboarding"]
                .browse(self.onboarding_id)
                ._vshn_escalate_breaches({})
            )
            self.assertEqual(self._escalations(env), 1)
            cr.rollback()
