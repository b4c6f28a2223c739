# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

SALES_STEPS = [
    ("qualify", "Contact & Qualify"),
    ("sa_meeting", "Solution Architecture Meeting"),
    ("design", "Solution Design / Feasibility"),
    ("offer", "Offer"),
    ("customer_review", "Customer Review"),
    ("won", "Won"),
]


class CrmStage(models.Model):
    _inherit = "crm.stage"

    # Core stages have no active flag; this addon archives crm's own stages so
    # that the pipeline shows the sales steps of the process only.
    active = fields.Boolean(default=True)
    sales_step = fields.Selection(
        SALES_STEPS,
        help="The step of the sales process this stage stands for. Its exit "
        "criteria are enforced when an opportunity moves forward into or past it.",
    )
