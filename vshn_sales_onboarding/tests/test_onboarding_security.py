# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .onboarding_common import OnboardingOrderCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestOnboardingSecurity(OnboardingOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()
        leads = cls._create_won_deals(2, prefix="Sec")
        leads.with_user(cls.user_salesman).action_convert_to_customer()
        cls.order_mine, cls.order_other = leads.order_ids
        cls.onboarding_mine = cls.order_mine.onboarding_id
        cls.onboarding_other = cls.order_other.onboarding_id
        # the other onboarding: someone else's, its team without CSM
        cls.onboarding_other.write(
            {
                "user_id": cls.user_manager.id,
                "account_manager_id": cls.user_manager.id,
                "csm_id": False,
            }
        )
        cls.onboarding_other.stakeholder_ids.filtered(
            lambda line: line.role_id.code == "solution_architect"
        ).user_id = False
        (cls.order_mine | cls.order_other).write({"user_id": cls.user_manager.id})
        cls.onboarding_mine.user_id = cls.user_manager
        cls.both = cls.onboarding_mine | cls.onboarding_other

    def test_role_holder_sees_and_edits_own_onboarding(self):
        onboarding = self.onboarding_mine.with_user(self.user_csm)
        self.assertEqual(onboarding.stage_id, self.stages["handover"])
        onboarding.dod_line_ids[:1].action_mark_done()
        self.assertEqual(onboarding.dod_progress, 20)
        onboarding.write(
            {"kickoff_date": f"{onboarding.date_start + timedelta(days=5)} 09:00:00"}
        )
        found = (
            self.env["vshn.onboarding"]
            .with_user(self.user_csm)
            .search([("id", "in", self.both.ids)])
        )
        self.assertEqual(found, self.onboarding_mine)
        # ... and the orders of the onboarding
        orders = self.env["sale.order"].with_user(self.user_csm)
        self.assertEqual(
            orders.search([("id", "in", (self.order_mine | self.order_other).ids)]),
            self.order_mine,
        )
        order = self.order_mine.with_user(self.user_csm)
        self.assertEqual(order.onboarding_id, self.onboarding_mine)
        self.assertTrue(order.order_line.read(["price_subtotal"]))
        order.write({"client_order_ref": "PO-4711"})
        self.assertEqual(self.order_mine.client_order_ref, "PO-4711")

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_role_holder_cannot_read_others(self):
        with self.assertRaises(AccessError):
            self.onboarding_other.with_user(self.user_csm).read(["name"])
        with self.assertRaises(AccessError):
            self.onboarding_other.with_user(self.user_csm).write({"color": 3})
        with self.assertRaises(AccessError):
            self.order_other.with_user(self.user_csm).read(["name"])
        lines = self.env["vshn.onboarding.checklist.line"].with_user(self.user_csm)
        self.assertFalse(
            lines.search([("onboarding_id", "=", self.onboarding_other.id)])
        )
        self.assertTrue(lines.search([("onboarding_id", "=", self.onboarding_mine.id)]))
        tasks = self.env["project.task"].with_user(self.user_csm)
        self.assertFalse(
            tasks.search([("onboarding_id", "=", self.onboarding_other.id)])
        )

    def test_manager_sees_all(self):
        onboardings = (
            self.env["vshn.onboarding"]
            .with_user(self.user_manager)
            .search([("id", "in", self.both.ids)])
        )
        self.assertEqual(onboardings, self.both)
        orders = (
            self.env["sale.order"]
            .with_user(self.user_manager)
            .search([("id", "in", self.both.order_ids.ids)])
        )
        self.assertEqual(len(orders), 2)
        lines = self.env["vshn.onboarding.checklist.line"].with_user(self.user_manager)
        self.assertEqual(
            len(lines.search([("onboarding_id", "in", self.both.ids)])), 22
        )

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "VSHN Other"})
        self.user_sm.company_ids |= other_company
        self.env["vshn.onboarding.role.default"].create(
            {
                "company_id": other_company.id,
                "role_id": self.roles["csm"].id,
                "user_id": self.user_sm.id,
            }
        )
        defaults = self.env["vshn.onboarding.role.default"].with_user(self.user_manager)
        self.assertFalse(defaults.search([("company_id", "=", other_company.id)]))
        self.assertTrue(defaults.search([("company_id", "=", self.env.company.id)]))
        foreign = self.env["vshn.onboarding"].create(
            {
                "name": "Foreign onboarding",
                "partner_id": self.order_other.partner_id.id,
                "company_id": other_company.id,
                "user_id": self.user_manager.id,
            }
        )
        foreign._vshn_create_checklists()
        self.assertTrue(foreign.checklist_line_ids)
        self.assertEqual(foreign.checklist_line_ids.company_id, other_company)
        onboardings = self.env["vshn.onboarding"].with_user(self.user_manager)
        self.assertFalse(onboardings.search([("id", "=", foreign.id)]))
        self.assertTrue(onboardings.search([("id", "=", self.onboarding_mine.id)]))
        lines = self.env["vshn.onboarding.checklist.line"].with_user(self.user_manager)
        self.assertFalse(lines.search([("onboarding_id", "=", foreign.id)]))
        self.assertTrue(lines.search([("onboarding_id", "=", self.onboarding_mine.id)]))

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_sold_amount_as_on_the_orders(self):
        """What was sold is no secret from who sold it: the onboarding shows
        the orders' untaxed amount to whoever reads the orders' amounts (cost
        and margin are finance's). Finance reads every onboarding."""
        onboarding = self.onboarding_mine.with_user(self.user_salesman)
        self.assertEqual(
            onboarding.read(["amount_untaxed"])[0]["amount_untaxed"],
            self.order_mine.with_user(self.user_salesman).amount_untaxed,
        )
        as_finance = self.onboarding_mine.with_user(self.user_finance)
        self.assertEqual(as_finance.amount_untaxed, self.order_mine.amount_untaxed)

    def test_salesperson_without_onboarding_group_converts_own_quotation(self):
        salesperson = mail_new_test_user(
            self.env,
            login="onb_plain_sales",
            name="Pia Plain",
            groups="sales_team.group_sale_salesman",
        )
        self.assertFalse(
            salesperson.has_group("vshn_sales_onboarding.group_onboarding_user")
        )
        customer = self.env["res.partner"].create(
            {"name": "Plain Customer AG", "is_company": True}
        )
        order = (
            self.env["sale.order"]
            .with_user(salesperson)
            .create(
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
        )
        self.assertEqual(order.user_id, salesperson)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.onboarding_conversion, "done")
        onboarding = order.onboarding_id
        self.assertTrue(onboarding)
        self.assertEqual(onboarding.user_id, salesperson)
        self.assertEqual(onboarding.create_uid, salesperson)
        self.assertEqual(customer.customer_status, "onboarding")
        self.assertTrue(customer.customer_reference)
        # the salesperson follows the onboarding of their order
        self.assertEqual(onboarding.stage_id, self.stages["handover"])
        self.assertEqual(len(onboarding.dod_line_ids), 5)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_nobody_writes_themself_onto_another_team(self):
        """A role is not a way in: the team of a deal or onboarding the user
        may not edit cannot be joined by creating a line on it."""
        stakeholders = self.env["vshn.onboarding.stakeholder"].with_user(self.user_csm)
        lead = self.onboarding_other.lead_id
        holders = [{"lead_id": lead.id}, {"onboarding_id": self.onboarding_other.id}]
        for holder in holders:
            with self.subTest(holder=holder), self.assertRaises(AccessError):
                stakeholders.create(
                    {
                        **holder,
                        "role_id": self.roles["inside_sales"].id,
                        "user_id": self.user_csm.id,
                    }
                )
        with self.assertRaises(AccessError):
            self.onboarding_other.with_user(self.user_csm).read(["name"])
        # control: on an onboarding they hold a role in, they name a colleague
        mine = self.onboarding_mine.with_user(self.user_csm)
        stakeholders.create(
            {
                "onboarding_id": mine.id,
                "role_id": self.roles["inside_sales"].id,
                "user_id": self.user_tsm.id,
            }
        )
        self.assertIn(self.user_tsm, mine.stakeholder_ids.user_id)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_account_team_is_kept_by_managers(self):
        customer = self.onboarding_mine.partner_id
        self.assertEqual(customer.csm_id, self.user_csm)
        line = customer.stakeholder_ids.filtered(
            lambda line: line.role_id == self.roles["csm"]
        )
        as_user = customer.with_user(self.user_salesman)
        self.assertFalse(as_user.can_edit_account_team)
        # they read the account team ...
        self.assertEqual(as_user.csm_id, self.user_csm)
        self.assertTrue(line.with_user(self.user_salesman).read(["user_id"]))
        # ... but do not change it
        with self.assertRaises(AccessError):
            as_user.write({"csm_id": self.user_sm.id})
        with self.assertRaises(AccessError):
            line.with_user(self.user_salesman).write({"user_id": self.user_sm.id})
        with self.assertRaises(AccessError):
            self.env["vshn.onboarding.stakeholder"].with_user(
                self.user_salesman
            ).create(
                {
                    "customer_id": customer.id,
                    "role_id": self.roles["inside_sales"].id,
                    "user_id": self.user_salesman.id,
                }
            )
        with self.assertRaises(AccessError):
            line.with_user(self.user_salesman).unlink()
        self.assertEqual(customer.csm_id, self.user_csm)
        # a manager does
        as_manager = customer.with_user(self.user_manager)
        self.assertTrue(as_manager.can_edit_account_team)
        as_manager.write({"csm_id": self.user_sm.id})
        self.assertEqual(customer.csm_id, self.user_sm)
        self.assertEqual(line.user_id, self.user_sm)
