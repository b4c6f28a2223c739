# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.osv import expression

# Months in one period of each recurrence unit. Days and weeks count on the
# average month of the Gregorian year (365.25 / 12 days), so that a daily or
# weekly price gives the same MRR every month of the year.
DAYS_PER_MONTH = 365.25 / 12
MONTHS_PER_UNIT = {
    "daily": 1 / DAYS_PER_MONTH,
    "weekly": 7 / DAYS_PER_MONTH,
    "monthly": 1.0,
    "monthlylastday": 1.0,
    "quarterly": 3.0,
    "semesterly": 6.0,
    "yearly": 12.0,
}


class ContractLine(models.Model):
    _inherit = "contract.line"

    commercial_partner_id = fields.Many2one(
        related="contract_id.commercial_partner_id",
        string="Customer",
        store=True,
        index=True,
    )
    onboarding_id = fields.Many2one(
        related="contract_id.onboarding_id", store=True, index="btree_not_null"
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    monthly_recurring_revenue = fields.Monetary(
        string="MRR",
        compute="_compute_monthly_recurring_revenue",
        store=True,
        currency_field="company_currency_id",
        help="The line's untaxed amount per month, in the company's currency: "
        "the price of one period divided by the months the period lasts, "
        "converted at the rate of the day it was computed (the contract's "
        "price is the truth; this is its monthly figure for reports).",
    )
    invoice_line_ids = fields.One2many(
        "account.move.line", "contract_line_id", string="Invoice Lines", readonly=True
    )

    @api.depends(
        "display_type",
        "price_subtotal",
        "recurring_rule_type",
        "recurring_interval",
        "contract_id.currency_id",
        "company_id.currency_id",
    )
    def _compute_monthly_recurring_revenue(self):
        today = fields.Date.context_today(self)
        for line in self:
            months = MONTHS_PER_UNIT.get(line.recurring_rule_type, 1.0) * max(
                line.recurring_interval, 1
            )
            if line.display_type or not line.company_id:
                line.monthly_recurring_revenue = 0.0
                continue
            monthly = line.price_subtotal / months
            company_currency = line.company_id.currency_id
            currency = line.contract_id.currency_id or company_currency
            if currency != company_currency:
                monthly = currency._convert(
                    monthly, company_currency, line.company_id, today
                )
            line.monthly_recurring_revenue = company_currency.round(monthly)

    @api.model
    def _vshn_active_domain(self, today=None, or_still_to_invoice=False):
        """Lines of customer contracts that run on ``today``: the contract and
        the line are active, the line is not canceled and has started, and it
        has not ended yet (or, ``or_still_to_invoice``, it ended with a period
        left to invoice)."""
        today = today or fields.Date.context_today(self)
        running = [[("date_end", "=", False)], [("date_end", ">=", today)]]
        if or_still_to_invoice:
            running.append([("recurring_next_date", "!=", False)])
        return [
            ("contract_id.active", "=", True),
            ("contract_id.contract_type", "=", "sale"),
            ("display_type", "=", False),
            ("is_canceled", "=", False),
            ("date_start", "<=", today),
            *expression.OR(running),
        ]

    def _prepare_invoice_line(self):
        # the period the invoice line bills, read before the contract moves on
        # to the next one: the watchdog checks periods, not invoice dates
        values = super()._prepare_invoice_line()
        if values and not self.display_type:
            first, last, _date = self._get_period_to_invoice(
                self.last_date_invoiced, self.recurring_next_date
            )
            values.update(
                {
                    "vshn_contract_period_start": first,
                    "vshn_contract_period_end": last,
                }
            )
        return values
