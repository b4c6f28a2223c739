# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def write(self, vals):
        # Every way of sending a quotation ends here: the send wizard, "mark as
        # sent", the portal and RPC alike.
        if vals.get("state") == "sent":
            self.filtered(
                lambda order: order.state == "draft"
            )._check_offer_can_be_sent()
        return super().write(vals)

    def action_quotation_send(self):
        self._check_offer_can_be_sent()
        return super().action_quotation_send()

    def _check_offer_can_be_sent(self):
        refusals = []
        for order in self.filtered("opportunity_id"):
            missing = order.opportunity_id._get_offer_send_missing()
            if missing:
                refusals.append(
                    self.env._(
                        "%(order)s (%(lead)s) cannot be sent yet. "
                        "Missing: %(missing)s.",
                        order=order.name,
                        lead=order.opportunity_id.display_name,
                        missing="; ".join(missing),
                    )
                )
        if refusals:
            raise UserError("\n".join(refusals))
