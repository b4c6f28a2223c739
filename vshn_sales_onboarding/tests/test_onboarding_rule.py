# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .onboarding_common import OnboardingOrderCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestOnboardingRule(OnboardingOrderCommon):
    """Which onboarding a confirmed order starts, joins, or that it needs none.

    The quotations are made and confirmed by the salespeople themselves.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()
        cls.user_sales2 = mail_new_test_user(
            cls.env,
            login="onb_sales2",
            name="Otto Other",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )

    def _new_customer(self, name):
        return self.env["res.partner"].create(
            {"name": name, "is_company": True, "segment_id": self.segment.id}
        )

    def _onboardings_of(self, customer):
        return self.env["vshn.onboarding"].search([("partner_id", "=", customer.id)])

    def _introductions(self, onboardings):
        return self._activities_of_type(onboardings, "introduction")

    def _customer_with_done_onboarding(self, name, offering_type="consulting"):
        customer = self._new_customer(name)
        order = self._make_order(customer, offering_type=offering_type)
        order.action_confirm()
        onboarding = order.onboarding_id
        onboarding.with_user(self.user_manager)._bypass_stage_gate(
            self.stages["done"], "Finished before the go-live of this module"
        )
        self.assertTrue(onboarding.is_done)
        return customer, onboarding

    def test_new_customer_gets_full_onboarding(self):
        customer = self._new_customer("Fresh AG")
        order = self._make_order(customer, offering_type="consulting")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.onboarding_conversion, "done")
        onboarding = order.onboarding_id
        self.assertEqual(self._onboardings_of(customer), onboarding)
        self.assertEqual(onboarding.kind, "full")
        self.assertEqual(onboarding.order_ids, order)
        self.assertEqual(onboarding.offering_type, "consulting")
        self.assertEqual(len(onboarding.setup_line_ids), 6)
        self.assertEqual(len(onboarding.dod_line_ids), 5)
        self.assertEqual(len(self._introductions(onboarding)), 1)
        self.assertTrue(customer.onboarding_introduced_date)
        self.assertEqual(customer.customer_status, "onboarding")

    def test_open_onboarding_takes_the_next_order(self):
        """Another salesperson's order of another offering joins the open
        onboarding: no second onboarding, no second introduction."""
        customer = self._new_customer("Growing AG")
        first = self._make_order(customer, offering_type="consulting")
        first.action_confirm()
        onboarding = first.onboarding_id
        introduced = customer.onboarding_introduced_date
        activity_count = len(onboarding.activity_ids)
        second = self._make_order(
            customer, user=self.user_sales2, offering_type="standard_service"
        )
        second.action_confirm()
        self.assertEqual(second.onboarding_conversion, "done")
        self.assertEqual(second.onboarding_id, onboarding)
        self.assertEqual(onboarding.order_ids, first | second)
        self.assertEqual(self._onboardings_of(customer), onboarding)
        self.assertEqual(len(self._introductions(onboarding)), 1)
        self.assertEqual(len(onboarding.activity_ids), activity_count)
        self.assertEqual(customer.onboarding_introduced_date, introduced)
        self.assertEqual(onboarding.amount_untaxed, 2000.0)
        self.assertIn(second.name, onboarding.message_ids[0].body)
        # the second salesperson follows the onboarding of their order
        self.assertEqual(
            onboarding.with_user(self.user_sales2).stage_id, self.stages["handover"]
        )

    def test_done_onboarding_same_offering_needs_none(self):
        customer, onboarding = self._customer_with_done_onboarding("Loyal AG")
        order = self._make_order(customer, offering_type="consulting")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.onboarding_conversion, "done")
        self.assertFalse(order.onboarding_id)
        self.assertEqual(self._onboardings_of(customer), onboarding)
        # an order without an opportunity (no offering type) needs none either
        plain = self._make_order(customer, user=self.user_sales2)
        plain.action_confirm()
        self.assertEqual(plain.onboarding_conversion, "done")
        self.assertFalse(plain.onboarding_id)
        self.assertEqual(self._onboardings_of(customer), onboarding)
        self.assertEqual(customer.customer_status, "customer")

    def test_new_offering_gets_light_onboarding(self):
        customer, onboarding = self._customer_with_done_onboarding("Broad AG")
        introduced = customer.onboarding_introduced_date
        self.assertEqual(self.env.company.onboarding_new_offering_policy, "light")
        order = self._make_order(customer, offering_type="project")
        order.action_confirm()
        light = order.onboarding_id
        self.assertTrue(light)
        self.assertNotEqual(light, onboarding)
        self.assertEqual(light.kind, "light")
        self.assertEqual(light.offering_type, "project")
        self.assertEqual(light.lead_id, order.opportunity_id)
        self.assertEqual(self._onboardings_of(customer), onboarding | light)
        self.assertFalse(self._introductions(light))
        self.assertFalse(light.setup_line_ids)
        self.assertEqual(len(light.dod_line_ids), 5)
        self.assertFalse(light.retrospective_required)
        self.assertEqual(customer.onboarding_introduced_date, introduced)
        # the customer stays a customer during the light onboarding
        self.assertEqual(customer.customer_status, "customer")

    def test_new_offering_policy_full(self):
        self.env.company.onboarding_new_offering_policy = "full"
        customer, onboarding = self._customer_with_done_onboarding("Full AG")
        order = self._make_order(customer, offering_type="standard_service")
        order.action_confirm()
        full = order.onboarding_id
        self.assertEqual(full.kind, "full")
        self.assertNotEqual(full, onboarding)
        self.assertEqual(len(full.setup_line_ids), 6)
        # introduced once per customer: not again
        self.assertFalse(self._introductions(full))

    def test_new_offering_policy_none(self):
        self.env.company.onboarding_new_offering_policy = "none"
        customer, onboarding = self._customer_with_done_onboarding("Quiet AG")
        order = self._make_order(customer, offering_type="project")
        order.action_confirm()
        self.assertEqual(order.onboarding_conversion, "done")
        self.assertFalse(order.onboarding_id)
        self.assertEqual(self._onboardings_of(customer), onboarding)

    def test_one_batch_one_onboarding_per_customer(self):
        customer = self._new_customer("Batch AG")
        other = self._new_customer("Other Batch AG")
        orders = (
            self._make_order(customer, offering_type="consulting")
            | self._make_order(customer, offering_type="project")
            | self._make_order(other, offering_type="consulting")
        )
        orders.action_confirm()
        self.assertEqual(set(orders.mapped("onboarding_conversion")), {"done"})
        onboarding = self._onboardings_of(customer)
        self.assertEqual(len(onboarding), 1)
        self.assertEqual(onboarding.kind, "full")
        self.assertEqual(onboarding.order_ids, orders[:2])
        self.assertEqual(len(self._introductions(onboarding)), 1)
        self.assertEqual(len(onboarding.checklist_line_ids), 11)
        other_onboarding = self._onboardings_of(other)
        self.assertEqual(other_onboarding.order_ids, orders[2])
        self.assertEqual(len(self._introductions(other_onboarding)), 1)

    def test_converting_twice_changes_nothing(self):
        customer, onboarding = self._customer_with_done_onboarding("Twice AG")
        # needing none first: once the light onboarding is open, it takes all
        none = self._make_order(customer, offering_type="consulting")
        none.action_confirm()
        started = self._make_order(customer, offering_type="project")
        started.action_confirm()
        light = started.onboarding_id
        self.assertTrue(light)
        self.assertFalse(none.onboarding_id)
        self.env.flush_all()
        snapshot = {
            "onboardings": self._onboardings_of(customer),
            "activities": light.activity_ids,
            "messages": light.message_ids,
            "team": light.stakeholder_ids,
            "account_team": customer.stakeholder_ids,
            "checklist": light.checklist_line_ids,
            "reference": customer.customer_reference,
            "status": customer.customer_status,
        }
        for orders in (started, none, started | none):
            result = orders.with_user(self.user_salesman).action_convert_to_customer()
            self.assertEqual(result["params"]["type"], "info")
        self.env.invalidate_all()
        self.assertEqual(started.onboarding_id, light)
        self.assertFalse(none.onboarding_id)
        self.assertEqual(
            snapshot,
            {
                "onboardings": self._onboardings_of(customer),
                "activities": light.activity_ids,
                "messages": light.message_ids,
                "team": light.stakeholder_ids,
                "account_team": customer.stakeholder_ids,
                "checklist": light.checklist_line_ids,
                "reference": customer.customer_reference,
                "status": customer.customer_status,
            },
        )
