# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from .vshn_onboarding_report_mixin import ONBOARDING_DIMENSION_DEPENDS

# keys sort as the buckets do: the pivot orders a selection by its key
FIRST_ENGAGEMENT_BUCKETS = [
    ("1_day0", "Day 0"),
    ("2_days_1_3", "Days 1-3"),
    ("3_days_4_7", "Days 4-7"),
    ("4_days_8_14", "Days 8-14"),
    ("5_days_15_30", "Days 15-30"),
    ("6_over_30", "Over 30 Days"),
    ("9_not_yet", "Not Yet"),
]
ONBOARD_BUCKETS = [
    ("1_upto_30", "Up to 30 Days"),
    ("2_days_31_45", "31-45 Days"),
    ("3_days_46_60", "46-60 Days"),
    ("4_days_61_90", "61-90 Days"),
    ("5_over_90", "Over 90 Days"),
    ("9_not_done", "Not Done"),
]


class VshnOnboardingTimeReport(models.Model):
    """Onboarding times: one row per onboarding, its days from Day 0 to the
    first customer-facing step done and to Done, and the buckets the
    distributions count.

    The days are computed from the stored dates (Day 0, first engagement,
    done), so an onboarding not engaged or not done yet has no time, is left
    out of the averages and falls in the "Not Yet" / "Not Done" bucket.
    """

    _name = "vshn.onboarding.time.report"
    _inherit = "vshn.onboarding.report.mixin"
    _description = "Onboarding Times"
    _auto = False
    _rec_name = "onboarding_id"
    _order = "date_start desc, onboarding_id desc"
    # a read of the report flushes what the ORM still holds of these
    _depends = {
        "vshn.onboarding": [
            *ONBOARDING_DIMENSION_DEPENDS,
            "stage_id",
            "is_done",
            "date_first_engagement",
            "date_done",
        ],
        "res.partner": ["industry_id"],
    }

    stage_id = fields.Many2one("vshn.onboarding.stage", readonly=True)
    date_first_engagement = fields.Date(readonly=True)
    date_done = fields.Date(string="Done On", readonly=True)
    is_done = fields.Boolean(readonly=True)
    is_engaged = fields.Boolean(readonly=True)
    time_to_first_engagement = fields.Float(
        string="Days to First Engagement",
        digits=(16, 1),
        aggregator="avg",
        readonly=True,
    )
    time_to_onboard = fields.Float(
        string="Days to Onboard", digits=(16, 1), aggregator="avg", readonly=True
    )
    onboarding_count = fields.Integer(string="Onboardings", readonly=True)
    engaged_count = fields.Integer(string="Engaged Onboardings", readonly=True)
    done_count = fields.Integer(string="Done Onboardings", readonly=True)
    first_engagement_bucket = fields.Selection(
        FIRST_ENGAGEMENT_BUCKETS, string="First Engagement", readonly=True
    )
    onboard_bucket = fields.Selection(
        ONBOARD_BUCKETS, string="Time to Onboard", readonly=True
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT
                onb.id AS id,
                onb.id AS onboarding_id,
                onb.company_id AS company_id,
                onb.partner_id AS partner_id,
                partner.industry_id AS industry_id,
                onb.segment_id AS segment_id,
                onb.complexity AS complexity,
                onb.offering_type AS offering_type,
                onb.kind AS kind,
                onb.stage_id AS stage_id,
                onb.user_id AS user_id,
                onb.account_manager_id AS account_manager_id,
                onb.date_start AS date_start,
                onb.date_first_engagement AS date_first_engagement,
                times.done AS date_done,
                times.done IS NOT NULL AS is_done,
                times.engaged IS NOT NULL AS is_engaged,
                times.engaged AS time_to_first_engagement,
                times.onboarded AS time_to_onboard,
                1 AS onboarding_count,
                CASE WHEN times.engaged IS NOT NULL THEN 1 ELSE 0 END
                    AS engaged_count,
                CASE WHEN times.done IS NOT NULL THEN 1 ELSE 0 END AS done_count,
                CASE
                    WHEN times.engaged IS NULL THEN '9_not_yet'
                    WHEN times.engaged <= 0 THEN '1_day0'
                    WHEN times.engaged <= 3 THEN '2_days_1_3'
                    WHEN times.engaged <= 7 THEN '3_days_4_7'
                    WHEN times.engaged <= 14 THEN '4_days_8_14'
                    WHEN times.engaged <= 30 THEN '5_days_15_30'
                    ELSE '6_over_30'
                END AS first_engagement_bucket,
                CASE
                    WHEN times.onboarded IS NULL THEN '9_not_done'
                    WHEN times.onboarded <= 30 THEN '1_upto_30'
                    WHEN times.onboarded <= 45 THEN '2_days_31_45'
                    WHEN times.onboarded <= 60 THEN '3_days_46_60'
                    WHEN times.onboarded <= 90 THEN '4_days_61_90'
                    ELSE '5_over_90'
                END AS onboard_bucket
            FROM vshn_onboarding onb
            LEFT JOIN res_partner partner ON partner.id = onb.partner_id
            CROSS JOIN LATERAL (
                SELECT
                    onb.date_first_engagement - onb.date_start AS engaged,
                    CASE WHEN onb.is_done THEN onb.date_done END AS done,
                    CASE WHEN onb.is_done THEN onb.date_done - onb.date_start END
                        AS onboarded
            ) AS times
            WHERE onb.active
            """
        )
