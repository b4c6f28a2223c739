# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

# what the dimensions read: a read of a report flushes what the ORM holds
ONBOARDING_DIMENSION_DEPENDS = [
    "active",
    "company_id",
    "partner_id",
    "segment_id",
    "complexity",
    "offering_type",
    "kind",
    "user_id",
    "account_manager_id",
    "date_start",
]


def _onboarding_selection(field_name):
    return lambda self: self.env["vshn.onboarding"]._fields[field_name].selection


class VshnOnboardingReportMixin(models.AbstractModel):
    """What the onboarding reports group by: the onboarding and its customer,
    segment, complexity, offering type, kind and people. The reports' SQL
    selects these columns under these names."""

    _name = "vshn.onboarding.report.mixin"
    _description = "Onboarding Report Dimensions"

    onboarding_id = fields.Many2one("vshn.onboarding", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    industry_id = fields.Many2one(
        "res.partner.industry", string="Customer Industry", readonly=True
    )
    segment_id = fields.Many2one("vshn.onboarding.segment", readonly=True)
    complexity = fields.Selection(_onboarding_selection("complexity"), readonly=True)
    offering_type = fields.Selection(
        _onboarding_selection("offering_type"), readonly=True
    )
    kind = fields.Selection(_onboarding_selection("kind"), readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    account_manager_id = fields.Many2one(
        "res.users", string="(Key) Account Manager", readonly=True
    )
    date_start = fields.Date(string="Day 0", readonly=True)
