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
        invoices = (
            partials.debit_move_id.move_id | partials.credit_move_id.move_id
        ).filtered(lambda move: move.move_type == "out_invoice")
        if invoices:
            self.env["vshn.onboarding"]._vshn_check_first_invoice_paid(invoices)
        return partials
