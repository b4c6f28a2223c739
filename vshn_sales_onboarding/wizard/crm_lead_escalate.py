# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmLeadEscalate(models.TransientModel):
    """The BDM escalates a special deal to product management or legal."""

    _name = "crm.lead.escalate"
    _description = "Escalate a Deal"

    lead_ids = fields.Many2many("crm.lead", string="Deals", required=True)
    target = fields.Selection(
        [("product", "Product Management"), ("legal", "Legal")],
        required=True,
        default="product",
    )
    reason = fields.Text(required=True)

    def action_escalate(self):
        self.ensure_one()
        self.lead_ids._escalate(self.target, self.reason)
        return {"type": "ir.actions.act_window_close"}
