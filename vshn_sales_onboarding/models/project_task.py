# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProjectTask(models.Model):
    _inherit = "project.task"

    onboarding_id = fields.Many2one(
        "vshn.onboarding",
        string="Onboarding",
        index="btree_not_null",
        copy=False,
        help="The onboarding whose initialization created this task.",
    )
    onboarding_task_kind = fields.Selection(
        [
            ("ticket", "Ticket"),
            ("allocation", "Resource Allocation"),
            ("workshop", "Workshop"),
            ("requirements", "Requirements Definition"),
            ("handover", "Hand-over to the Tech Team"),
            ("planning", "Concept and Planning"),
            ("review", "Review Rounds"),
        ],
        copy=False,
    )
