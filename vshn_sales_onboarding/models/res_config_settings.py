# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    escalation_product_user_id = fields.Many2one(
        related="company_id.escalation_product_user_id", readonly=False
    )
    escalation_legal_user_id = fields.Many2one(
        related="company_id.escalation_legal_user_id", readonly=False
    )
    onboarding_intro_auto_send = fields.Boolean(
        related="company_id.onboarding_intro_auto_send", readonly=False
    )
    onboarding_new_offering_policy = fields.Selection(
        related="company_id.onboarding_new_offering_policy", readonly=False
    )
    onboarding_require_opportunity = fields.Boolean(
        related="company_id.onboarding_require_opportunity", readonly=False
    )
    onboarding_retrospective_amount = fields.Monetary(
        related="company_id.onboarding_retrospective_amount", readonly=False
    )
    onboarding_budget_warning_share = fields.Float(
        related="company_id.onboarding_budget_warning_share", readonly=False
    )
    onboarding_invoicing_grace_days = fields.Integer(
        related="company_id.onboarding_invoicing_grace_days", readonly=False
    )
    onboarding_key_customer_months = fields.Integer(
        related="company_id.onboarding_key_customer_months", readonly=False
    )
    onboarding_key_customer_threshold = fields.Float(
        related="company_id.onboarding_key_customer_threshold", readonly=False
    )
    onboarding_project_id = fields.Many2one(
        related="company_id.onboarding_project_id", readonly=False
    )
    onboarding_project_template_id = fields.Many2one(
        related="company_id.onboarding_project_template_id", readonly=False
    )
    onboarding_journey_sender_id = fields.Many2one(
        related="company_id.onboarding_journey_sender_id", readonly=False
    )
    onboarding_clock_at_risk_days = fields.Integer(
        related="company_id.onboarding_clock_at_risk_days", readonly=False
    )
