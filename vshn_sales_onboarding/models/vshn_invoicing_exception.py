# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..report.vshn_profitability_report import FINANCE_GROUPS
from .vshn_onboarding_gate_mixin import (
    PROCESS_CONTEXT_KEY,
    PROCESS_TOKEN,
    as_process,
    check_process_fields,
)

EXCEPTION_KINDS = [
    ("missed_period", "Missed Period"),
    ("wrong_amount", "Wrong Amount"),
    ("disputed", "Disputed Invoice"),
    ("missing_po", "Missing PO"),
    ("other", "Other"),
]
# what the assigned account manager may write besides resolving
RESOLVER_FIELDS = {"resolution_note"}
# the watchdog raises many at once: no e-mail, follower or log per record
WATCHDOG_CONTEXT = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_auto_subscribe_no_notify": True,
    "mail_activity_quick_update": True,
}


class VshnInvoicingException(models.Model):
    """Something wrong with a customer's invoicing, until someone resolves it.

    Raised by the recurring-billing watchdog (a contract line's period that was
    not invoiced) or by hand (a wrong amount, a disputed invoice, a missing
    purchase order). Assigned to the customer's account manager, followed up
    by finance.
    """

    _name = "vshn.invoicing.exception"
    _description = "Invoicing Exception"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, period_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    onboarding_id = fields.Many2one(
        "vshn.onboarding",
        compute="_compute_onboarding_id",
        store=True,
        precompute=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
    contract_id = fields.Many2one(
        "contract.contract",
        compute="_compute_contract_id",
        store=True,
        precompute=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        domain="[('contract_type', '=', 'sale')]",
    )
    contract_line_id = fields.Many2one(
        "contract.line",
        index="btree_not_null",
        check_company=True,
        domain="[('contract_id', '=?', contract_id)]",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index="btree_not_null",
        check_company=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_refund'))]",
    )
    kind = fields.Selection(
        EXCEPTION_KINDS, required=True, default="other", tracking=True, index=True
    )
    period_start = fields.Date()
    period_end = fields.Date()
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    amount_expected = fields.Monetary(string="Expected Amount", tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        compute="_compute_user_id",
        store=True,
        precompute=True,
        readonly=False,
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Who resolves it: the onboarding's account manager, else the "
        "customer's, else the person responsible for the contract.",
    )
    document_summary = fields.Char(
        string="Contract / Invoice",
        compute="_compute_document_summary",
        compute_sudo=True,
        help="The contract line and invoice concerned, by name: the account "
        "manager resolving it may not open contracts.",
    )
    description = fields.Text()
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    resolution_note = fields.Text(tracking=True)
    date_resolved = fields.Date(readonly=True, copy=False)

    def init(self):
        result = super().init()
        # one exception per missed period of a contract line, whatever the
        # number of watchdog runs (or of runs at the same time)
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS
                       vshn_invoicing_exception_missed_period_unique
                   ON vshn_invoicing_exception (contract_line_id, period_start)
                   WHERE kind = 'missed_period'"""
            )
        )
        return result

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------

    @api.depends("contract_line_id")
    def _compute_contract_id(self):
        for exception in self:
            exception.contract_id = (
                exception.contract_line_id.contract_id or exception.contract_id
            )

    @api.depends("contract_id")
    def _compute_onboarding_id(self):
        for exception in self:
            exception.onboarding_id = (
                exception.contract_id.onboarding_id or exception.onboarding_id
            )

    @api.depends("contract_id", "onboarding_id", "move_id")
    def _compute_partner_id(self):
        for exception in self:
            partner = (
                exception.contract_id.commercial_partner_id
                or exception.onboarding_id.partner_id
                or exception.move_id.commercial_partner_id
                or exception.partner_id
            )
            exception.partner_id = partner.commercial_partner_id

    @api.depends("move_id", "contract_id", "company_id")
    def _compute_currency_id(self):
        for exception in self:
            exception.currency_id = (
                exception.move_id.currency_id
                or exception.contract_id.currency_id
                or exception.company_id.currency_id
            )

    @api.depends("onboarding_id", "partner_id", "contract_id")
    def _compute_user_id(self):
        for exception in self:
            exception.user_id = (
                exception.onboarding_id.account_manager_id
                or exception.partner_id.commercial_partner_id.account_manager_id
                or exception.contract_id.user_id
                or exception.user_id
            )

    @api.depends("contract_id", "contract_line_id", "move_id")
    def _compute_document_summary(self):
        for exception in self:
            exception.document_summary = " / ".join(
                name
                for name in (
                    exception.contract_id.display_name,
                    exception.contract_line_id.product_id.display_name,
                    exception.move_id.display_name,
                )
                if name
            )

    @api.constrains("kind", "contract_line_id", "period_start", "period_end")
    def _check_period(self):
        for exception in self:
            if exception.kind == "missed_period" and not (
                exception.contract_line_id and exception.period_start
            ):
                raise ValidationError(
                    self.env._(
                        "%(exception)s: a missed period names the contract line "
                        "and the start of the period that was not invoiced.",
                        exception=exception.display_name,
                    )
                )
            if (
                exception.period_start
                and exception.period_end
                and exception.period_end < exception.period_start
            ):
                raise ValidationError(
                    self.env._(
                        "%(exception)s: the period cannot end before it starts.",
                        exception=exception.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_state_fields(vals)
        sequence = self.env.ref(
            "vshn_sales_onboarding.seq_invoicing_exception", raise_if_not_found=False
        )
        if sequence:
            # the sequence is configuration, not something the creator may read
            references = self.env["res.partner"]._vshn_next_references(
                sequence.sudo(), len(vals_list)
            )
            for vals, reference in zip(vals_list, references, strict=True):
                if vals.get("name", "/") == "/":
                    vals["name"] = reference
        exceptions = super().create(vals_list)
        exceptions._vshn_schedule_activities()
        return exceptions

    def write(self, vals):
        self._check_state_fields(vals)
        if (
            self.env.context.get(PROCESS_CONTEXT_KEY) is not PROCESS_TOKEN
            and not self.env.su
            and not self.env.user.has_groups(FINANCE_GROUPS)
        ):
            refused = {
                name
                for name in vals
                if name not in RESOLVER_FIELDS
                and not name.startswith(("message_", "activity_"))
            }
            if refused:
                raise AccessError(
                    self.env._(
                        "%(exceptions)s: as the assigned account manager you add "
                        "the resolution note and resolve it; finance or a manager "
                        "changes the rest. (Refused: %(fields)s.)",
                        exceptions=", ".join(self.mapped("display_name")),
                        fields=", ".join(sorted(refused)),
                    )
                )
        result = super().write(vals)
        if "user_id" in vals:
            # the new account manager takes the follow-up over
            activity_type = self.env.ref(
                "vshn_sales_onboarding.mail_activity_type_invoicing_exception",
                raise_if_not_found=False,
            )
            activities = self.activity_ids.filtered(
                lambda activity: activity.activity_type_id == activity_type
            )
            followed = self.browse(activities.mapped("res_id"))
            if vals["user_id"]:
                activities.write({"user_id": vals["user_id"]})
            else:
                activities.unlink()
            (
                self.filtered(lambda exc: exc.state == "open") - followed
            )._vshn_schedule_activities()
        return result

    def _check_state_fields(self, vals):
        check_process_fields(
            self,
            vals,
            {"state", "date_resolved"},
            self.env._(
                "An invoicing exception is resolved and reopened with its "
                "Resolve and Reopen buttons, which record when."
            ),
        )

    def _vshn_schedule_activities(self):
        """An activity for the account manager of each open exception, at once."""
        activity_type = self.env.ref(
            "vshn_sales_onboarding.mail_activity_type_invoicing_exception",
            raise_if_not_found=False,
        )
        exceptions = self.filtered(lambda exc: exc.user_id and exc.state == "open")
        if not activity_type or not exceptions:
            return
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": exception.id,
                    "activity_type_id": activity_type.id,
                    "user_id": exception.user_id.id,
                    "date_deadline": today + timedelta(days=activity_type.delay_count),
                    "summary": self.env._(
                        "%(kind)s: %(customer)s",
                        kind=kinds[exception.kind],
                        customer=exception.partner_id.display_name,
                    ),
                }
                for exception in exceptions
            ]
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_resolve(self):
        to_resolve = self.filtered(lambda exc: exc.state == "open")
        as_process(to_resolve).write(
            {"state": "resolved", "date_resolved": fields.Date.context_today(self)}
        )
        to_resolve.activity_ids.action_feedback(
            feedback=self.env._("Invoicing exception resolved.")
        )
        return True

    def action_reopen(self):
        to_reopen = self.filtered(lambda exc: exc.state == "resolved")
        as_process(to_reopen).write({"state": "open", "date_resolved": False})
        to_reopen._vshn_schedule_activities()
        return True

    # ------------------------------------------------------------------
    # The recurring-billing watchdog
    # ------------------------------------------------------------------

    @api.model
    def _cron_vshn_check_recurring_invoicing(self):
        return self._vshn_check_recurring_invoicing()

    @api.model
    def _vshn_check_recurring_invoicing(self, today=None):
        """Raise a missed-period exception for each recurring contract line that
        was not invoiced for its last due period; return the exceptions raised.

        OCA contract tracks a line's periods with two stored dates:
        ``last_date_invoiced`` (the end of the last period an invoice was
        generated for) and ``recurring_next_date`` (when the next period's
        invoice is due: its start when pre-paid, the day after its end when
        post-paid); ``next_period_date_start/end`` derive the next period
        from them. Generating the invoice moves both on at once, whether the
        invoice is then posted, left in draft or cancelled. So a line's last
        due period is

        - its next period, when that one's invoice is due
          (``recurring_next_date``) more than the company's grace days ago:
          the invoice was not generated; else
        - the period its last invoice was generated for (the one ending on
          ``last_date_invoiced``): missed when, grace days after that
          invoice's date, no posted customer invoice bills it (the invoice is
          still a draft or was cancelled). Invoice lines know their period
          from ``vshn_contract_period_start/end``, set when the contract
          generates them.

        Lines in scope: the customer contracts' lines that are active, not
        canceled and started by ``today``, and that either run on ``today``
        or ended with a period still to invoice. A period raised once
        (open or resolved) is never raised again: existing ones are skipped
        here, and a unique index holds when two runs overlap.

        One pass in batch: the lines, their contracts, the invoice lines'
        periods and the existing exceptions are read in a few queries
        whatever their number, and the exceptions are created at once.
        """
        today = today or fields.Date.context_today(self)
        # every company's contracts and invoices, whoever runs the pass (the
        # cron runs as superuser; the method is private, so no RPC reaches it)
        lines_model = self.env["contract.line"].sudo()
        lines = lines_model.search(
            lines_model._vshn_active_domain(today, or_still_to_invoice=True)
        )
        if not lines:
            return self.browse()
        # the generated periods: their invoices' states and latest date
        generated = defaultdict(lambda: {"states": set(), "date": None, "start": None})
        for line, start, end, state, date in (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("contract_line_id", "in", lines.ids),
                    ("vshn_contract_period_end", "!=", False),
                    ("move_id.move_type", "=", "out_invoice"),
                ],
                [
                    "contract_line_id",
                    "vshn_contract_period_start:day",
                    "vshn_contract_period_end:day",
                    "parent_state",
                ],
                ["date:max"],
            )
        ):
            period = generated[line.id, end]
            period["states"].add(state)
            period["start"] = start
            period["date"] = max(filter(None, (period["date"], date)))
        missed = []
        for line in lines:
            grace = timedelta(days=line.company_id.onboarding_invoicing_grace_days)
            due = line.recurring_next_date
            if due and line.next_period_date_start and due + grace < today:
                missed.append(
                    (
                        line,
                        line.next_period_date_start,
                        line.next_period_date_end,
                        self.env._(
                            "The invoice due on %(date)s was not generated.",
                            date=due,
                        ),
                    )
                )
                continue
            period = generated.get((line.id, line.last_date_invoiced))
            if (
                period
                and "posted" not in period["states"]
                and period["date"] + grace < today
            ):
                missed.append(
                    (
                        line,
                        period["start"],
                        line.last_date_invoiced,
                        self.env._(
                            "The invoice of %(date)s is not posted (%(states)s).",
                            date=period["date"],
                            states=", ".join(sorted(period["states"])),
                        ),
                    )
                )
        if not missed:
            return self.browse()
        raised = {
            (line.id, start)
            for line, start in self.sudo()._read_group(
                [
                    ("kind", "=", "missed_period"),
                    ("contract_line_id", "in", [line.id for line, *_rest in missed]),
                ],
                ["contract_line_id", "period_start:day"],
            )
        }
        values = [
            {
                "company_id": line.company_id.id,
                "contract_line_id": line.id,
                "contract_id": line.contract_id.id,
                "kind": "missed_period",
                "period_start": start,
                "period_end": end,
                "amount_expected": line.price_subtotal,
                "description": reason,
            }
            for line, start, end, reason in missed
            if (line.id, start) not in raised
        ]
        return (
            self.sudo()
            .with_context(**WATCHDOG_CONTEXT)
            .create(values)
            .with_env(self.env)
        )
