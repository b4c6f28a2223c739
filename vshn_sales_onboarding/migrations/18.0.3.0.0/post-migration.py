# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tools import SQL


def migrate(cr, version):
    """Date the offers of existing deals, for the pipeline figures.

    Deals sent or confirmed before ``offer_sent_date`` existed get the order
    date of their earliest sent or confirmed quotation: the best evidence
    left of when the offer went out.
    """
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE crm_lead lead
               SET offer_sent_date = first_offer.date_order
              FROM (
                    SELECT opportunity_id, MIN(date_order) AS date_order
                      FROM sale_order
                     WHERE state IN ('sent', 'sale')
                       AND opportunity_id IS NOT NULL
                       AND date_order IS NOT NULL
                  GROUP BY opportunity_id
                   ) first_offer
             WHERE first_offer.opportunity_id = lead.id
               AND lead.offer_sent_date IS NULL
            """
        )
    )
