# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, float_compare, format_amount, format_date

from ..report.vshn_profitability_report import FINANCE_GROUPS
from .vshn_onboarding_gate_mixin import as_process, check_process_fields
from .vshn_onboarding_stakeholder_mixin import role_user_field

COMPLEXITY_LEVELS = [("high", "High"), ("moderate", "Moderate"), ("low", "Low")]
CUSTOMER_STATUSES = [
    ("prospect", "Prospect"),
    ("onboarding", "Onboarding"),
    ("customer", "Customer"),
    ("former", "Former Customer"),
]


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = [
        "res.partner",
        "vshn.onboarding.stakeholder.mixin",
        "vshn.profitability.mixin",
    ]
    _role_fields = {
        "account_manager_id": "account_manager",
        "csm_id": "csm",
        "service_manager_id": "service_manager",
        "tsm_id": "tsm",
    }

    customer_status = fields.Selection(
        CUSTOMER_STATUSES,
        default="prospect",
        tracking=True,
        copy=False,
        index=True,
        groups="base.group_user",
        help="Prospect until a first order is signed, Onboarding until the "
        "first onboarding is done, then Customer. Former Customer is set by "
        "hand when the customer leaves.",
    )
    segment_id = fields.Many2one(
        "vshn.onboarding.segment",
        string="Segment",
        tracking=True,
        index="btree_not_null",
        groups="base.group_user",
    )
    complexity = fields.Selection(
        COMPLEXITY_LEVELS, tracking=True, groups="base.group_user"
    )
    customer_reference = fields.Char(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Our customer number, given once when the prospect becomes a customer.",
    )
    onboarding_introduced_date = fields.Date(
        string="Introduced On",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="When the customer was introduced to its account team: the "
        "introduction is sent once per customer.",
    )

    # Account team (on the commercial entity)
    stakeholder_ids = fields.One2many(
        "vshn.onboarding.stakeholder",
        "customer_id",
        string="Account Team",
        groups="base.group_user",
    )
    account_manager_id = role_user_field(
        "(Key) Account Manager", groups="base.group_user"
    )
    csm_id = role_user_field("Customer Success Manager", groups="base.group_user")
    service_manager_id = role_user_field(groups="base.group_user")
    tsm_id = role_user_field("Technical Service Manager", groups="base.group_user")
    can_edit_account_team = fields.Boolean(compute="_compute_can_edit_account_team")
    onboarding_ids = fields.One2many(
        "vshn.onboarding", "partner_id", string="Onboardings", groups="base.group_user"
    )
    onboarding_count = fields.Integer(
        compute="_compute_onboarding_count", groups="base.group_user"
    )
    is_key_customer = fields.Boolean(
        tracking=True,
        copy=False,
        groups="base.group_user",
        help="Its revenue is watched: a monthly check gives the (Key) Account "
        "Manager an activity when it changes by more than the company's "
        "threshold. Set by Onboarding Managers and Finance.",
    )
    can_edit_key_customer = fields.Boolean(compute="_compute_can_edit_key_customer")
    key_customer_alert_month = fields.Date(
        string="Last Revenue Alert For",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="The month of the last revenue comparison that gave the account "
        "manager an activity: one per comparison.",
    )

    def init(self):
        result = super().init()
        # one number per customer: the company holds it, its contacts copy it
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS res_partner_customer_reference_unique
                   ON res_partner (customer_reference)
                WHERE customer_reference IS NOT NULL AND id = commercial_partner_id"""
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            parent = self.browse(vals.get("parent_id")).commercial_partner_id
            self._check_customer_reference(vals, parent)
            self._check_key_customer_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        check_process_fields(
            self,
            vals,
            {"onboarding_introduced_date"},
            self.env._(
                "The date a customer was introduced to its account team is "
                "recorded by the introduction itself, once."
            ),
        )
        self._check_key_customer_fields(vals)
        for partner in self:
            if partner.commercial_partner_id != partner:
                partner._check_customer_reference(vals, partner.commercial_partner_id)
            else:
                partner._check_customer_reference(vals, self.browse())
        return super().write(vals)

    def _check_customer_reference(self, vals, commercial):
        """The number comes from the sequence; contacts only copy the company's."""
        if "customer_reference" not in vals:
            return
        if commercial and vals["customer_reference"] == commercial.customer_reference:
            return
        check_process_fields(
            self,
            vals,
            {"customer_reference"},
            self.env._(
                "The customer number is given once, from its sequence, when the "
                "customer's first order is converted; it is not written by hand."
            ),
        )

    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "customer_status",
            "segment_id",
            "complexity",
            "customer_reference",
        ]

    @api.depends_context("uid")
    def _compute_can_edit_account_team(self):
        is_manager = self.env.user.has_group(
            "vshn_sales_onboarding.group_onboarding_manager"
        )
        for partner in self:
            partner.can_edit_account_team = is_manager

    @api.depends("onboarding_ids")
    def _compute_onboarding_count(self):
        counts = dict(
            self.env["vshn.onboarding"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.onboarding_count = counts.get(partner, 0)

    profitability_revenue = fields.Monetary(
        string="Revenue (Posted)",
        compute="_compute_profitability",
        search="_search_profitability_revenue",
        groups=FINANCE_GROUPS,
        currency_field="profitability_currency_id",
    )
    profitability_margin = fields.Monetary(
        string="Contribution Margin",
        compute="_compute_profitability",
        search="_search_profitability_margin",
        groups=FINANCE_GROUPS,
        currency_field="profitability_currency_id",
    )
    profitability_currency_id = fields.Many2one(
        "res.currency", compute="_compute_profitability", groups=FINANCE_GROUPS
    )

    def _compute_profitability(self):
        figures = self.env["vshn.profitability.report"]._figures_by(
            "partner_id", self.commercial_partner_id, ("revenue", "margin")
        )
        for partner in self:
            sums = figures.get(partner.commercial_partner_id.id, {})
            partner.profitability_revenue = sums.get("revenue", 0.0)
            partner.profitability_margin = sums.get("margin", 0.0)
            partner.profitability_currency_id = self.env.company.currency_id

    def _search_profitability_revenue(self, operator, value):
        return self._vshn_search_figure(
            "partner_id", "revenue", operator, value, key="commercial_partner_id"
        )

    def _search_profitability_margin(self, operator, value):
        return self._vshn_search_figure(
            "partner_id", "margin", operator, value, key="commercial_partner_id"
        )

    def action_view_profitability(self):
        return self.env["vshn.profitability.report"]._action_for(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            self.env._("Profitability of %s", self.commercial_partner_id[:1].name),
        )

    def action_view_onboardings(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vshn_sales_onboarding.vshn_onboarding_action"
        )
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {"default_partner_id": self.commercial_partner_id[:1].id}
        return action

    def _vshn_make_customer(self):
        """Give these commercial entities a customer number and the Onboarding status.

        Called by the conversion only (``sale.order._vshn_convert_to_customer``).
        The number comes from the sequence, once; the sequence and the status
        are not the converting user's to write.
        """
        partners = self.filtered(lambda partner: not partner.customer_reference).sudo()
        if not partners:
            return
        sequence = self.env.ref("vshn_sales_onboarding.seq_customer_reference").sudo()
        prospects = partners.filtered(
            lambda partner: partner.customer_status in (False, "prospect")
        )
        prospects.write({"customer_status": "onboarding"})
        for partner, reference in zip(
            partners, self._vshn_next_references(sequence, len(partners)), strict=True
        ):
            as_process(partner).customer_reference = reference
        partners._increase_rank("customer_rank")

    @api.model
    def _vshn_next_references(self, sequence, count):
        """``count`` numbers of ``sequence``, drawn in one query where it can."""
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence.next_by_id() for _index in range(count)]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(number) for (number,) in self.env.cr.fetchall()]

    def _vshn_onboarding_done(self):
        """An onboarding of these customers is done: they are customers now."""
        # the status is the process's: whoever finishes the onboarding may not
        # edit the customer's company
        self.filtered(
            lambda partner: partner.customer_status in (False, "prospect", "onboarding")
        ).sudo().write({"customer_status": "customer"})

    invoicing_exception_ids = fields.One2many(
        "vshn.invoicing.exception",
        "partner_id",
        string="Invoicing Exceptions",
        readonly=True,
        groups=FINANCE_GROUPS,
    )

    # Recurring revenue of the customer's active contracts: revenue, not cost,
    # so every internal user sees it.
    monthly_recurring_revenue = fields.Monetary(
        string="MRR",
        compute="_compute_monthly_recurring_revenue",
        currency_field="monthly_recurring_currency_id",
        groups="base.group_user",
        help="Monthly recurring revenue of the customer's active contracts in "
        "the current company, in its currency.",
    )
    monthly_recurring_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_monthly_recurring_revenue",
        groups="base.group_user",
    )

    @api.depends_context("company")
    def _compute_monthly_recurring_revenue(self):
        lines = self.env["contract.line"].sudo()  # amounts, for users without
        # access to contracts
        commercial = self.commercial_partner_id
        mrr = {
            partner.id: amount
            for partner, amount in lines._read_group(
                lines._vshn_active_domain()
                + [
                    ("commercial_partner_id", "in", commercial.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["commercial_partner_id"],
                ["monthly_recurring_revenue:sum"],
            )
        }
        for partner in self:
            partner.monthly_recurring_revenue = mrr.get(
                partner.commercial_partner_id.id, 0.0
            )
            partner.monthly_recurring_currency_id = self.env.company.currency_id

    # ------------------------------------------------------------------
    # Key customers
    # ------------------------------------------------------------------

    @api.depends_context("uid")
    def _compute_can_edit_key_customer(self):
        can_edit = self.env.user.has_groups(FINANCE_GROUPS)
        for partner in self:
            partner.can_edit_key_customer = can_edit

    def _check_key_customer_fields(self, vals):
        """Flagging a key customer is for managers and finance; the last alert
        is the monthly check's own record."""
        check_process_fields(
            self,
            vals,
            {"key_customer_alert_month"},
            self.env._(
                "The month of the last revenue alert is recorded by the monthly "
                "key-customer check itself."
            ),
        )
        if "is_key_customer" not in vals or self.env.su:
            return
        flag = bool(vals["is_key_customer"])
        changed = self.filtered(lambda partner: partner.is_key_customer != flag)
        if (changed or (not self and flag)) and not self.env.user.has_groups(
            FINANCE_GROUPS
        ):
            raise AccessError(
                self.env._(
                    "Only an Onboarding Manager or Finance may mark or unmark a "
                    "key customer (%(partners)s). Ask one of them.",
                    partners=", ".join(changed.mapped("display_name"))
                    or vals.get("name")
                    or self.env._("new contact"),
                )
            )

    @api.model
    def _cron_vshn_key_customer_revenue_check(self, today=None):
        """Tell account managers when a key customer's revenue moves.

        Per company, posted revenue of the last N full months against the N
        months before (N and the threshold are the company's settings), for
        all key customers in one grouped read of the profitability report.
        A change of strictly more than the threshold (any revenue after none
        counts) gives the (Key) Account Manager, else the salesperson, one
        activity with both figures; one per customer and comparison month.
        """
        month = (today or fields.Date.context_today(self)).replace(day=1)
        customers = self.search(
            [("is_key_customer", "=", True)]
        ).commercial_partner_id.filtered(
            lambda partner: partner.key_customer_alert_month != month
        )
        if not customers:
            return
        companies = self.env["res.company"].search([])
        months = {
            company: max(company.onboarding_key_customer_months, 1)
            for company in companies
        }
        figures = defaultdict(lambda: {"previous": 0.0, "current": 0.0})
        for customer, company, revenue_month, revenue in self.env[
            "vshn.profitability.report"
        ]._read_group(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "in", companies.ids),
                ("line_type", "=", "revenue"),
                ("date", ">=", month - relativedelta(months=2 * max(months.values()))),
                ("date", "<", month),
            ],
            ["partner_id", "company_id", "date:month"],
            ["revenue:sum"],
        ):
            start = month - relativedelta(months=months[company])
            if revenue_month >= start:
                figures[customer, company]["current"] += revenue
            elif revenue_month >= start - relativedelta(months=months[company]):
                figures[customer, company]["previous"] += revenue
        activity_type = self.env.ref(
            "vshn_sales_onboarding.mail_activity_type_key_customer_revenue",
            raise_if_not_found=False,
        ) or self.env.ref("mail.mail_activity_data_todo")
        vals_list = []
        for (customer, company), amounts in figures.items():
            previous, current = amounts["previous"], amounts["current"]
            if (
                float_compare(
                    abs(current - previous),
                    company.onboarding_key_customer_threshold * abs(previous),
                    precision_rounding=company.currency_id.rounding,
                )
                <= 0
            ):
                continue
            user = customer.account_manager_id or customer.user_id
            if not user.active or user.share:
                continue
            vals_list.append(
                customer._vshn_key_customer_activity_values(
                    activity_type, user, company, month, months[company], amounts
                )
            )
        if vals_list:
            # the activity lands in the account manager's list; no mail per
            # customer, so that the check costs the same for any number
            self.env["mail.activity"].with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
            alerted = self.browse({vals["res_id"] for vals in vals_list})
            as_process(alerted).write({"key_customer_alert_month": month})

    def _vshn_key_customer_activity_values(
        self, activity_type, user, company, month, months, amounts
    ):
        self.ensure_one()
        previous, current = amounts["previous"], amounts["current"]
        current_start = month - relativedelta(months=months)
        previous_start = current_start - relativedelta(months=months)
        if previous:
            change = self.env._(
                "%(percent)s %%",
                percent=f"{(current - previous) / abs(previous) * 100:+.1f}",
            )
        else:
            change = self.env._("new revenue")

        def period(start):
            last = start + relativedelta(months=months - 1)
            return " – ".join(
                dict.fromkeys(
                    format_date(self.env, day, date_format="MMMM y")
                    for day in (start, last)
                )
            )

        currency = company.currency_id
        return {
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "user_id": user.id,
            "date_deadline": activity_type._get_date_deadline(),
            "summary": self.env._(
                "Revenue changed %(change)s (%(company)s)",
                change=change,
                company=company.name,
            ),
            "note": Markup("<p>%s</p><ul><li>%s</li><li>%s</li><li>%s</li></ul>")
            % (
                self.env._(
                    "The posted revenue of key customer %(customer)s with "
                    "%(company)s changed by more than %(threshold)s %%.",
                    customer=self.display_name,
                    company=company.name,
                    threshold=f"{company.onboarding_key_customer_threshold * 100:g}",
                ),
                self.env._(
                    "Last %(months)s months (%(period)s): %(amount)s",
                    months=months,
                    period=period(current_start),
                    amount=format_amount(self.env, current, currency),
                ),
                self.env._(
                    "%(months)s months before (%(period)s): %(amount)s",
                    months=months,
                    period=period(previous_start),
                    amount=format_amount(self.env, previous, currency),
                ),
                self.env._("Change: %(change)s", change=change),
            ),
        }
