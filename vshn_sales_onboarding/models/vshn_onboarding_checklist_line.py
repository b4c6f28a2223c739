# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .vshn_onboarding_checklist_template import CHECKLIST_KINDS, EVIDENCES
from .vshn_onboarding_gate_mixin import check_process_fields


class VshnOnboardingChecklistLine(models.Model):
    """One item of an onboarding's checklist (Definition of Done or setup)."""

    _name = "vshn.onboarding.checklist.line"
    _description = "Onboarding Checklist Line"
    _order = "kind, sequence, id"

    onboarding_id = fields.Many2one(
        "vshn.onboarding", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="onboarding_id.company_id", store=True)
    template_id = fields.Many2one(
        "vshn.onboarding.checklist.template", ondelete="set null"
    )
    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(CHECKLIST_KINDS, required=True, default="dod")
    evidence = fields.Selection(EVIDENCES, readonly=True)
    state = fields.Selection(
        [("todo", "To Do"), ("done", "Done"), ("na", "Not Needed")],
        default="todo",
        required=True,
    )
    is_done = fields.Boolean(compute="_compute_is_done", store=True)
    link = fields.Char(help="Where the item lives, e.g. the wiki page or ticket.")
    note = fields.Char()

    @api.depends(
        "state",
        "evidence",
        "onboarding_id.order_ids.order_line.invoice_lines.parent_state",
        "onboarding_id.order_ids.order_line.invoice_lines.move_id.move_type",
    )
    def _compute_is_done(self):
        for line in self:
            if line.evidence == "invoice_posted":
                moves = line.onboarding_id.order_ids.order_line.invoice_lines.move_id
                line.is_done = any(
                    move.state == "posted" and move.move_type == "out_invoice"
                    for move in moves
                )
            else:
                line.is_done = line.state in ("done", "na")

    def write(self, vals):
        # An item with evidence (e.g. a posted customer invoice) is done when the
        # evidence is there: neither the evidence nor "done" is written by hand,
        # and such an item stays on its onboarding's Definition of Done.
        message = self.env._(
            "A checklist item's evidence comes from its template and ticks the "
            "item by itself (e.g. once a customer invoice is posted); it is not "
            "written, removed or moved by hand."
        )
        check_process_fields(self, vals, {"evidence", "is_done"}, message)
        if self.filtered("evidence"):
            check_process_fields(self, vals, {"kind", "onboarding_id"}, message)
        return super().write(vals)

    def action_mark_done(self):
        self.filtered(lambda line: not line.evidence).state = "done"
        return True

    def action_mark_todo(self):
        self.filtered(lambda line: not line.evidence).state = "todo"
        return True
