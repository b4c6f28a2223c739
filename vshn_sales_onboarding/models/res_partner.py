# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

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
    _inherit = ["res.partner", "vshn.onboarding.stakeholder.mixin"]
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
        groups=FINANCE_GROUPS,
        currency_field="profitability_currency_id",
    )
    profitability_margin = fields.Monetary(
        string="Contribution Margin",
        compute="_compute_profitability",
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
