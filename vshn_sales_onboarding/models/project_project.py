# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ProjectProject(models.Model):
    _inherit = "project.project"

    @api.model_create_multi
    def create(self, vals_list):
        projects = super().create(vals_list)
        if any(vals.get("account_id") for vals in vals_list):
            self.env["account.analytic.line"]._vshn_recompute_attribution(
                projects.sudo().account_id
            )
        return projects

    def write(self, vals):
        # the engagements of a project's onboardings and orders move with its
        # analytic account: the effort on both accounts is re-attributed
        if "account_id" in vals:
            accounts = self.sudo().account_id
        result = super().write(vals)
        if "account_id" in vals:
            self.env["account.analytic.line"]._vshn_recompute_attribution(
                accounts | self.sudo().account_id
            )
        return result
