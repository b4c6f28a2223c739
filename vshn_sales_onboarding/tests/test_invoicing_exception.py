# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .finance_contract_common import FinanceContractCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestInvoicingException(FinanceContractCommon):
    """The recurring-billing watchdog, exceptions by hand, who sees them, and
    the Definition-of-Done item they hold open."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one yearly line of 12,000, pre-paid from today: due today
        cls.order = cls._confirm_recurring_order(
            "Watched AG", [(cls.product_yearly, 1, 12000.0)]
        )
        cls.customer = cls.order.partner_id
        cls.onboarding = cls.order.onboarding_id
        cls.contract = cls.order.order_line.contract_id
        cls.line = cls.contract.contract_line_ids
        cls.env.company.onboarding_invoicing_grace_days = 3
        cls.user_other = mail_new_test_user(
            cls.env,
            login="onb_other_sales",
            name="Olga Other",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        cls.activity_type = cls.env.ref(
            "vshn_sales_onboarding.mail_activity_type_invoicing_exception"
        )

    def _watch(self, days):
        """Run the watchdog ``days`` after today."""
        return self.env["vshn.invoicing.exception"]._vshn_check_recurring_invoicing(
            today=self.today + timedelta(days=days)
        )

    def _all_exceptions(self):
        return self.env["vshn.invoicing.exception"].search(
            [("contract_id", "=", self.contract.id)]
        )

    def _generate_invoice(self):
        invoice = self.contract.recurring_create_invoice()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.invoice_line_ids.contract_line_id, self.line)
        return invoice

    # The watchdog ---------------------------------------------------------

    def test_missed_period_raised_once(self):
        self.assertEqual(self.line.recurring_next_date, self.today)
        # within the grace of 3 days: nothing yet
        self.assertFalse(self._watch(3))
        exception = self._watch(4)
        self.assertEqual(len(exception), 1)
        period_end = self.today + relativedelta(years=1) - timedelta(days=1)
        self.assertRecordValues(
            exception,
            [
                {
                    "kind": "missed_period",
                    "state": "open",
                    "contract_line_id": self.line.id,
                    "contract_id": self.contract.id,
                    "onboarding_id": self.onboarding.id,
                    "partner_id": self.customer.id,
                    "company_id": self.env.company.id,
                    "period_start": self.today,
                    "period_end": period_end,
                    "amount_expected": 12000.0,
                    "user_id": (
                        self.onboarding.account_manager_id or self.contract.user_id
                    ).id,
                }
            ],
        )
        self.assertTrue(exception.name.startswith("INVX/"))
        self.assertIn("was not generated", exception.description)
        activity = exception.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.activity_type)
        self.assertEqual(activity.user_id, exception.user_id)
        # never twice for the same period, whatever the runs
        self.assertFalse(self._watch(4))
        self.assertFalse(self._watch(10))
        exception.action_resolve()
        self.assertFalse(self._watch(11))
        self.assertEqual(self._all_exceptions(), exception)

    def test_daily_cron(self):
        """The scheduled run is the same pass, today: the line is due today,
        within its grace, so nothing is raised yet."""
        cron = self.env.ref("vshn_sales_onboarding.ir_cron_check_recurring_invoicing")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_type, "days")
        cron.method_direct_trigger()
        self.assertFalse(self._all_exceptions())

    def test_posted_invoice_is_no_exception(self):
        invoice = self._generate_invoice()
        invoice.action_post()
        self.assertEqual(
            invoice.invoice_line_ids.vshn_contract_period_start, self.today
        )
        self.assertFalse(self._watch(4))
        self.assertFalse(self._watch(300))
        self.assertFalse(self._all_exceptions())
        # a year on, the next period is due and was not generated
        next_year = self.today + relativedelta(years=1)
        exception = self._watch((next_year - self.today).days + 4)
        self.assertEqual(len(exception), 1)
        self.assertEqual(exception.period_start, next_year)

    def test_draft_invoice_after_grace_is_missed(self):
        self._generate_invoice()
        self.assertFalse(self._watch(3))
        exception = self._watch(4)
        self.assertEqual(len(exception), 1)
        self.assertEqual(exception.period_start, self.today)
        self.assertIn("not posted (draft)", exception.description)
        self.assertFalse(self._watch(5))

    def test_cancelled_invoice_is_missed(self):
        invoice = self._generate_invoice()
        invoice.button_cancel()
        self.assertEqual(invoice.state, "cancel")
        exception = self._watch(4)
        self.assertEqual(len(exception), 1)
        self.assertIn("not posted (cancel)", exception.description)

    def test_one_exception_per_period_index(self):
        exception = self._watch(4)
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["vshn.invoicing.exception"].create(
                    {
                        "kind": "missed_period",
                        "contract_line_id": self.line.id,
                        "period_start": exception.period_start,
                    }
                )
        # the same line's other period, or another kind, is another exception
        other = self.env["vshn.invoicing.exception"].create(
            [
                {
                    "kind": "missed_period",
                    "contract_line_id": self.line.id,
                    "period_start": exception.period_start + relativedelta(years=1),
                },
                {
                    "kind": "wrong_amount",
                    "contract_line_id": self.line.id,
                    "period_start": exception.period_start,
                },
            ]
        )
        self.assertEqual(other.partner_id, self.customer)
        self.assertEqual(other.onboarding_id, self.onboarding)

    # Resolving -----------------------------------------------------------

    def test_resolve_and_reopen(self):
        exception = self._watch(4)
        manager = exception.user_id
        as_manager = exception.with_user(manager)
        as_manager.resolution_note = "Invoice generated and sent by hand."
        as_manager.action_resolve()
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(exception.date_resolved, self.today)
        self.assertFalse(exception.activity_ids)
        with self.assertRaisesMessage(UserError, "Resolve and Reopen"):
            exception.write({"state": "open"})
        exception.with_user(self.user_finance).action_reopen()
        self.assertEqual(exception.state, "open")
        self.assertFalse(exception.date_resolved)
        self.assertEqual(exception.activity_ids.user_id, manager)

    # Definition of Done ----------------------------------------------------

    def test_dod_invoicing_ticks_from_evidence(self):
        item = self.onboarding.dod_line_ids.filtered("evidence")
        self.assertEqual(item.evidence, "invoice_posted")
        self.assertFalse(item.is_done)
        # the one-time line invoiced from the order (contract lines are not)
        one_time = self.order._create_invoices()
        self.assertEqual(one_time.invoice_line_ids.product_id, self.product)
        one_time.action_post()
        self.assertFalse(item.is_done, "the recurring invoice is missing")
        recurring = self._generate_invoice()
        self.assertFalse(item.is_done, "a draft is no evidence")
        recurring.action_post()
        self.assertTrue(item.is_done)
        # an open exception on the onboarding holds it open until resolved
        exceptions = self.env["vshn.invoicing.exception"].with_user(self.user_finance)
        disputed = exceptions.create(
            {
                "kind": "disputed",
                "onboarding_id": self.onboarding.id,
                "move_id": recurring.id,
            }
        )
        self.assertEqual(disputed.partner_id, self.customer)
        self.assertFalse(item.is_done)
        disputed.action_resolve()
        self.assertTrue(item.is_done)
        # so does one on the customer that names no onboarding
        missing_po = exceptions.create(
            {"kind": "missing_po", "partner_id": self.customer.id}
        )
        self.assertFalse(missing_po.onboarding_id)
        self.assertFalse(item.is_done)
        missing_po.action_resolve()
        self.assertTrue(item.is_done)
        # a cancelled recurring invoice is no evidence any more
        recurring.button_draft()
        recurring.button_cancel()
        self.assertFalse(item.is_done)

    def test_dod_invoicing_recurring_only(self):
        """An onboarding with recurring lines only needs the recurring invoice."""
        order = self._confirm_recurring_order(
            "Recurring Only AG", [(self.product_yearly, 1, 12000.0)], one_time=False
        )
        item = order.onboarding_id.dod_line_ids.filtered("evidence")
        self.assertFalse(item.is_done)
        order.order_line.contract_id.recurring_create_invoice().action_post()
        self.assertTrue(item.is_done)

    # Access --------------------------------------------------------------

    def test_access(self):
        exceptions = self.env["vshn.invoicing.exception"]
        exception = exceptions.with_user(self.user_finance).create(
            {
                "kind": "wrong_amount",
                "contract_id": self.contract.id,
                "user_id": self.user_salesman.id,
                "amount_expected": 500.0,
            }
        )
        self.assertEqual(exception.partner_id, self.customer)
        self.assertTrue(exception.name.startswith("INVX/"))
        self.assertEqual(exception.activity_ids.user_id, self.user_salesman)
        # a salesperson who is not assigned: nothing at all
        other = exception.with_user(self.user_other)
        self.assertFalse(exceptions.with_user(self.user_other).search([]))
        with (
            mute_logger("odoo.addons.base.models.ir_rule"),
            mute_logger("odoo.addons.base.models.ir_model"),
        ):
            with self.assertRaises(AccessError):
                other.read(["kind"])
            with self.assertRaises(AccessError):
                other.write({"resolution_note": "Not mine"})
            with self.assertRaises(AccessError):
                other.action_resolve()
            with self.assertRaises(AccessError):
                exceptions.with_user(self.user_other).create(
                    {"kind": "other", "partner_id": self.customer.id}
                )
            # the assigned account manager reads and resolves, nothing more
            mine = exception.with_user(self.user_salesman)
            self.assertEqual(exceptions.with_user(self.user_salesman).search([]), mine)
            self.assertEqual(mine.amount_expected, 500.0)
            # the form opens for them: the contract by name, which they may
            # not open
            form = Form(mine)
            self.assertEqual(form.document_summary, self.contract.display_name)
            self.assertNotIn("contract_id", form._view["fields"])
            self.assertEqual(
                Form(exception.with_user(self.user_finance)).contract_id,
                self.contract,
            )
            with self.assertRaises(AccessError):
                mine.write({"amount_expected": 0.0})
            with self.assertRaises(AccessError):
                mine.write({"user_id": self.user_other.id})
            with self.assertRaises(AccessError):
                exceptions.with_user(self.user_salesman).create(
                    {"kind": "other", "partner_id": self.customer.id}
                )
            # an employee without the onboarding groups: no access
            with self.assertRaises(AccessError):
                exceptions.with_user(self.user_employee).search([])
        mine.resolution_note = "Credit note issued."
        mine.action_resolve()
        self.assertEqual(exception.state, "resolved")
        # finance and managers handle them all
        for user in (self.user_finance, self.user_manager):
            with self.subTest(user=user.login):
                self.assertIn(exception, exceptions.with_user(user).search([]))
                exception.with_user(user).write({"amount_expected": 450.0})
        exception.with_user(self.user_manager).action_reopen()
        self.assertEqual(exception.state, "open")
        self.assertEqual(exception.activity_ids.user_id, self.user_salesman)
        # reassigned: the follow-up and the access move to the new one
        exception.with_user(self.user_finance).user_id = self.user_other
        self.assertEqual(exception.activity_ids.user_id, self.user_other)
        self.assertEqual(len(exception.activity_ids), 1)
        self.assertEqual(exceptions.with_user(self.user_other).search([]), exception)
        self.assertFalse(exceptions.with_user(self.user_salesman).search([]))

    def test_access_multi_company(self):
        company = self.env["res.company"].create({"name": "Other Company AG"})
        foreign = (
            self.env["vshn.invoicing.exception"]
            .sudo()
            .create(
                {
                    "kind": "other",
                    "company_id": company.id,
                    "partner_id": self.customer.id,
                    "user_id": self.user_salesman.id,
                }
            )
        )
        for user in (self.user_finance, self.user_manager, self.user_salesman):
            with self.subTest(user=user.login):
                self.assertNotIn(
                    foreign,
                    self.env["vshn.invoicing.exception"].with_user(user).search([]),
                )
        self.user_finance.company_ids = [Command.link(company.id)]
        self.assertIn(
            foreign,
            self.env["vshn.invoicing.exception"]
            .with_user(self.user_finance)
            .with_context(allowed_company_ids=[self.env.company.id, company.id])
            .search([]),
        )


@tagged("post_install", "-at_install", "vshn_onboarding", "vshn_performance")
class TestInvoicingWatchdogPerformance(FinanceContractCommon):
    """The watchdog reads and raises in batch: as many queries for 100 lines
    as for 10."""

    # queries of one run, measured: see the report
    WATCHDOG_QUERIES = 36

    def _make_contracts(self, count, prefix):
        partners = self.env["res.partner"].create(
            [
                {"name": f"{prefix} {index}", "is_company": True}
                for index in range(count)
            ]
        )
        return self.env["contract.contract"].create(
            [
                {
                    "name": f"{prefix} contract {index}",
                    "partner_id": partner.id,
                    "line_recurrence": True,
                    "user_id": self.user_salesman.id,
                    "contract_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product_yearly.id,
                                "name": "Support",
                                "quantity": 1,
                                "price_unit": 1200.0,
                                "recurring_rule_type": "monthly",
                                "recurring_interval": 1,
                                "date_start": self.today,
                            }
                        )
                    ],
                }
                for index, partner in enumerate(partners)
            ]
        )

    def _prepare(self, count):
        contracts = self._make_contracts(count, f"Perf {count}")
        # warm the caches that do not depend on the data (registry, ACLs)
        self.env["vshn.invoicing.exception"]._vshn_check_recurring_invoicing(
            today=self.today
        )
        self.env.flush_all()
        self.env.invalidate_all()
        return contracts

    def _check_raised(self, raised, contracts):
        self.assertEqual(len(raised), len(contracts))
        self.assertEqual(raised.contract_id, contracts)
        self.assertEqual(set(raised.mapped("amount_expected")), {1200.0})
        self.assertEqual(len(raised.activity_ids), len(contracts))

    def test_watchdog_queries_10_lines(self):
        contracts = self._prepare(10)
        watchdog = self.env["vshn.invoicing.exception"]
        with self.assertQueryCount(self.WATCHDOG_QUERIES):
            raised = watchdog._vshn_check_recurring_invoicing(
                today=self.today + timedelta(days=4)
            )
        self._check_raised(raised, contracts)

    def test_watchdog_queries_100_lines(self):
        contracts = self._prepare(100)
        watchdog = self.env["vshn.invoicing.exception"]
        with self.assertQueryCount(self.WATCHDOG_QUERIES):
            raised = watchdog._vshn_check_recurring_invoicing(
                today=self.today + timedelta(days=4)
            )
        self._check_raised(raised, contracts)
