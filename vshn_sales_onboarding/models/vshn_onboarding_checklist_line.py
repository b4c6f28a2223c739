# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

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
        "onboarding_id.order_ids.order_line.product_id.is_contract",
        "onboarding_id.contract_ids.contract_line_ids.invoice_line_ids.parent_state",
        "onboarding_id.invoicing_exception_ids.state",
        "onboarding_id.partner_id.invoicing_exception_ids.state",
        "onboarding_id.partner_id.invoicing_exception_ids.onboarding_id",
    )
    def _compute_is_done(self):
        evidenced = self.filtered(lambda line: line.evidence == "invoice_posted")
        invoiced = self._get_invoicing_evidence(evidenced.onboarding_id)
        for line in self:
            if line.evidence == "invoice_posted":
                line.is_done = line.onboarding_id.id in invoiced
            else:
                line.is_done = line.state in ("done", "na")

    @api.model
    def _get_invoicing_evidence(self, onboardings):
        """The ids of ``onboardings`` whose invoicing is shown to be correct.

        Recurring lines (order lines of contract products, and the lines of
        the contracts created from them) need a posted customer invoice billing
        one of them; one-time order lines need a posted customer invoice
        billing one of them; and no invoicing exception is open on the
        onboarding, or on its customer without naming an onboarding. An
        onboarding with nothing to invoice has no evidence. Read in batch
        for all ``onboardings``.
        """
        if not onboardings:
            return set()
        onboardings = onboardings.sudo()  # evidence, whoever looks at the item
        order_lines = onboardings.order_ids.order_line.filtered(
            lambda line: not line.display_type
        )
        # contracts come from the orders' recurring lines (product_contract)
        contract_lines = self.env["contract.line"].sudo()
        if order_lines.filtered("product_id.is_contract"):
            contract_lines = onboardings.contract_ids.contract_line_ids.filtered(
                lambda line: not line.display_type
            )
        posted = (order_lines.invoice_lines | contract_lines.invoice_line_ids).filtered(
            lambda aml: aml.parent_state == "posted"
            and aml.move_id.move_type == "out_invoice"
        )
        if not posted:
            return set()
        blocked = {
            (onboarding.id, partner.id)
            for onboarding, partner in self.env["vshn.invoicing.exception"]
            .sudo()
            ._read_group(
                [
                    ("state", "=", "open"),
                    "|",
                    ("onboarding_id", "in", onboardings.ids),
                    "&",
                    ("onboarding_id", "=", False),
                    ("partner_id", "in", onboardings.partner_id.ids),
                ],
                ["onboarding_id", "partner_id"],
            )
        }
        blocked_onboardings = {onboarding_id for onboarding_id, _partner in blocked}
        lines_of = defaultdict(lambda: defaultdict(list))
        for line in order_lines:
            kind = "recurring" if line.product_id.is_contract else "one_time"
            lines_of[line.order_id.onboarding_id.id][kind].append(line.id)
        for line in contract_lines:
            lines_of[line.contract_id.onboarding_id.id]["contract"].append(line.id)
        posted_sale_ids = set(posted.sale_line_ids.ids)
        posted_contract_ids = set(posted.contract_line_id.ids)
        result = set()
        for onboarding in onboardings:
            if (
                onboarding.id in blocked_onboardings
                or (False, onboarding.partner_id.id) in blocked
            ):
                continue
            lines = lines_of[onboarding.id]
            recurring, one_time = lines["recurring"], lines["one_time"]
            contract = lines["contract"]
            if not (recurring or one_time or contract):
                continue
            if (recurring or contract) and not (
                posted_sale_ids.intersection(recurring)
                or posted_contract_ids.intersection(contract)
            ):
                continue
            if one_time and not posted_sale_ids.intersection(one_time):
                continue
            result.add(onboarding.id)
        return result

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
