# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..report.vshn_profitability_report import FINANCE_GROUPS


class VshnOnboarding(models.Model):
    """Recurring billing: the onboarding's contracts and invoicing exceptions.

    The contracts are OCA contract's, created by product_contract when an order
    with contract products is confirmed; they follow their orders'
    onboarding (``contract.contract.onboarding_id``).
    """

    _inherit = "vshn.onboarding"

    contract_ids = fields.One2many(
        "contract.contract", "onboarding_id", string="Contracts", readonly=True
    )
    contract_count = fields.Integer(
        compute="_compute_contract_count", groups=FINANCE_GROUPS
    )
    invoicing_exception_ids = fields.One2many(
        "vshn.invoicing.exception",
        "onboarding_id",
        string="Invoicing Exceptions",
        readonly=True,
        groups=FINANCE_GROUPS,
    )
    invoicing_exception_count = fields.Integer(
        string="Open Invoicing Exceptions",
        compute="_compute_invoicing_exception_count",
        groups=FINANCE_GROUPS,
    )

    @api.depends("contract_ids")
    def _compute_contract_count(self):
        counts = dict(
            self.env["contract.contract"]._read_group(
                [("onboarding_id", "in", self.ids)], ["onboarding_id"], ["__count"]
            )
        )
        for onboarding in self:
            onboarding.contract_count = counts.get(onboarding, 0)

    @api.depends("invoicing_exception_ids.state")
    def _compute_invoicing_exception_count(self):
        counts = dict(
            self.env["vshn.invoicing.exception"]._read_group(
                [("onboarding_id", "in", self.ids), ("state", "=", "open")],
                ["onboarding_id"],
                ["__count"],
            )
        )
        for onboarding in self:
            onboarding.invoicing_exception_count = counts.get(onboarding, 0)

    def action_view_contracts(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "contract.action_customer_contract"
        )
        action["domain"] = [("onboarding_id", "in", self.ids)]
        action["context"] = {"create": False, "default_contract_type": "sale"}
        return action

    def action_view_invoicing_exceptions(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vshn_sales_onboarding.vshn_invoicing_exception_action"
        )
        action["domain"] = [("onboarding_id", "in", self.ids)]
        action["context"] = {
            "default_onboarding_id": self[:1].id,
            "default_partner_id": self[:1].partner_id.id,
            "search_default_open": 1,
        }
        return action
