# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ContractContract(models.Model):
    _inherit = "contract.contract"

    onboarding_id = fields.Many2one(
        "vshn.onboarding",
        compute="_compute_onboarding_id",
        store=True,
        index="btree_not_null",
        help="The onboarding of the orders this contract was created from.",
    )

    @api.depends("contract_line_ids.sale_order_line_id.order_id.onboarding_id")
    def _compute_onboarding_id(self):
        for contract in self:
            # the first order's onboarding: later upsell orders of the customer
            # join the open onboarding, or start one of their own
            orders = contract.contract_line_ids.sale_order_line_id.order_id
            contract.onboarding_id = orders.sorted("id").onboarding_id[:1]
