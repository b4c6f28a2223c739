# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    as_process,
)

from .onboarding_common import OnboardingOrderCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestJourneyGuards(OnboardingOrderCommon):
    """What the RPC attacks on journeys found: a step's configuration that
    would fail at an order's confirmation is refused when it is saved, the
    clocks are the process's, the Day -60 to +60 button refuses another's
    onboarding."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journey = (
            cls.env["vshn.onboarding.journey"]
            .with_user(cls.user_manager)
            .create({"name": "Guarded"})
        )
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.onboarding = cls._start_onboarding(prefix="Guard")

    def _step(self, **vals):
        return (
            self.env["vshn.onboarding.journey.step"]
            .with_user(self.user_manager)
            .create(
                {
                    "journey_id": self.journey.id,
                    "name": "Call the customer",
                    "kind": "activity",
                    "activity_type_id": self.todo.id,
                    **vals,
                }
            )
        )

    def test_step_is_never_before_its_anchor(self):
        for vals in ({"offset_days": -3}, {"target_working_days": -1}):
            with (
                self.subTest(vals=vals),
                self.assertRaisesMessage(
                    ValidationError,
                    "Guarded: the step Call the customer cannot be planned or due "
                    "before its anchor event",
                ),
            ):
                self._step(**vals)
        step = self._step(offset_days=0, target_working_days=0)
        with self.assertRaisesMessage(ValidationError, "set both to zero or more"):
            step.offset_days = -1

    def test_step_activity_type_and_template_are_for_onboardings(self):
        lead_type = self.env["mail.activity.type"].create(
            {"name": "Deal call", "res_model": "crm.lead"}
        )
        with self.assertRaisesMessage(
            ValidationError,
            "the activity type Deal call of the step Call the customer is for "
            "crm.lead",
        ):
            self._step(activity_type_id=lead_type.id)
        partner_template = self.env["mail.template"].create(
            {
                "name": "Partner letter",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
            }
        )
        with self.assertRaisesMessage(
            ValidationError,
            "the e-mail template Partner letter of the step Welcome is written "
            "for res.partner",
        ):
            self._step(
                name="Welcome", kind="email", mail_template_id=partner_template.id
            )
        # a generic activity type is fine
        generic = self.env["mail.activity.type"].create({"name": "Anything"})
        self.assertEqual(self._step(activity_type_id=generic.id).kind, "activity")

    def test_step_and_journey_refuse_a_name_for_an_id(self):
        with self.assertRaisesMessage(UserError, "takes the id of a record"):
            self._step(role_id="Customer Success Manager")
        with self.assertRaisesMessage(UserError, "takes the id of a record"):
            self.journey.with_user(self.user_manager).write({"segment_id": "SMB"})

    def test_clocks_are_the_process_s(self):
        as_salesman = self.onboarding.with_user(self.user_salesman)
        clock = self.onboarding.clock_state
        for vals in (
            {"clock_state": "breached"},
            {"date_stage_entered": "2026-03-02"},
            {"stage_date_due": "2026-12-31"},
            {"stage_escalated": True},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesMessage(UserError, "The clocks are kept"),
            ):
                as_salesman.write(vals)
            with self.assertRaisesMessage(UserError, "The clocks are kept"):
                as_salesman.copy(vals)
        self.assertEqual(self.onboarding.clock_state, clock)
        self.assertFalse(self.onboarding.stage_escalated)

    def test_timeline_button_refuses_another_s_onboarding(self):
        other = mail_new_test_user(
            self.env,
            login="onb_guard_other",
            name="Otto Other",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_rule"),
        ):
            self.onboarding.with_user(other).action_view_timeline_report()
        action = self.onboarding.with_user(
            self.user_salesman
        ).action_view_timeline_report()
        self.assertEqual(
            action["domain"], [("onboarding_id", "in", self.onboarding.ids)]
        )

    def test_day0_is_not_moved_past_what_happened(self):
        onboarding = self.onboarding
        day0 = onboarding.date_start
        engaged = day0 + timedelta(days=3)
        as_process(onboarding).write({"date_first_engagement": engaged})
        as_salesman = onboarding.with_user(self.user_salesman)
        with self.assertRaisesMessage(
            ValidationError,
            f"Day 0 ({engaged + timedelta(days=1)}) cannot be after its first "
            f"engagement ({engaged}); set Day 0 on or before {engaged}.",
        ):
            as_salesman.date_start = engaged + timedelta(days=1)
        self.assertEqual(onboarding.date_start, day0)
        # a correction up to the first engagement is the owner's
        as_salesman.date_start = engaged
        self.assertEqual(onboarding.date_start, engaged)
        # the process moves Day 0 with the journey's events, either way
        as_process(onboarding).write({"date_first_engagement": engaged})
        onboarding._vshn_move_day0(engaged + timedelta(days=7))
        self.assertEqual(onboarding.date_start, engaged + timedelta(days=7))
