# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    BYPASS_CONTEXT_KEY,
    GATE_BYPASS,
    as_process,
)

from .onboarding_common import OnboardingOrderCommon

_logger = logging.getLogger(__name__)

# A Monday: Day 0 of the fixtures' onboardings
DAY0 = date(2026, 3, 2)
JOURNEY = "vshn_sales_onboarding.vshn_onboarding_journey_"


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestJourney(OnboardingOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.segments = {
            key: ref(f"vshn_sales_onboarding.vshn_onboarding_segment_{key}")
            for key in ("enterprise", "midmarket", "smb")
        }
        cls.journeys = {
            key: ref(JOURNEY + key)
            for key in (
                "standard",
                "enterprise",
                "enterprise_project",
                "midmarket",
                "midmarket_complex",
                "smb",
            )
        }
        # the company's holders of the roles, whatever the segment
        cls.env["vshn.onboarding.role.default"].create(
            [
                {"role_id": cls.roles[code].id, "user_id": user.id}
                for code, user in (
                    ("csm", cls.user_csm),
                    ("service_manager", cls.user_sm),
                    ("tsm", cls.user_tsm),
                    ("project_manager", cls.user_pm),
                )
            ]
        )
        cls.user_cco = mail_new_test_user(
            cls.env,
            login="onb_cco",
            name="Clara Chief",
            email="clara.chief@example.com",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        cls.env.company.write(
            {"onboarding_journey_sender_id": cls.user_cco.id, "email": "hi@example.com"}
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Selection AG", "is_company": True}
        )
        cls.types = {
            key: ref(f"vshn_sales_onboarding.mail_activity_type_{key}")
            for key in ("handover", "kickoff", "retrospective")
        }

    def _start(self, segment, offering_type="consulting", complexity=False, count=1):
        """Onboardings of ``count`` new won deals, converted on Day 0."""
        with freeze_time(datetime(2026, 3, 2, 9, 0)):
            leads = self._create_won_deals(
                count,
                offering_type=offering_type,
                prefix=f"{segment.name} {offering_type} {complexity}",
                segment=segment,
            )
            leads.partner_id.write({"email": "it@customer.example.com"})
            if complexity:
                leads.with_context(**{BYPASS_CONTEXT_KEY: GATE_BYPASS}).write(
                    {"complexity": complexity}
                )
            leads.with_user(self.user_salesman).action_convert_to_customer()
        return leads.order_ids.onboarding_id

    def _lines(self, onboarding, **values):
        return onboarding.journey_line_ids.filtered(
            lambda line: all(line[key] == value for key, value in values.items())
        )

    # Selection ------------------------------------------------------------

    def test_selection_by_segment_complexity_and_offering(self):
        """Each combination the shipped journeys tell apart gets its journey."""
        cases = [
            ("enterprise", "consulting", False, "enterprise"),
            ("enterprise", "standard_service", "high", "enterprise"),
            ("enterprise", "project", False, "enterprise_project"),
            ("enterprise", "project", "high", "enterprise_project"),
            ("midmarket", "consulting", False, "midmarket"),
            ("midmarket", "project", "low", "midmarket"),
            ("midmarket", "consulting", "high", "midmarket_complex"),
            ("midmarket", "project", "high", "midmarket_complex"),
            ("smb", "consulting", False, "smb"),
            ("smb", "project", "high", "smb"),
            (False, "consulting", False, "standard"),
            (False, "project", "high", "standard"),
        ]
        onboardings = self.env["vshn.onboarding"].browse()
        for segment, offering, complexity, _journey in cases:
            onboardings |= self.env["vshn.onboarding"].new(
                {
                    "name": "x",
                    "partner_id": self.partner.id,
                    "segment_id": segment and self.segments[segment].id,
                    "offering_type": offering,
                    "complexity": complexity,
                }
            )
        found = onboardings._vshn_find_journeys()
        for onboarding, case in zip(onboardings, cases, strict=True):
            with self.subTest(case=case):
                self.assertEqual(found[onboarding], self.journeys[case[3]])
        # an unknown segment falls back to Standard
        other = self.env["vshn.onboarding"].new(
            {"name": "y", "partner_id": self.partner.id, "segment_id": self.segment.id}
        )
        self.assertEqual(other._vshn_find_journeys()[other], self.journeys["standard"])

    def test_selection_is_data(self):
        """A manager's journey for a new segment is chosen, no code; archived
        journeys are not; among equally specific ones sequence decides."""
        segment = self.env["vshn.onboarding.segment"].create(
            {"name": "Public Sector", "touch_model": "high", "onboarding_days": 90}
        )
        Journey = self.env["vshn.onboarding.journey"].with_user(self.user_manager)
        public = Journey.create(
            {
                "name": "Public sector",
                "segment_id": segment.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": "Tender documents filed",
                            "kind": "milestone",
                            "anchor": "signed",
                            "offset_days": 10,
                        }
                    )
                ],
            }
        )
        onboarding = self.env["vshn.onboarding"].new(
            {"name": "z", "partner_id": self.partner.id, "segment_id": segment.id}
        )
        self.assertEqual(onboarding._vshn_find_journeys()[onboarding], public)
        first = public.copy({"name": "Public sector (first)", "sequence": 1})
        self.assertEqual(onboarding._vshn_find_journeys()[onboarding], first)
        first.active = False
        self.assertEqual(onboarding._vshn_find_journeys()[onboarding], public)
        # one search for any number of onboardings
        many = self.env["vshn.onboarding"].browse()
        for _index in range(20):
            many |= self.env["vshn.onboarding"].new(
                {"name": "m", "partner_id": self.partner.id}
            )
        self.env.invalidate_all()
        with self.assertQueryCount(2):  # the search, the journeys' criteria
            many._vshn_find_journeys()

    def test_shipped_steps_are_never_due_before_planned(self):
        """Whatever the weekday of its anchor, a shipped step with a clock is
        due on or after its planned day; each journey ends with "Onboarding
        complete" on its segment's last day."""
        working = self.env["resource.calendar"]._vshn_get_working_days(
            date(2026, 1, 1), date(2026, 12, 31)
        )[False]
        for journey in self.journeys.values():
            for step in journey.step_ids.filtered("target_working_days"):
                for weekday in range(7):
                    anchor = date(2026, 3, 2 + weekday)
                    with self.subTest(step=step.name, weekday=weekday):
                        self.assertGreaterEqual(
                            (
                                working.add(anchor, step.target_working_days) - anchor
                            ).days,
                            step.offset_days,
                        )
            if journey.segment_id:
                complete = journey.step_ids.filtered(
                    lambda step: step.name == "Onboarding complete"
                )
                self.assertEqual(
                    complete.offset_days, journey.segment_id.onboarding_days
                )
                self.assertEqual(complete.reached_on, "done")

    # The start: Day 0 and Day 1 --------------------------------------------

    def test_start_plans_day0_and_day1_steps(self):
        onboarding = self._start(self.segments["enterprise"])
        self.assertEqual(onboarding.journey_id, self.journeys["enterprise"])
        self.assertEqual(onboarding.date_start, DAY0)
        self.assertEqual(onboarding.date_booked, DAY0)
        self.assertFalse(onboarding.date_paid)
        steps = self.journeys["enterprise"].step_ids
        # every step is a line (the retrospective is required: high touch)
        self.assertTrue(onboarding.retrospective_required)
        self.assertEqual(len(onboarding.journey_line_ids), len(steps))
        for line in onboarding.journey_line_ids:
            with self.subTest(step=line.name):
                if line.anchor in ("signed", "booked"):
                    self.assertEqual(line.state, "planned")
                    self.assertEqual(line.date_anchor, DAY0)
                else:
                    self.assertEqual(line.state, "waiting")
                    self.assertFalse(line.date_planned)
                    self.assertFalse(line.activity_id)
        # the handover: Day 2 (Wednesday), due 3 working days later (Thursday)
        handover = self._lines(
            onboarding, name="Internal handover with all stakeholders"
        )
        self.assertEqual(handover.date_planned, date(2026, 3, 4))
        self.assertEqual(handover.date_due, date(2026, 3, 5))
        self.assertEqual(handover.user_id, self.user_salesman)
        self.assertEqual(handover.activity_id.activity_type_id, self.types["handover"])
        self.assertEqual(handover.activity_id.date_deadline, date(2026, 3, 4))
        # the kickoff on site: Day 1 + 10, for the account manager, of the
        # kickoff type (its gate), due 10 working days after booking
        kickoff = self._lines(onboarding, anchor="booked", kind="meeting")
        self.assertEqual(kickoff.date_planned, date(2026, 3, 12))
        self.assertEqual(kickoff.date_due, date(2026, 3, 16))
        self.assertEqual(kickoff.activity_id.activity_type_id, self.types["kickoff"])
        self.assertEqual(kickoff.activity_id.user_id, self.user_salesman)
        self.assertEqual(
            kickoff.activity_id.vshn_onboarding_role_id, self.roles["account_manager"]
        )
        # the role holders get their steps
        csm = self._lines(onboarding, name="Customer signed: get to know the account")
        self.assertEqual(csm.activity_id.user_id, self.user_csm)
        sm = self._lines(onboarding, name="Customer signed: prepare the service")
        self.assertEqual(sm.activity_id.user_id, self.user_sm)
        tsm = self._lines(onboarding, anchor="booked", kind="activity").filtered(
            lambda line: line.step_id.role_id == self.roles["tsm"]
        )
        self.assertEqual(tsm.activity_id.user_id, self.user_tsm)
        # the steps' activities and the introduction review, nothing else
        planned = onboarding.journey_line_ids.filtered("activity_id")
        intro = self.env.ref("vshn_sales_onboarding.mail_activity_type_introduction")
        self.assertEqual(
            onboarding.activity_ids,
            planned.activity_id
            | onboarding.activity_ids.filtered(
                lambda activity: activity.activity_type_id == intro
            ),
        )
        self.assertEqual(len(onboarding.activity_ids), len(planned) + 1)
        # nothing for paid, kickoff or done yet
        later = self._lines(onboarding, state="waiting")
        self.assertEqual(set(later.mapped("anchor")), {"paid", "kickoff", "done"})
        self.assertFalse(later.activity_id)

    def test_welcome_email_queued_from_the_sender(self):
        onboarding = self._start(self.segments["midmarket"])
        welcome = self._lines(onboarding, kind="email")
        self.assertEqual(len(welcome), 1)
        self.assertEqual(welcome.state, "planned")
        self.assertTrue(welcome.mail_message_id)
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", welcome.mail_message_id.id)]
        )
        self.assertEqual(mail.state, "outgoing", "queued, not sent at once")
        self.assertEqual(mail.scheduled_date, datetime(2026, 3, 2))
        self.assertEqual(mail.author_id, self.user_cco.partner_id)
        self.assertEqual(mail.email_from, self.user_cco.email_formatted)
        self.assertEqual(mail.recipient_ids, onboarding.partner_id)
        self.assertEqual(mail.model, "vshn.onboarding")
        self.assertEqual(mail.res_id, onboarding.id)
        self.assertIn(welcome.mail_message_id, onboarding.message_ids)
        # without a sender, from the company
        self.env.company.onboarding_journey_sender_id = False
        other = self._start(self.segments["midmarket"], offering_type="project")
        mail = self.env["mail.mail"].search(
            [
                (
                    "mail_message_id",
                    "=",
                    self._lines(other, kind="email").mail_message_id.id,
                )
            ]
        )
        self.assertEqual(mail.author_id, self.env.company.partner_id)
        self.assertEqual(mail.email_from, self.env.company.email_formatted)
        # the queue sends it; the step is done that day
        with freeze_time(datetime(2026, 3, 2, 12, 0)):
            self.env["mail.mail"].search([("id", "=", mail.id)]).send()
        line = self._lines(other, kind="email")
        self.assertEqual(line.state, "done")
        self.assertEqual(line.date_done, DAY0)
        self.assertIn(line.mail_message_id, other.message_ids, "the log stays")

    def test_smb_digital_journey(self):
        """E-mails on Days 0, 1, 3, 5, 7 and invitations from Day 7; no
        meetings; the digital kickoff is an activity of the kickoff type."""
        onboarding = self._start(self.segments["smb"])
        self.assertEqual(onboarding.journey_id, self.journeys["smb"])
        self.assertFalse(
            self.journeys["smb"].step_ids.filtered(lambda s: s.kind == "meeting")
        )
        emails = self._lines(onboarding, kind="email")
        self.assertEqual(
            sorted((line.date_planned - DAY0).days for line in emails),
            [0, 1, 3, 5, 7, 7, 14],
        )
        mails = self.env["mail.mail"].search(
            [("mail_message_id", "in", emails.mail_message_id.ids)]
        )
        self.assertEqual(len(mails), 7)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(
            sorted(mail.scheduled_date.date() for mail in mails),
            sorted(emails.mapped("date_planned")),
        )
        kickoff = onboarding.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.types["kickoff"]
        )
        self.assertEqual(kickoff.user_id, self.user_csm)
        self.assertIn("getting-started guide", kickoff.summary)
        complete = self._lines(onboarding, name="Onboarding complete")
        self.assertEqual(complete.date_planned - DAY0, date(2026, 4, 1) - DAY0)

    def test_start_plans_by_segment_within_its_length(self):
        """Every activity at the start falls between Day 0 and the planned end,
        the handover before the kickoff before the retrospective, for each
        shipped segment; the complete milestone is planned on the last day."""
        self.env.company.onboarding_retrospective_amount = 1
        for key, days in (("enterprise", 60), ("midmarket", 45), ("smb", 30)):
            with self.subTest(segment=key):
                onboarding = self._start(self.segments[key])
                self.assertTrue(onboarding.retrospective_required)
                start, end = onboarding.date_start, onboarding.date_end_planned
                self.assertEqual((end - start).days, days)
                for activity in onboarding.activity_ids:
                    self.assertGreaterEqual(activity.date_deadline, start)
                    self.assertLessEqual(activity.date_deadline, end)
                deadline = {
                    type_key: onboarding.activity_ids.filtered(
                        lambda a, t=activity_type: a.activity_type_id == t
                    ).date_deadline
                    for type_key, activity_type in self.types.items()
                }
                self.assertLess(deadline["handover"], deadline["kickoff"])
                self.assertLess(deadline["kickoff"], deadline["retrospective"])
                complete = self._lines(onboarding, name="Onboarding complete")
                self.assertEqual(complete.date_planned, end)

    def test_retrospective_steps_only_where_required(self):
        self.env.company.onboarding_retrospective_amount = 0
        small = self._start(self.segments["midmarket"])
        self.assertFalse(small.retrospective_required)
        self.assertFalse(
            small.journey_line_ids.step_id.filtered("only_if_retrospective")
        )
        self.assertNotIn(
            self.types["retrospective"], small.activity_ids.activity_type_id
        )
        # the high-complexity variant always ends with one
        complex_ = self._start(self.segments["midmarket"], complexity="high")
        self.assertEqual(complex_.journey_id, self.journeys["midmarket_complex"])
        self.assertIn(
            self.types["retrospective"], complex_.activity_ids.activity_type_id
        )

    # Later anchors ----------------------------------------------------------

    def _invoice(self, onboarding):
        invoice = onboarding.order_ids.sudo()._create_invoices()
        invoice.action_post()
        return invoice

    def _pay(self, invoice, amount=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount or invoice.amount_residual})
        )
        wizard.action_create_payments()

    def test_payment_reaches_paid_once(self):
        onboarding = self._start(self.segments["enterprise"])
        paid_lines = self._lines(onboarding, anchor="paid")
        self.assertTrue(paid_lines)
        self.assertEqual(set(paid_lines.mapped("state")), {"waiting"})
        milestone = self._lines(onboarding, name="First invoice paid")
        self.assertEqual(milestone.state, "planned")
        with freeze_time(datetime(2026, 3, 2, 10, 0)):
            invoice = self._invoice(onboarding)
        self.assertFalse(onboarding.date_paid, "posting is not paying")
        # a partial payment is not paid
        with freeze_time(datetime(2026, 3, 5, 10, 0)):
            self._pay(invoice, amount=invoice.amount_residual / 2)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertFalse(onboarding.date_paid)
        self.assertEqual(set(paid_lines.mapped("state")), {"waiting"})
        with freeze_time(datetime(2026, 3, 6, 10, 0)):
            self._pay(invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(onboarding.date_paid, date(2026, 3, 6))
        call = paid_lines.filtered(lambda line: line.kind == "activity")
        self.assertEqual(call.state, "planned")
        self.assertEqual(call.date_anchor, date(2026, 3, 6))
        self.assertEqual(call.date_planned, date(2026, 3, 7))
        # due 2 working days after Friday: Tuesday
        self.assertEqual(call.date_due, date(2026, 3, 10))
        self.assertEqual(call.activity_id.user_id, self.user_salesman)
        self.assertEqual(milestone.state, "done")
        self.assertEqual(milestone.date_done, date(2026, 3, 6))
        # a second invoice paid later changes nothing
        activities = onboarding.activity_ids
        order = onboarding.order_ids
        order.sudo().order_line.product_uom_qty = 2
        with freeze_time(datetime(2026, 3, 20, 10, 0)):
            second = self._invoice(onboarding)
            self._pay(second)
        self.assertEqual(onboarding.date_paid, date(2026, 3, 6))
        self.assertEqual(onboarding.activity_ids, activities)
        self.assertEqual(len(self._lines(onboarding, anchor="paid")), len(paid_lines))

    def test_paid_on_the_payment_date(self):
        """A payment registered on Monday for money received on Friday: the
        journey's "paid" is Friday, the reconciliation's date."""
        onboarding = self._start(self.segments["enterprise"])
        with freeze_time(datetime(2026, 3, 2, 10, 0)):
            invoice = self._invoice(onboarding)
        with freeze_time(datetime(2026, 3, 9, 10, 0)):
            wizard = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"payment_date": date(2026, 3, 6)})
            )
            wizard.action_create_payments()
        self.assertEqual(onboarding.date_paid, date(2026, 3, 6))
        call = self._lines(onboarding, anchor="paid").filtered(
            lambda line: line.kind == "activity"
        )
        self.assertEqual(call.date_anchor, date(2026, 3, 6))

    def test_kickoff_done_plans_kickoff_steps(self):
        onboarding = self._start(self.segments["enterprise"])
        kickoff_lines = self._lines(onboarding, anchor="kickoff")
        self.assertEqual(set(kickoff_lines.mapped("state")), {"waiting"})
        self._mark_activities_done(onboarding, "handover")
        kickoff = self._lines(onboarding, anchor="booked", kind="meeting")
        with freeze_time(datetime(2026, 3, 11, 15, 0)):
            kickoff.activity_id.with_user(self.user_salesman).action_feedback(
                feedback="Held on site"
            )
        self.assertTrue(onboarding.kickoff_done)
        self.assertEqual(onboarding.date_kickoff_held, date(2026, 3, 11))
        self.assertEqual(kickoff.state, "done")
        self.assertEqual(kickoff.date_done, date(2026, 3, 11))
        self.assertEqual(set(kickoff_lines.mapped("state")), {"planned"})
        first = kickoff_lines.sorted("date_planned")[0]
        self.assertEqual(first.date_planned, date(2026, 3, 25))
        self.assertTrue(first.activity_id)
        self.assertEqual(first.activity_id.user_id, self.user_salesman)
        # the kickoff is held once: another kickoff activity done changes nothing
        onboarding.activity_schedule(
            "vshn_sales_onboarding.mail_activity_type_kickoff",
            user_id=self.user_salesman.id,
        )
        with freeze_time(datetime(2026, 3, 20, 15, 0)):
            self._mark_activities_done(onboarding, "kickoff")
        self.assertEqual(onboarding.date_kickoff_held, date(2026, 3, 11))
        self.assertEqual(
            len(self._lines(onboarding, anchor="kickoff")), len(kickoff_lines)
        )

    def test_activity_done_marks_its_line_done(self):
        onboarding = self._start(self.segments["midmarket"])
        handover = self._lines(
            onboarding, name="Internal handover with all stakeholders"
        )
        with freeze_time(datetime(2026, 3, 3, 11, 0)):
            handover.activity_id.action_done()
        self.assertEqual(handover.state, "done")
        self.assertEqual(handover.date_done, date(2026, 3, 3))
        self.assertTrue(onboarding.handover_done, "the stage gate still opens")

    def test_activity_cancelled_cancels_its_line(self):
        """A step's activity cancelled (unlinked, as the chatter's Cancel
        does) cancels the step: no clock waits for it to breach. Done is
        still done, though core deletes done activities it does not keep."""
        onboarding = self._start(self.segments["midmarket"])
        handover = self._lines(
            onboarding, name="Internal handover with all stakeholders"
        )
        self.assertTrue(handover.clock_state)
        handover.activity_id.with_user(handover.user_id).unlink()
        self.assertEqual(handover.state, "cancelled")
        self.assertFalse(handover.clock_state)
        self.assertFalse(handover.date_done)
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.assertFalse(todo.keep_done)
        step = self._lines(onboarding, kind="activity").filtered(
            lambda line: line.state == "planned"
            and line.activity_id.activity_type_id == todo
        )[:1]
        self.assertTrue(step, "a to-do step of the journey")
        step.activity_id.action_done()
        self.assertEqual(step.state, "done")

    def test_role_filled_later_takes_over_the_step(self):
        """A vacant role's step goes to its stand-in; once the role is filled
        the activity and the step pass to the holder, as plans did."""
        self.env["vshn.onboarding.role.default"].search(
            [("role_id", "=", self.roles["tsm"].id)]
        ).unlink()
        onboarding = self._start(self.segments["midmarket"])
        tsm = self._lines(onboarding, anchor="booked", kind="activity")
        self.assertEqual(tsm.user_id, self.user_salesman, "the stand-in: the AM")
        self.assertEqual(tsm.activity_id.user_id, self.user_salesman)
        onboarding.with_user(self.user_salesman).write(
            {
                "stakeholder_ids": [
                    Command.create(
                        {"role_id": self.roles["tsm"].id, "user_id": self.user_tsm.id}
                    )
                ]
            }
        )
        self.assertEqual(tsm.activity_id.user_id, self.user_tsm)
        self.assertEqual(tsm.user_id, self.user_tsm)

    def test_done_reaches_done_steps_and_milestones(self):
        onboarding = self._start(self.segments["enterprise"])
        complete = self._lines(onboarding, name="Onboarding complete")
        adoption = self._lines(onboarding, anchor="done")
        self.assertEqual(complete.state, "planned")
        self.assertEqual(adoption.state, "waiting")
        with freeze_time(datetime(2026, 4, 20, 10, 0)):
            as_process(onboarding).with_context(
                **{BYPASS_CONTEXT_KEY: GATE_BYPASS}
            ).write({"stage_id": self.stages["done"].id})
        self.assertEqual(onboarding.date_done, date(2026, 4, 20))
        self.assertEqual(complete.state, "done")
        self.assertEqual(complete.date_done, date(2026, 4, 20))
        self.assertEqual(adoption.state, "planned")
        self.assertEqual(adoption.date_planned, date(2026, 5, 20))
        self.assertEqual(adoption.activity_id.user_id, self.user_csm)

    def test_mark_reached_milestone(self):
        onboarding = self._start(self.segments["midmarket"])
        step = (
            self.journeys["midmarket"]
            .step_ids[:1]
            .copy(
                {"name": "Go-live confirmed", "kind": "milestone", "reached_on": False}
            )
        )
        line = (
            self.env["vshn.onboarding.journey.line"]
            .sudo()
            .create(
                {
                    "onboarding_id": onboarding.id,
                    "step_id": step.id,
                    "name": step.name,
                    "kind": "milestone",
                    "anchor": "signed",
                    "state": "planned",
                }
            )
        )
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_rule"),
        ):
            line.with_user(self.user_employee).action_mark_reached()
        other = self._lines(onboarding, name="First invoice paid")
        with self.assertRaisesMessage(UserError, "marked reached by hand"):
            other.with_user(self.user_salesman).action_mark_reached()
        with freeze_time(datetime(2026, 3, 9, 10, 0)):
            line.with_user(self.user_salesman).action_mark_reached()
        self.assertEqual(line.state, "done")
        self.assertEqual(line.date_done, date(2026, 3, 9))

    # Evidence ---------------------------------------------------------------

    def test_users_cannot_write_lines_or_anchor_dates(self):
        onboarding = self._start(self.segments["midmarket"])
        line = onboarding.journey_line_ids[:1]
        as_salesman = onboarding.with_user(self.user_salesman)
        line_salesman = line.with_user(self.user_salesman)
        self.assertEqual(line_salesman.name, line.name, "the salesperson reads it")
        with mute_logger("odoo.addons.base.models.ir_model", "odoo.models"):
            with self.assertRaises(AccessError):
                line_salesman.write({"state": "done"})
            with self.assertRaises(AccessError):
                line_salesman.unlink()
            with self.assertRaises(AccessError):
                line_salesman.copy()
            with self.assertRaises(AccessError):
                self.env["vshn.onboarding.journey.line"].with_user(
                    self.user_salesman
                ).create(
                    {
                        "onboarding_id": onboarding.id,
                        "name": "Fake",
                        "kind": "milestone",
                        "anchor": "signed",
                        "state": "done",
                    }
                )
            result = (
                self.env["vshn.onboarding.journey.line"]
                .with_user(self.user_salesman)
                .load(
                    ["onboarding_id/.id", "name", "kind", "anchor", "state"],
                    [[str(onboarding.id), "Fake", "milestone", "signed", "done"]],
                )
            )
            self.assertFalse(result["ids"])
        for vals in (
            {"journey_line_ids": [Command.update(line.id, {"state": "done"})]},
            {"date_paid": "2026-03-03"},
            {"date_booked": "2026-03-03"},
            {"date_kickoff_held": "2026-03-03"},
            {"journey_id": self.journeys["smb"].id},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesMessage(UserError, "recorded when they happen"),
            ):
                as_salesman.write(vals)
        with self.assertRaisesMessage(UserError, "recorded when they happen"):
            as_salesman.copy({"date_paid": "2026-03-03"})
        with self.assertRaisesMessage(UserError, "recorded when they happen"):
            self.env["vshn.onboarding"].with_user(self.user_salesman).create(
                {
                    "name": "Imported",
                    "partner_id": onboarding.partner_id.id,
                    "date_kickoff_held": "2026-03-03",
                }
            )
        # the journey and the dates are not copied
        copy = onboarding.copy()
        self.assertFalse(copy.journey_id or copy.date_booked or copy.journey_line_ids)

    def test_line_rules_follow_the_onboarding(self):
        onboarding = self._start(self.segments["midmarket"])
        other_user = mail_new_test_user(
            self.env,
            login="onb_other",
            name="Olga Other",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        lines = self.env["vshn.onboarding.journey.line"]
        self.assertFalse(
            lines.with_user(other_user).search([("onboarding_id", "=", onboarding.id)])
        )
        self.assertEqual(
            lines.with_user(self.user_csm).search(
                [("onboarding_id", "=", onboarding.id)]
            ),
            onboarding.journey_line_ids,
        )

    # Day 0 moves ------------------------------------------------------------

    def test_moving_day0_replans_the_journey(self):
        """``_vshn_move_day0`` (demo data) moves the whole journey: events,
        done steps, open steps with their activities and queued e-mails."""
        onboarding = self._start(self.segments["smb"])
        handover = self._lines(onboarding, name="Internal handover")
        paid = self._lines(onboarding, name="First invoice paid")
        kickoff = self._lines(onboarding, anchor="booked", kind="activity")
        welcome = self._lines(
            onboarding, name="Welcome e-mail from the Chief Customer Officer"
        )
        with freeze_time(datetime(2026, 3, 3, 10, 0)):
            handover.activity_id.action_done()
        self.assertEqual(handover.date_done, date(2026, 3, 3))
        onboarding._vshn_move_day0(date(2026, 2, 2))
        self.assertEqual(onboarding.date_start, date(2026, 2, 2))
        self.assertEqual(onboarding.date_booked, date(2026, 2, 2))
        # four weeks back: the done step too
        self.assertEqual(handover.state, "done")
        self.assertEqual(handover.date_planned, date(2026, 2, 3))
        self.assertEqual(handover.date_done, date(2026, 2, 3))
        self.assertEqual(paid.date_planned, date(2026, 2, 7))
        self.assertEqual(kickoff.date_anchor, date(2026, 2, 2))
        self.assertEqual(kickoff.date_planned, date(2026, 2, 9))
        self.assertEqual(kickoff.date_due, date(2026, 2, 10))
        self.assertEqual(kickoff.activity_id.date_deadline, date(2026, 2, 9))
        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", welcome.mail_message_id.id)]
        )
        self.assertEqual(mail.scheduled_date, datetime(2026, 2, 2))
        # a user's correction of Day 0 moves the open steps planned from it
        onboarding.with_user(self.user_salesman).date_start = date(2026, 2, 4)
        self.assertEqual(paid.date_planned, date(2026, 2, 9))
        self.assertEqual(handover.date_done, date(2026, 2, 3))
        self.assertEqual(kickoff.date_planned, date(2026, 2, 9), "booked: unmoved")

    def test_events_recorded_on_a_date(self):
        """For demo data: the kickoff held and the first invoice paid on a
        given day plan their steps from that day, once."""
        onboarding = self._start(self.segments["enterprise"])
        onboarding._vshn_kickoff_held(date(2026, 3, 9))
        onboarding._vshn_first_invoice_paid("2026-03-06")
        self.assertEqual(onboarding.date_kickoff_held, date(2026, 3, 9))
        self.assertEqual(onboarding.date_paid, date(2026, 3, 6))
        checkin = self._lines(onboarding, anchor="kickoff").sorted("date_planned")[0]
        self.assertEqual(checkin.date_planned, date(2026, 3, 23))
        self.assertEqual(
            self._lines(onboarding, name="First invoice paid").state, "done"
        )
        onboarding._vshn_kickoff_held(date(2026, 3, 20))
        self.assertEqual(onboarding.date_kickoff_held, date(2026, 3, 9), "once")

    # Batch ------------------------------------------------------------------

    def test_start_stays_batch(self):
        """The journey costs the same few queries for 5 onboardings as for 1
        more: no query per onboarding (here the mid-market journey: e-mail,
        activities, milestones)."""
        self._start(self.segments["midmarket"])  # fill the caches
        leads_one = self._create_won_deals(
            1, prefix="One", segment=self.segments["midmarket"]
        )
        leads_six = self._create_won_deals(
            6, prefix="Six", segment=self.segments["midmarket"]
        )
        counts = {}
        for key, leads in (("one", leads_one), ("six", leads_six)):
            onboardings = as_process(
                self.env["vshn.onboarding"].with_context(vshn_onboarding_starting=True)
            ).create(
                [
                    {
                        "name": lead.name,
                        "partner_id": lead.partner_id.id,
                        "segment_id": lead.segment_id.id,
                        "offering_type": "consulting",
                        "user_id": self.user_salesman.id,
                    }
                    for lead in leads
                ]
            )
            onboardings._vshn_fill_stakeholders()
            self.env.flush_all()
            before = self.cr.sql_log_count
            onboardings._vshn_start_journeys()
            self.env.flush_all()
            counts[key] = self.cr.sql_log_count - before
            steps = self.journeys["midmarket"].step_ids.filtered(
                lambda step: not step.only_if_retrospective
            )
            self.assertEqual(
                len(onboardings.journey_line_ids), len(steps) * len(onboardings)
            )
        _logger.info(
            "Starting journeys: 1 onboarding %s queries, 6: %s",
            counts["one"],
            counts["six"],
        )
        self.assertLessEqual(counts["six"] - counts["one"], 5 * 3)
