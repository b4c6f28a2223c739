# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        # a payment reconciled with a customer invoice may pay an onboarding's
        # first invoice: the journey's "paid" event
        # invoice: the day it was paid (the later of the invoice's and the
        # payment's dates, as Odoo's reconciliation dates it)
        paid_on = {}
        for partial in partials:
            for move in partial.debit_move_id.move_id | partial.credit_move_id.move_id:
                if move.move_type == "out_invoice":
                    paid_on[move] = max(
                        paid_on.get(move, partial.max_date), partial.max_date
                    )
        if paid_on:
            self.env["vshn.onboarding"]._vshn_check_first_invoice_paid(
                self.env["account.move"].union(*paid_on), paid_on
            )
        return partials
