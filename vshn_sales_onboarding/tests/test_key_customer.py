# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import format_amount

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import OnboardingCommon

# The check of July 2026 compares April to June 2026 with January to March.
TODAY = date(2026, 7, 15)
PREVIOUS = date(2026, 2, 10)
CURRENT = date(2026, 5, 10)


class KeyCustomerCommon(OnboardingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.user_account_manager = mail_new_test_user(
            cls.env,
            login="onb_key_am",
            name="Kim Keyaccount",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        cls.activity_type = cls.env.ref(
            "vshn_sales_onboarding.mail_activity_type_key_customer_revenue"
        )

    @classmethod
    def _customers(cls, names, manager=True, **values):
        return cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "is_key_customer": True,
                    "account_manager_id": manager and cls.user_account_manager.id,
                    **values,
                }
                for name in names
            ]
        )

    @classmethod
    def _invoice(cls, partners_amounts, when, move_type="out_invoice"):
        """Post one customer invoice per (partner, amount), dated ``when``."""
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": when,
                    "date": when,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Managed Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for partner, amount in partners_amounts
            ]
        )
        moves.action_post()
        return moves

    def _alerts(self, partners):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestKeyCustomer(KeyCustomerCommon):
    """Default settings: 3 months compared, alert above a 25 % change.

    Revenue, January to March 2026 (previous) -> April to June 2026 (current):
      Up         1,000.00 -> 1,300.00   +30 %    alert
      Exact      1,000.00 -> 1,250.00   +25 %    none (not more than 25 %)
      Below      1,000.00 -> 1,100.00   +10 %    none (a December 2025 and a
                                                 July 2026 invoice are outside)
      Down       2,000.00 -> 1,000.00   -50 %    alert (1,200 - 200 credit note)
      New            0.00 ->   500.00   new      alert
      Fallback   1,000.00 ->   100.00   -90 %    alert for the salesperson
      Nobody     1,000.00 ->     0.00   -100 %   no one to tell: none
      Ordinary   1,000.00 -> 5,000.00   +400 %   not a key customer: none
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (
            cls.up,
            cls.exact,
            cls.below,
            cls.down,
            cls.new,
        ) = cls._customers(["Up AG", "Exact AG", "Below AG", "Down AG", "New AG"])
        cls.fallback = cls._customers(
            ["Fallback AG"], manager=False, user_id=cls.user_salesman.id
        )
        cls.nobody = cls._customers(["Nobody AG"], manager=False)
        cls.ordinary = cls._customers(["Ordinary AG"], is_key_customer=False)
        cls.contact = cls.env["res.partner"].create(
            {"name": "Uma Up", "parent_id": cls.up.id}
        )
        cls._invoice(
            [
                (cls.up, 1000.0),
                (cls.exact, 1000.0),
                (cls.below, 1000.0),
                (cls.down, 1000.0),
                (cls.fallback, 1000.0),
                (cls.nobody, 1000.0),
                (cls.ordinary, 1000.0),
            ],
            PREVIOUS,
        )
        cls._invoice([(cls.down, 1000.0)], date(2026, 3, 31))
        cls._invoice(
            [
                # invoiced to a contact: counts for its company
                (cls.contact, 1300.0),
                (cls.exact, 1250.0),
                (cls.below, 1100.0),
                (cls.down, 1200.0),
                (cls.new, 500.0),
                (cls.fallback, 100.0),
                (cls.ordinary, 5000.0),
            ],
            CURRENT,
        )
        cls._invoice([(cls.down, 200.0)], date(2026, 6, 30), move_type="out_refund")
        cls._invoice([(cls.below, 5000.0)], date(2025, 12, 31))
        cls._invoice([(cls.below, 5000.0)], date(2026, 7, 1))
        cls.key_customers = (
            cls.up
            | cls.exact
            | cls.below
            | cls.down
            | cls.new
            | cls.fallback
            | cls.nobody
            | cls.ordinary
        )

    def _amount(self, amount):
        # as the note (HTML) stores it
        return format_amount(self.env, amount, self.currency).replace("\xa0", "&nbsp;")

    def test_alerts_above_the_threshold_only(self):
        self.env["res.partner"]._cron_vshn_key_customer_revenue_check(today=TODAY)
        alerts = self._alerts(self.key_customers)
        self.assertEqual(
            sorted(alerts.mapped("res_id")),
            sorted((self.up | self.down | self.new | self.fallback).ids),
        )
        by_partner = {alert.res_id: alert for alert in alerts}
        self.assertEqual(by_partner[self.up.id].user_id, self.user_account_manager)
        self.assertEqual(by_partner[self.fallback.id].user_id, self.user_salesman)
        self.assertEqual(
            (self.up | self.down | self.new | self.fallback).mapped(
                "key_customer_alert_month"
            ),
            [date(2026, 7, 1)] * 4,
        )
        self.assertFalse(self.exact.key_customer_alert_month)

    def test_figures_in_the_note(self):
        self.env["res.partner"]._cron_vshn_key_customer_revenue_check(today=TODAY)
        by_partner = {alert.res_id: alert for alert in self._alerts(self.key_customers)}
        up = by_partner[self.up.id]
        self.assertIn("+30.0 %", up.summary)
        for text in (
            self._amount(1300.0),
            self._amount(1000.0),
            "+30.0 %",
            "April 2026 – June 2026",
            "January 2026 – March 2026",
        ):
            self.assertIn(text, str(up.note))
        down = str(by_partner[self.down.id].note)
        for text in (self._amount(1000.0), self._amount(2000.0), "-50.0 %"):
            self.assertIn(text, down)
        new = str(by_partner[self.new.id].note)
        self.assertIn(self._amount(500.0), new)
        self.assertIn(self._amount(0.0), new)
        self.assertIn("new revenue", new)
        self.assertIn("-90.0 %", str(by_partner[self.fallback.id].note))

    def test_not_twice_for_the_same_comparison(self):
        check = self.env["res.partner"]._cron_vshn_key_customer_revenue_check
        check(today=TODAY)
        first = self._alerts(self.key_customers)
        self.assertEqual(len(first), 4)
        first.action_feedback(feedback="Called them")
        check(today=date(2026, 7, 28))
        self.assertFalse(self._alerts(self.key_customers))

    def test_settings_change_the_comparison(self):
        """Two months compared (May-June vs March-April), 60 % threshold.

        March-April: Down 1,000; May-June: Up 1,300, Exact 1,250, Below 1,100,
        Down 1,000, New 500, Fallback 100. All but Down have new revenue.
        """
        self.company.write(
            {
                "onboarding_key_customer_months": 2,
                "onboarding_key_customer_threshold": 0.6,
            }
        )
        self.env["res.partner"]._cron_vshn_key_customer_revenue_check(today=TODAY)
        self.assertEqual(
            sorted(self._alerts(self.key_customers).mapped("res_id")),
            sorted((self.up | self.exact | self.below | self.new | self.fallback).ids),
        )

    def test_salesperson_cannot_flag_a_key_customer(self):
        as_sales = self.ordinary.with_user(self.user_salesman)
        self.assertFalse(as_sales.can_edit_key_customer)
        with self.assertRaisesMessage(AccessError, "Ordinary AG"):
            as_sales.write({"is_key_customer": True})
        with self.assertRaisesMessage(AccessError, "key customer"):
            self.up.with_user(self.user_salesman).write({"is_key_customer": False})
        with self.assertRaisesMessage(AccessError, "key customer"):
            self.env["res.partner"].with_user(self.user_salesman).create(
                {"name": "Self-made Key AG", "is_key_customer": True}
            )
        # the rest of a key customer is still theirs to edit
        self.up.with_user(self.user_salesman).write(
            {"phone": "+41 44 000 00 00", "is_key_customer": True}
        )
        self.assertTrue(self.up.is_key_customer)

    def test_managers_and_finance_flag_key_customers(self):
        for user in (self.user_manager, self.user_finance):
            partner = self.ordinary.with_user(user)
            self.assertTrue(partner.can_edit_key_customer)
            partner.is_key_customer = True
            self.assertTrue(self.ordinary.is_key_customer)
            partner.is_key_customer = False

    def test_the_alert_month_is_the_checks_own(self):
        with self.assertRaisesMessage(UserError, "last revenue alert"):
            self.up.with_user(self.user_manager).write(
                {"key_customer_alert_month": TODAY}
            )


@tagged("post_install", "-at_install", "vshn_onboarding", "is_query_count")
class TestKeyCustomerPerformance(KeyCustomerCommon):
    """The check costs the same for 10 and for 100 key customers."""

    def _new_key_customers(self, count, prefix):
        customers = self._customers([f"{prefix} {index}" for index in range(count)])
        self._invoice([(customer, 100.0) for customer in customers], CURRENT)
        self.env.flush_all()
        self.env.invalidate_all()
        return customers

    def _check(self, customers, budget):
        with self.assertQueryCount(budget):
            self.env["res.partner"]._cron_vshn_key_customer_revenue_check(today=TODAY)
        self.assertEqual(len(self._alerts(customers)), len(customers))

    def test_check_query_count(self):
        """23 queries: the key customers, the companies' settings, the grouped
        read, the account managers, the activities, their followers and the
        alert month, each once, for any number of customers."""
        warm = self._new_key_customers(1, "Warm")
        self.env["res.partner"]._cron_vshn_key_customer_revenue_check(today=TODAY)
        self.assertEqual(len(self._alerts(warm)), 1)
        self._check(self._new_key_customers(10, "Ten"), 23)
        self._check(self._new_key_customers(100, "Hundred"), 23)
