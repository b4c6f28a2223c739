# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    BYPASS_CONTEXT_KEY,
    GATE_BYPASS,
)


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestOnboardingTour(HttpCase):
    def test_account_manager_reaches_done(self):
        env = self.env(context=dict(self.env.context, **DISABLED_MAIL_CONTEXT))
        manager = mail_new_test_user(
            env,
            login="onb_tour_am",
            password="onb_tour_am",
            name="Anna Account",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        partner = env["res.partner"].create(
            {"name": "Tour Customer AG", "is_company": True}
        )
        product = env["product.product"].create(
            {"name": "Tour Service", "type": "service", "list_price": 100.0}
        )
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": manager.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        onboarding = order.onboarding_id
        self.assertEqual(onboarding.user_id, manager)
        onboarding.write(
            {
                "account_manager_id": manager.id,
                "csm_id": manager.id,
                "service_manager_id": manager.id,
            }
        )
        order._create_invoices().action_post()
        for key in ("handover", "kickoff"):
            activity_type = env.ref(f"vshn_sales_onboarding.mail_activity_type_{key}")
            onboarding.activity_ids.filtered(
                lambda activity, activity_type=activity_type: activity.activity_type_id
                == activity_type
            ).action_feedback(feedback="done")
        onboarding.action_initialize()
        onboarding.with_context(**{BYPASS_CONTEXT_KEY: GATE_BYPASS}).write(
            {
                "stage_id": env.ref(
                    "vshn_sales_onboarding.vshn_onboarding_stage_review"
                ).id
            }
        )
        self.assertFalse(onboarding.retrospective_required)
        # the gate refusal of the tour is logged by the RPC layer
        with mute_logger("odoo.http"):
            self.start_tour(
                "/odoo/onboardings",
                "vshn_onboarding_tour",
                login="onb_tour_am",
            )
        onboarding.invalidate_recordset()
        self.assertTrue(onboarding.is_done)
        self.assertEqual(order.onboarding_stage_id, onboarding.stage_id)
        self.assertEqual(partner.customer_status, "customer")
