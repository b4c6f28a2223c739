# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .models.vshn_onboarding_gate_mixin import BYPASS_CONTEXT_KEY, GATE_BYPASS

# crm's own stages and the sales step that takes over their opportunities
CORE_STAGE_STEPS = {
    "crm.stage_lead1": "qualify",
    "crm.stage_lead2": "sa_meeting",
    "crm.stage_lead3": "offer",
    "crm.stage_lead4": "won",
}
# the steps crm has no stage for: on uninstall, their deals go back to the
# crm stage of the step before
LATER_STEPS = {"crm.stage_lead2": "design", "crm.stage_lead3": "customer_review"}


def post_init_hook(env):
    """Move opportunities from crm's stages to the sales steps, then archive them.

    Existing deals keep their place in the pipe; the gates apply from their
    next move on, so the migration itself bypasses them.
    """
    stage_model = env["crm.stage"].with_context(
        active_test=False, **{BYPASS_CONTEXT_KEY: GATE_BYPASS}
    )
    for xmlid, step in CORE_STAGE_STEPS.items():
        core_stage = env.ref(xmlid, raise_if_not_found=False)
        target = stage_model.search([("sales_step", "=", step)], limit=1)
        if not core_stage or not target:
            continue
        leads = (
            env["crm.lead"]
            .with_context(active_test=False, **{BYPASS_CONTEXT_KEY: GATE_BYPASS})
            .search([("stage_id", "=", core_stage.id)])
        )
        leads.write({"stage_id": target.id})
        core_stage.active = False


def uninstall_hook(env):
    """Give the opportunities back to crm's stages before ours are deleted.

    The onboardings go with the addon, with their chatter and activities, and
    so do the activities of the addon's activity types elsewhere (escalations
    on deals): removed first, so that they hold back neither the customers,
    the orders nor the activity types the addon's data deletes.
    """
    env.cr.execute("UPDATE sale_order SET onboarding_id = NULL")
    env["vshn.onboarding"].with_context(active_test=False).search([]).unlink()
    activity_types = (
        env["ir.model.data"]
        .search(
            [
                ("module", "=", "vshn_sales_onboarding"),
                ("model", "=", "mail.activity.type"),
            ]
        )
        .mapped("res_id")
    )
    env["mail.activity"].with_context(active_test=False).search(
        [("activity_type_id", "in", activity_types)]
    ).unlink()
    env.cr.execute("UPDATE crm_stage SET active = TRUE WHERE active IS NOT TRUE")
    for xmlid, step in [*CORE_STAGE_STEPS.items(), *LATER_STEPS.items()]:
        core_stage = env.ref(xmlid, raise_if_not_found=False)
        if not core_stage:
            continue
        env.cr.execute(
            """UPDATE crm_lead SET stage_id = %s
                WHERE stage_id IN (SELECT id FROM crm_stage WHERE sales_step = %s)""",
            (core_stage.id, step),
        )
