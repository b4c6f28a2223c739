# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    BYPASS_CONTEXT_KEY,
    GATE_BYPASS,
)

from .common import OnboardingCommon


class OnboardingOrderCommon(OnboardingCommon):
    """Won opportunities with confirmed orders, and an account team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user_groups = "vshn_sales_onboarding.group_onboarding_user"
        cls.user_csm = mail_new_test_user(
            cls.env, login="onb_csm", name="Cora CSM", groups=user_groups
        )
        cls.user_sm = mail_new_test_user(
            cls.env, login="onb_sm", name="Sam Service", groups=user_groups
        )
        cls.user_tsm = mail_new_test_user(
            cls.env, login="onb_tsm", name="Tim Tech", groups=user_groups
        )
        cls.user_pm = mail_new_test_user(
            cls.env, login="onb_pm", name="Paula Project", groups=user_groups
        )
        cls.won_stage = cls.env.ref("vshn_sales_onboarding.crm_stage_won")
        cls.segment = cls.env["vshn.onboarding.segment"].create(
            {"name": "Test Mid", "touch_model": "medium", "onboarding_days": 30}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Managed Service", "type": "service", "list_price": 1000.0}
        )
        cls.stages = {
            key: cls.env.ref(f"vshn_sales_onboarding.vshn_onboarding_stage_{key}")
            for key in (
                "handover",
                "setup",
                "initialization",
                "kickoff",
                "implementation",
                "review",
                "followup",
                "done",
            )
        }

    @classmethod
    def _create_won_deals(cls, count, offering_type="consulting", prefix="Customer"):
        """``count`` won opportunities, each with a confirmed, unconverted order.

        Built directly (stage and state written at creation), so that nothing
        is converted yet: the tests call the conversion themselves.
        """
        env = cls.env(
            context=dict(cls.env.context, **{BYPASS_CONTEXT_KEY: GATE_BYPASS})
        )
        companies = env["res.partner"].create(
            [
                {"name": f"{prefix} {index}", "is_company": True}
                for index in range(count)
            ]
        )
        contacts = env["res.partner"].create(
            [
                {"name": f"Tech {index}", "parent_id": company.id}
                for index, company in enumerate(companies)
            ]
        )
        leads = env["crm.lead"].create(
            [
                {
                    "name": f"Deal {prefix} {index}",
                    "type": "opportunity",
                    "partner_id": company.id,
                    "user_id": cls.user_salesman.id,
                    "account_manager_id": cls.user_salesman.id,
                    "solution_architect_id": cls.user_tsm.id,
                    "qualification_contact_id": contacts[index].id,
                    "segment_id": cls.segment.id,
                    "offering_type": offering_type,
                    "stage_id": cls.won_stage.id,
                }
                for index, company in enumerate(companies)
            ]
        )
        env["sale.order"].create(
            [
                {
                    "partner_id": lead.partner_id.id,
                    "opportunity_id": lead.id,
                    "user_id": cls.user_salesman.id,
                    "state": "sale",
                    "order_line": [
                        Command.create(
                            {"product_id": cls.product.id, "product_uom_qty": 1}
                        )
                    ],
                }
                for lead in leads
            ]
        )
        return leads.with_env(cls.env)

    @classmethod
    def _set_role_defaults(cls):
        return cls.env["vshn.onboarding.role.default"].create(
            {
                "segment_id": cls.segment.id,
                "csm_id": cls.user_csm.id,
                "service_manager_id": cls.user_sm.id,
                "tsm_id": cls.user_tsm.id,
                "project_manager_id": cls.user_pm.id,
            }
        )

    def _mark_activities_done(self, order, type_key):
        activity_type = self.env.ref(
            f"vshn_sales_onboarding.mail_activity_type_{type_key}"
        )
        order.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        ).action_feedback(feedback="done")
        order.invalidate_recordset()
