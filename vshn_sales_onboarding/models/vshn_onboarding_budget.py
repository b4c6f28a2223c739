# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..report.vshn_profitability_report import FINANCE_GROUPS

PROFITABILITY_FIELDS = ("revenue", "effort_cost", "margin")


class VshnOnboarding(models.Model):
    """Budget control: what was sold, invoiced and spent on an onboarding.

    The figures come from the profitability report in one grouped read per
    recordset; they are for finance and managers only (field groups), so a
    salesperson reads, searches and groups them nowhere.
    """

    _name = "vshn.onboarding"
    _inherit = ["vshn.onboarding", "vshn.profitability.mixin"]

    invoiced_amount = fields.Monetary(
        string="Invoiced",
        compute="_compute_budget_figures",
        search="_search_invoiced_amount",
        groups=FINANCE_GROUPS,
        help="Posted customer invoices minus credit notes of its orders, untaxed.",
    )
    effort_cost = fields.Monetary(
        string="Effort to Date",
        compute="_compute_budget_figures",
        search="_search_effort_cost",
        groups=FINANCE_GROUPS,
        help="Timesheet cost and vendor bills charged to its orders and project.",
    )
    margin_amount = fields.Monetary(
        string="Contribution Margin",
        compute="_compute_budget_figures",
        search="_search_margin_amount",
        groups=FINANCE_GROUPS,
    )
    budget_burn = fields.Float(
        string="Budget Burn (%)",
        compute="_compute_budget_figures",
        groups=FINANCE_GROUPS,
        help="Effort to date over the sold amount.",
    )
    budget_warning = fields.Boolean(
        string="Over Budget Warning",
        compute="_compute_budget_figures",
        search="_search_budget_warning",
        groups=FINANCE_GROUPS,
        help="Not Done yet, and the effort passed the company's warning share "
        "of the sold amount (Settings).",
    )

    @api.depends("amount_untaxed", "is_done", "company_id")
    def _compute_budget_figures(self):
        figures = self.env["vshn.profitability.report"]._figures_by(
            "onboarding_id", self, PROFITABILITY_FIELDS
        )
        for onboarding in self:
            sums = figures.get(onboarding.id, {})
            onboarding.invoiced_amount = sums.get("revenue", 0.0)
            onboarding.effort_cost = sums.get("effort_cost", 0.0)
            onboarding.margin_amount = sums.get("margin", 0.0)
            onboarding.budget_burn = (
                100.0 * onboarding.effort_cost / onboarding.amount_untaxed
                if onboarding.amount_untaxed
                else 0.0
            )
            onboarding.budget_warning = onboarding._is_over_budget(
                onboarding.effort_cost
            )

    def _is_over_budget(self, effort):
        self.ensure_one()
        share = self.company_id.onboarding_budget_warning_share
        return bool(
            not self.is_done
            and share
            and effort
            and effort > share * self.amount_untaxed
        )

    def _search_invoiced_amount(self, operator, value):
        return self._vshn_search_figure("onboarding_id", "revenue", operator, value)

    def _search_effort_cost(self, operator, value):
        return self._vshn_search_figure("onboarding_id", "effort_cost", operator, value)

    def _search_margin_amount(self, operator, value):
        return self._vshn_search_figure("onboarding_id", "margin", operator, value)

    def _search_budget_warning(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                _("Search “Over Budget Warning” with = or != and True or False.")
            )
        effort_by_onboarding = dict(
            self.env["vshn.profitability.report"]._read_group(
                [("onboarding_id", "!=", False), ("effort_cost", "!=", 0)],
                ["onboarding_id"],
                ["effort_cost:sum"],
            )
        )
        over = [
            onboarding.id
            for onboarding, effort in effort_by_onboarding.items()
            if onboarding._is_over_budget(effort)
        ]
        wanted = (operator == "=") == value
        return [("id", "in" if wanted else "not in", over)]

    def action_view_profitability(self):
        return self.env["vshn.profitability.report"]._action_for(
            [("onboarding_id", "in", self.ids)], _("Profitability of %s", self[:1].name)
        )
