# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .onboarding_common import OnboardingOrderCommon

JAN = date(2026, 1, 15)
FEB = date(2026, 2, 10)


@tagged("post_install", "-at_install")
class TestProfitabilityReport(OnboardingOrderCommon):
    """Every figure against a fixture computed by hand.

    Customer A (onboarding A, order A, project A):
      revenue   Jan  invoice of the order, one-time          1,000.00
                Feb  credit note on the order line            -200.00
                Feb  invoice of 400 EUR at 2 EUR per USD        200.00
                Feb  contract invoice of the recurring line    300.00
                     (a cancelled 500 and a draft 700 do not count)
      effort    Jan  5 h at 100/h                               500.00
                Feb  8 h at 60/h                                480.00
                Feb  vendor bill charged to project A           250.00
                     (a draft vendor bill of 999 does not count)
      revenue 1,300.00 (recurring 300, one-time 1,000), effort 1,230.00,
      margin 70.00 = 5.38 %; sold 1,300.00, burn 94.6 %.
    Customer B (onboarding B, other segment): invoice 2,000.00, no effort.
    A timesheet on a project of no order or onboarding counts nowhere.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.eur = env.ref("base.EUR")
        cls.eur.active = True
        env["res.currency.rate"].create(
            {"currency_id": cls.eur.id, "name": "2025-12-01", "rate": 2.0}
        )
        if cls.company.currency_id == cls.eur:
            cls.skipTest(cls, "the fixture needs a company currency other than EUR")
        cls.recurring_product = env["product.product"].create(
            {
                "name": "Managed Kubernetes (monthly)",
                "type": "service",
                "is_contract": True,
                "list_price": 300.0,
            }
        )
        cls.other_segment = env["vshn.onboarding.segment"].create(
            {"name": "Test Enterprise", "touch_model": "high", "onboarding_days": 60}
        )
        cls.onboarding_a = cls._start_onboarding(prefix="Profit A")
        cls.onboarding_b = cls._start_onboarding(prefix="Profit B")
        cls.onboarding_b.segment_id = cls.other_segment
        cls.customer_a = cls.onboarding_a.partner_id
        cls.customer_b = cls.onboarding_b.partner_id
        cls.order_a = cls.onboarding_a.order_ids
        cls.order_b = cls.onboarding_b.order_ids
        cls.order_a.order_line = [
            Command.create(
                {
                    "product_id": cls.recurring_product.id,
                    "product_uom_qty": 1,
                    "price_unit": 300.0,
                    "date_start": date(2026, 2, 1),
                }
            )
        ]
        cls.one_time_line = cls.order_a.order_line.filtered(
            lambda line: not line.product_id.is_contract
        )
        cls.project_a = env["project.project"].create(
            {"name": "Project A", "allow_timesheets": True}
        )
        cls.onboarding_a.project_id = cls.project_a
        cls.order_a.project_id = cls.project_a
        cls.stray_project = env["project.project"].create(
            {"name": "Internal", "allow_timesheets": True}
        )

        # revenue of A
        invoice = cls.order_a._create_invoices()
        cls._post(invoice, JAN)
        cls._post(
            cls._customer_move(
                cls.customer_a, "out_refund", 200.0, sale_line=cls.one_time_line
            ),
            FEB,
        )
        cls._post(
            cls._customer_move(
                cls.customer_a,
                "out_invoice",
                400.0,
                sale_line=cls.one_time_line,
                currency=cls.eur,
            ),
            FEB,
        )
        cancelled = cls._customer_move(cls.customer_a, "out_invoice", 500.0)
        cls._post(cancelled, FEB)
        cancelled.button_cancel()
        cls._customer_move(cls.customer_a, "out_invoice", 700.0)
        contract = cls.order_a.action_create_contract()
        cls._post(contract.recurring_create_invoice(), date(2026, 2, 1))
        cls.contract = contract
        # revenue of B
        invoice_b = cls.order_b._create_invoices()
        cls.order_b.order_line.price_unit = 2000.0
        invoice_b.invoice_line_ids.price_unit = 2000.0
        cls._post(invoice_b, FEB)

        # effort of A
        senior, junior = env["hr.employee"].create(
            [
                {"name": "Senior Engineer", "hourly_cost": 100.0},
                {"name": "Junior Engineer", "hourly_cost": 60.0},
            ]
        )
        env["account.analytic.line"].create(
            [
                cls._timesheet(cls.project_a, senior, 5, date(2026, 1, 20)),
                cls._timesheet(cls.project_a, junior, 8, date(2026, 2, 5)),
                cls._timesheet(cls.stray_project, senior, 3, date(2026, 2, 5)),
            ]
        )
        cls._post(cls._vendor_bill(250.0), FEB)
        cls._vendor_bill(999.0)

    @classmethod
    def _post(cls, moves, when):
        moves.invoice_date = when
        moves.date = when
        moves.action_post()

    @classmethod
    def _customer_move(cls, partner, move_type, price, sale_line=None, currency=None):
        line = {"name": "Service", "quantity": 1, "price_unit": price, "tax_ids": []}
        if sale_line:
            line.update(
                product_id=sale_line.product_id.id,
                sale_line_ids=[Command.set(sale_line.ids)],
            )
        return cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "currency_id": (currency or cls.company.currency_id).id,
                "invoice_line_ids": [Command.create(line)],
            }
        )

    @classmethod
    def _vendor_bill(cls, price):
        supplier = cls.env["res.partner"].create({"name": "Cloud Supplier"})
        return cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": supplier.id,
                "invoice_date": FEB,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Hosting",
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": [],
                            "analytic_distribution": {
                                str(cls.project_a.account_id.id): 100
                            },
                        }
                    )
                ],
            }
        )

    @classmethod
    def _timesheet(cls, project, employee, hours, when):
        return {
            "name": "Work",
            "project_id": project.id,
            "employee_id": employee.id,
            "unit_amount": hours,
            "date": when,
        }

    def _sums(self, domain, groupby, user=None):
        report = self.env["vshn.profitability.report"]
        if user:
            report = report.with_user(user)
        measures = [
            "revenue:sum",
            "recurring_revenue:sum",
            "one_time_revenue:sum",
            "timesheet_cost:sum",
            "vendor_bill_cost:sum",
            "effort_cost:sum",
            "margin:sum",
            "margin_percent:avg",
            "hours:sum",
        ]
        return {
            group[0]: dict(
                zip((name.split(":")[0] for name in measures), group[1:], strict=True)
            )
            for group in report._read_group(domain, groupby, measures)
        }

    def test_customer_figures(self):
        sums = self._sums(
            [("partner_id", "in", (self.customer_a | self.customer_b).ids)],
            ["partner_id"],
        )
        a = sums[self.customer_a]
        self.assertAlmostEqual(a["revenue"], 1300.0)
        self.assertAlmostEqual(a["recurring_revenue"], 300.0)
        self.assertAlmostEqual(a["one_time_revenue"], 1000.0)
        self.assertAlmostEqual(a["timesheet_cost"], 980.0)
        self.assertAlmostEqual(a["vendor_bill_cost"], 250.0)
        self.assertAlmostEqual(a["effort_cost"], 1230.0)
        self.assertAlmostEqual(a["margin"], 70.0)
        self.assertAlmostEqual(a["margin_percent"], 5.38)
        self.assertAlmostEqual(a["hours"], 13.0)
        b = sums[self.customer_b]
        self.assertAlmostEqual(b["revenue"], 2000.0)
        self.assertAlmostEqual(b["effort_cost"], 0.0)
        self.assertAlmostEqual(b["margin_percent"], 100.0)

    def test_month_figures(self):
        sums = self._sums([("partner_id", "=", self.customer_a.id)], ["date:month"])
        january, february = (sums[key] for key in sorted(sums))
        self.assertAlmostEqual(january["revenue"], 1000.0)
        self.assertAlmostEqual(january["effort_cost"], 500.0)
        self.assertAlmostEqual(february["revenue"], 300.0)
        self.assertAlmostEqual(february["recurring_revenue"], 300.0)
        self.assertAlmostEqual(february["effort_cost"], 730.0)
        self.assertAlmostEqual(february["margin"], -430.0)

    def test_order_onboarding_contract_and_segment(self):
        by_order = self._sums([("order_id", "=", self.order_a.id)], ["order_id"])
        self.assertAlmostEqual(by_order[self.order_a]["revenue"], 1300.0)
        self.assertAlmostEqual(by_order[self.order_a]["effort_cost"], 1230.0)
        by_contract = self._sums(
            [("contract_id", "=", self.contract.id)], ["contract_id"]
        )
        self.assertAlmostEqual(by_contract[self.contract]["recurring_revenue"], 300.0)
        by_segment = self._sums(
            [("partner_id", "in", (self.customer_a | self.customer_b).ids)],
            ["segment_id"],
        )
        self.assertAlmostEqual(by_segment[self.segment]["margin"], 70.0)
        self.assertAlmostEqual(by_segment[self.other_segment]["margin"], 2000.0)
        by_manager = self._sums(
            [("partner_id", "in", (self.customer_a | self.customer_b).ids)],
            ["account_manager_id"],
        )
        self.assertAlmostEqual(by_manager[self.user_salesman]["revenue"], 3300.0)

    def test_stray_effort_counts_nowhere(self):
        rows = self.env["vshn.profitability.report"].search(
            [("line_type", "=", "timesheet"), ("hours", "=", 3.0)]
        )
        self.assertFalse(rows, "a project of no order or onboarding is no customer's")

    def test_figures_on_the_records(self):
        onboarding = self.onboarding_a.with_user(self.user_finance)
        self.assertAlmostEqual(onboarding.amount_untaxed, 1300.0)
        self.assertAlmostEqual(onboarding.invoiced_amount, 1300.0)
        self.assertAlmostEqual(onboarding.effort_cost, 1230.0)
        self.assertAlmostEqual(onboarding.margin_amount, 70.0)
        self.assertAlmostEqual(onboarding.budget_burn, 1230.0 / 13.0)
        self.assertTrue(onboarding.budget_warning)
        order = self.order_a.with_user(self.user_finance)
        self.assertAlmostEqual(order.invoiced_revenue, 1300.0)
        self.assertAlmostEqual(order.margin_amount, 70.0)
        customer = self.customer_a.with_user(self.user_finance)
        self.assertAlmostEqual(customer.profitability_revenue, 1300.0)
        self.assertAlmostEqual(customer.profitability_margin, 70.0)
        action = customer.action_view_profitability()
        self.assertEqual(action["res_model"], "vshn.profitability.report")
        self.assertEqual(action["domain"], [("partner_id", "in", self.customer_a.ids)])

    def test_budget_warning_follows_the_share_and_done(self):
        onboardings = self.env["vshn.onboarding"].with_user(self.user_manager)
        warned = onboardings.search([("budget_warning", "=", True)])
        self.assertIn(self.onboarding_a, warned)
        self.assertNotIn(self.onboarding_b, warned)
        self.company.onboarding_budget_warning_share = 0.95
        self.onboarding_a.invalidate_recordset()
        self.assertFalse(self.onboarding_a.with_user(self.user_manager).budget_warning)
        self.assertNotIn(
            self.onboarding_a, onboardings.search([("budget_warning", "=", True)])
        )
        self.assertIn(
            self.onboarding_a, onboardings.search([("budget_warning", "!=", True)])
        )

    def test_grouped_read_queries_do_not_grow_with_data(self):
        report = self.env["vshn.profitability.report"].with_user(self.user_finance)
        groupby = ["partner_id", "date:month"]
        measures = [
            "revenue:sum",
            "effort_cost:sum",
            "margin:sum",
            "margin_percent:avg",
        ]
        report.read_group([], measures, groupby, lazy=False)
        with self.assertQueryCount(1):
            before = report.read_group([], measures, groupby, lazy=False)
        customers = self.env["res.partner"].create(
            [{"name": f"Bulk {index}", "is_company": True} for index in range(20)]
        )
        for customer in customers:
            self._post(
                self._customer_move(customer, "out_invoice", 10.0), date(2026, 3, 1)
            )
        report.env.invalidate_all()
        report.read_group([], measures, groupby, lazy=False)
        with self.assertQueryCount(1):
            after = report.read_group([], measures, groupby, lazy=False)
        self.assertEqual(len(after), len(before) + 20)

    def test_salesperson_is_refused(self):
        salesman = self.user_salesman
        with self.assertRaises(AccessError):
            self.env["vshn.profitability.report"].with_user(salesman).search([])
        onboarding = self.onboarding_a.with_user(salesman)
        with self.assertRaises(AccessError):
            onboarding.read(["effort_cost"])
        with self.assertRaises(AccessError):
            onboarding.search([("budget_warning", "=", True)])
        with self.assertRaises(AccessError):
            self.env["vshn.profitability.report"].with_user(salesman).read_group(
                [], ["margin:sum"], ["partner_id"]
            )
        with self.assertRaises(AccessError):
            self.order_a.with_user(salesman).read(["margin_amount"])
        with self.assertRaises(AccessError):
            self.customer_a.with_user(salesman).read(["profitability_margin"])
        # what stock Odoo shows a salesperson stays: prices and order amounts
        self.assertAlmostEqual(self.order_a.with_user(salesman).amount_untaxed, 1300.0)
        self.assertAlmostEqual(onboarding.amount_untaxed, 1300.0)

    def test_finance_user_who_is_not_the_salesperson_reads_it_all(self):
        sums = self._sums(
            [("partner_id", "in", (self.customer_a | self.customer_b).ids)],
            ["partner_id"],
            user=self.user_finance,
        )
        self.assertAlmostEqual(sums[self.customer_a]["margin"], 70.0)
        self.assertAlmostEqual(sums[self.customer_b]["revenue"], 2000.0)
        found = (
            self.env["vshn.onboarding"]
            .with_user(self.user_finance)
            .search(
                [("budget_warning", "=", True), ("id", "in", self.onboarding_a.ids)]
            )
        )
        self.assertEqual(found, self.onboarding_a)

    def test_finance_searches_the_figures(self):
        ours = (self.onboarding_a | self.onboarding_b).ids
        onboardings = self.env["vshn.onboarding"].with_user(self.user_finance)
        self.assertEqual(
            onboardings.search([("id", "in", ours), ("effort_cost", ">=", 1230.0)]),
            self.onboarding_a,
        )
        self.assertEqual(
            onboardings.search([("id", "in", ours), ("margin_amount", ">", 1000)]),
            self.onboarding_b,
        )
        # no effort posted is an effort of 0
        self.assertEqual(
            onboardings.search([("id", "in", ours), ("effort_cost", "=", 0)]),
            self.onboarding_b,
        )
        orders = self.env["sale.order"].with_user(self.user_finance)
        self.assertEqual(
            orders.search(
                [
                    ("id", "in", (self.order_a | self.order_b).ids),
                    ("margin_amount", "<", 100),
                ]
            ),
            self.order_a,
        )
        contacts = self.env["res.partner"].with_user(self.user_finance)
        found = contacts.search(
            [
                (
                    "commercial_partner_id",
                    "in",
                    (self.customer_a | self.customer_b).ids,
                ),
                ("profitability_revenue", ">", 1500),
            ]
        )
        self.assertEqual(found.commercial_partner_id, self.customer_b)
        with self.assertRaises(UserError):
            onboardings.search([("margin_amount", "like", "7")])

    def test_finance_reads_every_customer_invoice_and_its_analysis(self):
        """Sales' own-documents rule does not narrow finance's invoicing view."""
        invoices = self.order_a.invoice_ids.filtered(
            lambda move: move.invoice_user_id == self.user_salesman
        )
        self.assertTrue(invoices)
        as_finance = self.env["account.move"].with_user(self.user_finance)
        self.assertEqual(as_finance.search([("id", "in", invoices.ids)]), invoices)
        analysis = self.env["account.invoice.report"].with_user(self.user_finance)
        self.assertTrue(analysis.search([("move_id", "in", invoices.ids)]))
        as_other_salesman = self.env["account.move"].with_user(self.user_csm)
        self.assertFalse(as_other_salesman.search([("id", "in", invoices.ids)]))


@tagged("post_install", "-at_install")
class TestProfitabilityFieldAccess(OnboardingOrderCommon):
    """The computed figures are searched, sorted and grouped by finance and
    managers only, as Odoo does for a stored field with groups; the smart
    buttons answer others with the report's access error."""

    FIGURES = {
        "sale.order": ("invoiced_revenue", "effort_cost", "margin_amount"),
        "vshn.onboarding": (
            "invoiced_amount",
            "effort_cost",
            "margin_amount",
            "budget_burn",
        ),
        "res.partner": ("profitability_revenue", "profitability_margin"),
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.onboarding = cls._start_onboarding(prefix="Access")
        cls.records = (
            cls.onboarding.order_ids,
            cls.onboarding,
            cls.onboarding.partner_id,
        )

    def test_salesperson_neither_searches_sorts_nor_groups_by_a_figure(self):
        for model, figures in self.FIGURES.items():
            records = self.env[model].with_user(self.user_salesman)
            for name in figures:
                with self.subTest(model=model, field=name):
                    with self.assertRaisesRegex(AccessError, name):
                        records.search([(name, ">", 0)])
                    with self.assertRaisesRegex(AccessError, name):
                        records.search([], order=f"{name} desc")
                    with self.assertRaisesRegex(AccessError, name):
                        records.read_group([], ["__count"], [name])
                    with self.assertRaisesRegex(AccessError, name):
                        records.read_group([], [f"{name}:sum"], [])
        with self.assertRaisesRegex(AccessError, "margin_amount"):
            self.env["crm.lead"].with_user(self.user_salesman).search(
                [("order_ids.margin_amount", ">", 0)]
            )

    def test_others_sort_and_group_as_before(self):
        order, onboarding, customer = self.records
        for user in (self.user_salesman, self.user_finance):
            orders = self.env["sale.order"].with_user(user)
            found = orders.search(
                [("id", "=", order.id), ("amount_untaxed", ">", 0)],
                order="amount_untaxed desc",
            )
            self.assertEqual(found, order)
            groups = orders._read_group(
                [("id", "=", order.id)], ["partner_id"], ["amount_untaxed:sum"]
            )
            self.assertEqual(groups, [(order.partner_id, order.amount_untaxed)])

    def test_profitability_buttons_are_for_finance_and_managers(self):
        for record in self.records:
            with self.subTest(model=record._name):
                with self.assertRaisesRegex(AccessError, "vshn.profitability.report"):
                    record.with_user(self.user_salesman).action_view_profitability()
                for user in (self.user_finance, self.user_manager):
                    action = record.with_user(user).action_view_profitability()
                    self.assertEqual(action["res_model"], "vshn.profitability.report")
