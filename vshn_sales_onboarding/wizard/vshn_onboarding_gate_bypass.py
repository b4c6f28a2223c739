# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval

from odoo import api, fields, models


class VshnOnboardingGateBypass(models.TransientModel):
    """A manager moves records past a stage gate, with a reason on record."""

    _name = "vshn.onboarding.gate.bypass"
    _description = "Bypass a Stage Gate"

    res_model = fields.Char(required=True)
    res_ids = fields.Char(required=True)
    crm_stage_id = fields.Many2one("crm.stage", string="Sales Stage")
    onboarding_stage_id = fields.Many2one(
        "vshn.onboarding.stage", string="Onboarding Stage"
    )
    missing = fields.Text(compute="_compute_missing")
    reason = fields.Text(required=True)

    def _get_records(self):
        return self.env[self.res_model].browse(literal_eval(self.res_ids or "[]"))

    def _get_target_stage(self):
        if self.res_model == "sale.order":
            return self.onboarding_stage_id
        return self.crm_stage_id

    @api.depends("res_model", "res_ids", "crm_stage_id", "onboarding_stage_id")
    def _compute_missing(self):
        for wizard in self:
            stage = wizard._get_target_stage()
            lines = []
            if stage and wizard.res_model:
                for record in wizard._get_records():
                    for item in record._get_stage_gate_missing(stage):
                        lines.append(f"{record.display_name}: {item}")
            wizard.missing = "\n".join(lines)

    def action_bypass(self):
        self.ensure_one()
        self._get_records()._bypass_stage_gate(self._get_target_stage(), self.reason)
        return {"type": "ir.actions.act_window_close"}
