# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Set by the contract when it generates the line (OCA contract only keeps
    # the line's last invoiced date): which period of its contract line this
    # invoice line bills.
    vshn_contract_period_start = fields.Date(
        string="Contract Period Start", readonly=True, copy=False
    )
    vshn_contract_period_end = fields.Date(
        string="Contract Period End", readonly=True, copy=False
    )
