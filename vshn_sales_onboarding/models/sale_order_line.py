# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # The inverse of contract.line's sale_order_line_id (product_contract has
    # none): with it, linking orders to an onboarding finds the contracts to
    # recompute (contract.contract.onboarding_id) from the cache, instead of a
    # search per onboarding.
    generated_contract_line_ids = fields.One2many(
        "contract.line",
        "sale_order_line_id",
        string="Generated Contract Lines",
        readonly=True,
    )
