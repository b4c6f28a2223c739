# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import mail_new_test_user

from .onboarding_common import OnboardingOrderCommon

SECURITY_REVIEW = "Review the customer's security requirements"


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestOnboardingRoles(OnboardingOrderCommon):
    """Roles are data: a role created as a record works without code, and
    role holders named later take the role's work over."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()
        cls.user_security = mail_new_test_user(
            cls.env,
            login="onb_security",
            name="Sonja Security",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        # configured by an onboarding manager, not by a developer
        cls.role_security = (
            cls.env["vshn.onboarding.role"]
            .with_user(cls.user_manager)
            .create(
                {
                    "name": "Security Officer",
                    "code": "security_officer",
                    "sequence": 45,
                    "fallback_role_id": cls.roles["account_manager"].id,
                }
            )
            .with_env(cls.env)
        )

    def _add_security_step(
        self, journey_xmlid="vshn_sales_onboarding.vshn_onboarding_journey_standard"
    ):
        """A manager adds the new role's step to a journey (the test segment's
        onboardings get the Standard journey; the journeys replaced the fixed
        plans at the start)."""
        return (
            self.env["vshn.onboarding.journey.step"]
            .with_user(self.user_manager)
            .create(
                {
                    "journey_id": self.env.ref(journey_xmlid).id,
                    "sequence": 40,
                    "name": SECURITY_REVIEW,
                    "kind": "activity",
                    "anchor": "signed",
                    "offset_days": 5,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "role_id": self.role_security.id,
                }
            )
        )

    def _name_security_officer_by_default(self):
        self.env["vshn.onboarding.role.default"].with_user(self.user_manager).create(
            {
                "segment_id": self.segment.id,
                "role_id": self.role_security.id,
                "user_id": self.user_security.id,
            }
        )

    def _security_review(self, onboarding):
        return onboarding.activity_ids.filtered(
            lambda activity: activity.summary == SECURITY_REVIEW
        )

    # A new role ---------------------------------------------------------

    def test_new_role_required_by_a_stage_blocks_the_gate(self):
        self.stages["kickoff"].with_user(self.user_manager).required_role_ids = [
            Command.link(self.role_security.id)
        ]
        onboarding = self._start_onboarding(prefix="Secure")
        as_am = onboarding.with_user(self.user_salesman)
        self._mark_activities_done(as_am, "handover")
        with self.assertRaisesMessage(ValidationError, "a Security Officer") as error:
            as_am.write({"stage_id": self.stages["kickoff"].id})
        # nothing else is missing
        self.assertNotIn(";", str(error.exception))
        self.assertEqual(onboarding.stage_id, self.stages["handover"])
        as_am.write(
            {
                "stakeholder_ids": [
                    Command.create(
                        {
                            "role_id": self.role_security.id,
                            "user_id": self.user_security.id,
                        }
                    )
                ]
            }
        )
        as_am.write({"stage_id": self.stages["kickoff"].id})
        self.assertEqual(onboarding.stage_id, self.stages["kickoff"])

    def test_new_role_limited_to_an_offering_type(self):
        self.role_security.required_offering_type = "project"
        self.stages["kickoff"].required_role_ids = [Command.link(self.role_security.id)]
        consulting = self._start_onboarding(prefix="Consulting")
        self._mark_activities_done(consulting, "handover")
        consulting.with_user(self.user_salesman).write(
            {"stage_id": self.stages["kickoff"].id}
        )
        project = self._start_onboarding("project", prefix="Projects")
        self._mark_activities_done(project, "handover")
        with self.assertRaisesMessage(ValidationError, "a Security Officer"):
            project.with_user(self.user_salesman).write(
                {"stage_id": self.stages["kickoff"].id}
            )

    def test_new_role_in_a_plan_step_goes_to_its_holder(self):
        self._add_security_step()
        self._name_security_officer_by_default()
        onboarding = self._start_onboarding(prefix="Planned", user=self.user_salesman)
        self.assertEqual(
            self._get_holder(onboarding, "security_officer"), self.user_security
        )
        review = self._security_review(onboarding)
        self.assertEqual(len(review), 1)
        self.assertEqual(review.user_id, self.user_security)
        self.assertEqual(review.vshn_onboarding_role_id, self.role_security)
        # a plan of its own, launched by hand, goes to the holder as well
        plan = self.env["mail.activity.plan"].create(
            {
                "name": "Security audit",
                "res_model": "vshn.onboarding",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.env.ref(
                                "mail.mail_activity_data_todo"
                            ).id,
                            "summary": "Audit the access of the customer",
                            "responsible_type": "vshn_onboarding_role",
                            "vshn_onboarding_role_id": self.role_security.id,
                        }
                    )
                ],
            }
        )
        self.env["mail.activity.schedule"].with_user(self.user_salesman).with_context(
            active_model="vshn.onboarding", active_ids=onboarding.ids
        ).create({"plan_id": plan.id}).action_schedule_plan()
        audit = onboarding.activity_ids.filtered(
            lambda activity: activity.summary == "Audit the access of the customer"
        )
        self.assertEqual(audit.user_id, self.user_security)

    def test_new_role_holder_reads_the_onboarding_and_its_orders(self):
        self._name_security_officer_by_default()
        onboarding = self._start_onboarding(prefix="Readable")
        order = onboarding.order_ids
        onboardings = self.env["vshn.onboarding"].with_user(self.user_security)
        # the board's "My Onboardings" filter, as the search view defines it
        search_view = self.env.ref("vshn_sales_onboarding.vshn_onboarding_view_search")
        my_filter = etree.fromstring(search_view.arch).xpath(
            "//filter[@name='my_onboardings']"
        )[0]
        my_onboardings = safe_eval(
            my_filter.get("domain"), {"uid": self.user_security.id}
        )
        self.assertIn(
            ("stakeholder_ids.user_id", "=", self.user_security.id), my_onboardings
        )
        self.assertEqual(onboardings.search(my_onboardings), onboarding)
        self.assertEqual(onboardings.search([]), onboarding)
        as_holder = onboarding.with_user(self.user_security)
        self.env.invalidate_all()
        self.assertEqual(
            as_holder.read(["partner_id"])[0]["partner_id"][0], onboarding.partner_id.id
        )
        as_holder.write(
            {"kickoff_date": f"{onboarding.date_start + timedelta(days=5)} 09:00:00"}
        )
        orders = self.env["sale.order"].with_user(self.user_security)
        self.assertEqual(orders.search([("onboarding_id", "!=", False)]), order)
        self.assertTrue(order.order_line.with_user(self.user_security).read(["name"]))

    # Roles filled later -------------------------------------------------

    def test_role_filled_later_takes_over_its_activities(self):
        self._add_security_step()
        onboarding = self._start_onboarding(prefix="Vacant")
        review = self._security_review(onboarding)
        # vacant: the stand-in (the Account Manager) took it
        self.assertFalse(self._get_holder(onboarding, "security_officer"))
        self.assertEqual(review.user_id, self.user_salesman)
        self.assertEqual(review.vshn_onboarding_role_id, self.role_security)
        other_activities = onboarding.activity_ids - review
        before = {activity: activity.user_id for activity in other_activities}
        onboarding.with_user(self.user_salesman).write(
            {
                "stakeholder_ids": [
                    Command.create(
                        {
                            "role_id": self.role_security.id,
                            "user_id": self.user_security.id,
                        }
                    )
                ]
            }
        )
        self.assertEqual(review.user_id, self.user_security)
        self.assertEqual(
            before, {activity: activity.user_id for activity in other_activities}
        )

    def test_shipped_role_filled_later_takes_over_its_activities(self):
        self.env["vshn.onboarding.role.default"].search(
            [("role_id", "=", self.roles["tsm"].id)]
        ).unlink()
        lead = self._create_won_deals(1, prefix="No TSM")
        lead.action_convert_to_customer()
        onboarding = lead.order_ids.onboarding_id
        technical = onboarding.activity_ids.filtered(
            lambda activity: activity.vshn_onboarding_role_id == self.roles["tsm"]
        )
        self.assertEqual(len(technical), 1)
        self.assertEqual(technical.user_id, self.user_salesman)
        # a vacant line filled in later (write), as in the form
        as_am = onboarding.with_user(self.user_salesman)
        as_am.write(
            {
                "stakeholder_ids": [
                    Command.create({"role_id": self.roles["tsm"].id, "user_id": False})
                ]
            }
        )
        self.assertEqual(technical.user_id, self.user_salesman)
        line = onboarding.stakeholder_ids.filtered(
            lambda line: line.role_id == self.roles["tsm"]
        )
        line.with_user(self.user_salesman).user_id = self.user_tsm
        self.assertEqual(technical.user_id, self.user_tsm)

    def test_role_filled_later_takes_over_activities_of_a_plan_launched_by_hand(self):
        """Plans launched through Odoo's plan wizard note the role of each
        step too: the stand-in's activity passes to the holder."""
        self.env["vshn.onboarding.role.default"].search(
            [("role_id", "=", self.roles["tsm"].id)]
        ).unlink()
        lead = self._create_won_deals(1, prefix="By Hand")
        lead.action_convert_to_customer()
        onboarding = lead.order_ids.onboarding_id
        before = onboarding.activity_ids
        wizard = (
            self.env["mail.activity.schedule"]
            .with_user(self.user_salesman)
            .with_context(active_model=onboarding._name, active_ids=onboarding.ids)
            .create(
                {
                    "plan_id": self.env.ref(
                        "vshn_sales_onboarding.mail_activity_plan_kickoff"
                    ).id
                }
            )
        )
        wizard.action_schedule_plan()
        onboarding.invalidate_recordset(["activity_ids"])
        launched = onboarding.activity_ids - before
        technical = launched.filtered(
            lambda activity: activity.vshn_onboarding_role_id == self.roles["tsm"]
        )
        self.assertEqual(len(technical), 1)
        self.assertEqual(technical.user_id, self.user_salesman)
        onboarding.with_user(self.user_salesman).write(
            {
                "stakeholder_ids": [
                    Command.create(
                        {"role_id": self.roles["tsm"].id, "user_id": self.user_tsm.id}
                    )
                ]
            }
        )
        self.assertEqual(technical.user_id, self.user_tsm)

    def test_account_team_flows_from_customer_to_open_onboarding(self):
        self.env["vshn.onboarding.role.default"].search(
            [("role_id", "=", self.roles["tsm"].id)]
        ).unlink()
        lead = self._create_won_deals(1, prefix="Team Later")
        lead.action_convert_to_customer()
        onboarding = lead.order_ids.onboarding_id
        customer = onboarding.partner_id
        self.assertFalse(customer.tsm_id)
        self.assertFalse(self._get_holder(onboarding, "tsm"))
        technical = onboarding.activity_ids.filtered(
            lambda activity: activity.vshn_onboarding_role_id == self.roles["tsm"]
        )
        customer.with_user(self.user_manager).write(
            {"tsm_id": self.user_tsm.id, "csm_id": self.user_pm.id}
        )
        self.assertEqual(self._get_holder(onboarding, "tsm"), self.user_tsm)
        self.assertEqual(technical.user_id, self.user_tsm)
        # a role the onboarding holds already is not taken away
        self.assertEqual(onboarding.csm_id, self.user_csm)
        self.assertEqual(customer.csm_id, self.user_pm)

    def test_account_team_flows_from_onboarding_to_customer(self):
        self.env["vshn.onboarding.role.default"].search(
            [("role_id", "=", self.roles["csm"].id)]
        ).unlink()
        onboarding = self._start_onboarding(prefix="Team First")
        customer = onboarding.partner_id
        self.assertFalse(onboarding.csm_id)
        self.assertFalse(customer.csm_id)
        self.assertEqual(customer.account_manager_id, self.user_salesman)
        as_am = onboarding.with_user(self.user_salesman)
        as_am.write(
            {
                "csm_id": self.user_csm.id,
                "account_manager_id": self.user_manager.id,
                "project_manager_id": self.user_tsm.id,
            }
        )
        # the vacant account-team role is filled, the held one is kept
        self.assertEqual(customer.csm_id, self.user_csm)
        self.assertEqual(customer.account_manager_id, self.user_salesman)
        # the Project Manager is not on the account team
        self.assertFalse(
            customer.stakeholder_ids.filtered(
                lambda line: line.role_id == self.roles["project_manager"]
            )
        )
        # the customer's CSM to-do of the handover follows the new holder
        todo = onboarding.activity_ids.filtered(
            lambda activity: activity.vshn_onboarding_role_id == self.roles["csm"]
        )
        self.assertTrue(todo)
        self.assertEqual(set(todo.mapped("user_id")), {self.user_csm})
