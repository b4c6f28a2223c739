# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

EVENT_TYPES = [
    ("created", "Opportunity Created"),
    ("offer_sent", "Offer Sent"),
    ("won", "Won"),
    ("lost", "Lost"),
]


class VshnPipelineReport(models.Model):
    """Pipeline figures: opportunities created, offers sent, deals won and lost.

    One row per event of an opportunity, dated by the event: created (its
    conversion to an opportunity, else its creation), offer sent (the first
    quotation sent, ``offer_sent_date``), won (closed in a won stage) and lost
    (archived with no probability, as crm's Lost filter; archived, so read
    regardless of the active flag). Every row carries the opportunity's
    current figures: MRR and one-time revenue, weighted by its current
    probability, and its expected closing date, so that offers of one month
    group by the month they are expected to close.
    """

    _name = "vshn.pipeline.report"
    _description = "Pipeline Figures"
    _auto = False
    _rec_name = "lead_id"
    _order = "date desc"

    date = fields.Datetime(readonly=True, help="When the event happened.")
    event_type = fields.Selection(EVENT_TYPES, string="Event", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    segment_id = fields.Many2one("vshn.onboarding.segment", readonly=True)
    offering_type = fields.Selection(
        selection=lambda self: self.env["crm.lead"]._fields["offering_type"].selection,
        readonly=True,
    )
    stage_id = fields.Many2one("crm.stage", string="Stage", readonly=True)
    date_deadline = fields.Date(string="Expected Closing", readonly=True)
    probability = fields.Float(readonly=True, aggregator="avg")
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    recurring_revenue_monthly = fields.Monetary(string="MRR", readonly=True)
    expected_revenue = fields.Monetary(string="One-time Revenue", readonly=True)
    recurring_revenue_monthly_prorated = fields.Monetary(
        string="Weighted MRR", readonly=True
    )
    prorated_revenue = fields.Monetary(string="Weighted One-time", readonly=True)

    @property
    def _table_query(self):
        # One pass over the opportunities: each yields its events through a
        # lateral VALUES list, those that did not happen are dropped.
        return SQL(
            """
            SELECT
                lead.id * 4 + event.rank AS id,
                event.date AS date,
                event.event_type AS event_type,
                lead.id AS lead_id,
                lead.user_id AS user_id,
                lead.team_id AS team_id,
                lead.company_id AS company_id,
                COALESCE(partner.commercial_partner_id, lead.partner_id)
                    AS partner_id,
                lead.segment_id AS segment_id,
                lead.offering_type AS offering_type,
                lead.stage_id AS stage_id,
                lead.date_deadline AS date_deadline,
                lead.probability AS probability,
                COALESCE(company.currency_id, %(currency_id)s) AS currency_id,
                COALESCE(lead.recurring_revenue_monthly, 0.0)
                    AS recurring_revenue_monthly,
                COALESCE(lead.expected_revenue, 0.0) AS expected_revenue,
                COALESCE(lead.recurring_revenue_monthly_prorated, 0.0)
                    AS recurring_revenue_monthly_prorated,
                COALESCE(lead.prorated_revenue, 0.0) AS prorated_revenue
            FROM crm_lead lead
            LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
            LEFT JOIN res_company company ON company.id = lead.company_id
            LEFT JOIN res_partner partner ON partner.id = lead.partner_id
            CROSS JOIN LATERAL (
                VALUES
                    (0, 'created', COALESCE(lead.date_conversion, lead.create_date)),
                    (1, 'offer_sent', lead.offer_sent_date),
                    (2, 'won', CASE WHEN lead.active AND stage.is_won
                               THEN COALESCE(lead.date_closed, lead.write_date)
                               END),
                    (3, 'lost', CASE WHEN NOT lead.active AND lead.probability = 0
                                THEN COALESCE(lead.date_closed, lead.write_date)
                                END)
            ) AS event (rank, event_type, date)
            WHERE lead.type = 'opportunity'
              AND event.date IS NOT NULL
            """,
            currency_id=self.env.company.currency_id.id,
        )
