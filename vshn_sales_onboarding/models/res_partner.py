# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

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
        [("high", "High"), ("moderate", "Moderate"), ("low", "Low")],
        tracking=True,
    )

    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "customer_status",
            "segment_id",
            "complexity",
        ]
