# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.models import BaseModel
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    BYPASS_CONTEXT_KEY,
    GATE_BYPASS,
    as_process,
)

from .onboarding_common import OnboardingOrderCommon

DAY0 = date(2026, 1, 5)

MEASURES = [
    "onboarding_count:sum",
    "engaged_count:sum",
    "done_count:sum",
    "time_to_first_engagement:avg",
    "time_to_onboard:avg",
]


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestOnboardingTimes(OnboardingOrderCommon):
    """Time to first engagement and to onboard, and the onboarding-times report.

    Four onboardings with Day 0 on 5 January 2026, their journeys written by
    hand (the steps the start created are removed):

    - Alpha 0 (segment Mid, industry Banking): an internal step done on Day 1,
      a customer-facing one on Day 3 and another on Day 9, a customer-facing
      step still planned; Done on Day 40.
    - Alpha 1 (Mid, Banking): a customer-facing step done on Day 8, Done on
      Day 50.
    - Beta 0 (segment Small, industry Retail): a customer-facing step done on
      Day 0, not done.
    - Beta 1 (Small, no industry): only an internal step done (Day 2), not
      engaged, not done.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment_small = cls.env["vshn.onboarding.segment"].create(
            {"name": "Test Small", "touch_model": "digital", "onboarding_days": 30}
        )
        leads = cls._create_won_deals(2, prefix="Alpha") | cls._create_won_deals(
            2, prefix="Beta", segment=cls.segment_small
        )
        leads.action_convert_to_customer()
        onboardings = leads.order_ids.onboarding_id
        cls.alpha0, cls.alpha1, cls.beta0, cls.beta1 = (
            onboardings.filtered(lambda onb, lead=lead: onb.lead_id == lead)
            for lead in leads
        )
        cls.onboardings = onboardings
        # the steps are the fixture: whatever the start planned goes
        onboardings.journey_line_ids.sudo().unlink()
        onboardings.write({"date_start": DAY0})
        industries = cls.env["res.partner.industry"].create(
            [{"name": "Banking"}, {"name": "Retail"}]
        )
        cls.banking, cls.retail = industries
        (cls.alpha0 | cls.alpha1).partner_id.industry_id = cls.banking
        cls.beta0.partner_id.industry_id = cls.retail

        def line(onboarding, name, customer_facing, day=None):
            values = {
                "onboarding_id": onboarding.id,
                "name": name,
                "kind": "activity",
                "anchor": "signed",
                "customer_facing": customer_facing,
                "state": "planned",
            }
            if day is not None:
                values.update(state="done", date_done=DAY0 + timedelta(days=day))
            return values

        lines = [
            line(cls.alpha0, "Internal handover", False, 1),
            line(cls.alpha0, "Welcome call", True, 3),
            line(cls.alpha0, "Training", True, 9),
            line(cls.alpha0, "Webinar", True),
            line(cls.alpha1, "Welcome call", True, 8),
            line(cls.beta0, "Welcome e-mail", True, 0),
            line(cls.beta1, "Internal handover", False, 2),
        ]
        cls.lines = as_process(cls.env["vshn.onboarding.journey.line"].sudo()).create(
            lines
        )
        cls.onboardings._vshn_update_times()
        cls._set_done(cls.alpha0, 40)
        cls._set_done(cls.alpha1, 50)

    @classmethod
    def _set_done(cls, onboarding, day):
        with freeze_time(DAY0 + timedelta(days=day)):
            onboarding.with_context(**{BYPASS_CONTEXT_KEY: GATE_BYPASS}).write(
                {"stage_id": cls.stages["done"].id}
            )

    def _report(self, groupby, user=None):
        report = self.env["vshn.onboarding.time.report"].with_user(
            user or self.env.user
        )
        figures = {}
        for row in report._read_group(
            [("onboarding_id", "in", self.onboardings.ids)], groupby, MEASURES
        ):
            keys = row[: len(groupby)]
            figures[
                tuple(key.id if isinstance(key, BaseModel) else key for key in keys)
            ] = tuple(row[len(groupby) :])
        return figures

    def test_first_engagement_is_the_first_customer_facing_step_done(self):
        # the internal step on Day 1 does not count, the first customer-facing
        # one (Day 3) does, the later one (Day 9) and the planned one do not
        self.assertEqual(self.alpha0.date_first_engagement, date(2026, 1, 8))
        self.assertEqual(self.alpha0.time_to_first_engagement, 3)
        self.assertEqual(self.alpha1.time_to_first_engagement, 8)
        self.assertEqual(self.beta0.date_first_engagement, DAY0)
        self.assertEqual(self.beta0.time_to_first_engagement, 0)
        self.assertFalse(self.beta1.date_first_engagement)

    def test_time_to_onboard_is_day0_to_done(self):
        self.assertEqual(self.alpha0.date_done, date(2026, 2, 14))
        self.assertEqual(self.alpha0.time_to_onboard, 40)
        self.assertEqual(self.alpha1.time_to_onboard, 50)
        for onboarding in self.beta0 | self.beta1:
            self.assertFalse(onboarding.is_done)
            self.assertFalse(onboarding.date_done)
            self.assertFalse(onboarding.time_to_onboard)

    def test_times_follow_day0(self):
        self.alpha0.date_start = date(2026, 1, 6)
        self.assertEqual(self.alpha0.time_to_first_engagement, 2)
        self.assertEqual(self.alpha0.time_to_onboard, 39)

    def test_a_later_step_does_not_move_the_first_engagement(self):
        line = self.lines.filtered(lambda line: line.name == "Webinar")
        as_process(line.sudo()).write({"state": "done", "date_done": date(2026, 1, 6)})
        self.assertEqual(self.alpha0.time_to_first_engagement, 3)
        self.alpha0._vshn_update_times()
        # done on Day 1, before the others: now the first engagement
        self.assertEqual(self.alpha0.time_to_first_engagement, 1)
        self.assertEqual(self.alpha0.date_first_engagement, date(2026, 1, 6))

    def test_a_step_done_by_someone_without_rights_on_the_onboarding(self):
        line = self.lines.filtered(lambda line: line.onboarding_id == self.beta1)
        as_process(line.sudo()).write(
            {"customer_facing": True, "date_done": DAY0 + timedelta(days=4)}
        )
        self.beta1.with_user(self.user_employee)._vshn_update_times()
        self.assertEqual(self.beta1.time_to_first_engagement, 4)
        self.assertEqual(self.beta1.date_first_engagement, date(2026, 1, 9))

    def test_entering_done_stores_the_time_to_onboard(self):
        self._set_done(self.beta0, 20)
        self.assertEqual(self.beta0.time_to_onboard, 20)

    def test_reopened_onboarding_has_no_time_to_onboard(self):
        self.alpha0.with_context(**{BYPASS_CONTEXT_KEY: GATE_BYPASS}).write(
            {"stage_id": self.stages["followup"].id}
        )
        self.assertFalse(self.alpha0.time_to_onboard)
        row = self.env["vshn.onboarding.time.report"].search(
            [("onboarding_id", "=", self.alpha0.id)]
        )
        self.assertFalse(row.is_done)
        self.assertEqual(row.onboard_bucket, "9_not_done")

    def test_times_are_the_process_s(self):
        onboarding = self.alpha0.with_user(self.user_salesman)
        for field, value in (
            ("time_to_onboard", 1),
            ("time_to_first_engagement", 1),
            ("date_first_engagement", DAY0),
        ):
            with self.assertRaisesMessage(UserError, "onboarding times"):
                onboarding.write({field: value})
        with self.assertRaisesMessage(UserError, "onboarding times"):
            self.env["vshn.onboarding"].create(
                {
                    "name": "Typed",
                    "partner_id": self.alpha0.partner_id.id,
                    "time_to_onboard": 3,
                }
            )

    def test_report_rows(self):
        rows = self.env["vshn.onboarding.time.report"].search(
            [("onboarding_id", "in", self.onboardings.ids)]
        )
        by_onboarding = {row.onboarding_id: row for row in rows}
        self.assertEqual(len(rows), 4)
        expected = {
            self.alpha0: (3.0, 40.0, "2_days_1_3", "2_days_31_45", self.banking),
            self.alpha1: (8.0, 50.0, "4_days_8_14", "3_days_46_60", self.banking),
            self.beta0: (0.0, False, "1_day0", "9_not_done", self.retail),
            self.beta1: (False, False, "9_not_yet", "9_not_done", False),
        }
        for onboarding, values in expected.items():
            row = by_onboarding[onboarding]
            self.assertEqual(
                (
                    row.time_to_first_engagement,
                    row.time_to_onboard,
                    row.first_engagement_bucket,
                    row.onboard_bucket,
                    row.industry_id or False,
                ),
                values,
                onboarding.name,
            )
        self.assertEqual(by_onboarding[self.alpha0].date_start, DAY0)
        self.assertEqual(
            by_onboarding[self.alpha0].account_manager_id, self.user_salesman
        )

    def test_averages_by_segment(self):
        """count, engaged, done, avg days to first engagement, avg days to onboard.

        Mid: (3 + 8) / 2 = 5.5 and (40 + 50) / 2 = 45. Small: only Beta 0 is
        engaged (Day 0), none done: no average time to onboard.
        """
        self.assertEqual(
            self._report(["segment_id"]),
            {
                (self.segment.id,): (2, 2, 2, 5.5, 45.0),
                (self.segment_small.id,): (2, 1, 0, 0.0, False),
            },
        )

    def test_distribution_by_industry_and_bucket(self):
        figures = self._report(["industry_id", "first_engagement_bucket"])
        self.assertEqual(
            {key: values[0] for key, values in figures.items()},
            {
                (self.banking.id, "2_days_1_3"): 1,
                (self.banking.id, "4_days_8_14"): 1,
                (self.retail.id, "1_day0"): 1,
                (False, "9_not_yet"): 1,
            },
        )
        figures = self._report(["onboard_bucket"])
        self.assertEqual(
            {key: values[0] for key, values in figures.items()},
            {("2_days_31_45",): 1, ("3_days_46_60",): 1, ("9_not_done",): 2},
        )

    def test_salesperson_reads_the_onboardings_they_may_read(self):
        other = mail_new_test_user(
            self.env,
            login="onb_times_other",
            name="Otto Other",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        report = self.env["vshn.onboarding.time.report"]
        domain = [("onboarding_id", "in", self.onboardings.ids)]
        self.assertEqual(len(report.with_user(self.user_salesman).search(domain)), 4)
        self.assertFalse(report.with_user(other).search(domain))
        # a role on one onboarding shows that one
        self.env["vshn.onboarding.stakeholder"].create(
            {
                "onboarding_id": self.beta1.id,
                "role_id": self.roles["inside_sales"].id,
                "user_id": other.id,
            }
        )
        self.assertEqual(
            report.with_user(other).search(domain).onboarding_id, self.beta1
        )
        self.assertEqual(len(report.with_user(self.user_manager).search(domain)), 4)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model")
    def test_employee_without_sales_role_is_refused(self):
        with self.assertRaises(AccessError):
            self.env["vshn.onboarding.time.report"].with_user(
                self.user_employee
            ).search([])
