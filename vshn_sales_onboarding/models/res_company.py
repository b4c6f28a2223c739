# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    escalation_product_user_id = fields.Many2one(
        "res.users",
        string="Product Management Escalation Owner",
        domain="[('share', '=', False)]",
    )
    escalation_legal_user_id = fields.Many2one(
        "res.users",
        string="Legal Escalation Owner",
        domain="[('share', '=', False)]",
    )

    onboarding_intro_auto_send = fields.Boolean(
        string="Send Introductions Automatically",
        help="Send the introduction of the account team to new customers at once, "
        "instead of planning a review activity for the Account Manager.",
    )
    onboarding_new_offering_policy = fields.Selection(
        [
            ("light", "Light onboarding"),
            ("full", "Full onboarding"),
            ("none", "No onboarding"),
        ],
        string="New Offering Onboarding",
        default="light",
        required=True,
        help="What an existing customer's order of an offering type it never had "
        "starts. Orders of a customer with an open onboarding join it; other "
        "orders of existing customers start none.",
    )
    onboarding_require_opportunity = fields.Boolean(
        string="New Orders Need an Opportunity",
        help="Confirm only orders linked to an opportunity, so that every sale "
        "has passed the pipeline's gates. Off: orders without one (a quick "
        "add-on, a renewal) are confirmed as in stock Odoo.",
    )
    onboarding_retrospective_amount = fields.Monetary(
        string="Retrospective From Amount",
        currency_field="currency_id",
        help="Onboardings of orders from this untaxed amount end with a "
        "retrospective. Zero: only high-touch segments and high complexity.",
    )
    onboarding_budget_warning_share = fields.Float(
        string="Budget Warning From",
        default=0.8,
        help="An onboarding that is not Done warns when its effort cost passes "
        "this share of the sold amount (0.8 = 80 %).",
    )
    onboarding_invoicing_grace_days = fields.Integer(
        string="Invoicing Grace Days",
        default=3,
        help="Days after a recurring invoice is due before the watchdog raises "
        "an invoicing exception for it (not generated, still a draft, or "
        "cancelled).",
    )
    onboarding_key_customer_months = fields.Integer(
        string="Key Customer Comparison Months",
        default=3,
        help="The monthly key-customer check compares the revenue of the last "
        "this many full months with the same number of months before.",
    )
    onboarding_key_customer_threshold = fields.Float(
        string="Key Customer Revenue Change",
        default=0.25,
        help="A key customer's account manager gets an activity when its revenue "
        "changes by more than this share (0.25 = 25 %).",
    )
    onboarding_project_id = fields.Many2one(
        "project.project",
        string="Onboarding Project",
        help="Where the tasks of consulting and standard service onboardings go.",
    )
    onboarding_project_template_id = fields.Many2one(
        "project.project",
        string="Onboarding Project Template",
        help="Copied for every onboarding of the Project offering type.",
    )

    onboarding_journey_sender_id = fields.Many2one(
        "res.users",
        string="Journey E-mails From",
        domain="[('share', '=', False)]",
        help="Who the journeys' e-mails to customers come from (e.g. the Chief "
        "Customer Officer). Empty: the company.",
    )

    @api.constrains("onboarding_retrospective_amount")
    def _check_onboarding_retrospective_amount(self):
        for company in self:
            if company.onboarding_retrospective_amount < 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the retrospective threshold is an amount from "
                        "which onboardings end with a retrospective; it cannot be "
                        "negative (zero switches it off).",
                        company=company.name,
                    )
                )

    @api.constrains(
        "onboarding_key_customer_months", "onboarding_key_customer_threshold"
    )
    def _check_onboarding_key_customer_settings(self):
        for company in self:
            if (
                company.onboarding_key_customer_months < 1
                or company.onboarding_key_customer_threshold < 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(company)s: the key-customer check compares at least one "
                        "month, and its threshold is a share of zero or more "
                        "(0.25 = 25 %%).",
                        company=company.name,
                    )
                )

    onboarding_clock_at_risk_days = fields.Integer(
        string="Clock At Risk Within",
        default=1,
        help="A journey step or stage is at risk when at most this many working "
        "days are left until it is due (from tomorrow up to its due date).",
    )

    @api.constrains("onboarding_clock_at_risk_days")
    def _check_onboarding_clock_at_risk_days(self):
        for company in self.filtered(
            lambda company: company.onboarding_clock_at_risk_days < 0
        ):
            raise ValidationError(
                self.env._(
                    "%(company)s: a clock is at risk within zero or more working "
                    "days of its due date, not %(days)s.",
                    company=company.name,
                    days=company.onboarding_clock_at_risk_days,
                )
            )
