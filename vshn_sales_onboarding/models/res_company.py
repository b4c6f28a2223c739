# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    escalation_product_user_id = fields.Many2one(
        "res.users",
        string="Product Management Escalation Owner",
        domain="[('share', '=', False)]",
    )
    escalation_legal_user_id = fields.Many2one(
        "res.users",
        string="Legal Escalation Owner",
        domain="[('share', '=', False)]",
    )
