# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .finance_contract_common import FinanceContractCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestFinanceContract(FinanceContractCommon):
    """Recurring revenue through OCA contract: the contract of a confirmed
    order, its MRR, the customer's MRR and the opportunity's against it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 12,000 a year and 2 x 3,000 a quarter: 1,000 + 2,000 = 3,000 a month
        cls.order = cls._confirm_recurring_order(
            "Recurring AG",
            [(cls.product_yearly, 1, 12000.0), (cls.product_quarterly, 2, 3000.0)],
        )
        cls.customer = cls.order.partner_id
        cls.onboarding = cls.order.onboarding_id
        cls.contract = cls.order.order_line.contract_id
        cls.line_yearly, cls.line_quarterly = cls.contract.contract_line_ids.sorted(
            lambda line: line.product_id != cls.product_yearly
        )

    def test_contract_created_and_linked_to_onboarding(self):
        self.assertEqual(self.order.state, "sale")
        self.assertTrue(self.onboarding, "the confirmation converted the customer")
        self.assertEqual(len(self.contract), 1)
        self.assertEqual(self.contract.partner_id, self.customer)
        # the conversion links the order after product_contract created the
        # contract: the stored link follows
        self.assertEqual(self.contract.onboarding_id, self.onboarding)
        self.assertEqual(self.onboarding.contract_ids, self.contract)
        self.assertEqual(
            self.env["contract.contract"].search(
                [("onboarding_id", "=", self.onboarding.id)]
            ),
            self.contract,
        )
        self.assertEqual(self.onboarding.with_user(self.user_finance).contract_count, 1)
        self.assertEqual(self.line_yearly.onboarding_id, self.onboarding)
        self.assertEqual(self.line_yearly.commercial_partner_id, self.customer)
        arch = (
            self.env["contract.contract"]
            .with_user(self.user_finance)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="onboarding_id"', arch)
        action = self.onboarding.action_view_contracts()
        self.assertEqual(
            self.env["contract.contract"].search(action["domain"]), self.contract
        )

    def test_salesperson_confirmation_creates_contract(self):
        """The salesperson confirmed (``_make_order`` works as them): the
        contract is created for them although only invoicing administrators
        create contracts; someone who may not write the order may not."""
        self.assertEqual(self.order.user_id, self.user_salesman)
        self.assertFalse(self.user_salesman.has_group("account.group_account_manager"))
        self.assertTrue(self.contract)
        outsider = mail_new_test_user(
            self.env,
            login="onb_outsider",
            name="Otto Outsider",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        with (
            self.assertRaises(AccessError),
            mute_logger("odoo.addons.base.models.ir_rule"),
        ):
            self.order.with_user(outsider).action_create_contract()

    def test_line_mrr_normalised_to_a_month(self):
        self.assertEqual(self.line_yearly.monthly_recurring_revenue, 1000.0)
        self.assertEqual(self.line_quarterly.monthly_recurring_revenue, 2000.0)
        line = self.line_yearly
        cases = [
            # (rule, interval, MRR of 12,000 a period)
            ("semesterly", 1, 2000.0),
            ("monthly", 2, 6000.0),
            ("monthlylastday", 1, 12000.0),
            # a week is 7 of the average month's 365.25 / 12 days
            ("weekly", 1, 52178.57),
            ("daily", 10, 36525.0),
        ]
        for rule, interval, mrr in cases:
            with self.subTest(rule=rule, interval=interval):
                line.write(
                    {"recurring_rule_type": rule, "recurring_interval": interval}
                )
                self.assertAlmostEqual(line.monthly_recurring_revenue, mrr, places=2)

    def test_line_mrr_in_company_currency(self):
        """A contract in another currency: its MRR at today's rate."""
        company_currency = self.env.company.currency_id
        currency = self.env.ref(
            "base.CHF" if company_currency.name != "CHF" else "base.EUR"
        )
        currency.active = True
        # 1 unit of the company's currency buys 2 of the contract's
        self.env["res.currency.rate"].create(
            {"currency_id": currency.id, "name": self.today, "rate": 2.0}
        )
        contract = self.env["contract.contract"].create(
            {
                "name": "Foreign currency",
                "partner_id": self.customer.id,
                "line_recurrence": True,
                "manual_currency_id": currency.id,
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_yearly.id,
                            "name": "Support",
                            "quantity": 1,
                            "price_unit": 12000.0,
                            "recurring_rule_type": "yearly",
                            "date_start": self.today,
                        }
                    )
                ],
            }
        )
        self.assertEqual(contract.currency_id, currency)
        # 12,000 a year = 1,000 a month in the contract's currency = 500
        self.assertEqual(contract.contract_line_ids.monthly_recurring_revenue, 500.0)
        self.assertEqual(self.customer.monthly_recurring_revenue, 3500.0)

    def test_customer_mrr_from_active_contracts(self):
        self.assertEqual(self.customer.monthly_recurring_revenue, 3000.0)
        contact = self.env["res.partner"].create(
            {"name": "Billing", "parent_id": self.customer.id}
        )
        other = self.env["res.partner"].create({"name": "Nobody", "is_company": True})
        partners = self.customer | contact | other
        partners.invalidate_recordset(["monthly_recurring_revenue"])
        # revenue, not cost: a salesperson reads it, without access to contracts
        as_salesman = partners.with_user(self.user_salesman)
        self.assertEqual(
            as_salesman.mapped("monthly_recurring_revenue"), [3000.0, 3000.0, 0.0]
        )
        # a canceled line, a line not started yet, a line ended, and an
        # archived contract do not count
        self.line_quarterly.is_canceled = True
        self.customer.invalidate_recordset(["monthly_recurring_revenue"])
        self.assertEqual(self.customer.monthly_recurring_revenue, 1000.0)
        self.line_quarterly.is_canceled = False
        self.line_yearly.date_start = self.today.replace(year=self.today.year + 1)
        self.customer.invalidate_recordset(["monthly_recurring_revenue"])
        self.assertEqual(self.customer.monthly_recurring_revenue, 2000.0)
        self.contract.active = False
        self.customer.invalidate_recordset(["monthly_recurring_revenue"])
        self.assertEqual(self.customer.monthly_recurring_revenue, 0.0)

    def test_lead_mrr_against_contract(self):
        lead = self.order.opportunity_id
        self.assertEqual(lead.probability, 100)
        self.assertEqual(lead.recurring_revenue_monthly, 3000.0)
        self.assertEqual(lead.contract_mrr, 3000.0)
        self.assertEqual(lead.contract_mrr_difference, 0.0)
        self.assertFalse(lead.contract_mrr_differs)
        # sold at 2,500 a month, contracted at 3,000
        lead.recurring_revenue = 2500.0
        self.assertEqual(lead.contract_mrr_difference, 500.0)
        self.assertTrue(lead.contract_mrr_differs)
        # the salesperson sees the difference on their deal's form
        form = Form(lead.with_user(self.user_salesman))
        self.assertEqual(form.contract_mrr, 3000.0)
        self.assertEqual(form.contract_mrr_difference, 500.0)
        self.assertTrue(form.contract_mrr_differs)
        # the contract ends: nothing recurring left against the 2,500
        self.contract.active = False
        lead.invalidate_recordset(["contract_mrr", "contract_mrr_difference"])
        self.assertEqual(lead.contract_mrr, 0.0)
        self.assertEqual(lead.contract_mrr_difference, -2500.0)

    def test_mrr_report_for_finance_and_managers_only(self):
        domain = [("commercial_partner_id", "=", self.customer.id)]
        for user in (self.user_finance, self.user_manager):
            with self.subTest(user=user.login):
                lines = self.env["contract.line"].with_user(user)
                self.assertEqual(
                    lines._read_group(
                        domain + lines._vshn_active_domain(),
                        ["commercial_partner_id"],
                        ["monthly_recurring_revenue:sum"],
                    ),
                    [(self.customer, 3000.0)],
                )
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models"):
            self.env["contract.line"].with_user(self.user_salesman).search(domain)
        menu = self.env.ref(
            "vshn_sales_onboarding.vshn_sales_onboarding_menu_report_mrr"
        )
        visible = (
            self.env["ir.ui.menu"].with_user(self.user_salesman)._visible_menu_ids()
        )
        self.assertNotIn(menu.id, visible)
        visible = (
            self.env["ir.ui.menu"].with_user(self.user_finance)._visible_menu_ids()
        )
        self.assertIn(menu.id, visible)
