# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .onboarding_common import OnboardingOrderCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestOnboardingSecurity(OnboardingOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()
        leads = cls._create_won_deals(2, prefix="Sec")
        leads.action_convert_to_customer()
        cls.order_mine, cls.order_other = leads.order_ids
        # the other onboarding: someone else's order, account team without CSM
        cls.order_other.write(
            {
                "user_id": cls.user_manager.id,
                "onboarding_account_manager_id": cls.user_manager.id,
                "onboarding_csm_id": False,
                "onboarding_solution_architect_id": False,
            }
        )
        cls.order_mine.write({"user_id": cls.user_manager.id})

    def test_role_holder_sees_and_edits_own_onboarding(self):
        order = self.order_mine.with_user(self.user_csm)
        self.assertEqual(order.onboarding_stage_id, self.stages["handover"])
        order.onboarding_dod_line_ids[:1].action_mark_done()
        order.write({"onboarding_kickoff_date": "2026-03-02 09:00:00"})
        found = (
            self.env["sale.order"]
            .with_user(self.user_csm)
            .search(
                [
                    ("onboarding_stage_id", "!=", False),
                    ("id", "in", (self.order_mine | self.order_other).ids),
                ]
            )
        )
        self.assertEqual(found, self.order_mine)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_role_holder_cannot_read_others(self):
        with self.assertRaises(AccessError):
            self.order_other.with_user(self.user_csm).read(["name"])
        lines = self.env["vshn.onboarding.checklist.line"].with_user(self.user_csm)
        self.assertFalse(lines.search([("order_id", "=", self.order_other.id)]))

    def test_manager_sees_all(self):
        orders = (
            self.env["sale.order"]
            .with_user(self.user_manager)
            .search([("id", "in", (self.order_mine | self.order_other).ids)])
        )
        self.assertEqual(len(orders), 2)

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "VSHN Other"})
        self.env["vshn.onboarding.role.default"].create(
            {"company_id": other_company.id, "csm_id": self.user_sm.id}
        )
        defaults = self.env["vshn.onboarding.role.default"].with_user(self.user_manager)
        self.assertFalse(defaults.search([("company_id", "=", other_company.id)]))
        foreign = self.env["sale.order"].create(
            {
                "partner_id": self.order_other.partner_id.id,
                "company_id": other_company.id,
                "state": "sale",
            }
        )
        foreign._vshn_create_checklists()
        self.assertTrue(foreign.onboarding_checklist_line_ids)
        lines = self.env["vshn.onboarding.checklist.line"].with_user(self.user_manager)
        self.assertFalse(lines.search([("order_id", "=", foreign.id)]))
        self.assertTrue(lines.search([("order_id", "=", self.order_mine.id)]))

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_money_fields_for_finance_only(self):
        order = self.order_mine.with_user(self.user_salesman)
        self.assertNotIn("onboarding_amount", order.fields_get())
        with self.assertRaises(AccessError):
            order.read(["onboarding_amount"])
        self.order_mine.write({"user_id": self.user_finance.id})
        as_finance = self.order_mine.with_user(self.user_finance)
        self.assertIn("onboarding_amount", as_finance.fields_get())
        self.assertEqual(as_finance.onboarding_amount, self.order_mine.amount_untaxed)
