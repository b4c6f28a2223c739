# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval

from odoo import api, fields, models
from odoo.exceptions import UserError

# the models with gates, and the wizard's field holding each one's target stage
GATED_MODELS = {
    "crm.lead": "crm_stage_id",
    "vshn.onboarding": "onboarding_stage_id",
}


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
        if self.res_model not in GATED_MODELS:
            raise UserError(
                self.env._(
                    "Gates exist on opportunities and onboardings only, not on "
                    "%(model)s.",
                    model=self.res_model,
                )
            )
        try:
            ids = literal_eval(self.res_ids or "[]")
        except (ValueError, SyntaxError):
            ids = None
        # bool is an int to Python, not an id to PostgreSQL
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            raise UserError(
                self.env._(
                    "The records to move must be a list of ids, not %(ids)s.",
                    ids=self.res_ids,
                )
            )
        return self.env[self.res_model].browse(ids).exists()

    def _get_target_stage(self):
        if self.res_model not in GATED_MODELS:
            return self.env["vshn.onboarding.stage"]
        return self[GATED_MODELS[self.res_model]]

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
        records = self._get_records()
        stage = self._get_target_stage()
        if not stage:
            raise UserError(self.env._("Choose the stage to move the records to."))
        if not records:
            raise UserError(
                self.env._(
                    "None of the records to move exists (any more): %(ids)s.",
                    ids=self.res_ids,
                )
            )
        records._bypass_stage_gate(stage, self.reason)
        return {"type": "ir.actions.act_window_close"}
