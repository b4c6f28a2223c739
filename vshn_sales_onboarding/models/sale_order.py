# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import SQL, mute_logger

from ..report.vshn_profitability_report import FINANCE_GROUPS
from .vshn_onboarding_gate_mixin import (
    BYPASS_CONTEXT_KEY,
    GATE_BYPASS,
    as_process,
    check_process_fields,
    check_record_ids,
)

_logger = logging.getLogger(__name__)

# Set by action_confirm only: confirming is more than writing the state (the
# customer is converted), so a bare write of the confirmed state is refused.
_CONFIRMING = object()
# what decides which engagements the analytic account of an order's project
# carries (see account.analytic.line's attribution)
ATTRIBUTION_FIELDS = {"state", "project_id", "onboarding_id"}

CONVERSION_STATES = [
    ("pending", "Queued"),
    ("failed", "Failed"),
    ("done", "Converted"),
]


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "vshn.profitability.mixin"]

    onboarding_id = fields.Many2one(
        "vshn.onboarding",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
        groups="base.group_user",
        help="The onboarding this order started or joined.",
    )
    onboarding_stage_id = fields.Many2one(
        related="onboarding_id.stage_id",
        string="Onboarding Stage",
        store=True,
        groups="base.group_user",
    )
    onboarding_conversion = fields.Selection(
        CONVERSION_STATES,
        string="Conversion",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Queued: confirmed by the customer (portal signature or payment), "
        "converted shortly by a scheduled action. Converted: the customer was "
        "converted and the order started, joined or needed no onboarding.",
    )

    _sql_constraints = [
        (
            "onboarding_means_converted",
            # an unconverted order has no conversion state: NULL fails too
            "CHECK(onboarding_id IS NULL"
            " OR COALESCE(onboarding_conversion, '') = 'done')",
            "An order on an onboarding has been converted.",
        ),
    ]

    # ------------------------------------------------------------------
    # Offer gate
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_conversion_fields(vals)
        orders = super().create(vals_list)
        orders.filtered(
            lambda order: order.state == "sale"
        )._vshn_recompute_effort_attribution()
        # an order created sent or confirmed has been sent or confirmed
        done = orders.filtered(lambda order: order.state in ("sent", "sale"))
        done._check_offer_gate(confirm="sale" in done.mapped("state"))
        done.opportunity_id._vshn_record_offer_sent()
        return orders

    def write(self, vals):
        self._check_conversion_fields(vals)
        # Every way of sending or confirming a quotation ends here: the send
        # wizard, "mark as sent", confirmation, the portal and RPC alike.
        if vals.get("state") == "sent":
            self.filtered(lambda order: order.state == "draft")._check_offer_gate()
        elif vals.get("state") == "sale":
            to_confirm = self.filtered(lambda order: order.state != "sale")
            if (
                to_confirm
                and self.env.context.get("vshn_confirming") is not _CONFIRMING
            ):
                raise UserError(
                    self.env._(
                        "%(orders)s: a quotation is confirmed with Confirm (or the "
                        "customer's signature), which also converts the customer; "
                        "its state is not written directly.",
                        orders=", ".join(to_confirm.mapped("name")),
                    )
                )
            to_confirm._check_offer_gate(confirm=True)
        # the engagements an analytic account carries, hence whose effort its
        # lines are, follow the confirmed orders of its projects
        attributing = ATTRIBUTION_FIELDS.intersection(vals)
        if attributing:
            accounts = self.sudo().project_id.account_id
        result = super().write(vals)
        if attributing:
            self._vshn_recompute_effort_attribution(accounts)
        if vals.get("opportunity_id"):
            # linking a deal to an order already sent or confirmed sends or
            # confirms it for that deal
            linked = self.filtered(lambda order: order.state in ("sent", "sale"))
            linked._check_offer_gate(confirm=True)
        if vals.get("state") in ("sent", "sale") or vals.get("opportunity_id"):
            # the deal's first offer out, for the pipeline figures
            self.filtered(
                lambda order: order.state in ("sent", "sale")
            ).opportunity_id._vshn_record_offer_sent()
        return result

    def _vshn_recompute_effort_attribution(self, accounts=None):
        """Re-attribute the effort on these orders' project accounts (and on
        ``accounts``, where they were before a change)."""
        accounts = self.sudo().project_id.account_id | (
            accounts or self.env["account.analytic.account"]
        )
        # the timesheets of an order follow its onboarding
        self.env["account.analytic.line"]._vshn_recompute_attribution(
            accounts, orders=self
        )

    def _check_offer_gate(self, confirm=False):
        """The offer step's gate, for sending a quotation or confirming it.

        Confirming is the end of the offer step, not a way round it: an order
        of a deal needs what sending it needs; an order without a deal follows
        the company's setting. A manager's logged bypass is the only way past.
        """
        if self.env.context.get(BYPASS_CONTEXT_KEY) is GATE_BYPASS:
            return
        if confirm:
            without_deal = self.filtered(
                lambda order: not order.opportunity_id
                and order.company_id.onboarding_require_opportunity
            )
            if without_deal:
                raise UserError(
                    self.env._(
                        "%(orders)s cannot be confirmed: your company confirms only "
                        "orders of an opportunity (Settings > New orders need an "
                        "opportunity). Link the opportunity first.",
                        orders=", ".join(without_deal.mapped("name")),
                    )
                )
        self._check_offer_can_be_sent(confirm=confirm)

    def _check_conversion_fields(self, vals):
        check_process_fields(
            self,
            vals,
            {"onboarding_id", "onboarding_conversion"},
            self.env._(
                "An order joins an onboarding through its conversion (Start "
                "Onboarding, or confirming it), never by hand, copy or import."
            ),
        )

    def action_quotation_send(self):
        self._check_offer_gate()
        return super().action_quotation_send()

    def _check_offer_can_be_sent(self, confirm=False):
        refusals = []
        for order in self.filtered("opportunity_id"):
            missing = order.opportunity_id._get_offer_send_missing()
            if missing:
                refusals.append(
                    self.env._(
                        "%(order)s (%(lead)s) cannot be %(done)s yet. "
                        "Missing: %(missing)s.",
                        order=order.name,
                        lead=order.opportunity_id.display_name,
                        done=self.env._("confirmed") if confirm else self.env._("sent"),
                        missing="; ".join(missing),
                    )
                )
        if refusals:
            raise UserError("\n".join(refusals))

    # ------------------------------------------------------------------
    # Confirmation and conversion
    # ------------------------------------------------------------------

    def action_confirm(self):
        """Confirming wins the opportunity and converts the customer.

        An internal user's confirmation converts at once. A customer's own
        (portal signature, online payment) records the confirmation only and
        queues the conversion: it runs shortly after in its own transaction,
        as an internal user, so a failing step never undoes a signature.
        """
        self._vshn_lock_for_confirmation()
        result = super(
            SaleOrder, self.with_context(vshn_confirming=_CONFIRMING)
        ).action_confirm()
        confirmed = self.filtered(lambda order: order.state == "sale")
        if not self._vshn_confirmed_by_customer():
            confirmed._vshn_win_and_convert()
        else:
            # the customer may not write the order's conversion state: the
            # queue records it on their behalf, nothing more
            confirmed.sudo()._vshn_queue_conversion()
        return result

    def action_create_contract(self):
        # product_contract collects the lines of products without a contract
        # template across all the orders it is given and never resets that
        # collection, so confirming several orders at once (the conversion
        # queue, a mass confirmation) would put one order's lines into the
        # next order's contract. One order at a time keeps each contract its own.
        # It also creates them as the confirming user, and only invoicing
        # administrators may create contracts: a salesperson's confirmation
        # would fail. The contracts are the confirmation's outcome, not the
        # salesperson's edit: created as superuser, for orders the caller may
        # write only, from those orders' own lines.
        orders = self.filtered(lambda order: order.order_line.filtered("is_contract"))
        orders.check_access("write")
        contracts = self.env["contract.contract"]
        for order in orders.sudo():
            contracts |= super(SaleOrder, order).action_create_contract()
        return contracts.with_env(self.env)

    def _vshn_lock_for_confirmation(self):
        """Hold these orders for this confirmation; a second one is told so."""
        if not self.ids:
            return
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM sale_order WHERE id IN %s FOR UPDATE NOWAIT",
                        tuple(set(self.ids)),
                    )
                )
        except LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "%(orders)s is being confirmed by someone else right now. "
                    "Reload it in a moment: it will show as confirmed.",
                    orders=", ".join(self.mapped("name")),
                )
            ) from error

    def _vshn_confirmed_by_customer(self):
        """Whether a portal or public user confirms, directly or through a route
        that confirms as superuser (sale's portal signature does)."""
        users = self.env.user
        if request and getattr(request, "env", None) is not None and request.env.uid:
            users |= request.env.user
        return not all(user._is_internal() for user in users)

    def _vshn_win_and_convert(self):
        self.opportunity_id._vshn_set_won_after_confirmation()
        return self._vshn_convert_to_customer()

    def _vshn_queue_conversion(self):
        as_process(self.filtered(lambda order: not order.onboarding_conversion)).write(
            {"onboarding_conversion": "pending"}
        )
        self.env.ref(
            "vshn_sales_onboarding.ir_cron_convert_confirmed_orders"
        )._trigger()

    @api.model
    def _cron_vshn_convert_confirmed_orders(self):
        """Convert the orders the customers confirmed, as their salesperson.

        Each salesperson's orders in a savepoint of their own: one failing
        batch is marked failed (with the reason on the order) and does not
        hold back the others.
        """
        pending = self.search([("onboarding_conversion", "=", "pending")])
        for user in pending.user_id | self.env["res.users"]:
            orders = pending.filtered(lambda order, user=user: order.user_id == user)
            internal_user = (
                user if user._is_internal() else self.env.ref("base.user_root")
            )
            try:
                with self.env.cr.savepoint():
                    orders.with_user(internal_user)._vshn_win_and_convert()
            except SerializationFailure:
                # someone converted them meanwhile: the next run finds them done
                _logger.info(
                    "Queued conversion of %s skipped: changed meanwhile", orders
                )
            except (UserError, ValueError) as error:
                _logger.warning("Queued conversion of %s failed: %s", orders, error)
                as_process(orders).write({"onboarding_conversion": "failed"})
                for order in orders:
                    order._message_log(
                        body=self.env._(
                            "The customer confirmed this order, but the conversion "
                            "failed: %(error)s. Fix the cause and use Start "
                            "Onboarding.",
                            error=error,
                        )
                    )

    def _vshn_convert_to_customer(self):
        """Make the customers of these confirmed orders customers, start onboarding.

        The one conversion entry point: the server actions, the buttons, the
        won hook of the opportunity, the confirmation and the queued job call
        it. Everything is checked before anything is written, and the writes
        run in a savepoint, so a batch is converted entirely or not at all. A
        converted order is never converted again.
        """
        orders = self.browse(list(dict.fromkeys(self.ids)))
        orders._vshn_check_can_convert()
        if orders:
            # a second session converting the same orders waits here, then
            # finds them converted (its transaction, repeatable read, fails
            # with a serialization error when the first commits: the server
            # retries the request, and the retry finds them converted)
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM sale_order WHERE id IN %s FOR UPDATE",
                    tuple(orders.ids),
                )
            )
            orders.invalidate_recordset(["onboarding_conversion"])
        to_convert = orders.filtered(
            lambda order: order.onboarding_conversion != "done"
        )
        if not to_convert:
            return self._vshn_notification(
                self.env._(
                    "Nothing to do: %(orders)s already converted.",
                    orders=", ".join(orders.mapped("name")),
                ),
                "info",
            )
        customers = to_convert.partner_id.commercial_partner_id
        new_customers = customers.filtered(
            lambda partner: not partner.customer_reference
        )
        with self.env.cr.savepoint():
            as_process(to_convert).write({"onboarding_conversion": "done"})
            new_customers._vshn_make_customer()
            onboardings = self.env["vshn.onboarding"]._vshn_start_for_orders(to_convert)
        return self._vshn_notification(
            self.env._(
                "%(orders)s order(s) converted: %(started)s onboarding(s) started, "
                "%(customers)s new customer(s).",
                orders=len(to_convert),
                started=len(onboardings),
                customers=len(new_customers),
            ),
            "success",
        )

    def _vshn_check_can_convert(self):
        unconfirmed = self.filtered(lambda order: order.state != "sale")
        if unconfirmed:
            raise UserError(
                self.env._(
                    "Only confirmed orders convert a customer: %(orders)s.",
                    orders=", ".join(unconfirmed.mapped("display_name")),
                )
            )
        if not self.env["vshn.onboarding.stage"].search([], limit=1):
            raise UserError(
                self.env._(
                    "No onboarding stage is configured: add one in Onboarding > "
                    "Configuration > Onboarding Stages."
                )
            )

    def _vshn_get_onboarding_values(self, kind):
        """The values of the onboarding this order starts."""
        self.ensure_one()
        lead = self.opportunity_id
        customer = self.partner_id.commercial_partner_id
        offering = lead.offering_type
        return {
            "name": self.env._(
                "%(customer)s: %(offering)s",
                customer=customer.name,
                offering=dict(
                    lead._fields["offering_type"]._description_selection(self.env)
                ).get(offering, self.name),
            ),
            "kind": kind,
            "partner_id": customer.id,
            "company_id": self.company_id.id,
            "lead_id": lead.id,
            "user_id": (lead.onboarding_owner_id or self.user_id or self.env.user).id,
            "date_start": (
                fields.Date.context_today(self, self.date_order)
                if self.date_order
                else fields.Date.context_today(self)
            ),
            "segment_id": (lead.segment_id or customer.segment_id).id,
            "complexity": lead.complexity or customer.complexity,
            "offering_type": offering,
            "technical_contact_id": lead.qualification_contact_id.id,
        }

    def _vshn_notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": False},
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_convert_to_customer(self):
        check_record_ids(self)
        return self._vshn_convert_to_customer()

    def action_view_onboarding(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "vshn.onboarding",
            "views": [(False, "form")],
            "res_id": self.onboarding_id.id,
        }

    # ------------------------------------------------------------------
    # Profitability (finance and managers)
    # ------------------------------------------------------------------

    invoiced_revenue = fields.Monetary(
        string="Invoiced (Posted)",
        compute="_compute_profitability",
        search="_search_invoiced_revenue",
        groups=FINANCE_GROUPS,
        currency_field="profitability_currency_id",
    )
    effort_cost = fields.Monetary(
        string="Effort to Date",
        compute="_compute_profitability",
        search="_search_effort_cost",
        groups=FINANCE_GROUPS,
        currency_field="profitability_currency_id",
    )
    margin_amount = fields.Monetary(
        string="Contribution Margin",
        compute="_compute_profitability",
        search="_search_margin_amount",
        groups=FINANCE_GROUPS,
        currency_field="profitability_currency_id",
    )

    profitability_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )

    def _compute_profitability(self):
        figures = self.env["vshn.profitability.report"]._figures_by(
            "order_id", self, ("revenue", "effort_cost", "margin")
        )
        for order in self:
            sums = figures.get(order.id, {})
            order.invoiced_revenue = sums.get("revenue", 0.0)
            order.effort_cost = sums.get("effort_cost", 0.0)
            order.margin_amount = sums.get("margin", 0.0)

    def _search_invoiced_revenue(self, operator, value):
        return self._vshn_search_figure("order_id", "revenue", operator, value)

    def _search_effort_cost(self, operator, value):
        return self._vshn_search_figure("order_id", "effort_cost", operator, value)

    def _search_margin_amount(self, operator, value):
        return self._vshn_search_figure("order_id", "margin", operator, value)

    def action_view_profitability(self):
        return self.env["vshn.profitability.report"]._action_for(
            [("order_id", "in", self.ids)],
            self.env._("Profitability of %s", self[:1].name),
        )
