# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

CHECKLIST_KINDS = [
    ("dod", "Definition of Done"),
    ("setup", "External Setup"),
]
EVIDENCES = [
    (
        "invoice_posted",
        "First recurring and one-time invoices posted, no open invoicing exception",
    )
]


class VshnOnboardingChecklistTemplate(models.Model):
    """An item every new onboarding gets on its checklist."""

    _name = "vshn.onboarding.checklist.template"
    _description = "Onboarding Checklist Item"
    _order = "kind, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(CHECKLIST_KINDS, required=True, default="dod")
    evidence = fields.Selection(
        EVIDENCES,
        help="Ticked from the records, not by hand: the line is done when the "
        "evidence exists.",
    )
    description = fields.Text(translate=True)
    action_server_id = fields.Many2one(
        "ir.actions.server",
        string="Setup Action",
        domain="[('model_id.model', '=', 'vshn.onboarding')]",
        groups="base.group_system",
        help="Run on the onboarding once its start is committed, as the user who "
        "converted, for example a webhook that creates the customer in the issue "
        "tracker. Only system administrators link actions: an action may run code.",
    )
