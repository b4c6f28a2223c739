# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Test-only models that use the gate mixin, registered by odoo-test-helper."""

from odoo import fields, models


class GateTestStage(models.Model):
    _name = "vshn.gate.test.stage"
    _description = "Gate Test Stage"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer()
    needs_ready = fields.Boolean()


class GateTestRecord(models.Model):
    _name = "vshn.gate.test.record"
    _description = "Gate Test Record"
    _inherit = ["mail.thread", "vshn.onboarding.gate.mixin"]

    name = fields.Char(required=True)
    stage_id = fields.Many2one("vshn.gate.test.stage")
    ready = fields.Boolean()

    def _get_stage_gate_missing(self, new_stage):
        missing = super()._get_stage_gate_missing(new_stage)
        if new_stage.needs_ready and not self.ready:
            missing.append("the ready flag")
        return missing
