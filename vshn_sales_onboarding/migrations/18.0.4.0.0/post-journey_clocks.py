# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, split_every

from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_clock import (
    CLOCK_BATCH_SIZE,
    write_clock_columns,
)

# the shipped stages' targets (data/vshn_onboarding_stage_data.xml, noupdate)
STAGE_TARGETS = {
    "handover": 3,
    "setup": 5,
    "initialization": 5,
    "kickoff": 5,
    "implementation": 15,
    "review": 5,
    "followup": 5,
}


def migrate(cr, version):
    """Start the clocks of existing onboardings.

    The shipped stages get their targets where nobody set one. Each open
    onboarding entered its stage on its last tracked stage change, else on
    Day 0: the evidence there is. The next daily check escalates what is
    breached.
    """
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for key, target in STAGE_TARGETS.items():
        stage = env.ref(
            f"vshn_sales_onboarding.vshn_onboarding_stage_{key}",
            raise_if_not_found=False,
        )
        if stage and not stage.target_working_days:
            stage.target_working_days = target
    onboardings = env["vshn.onboarding"].search([("is_done", "=", False)])
    if not onboardings:
        return
    env.flush_all()
    entered = dict(
        env.execute_query(
            SQL(
                """
                SELECT message.res_id, MAX(message.date)::date
                  FROM mail_tracking_value tracking
                  JOIN mail_message message ON message.id = tracking.mail_message_id
                  JOIN ir_model_fields field ON field.id = tracking.field_id
                 WHERE message.model = 'vshn.onboarding'
                   AND field.model = 'vshn.onboarding'
                   AND field.name = 'stage_id'
                   AND message.res_id = ANY(%s)
              GROUP BY message.res_id
                """,
                onboardings.ids,
            )
        )
    )
    for ids in split_every(CLOCK_BATCH_SIZE, onboardings.ids):
        batch = onboardings.browse(ids)
        write_clock_columns(
            batch.browse(),
            [
                (onboarding.id, entered.get(onboarding.id) or onboarding.date_start)
                for onboarding in batch
            ],
            ["date_stage_entered"],
        )
        batch._vshn_update_clocks()
