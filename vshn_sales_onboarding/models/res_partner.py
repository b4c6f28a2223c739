# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

COMPLEXITY_LEVELS = [("high", "High"), ("moderate", "Moderate"), ("low", "Low")]
CUSTOMER_STATUSES = [
    ("prospect", "Prospect"),
    ("onboarding", "Onboarding"),
    ("customer", "Customer"),
    ("former", "Former Customer"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_status = fields.Selection(
        CUSTOMER_STATUSES,
        default="prospect",
        tracking=True,
        copy=False,
        help="Where this company stands: a prospect until a deal is won, "
        "onboarding until the first onboarding is done, then a customer.",
    )
    segment_id = fields.Many2one(
        "vshn.onboarding.segment",
        string="Segment",
        tracking=True,
        index="btree_not_null",
    )
    complexity = fields.Selection(
        COMPLEXITY_LEVELS,
        tracking=True,
    )

    # Account team, kept on the customer so that the next order knows it
    customer_reference = fields.Char(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Our customer number, given once when the prospect becomes a customer.",
    )
    account_manager_id = fields.Many2one(
        "res.users",
        string="(Key) Account Manager",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    csm_id = fields.Many2one(
        "res.users",
        string="Customer Success Manager",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    service_manager_id = fields.Many2one(
        "res.users", tracking=True, domain="[('share', '=', False)]"
    )
    tsm_id = fields.Many2one(
        "res.users",
        string="Technical Service Manager",
        tracking=True,
        domain="[('share', '=', False)]",
    )

    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "customer_status",
            "segment_id",
            "complexity",
            "customer_reference",
            "account_manager_id",
            "csm_id",
            "service_manager_id",
            "tsm_id",
        ]

    def _vshn_make_customer(self):
        """Turn these commercial entities into customers, once each.

        Called by the conversion only (``sale.order._vshn_convert_to_customer``).
        """
        partners = self.filtered(lambda partner: not partner.customer_reference)
        if not partners:
            return
        sequence = self.env.ref("vshn_sales_onboarding.seq_customer_reference").sudo()
        prospects = partners.filtered(
            lambda partner: partner.customer_status in (False, "prospect")
        )
        prospects.write({"customer_status": "onboarding"})
        for partner in partners:
            partner.customer_reference = sequence.next_by_id()
        partners._increase_rank("customer_rank")
