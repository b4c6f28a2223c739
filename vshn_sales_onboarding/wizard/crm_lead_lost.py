# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    def action_lost_reason_apply(self):
        explanation = html2plaintext(self.lost_feedback or "").strip()
        if not self.lost_reason_id or not explanation:
            raise UserError(
                self.env._(
                    "Document why %(leads)s is lost: choose a lost reason and write "
                    "the explanation in the closing note.",
                    leads=", ".join(self.lead_ids.mapped("display_name")),
                )
            )
        return super(
            CrmLeadLost, self.with_context(vshn_lost_explanation=explanation)
        ).action_lost_reason_apply()
