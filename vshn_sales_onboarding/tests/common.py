# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.mail.tests.common import mail_new_test_user


class OnboardingCommon(TransactionCase):
    """Users of each kind the addon knows, created once per test class."""

    @contextmanager
    def assertRaisesMessage(self, exception, text):
        """assertRaises (which rolls back to a savepoint, unlike
        assertRaisesRegex) and a check that the message names ``text``."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.user_salesman = mail_new_test_user(
            cls.env,
            login="onb_salesman",
            name="Sandra Sales",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        cls.user_manager = mail_new_test_user(
            cls.env,
            login="onb_manager",
            name="Martin Manager",
            groups="vshn_sales_onboarding.group_onboarding_manager",
        )
        cls.user_finance = mail_new_test_user(
            cls.env,
            login="onb_finance",
            name="Fiona Finance",
            groups="vshn_sales_onboarding.group_onboarding_finance",
        )
        cls.user_employee = mail_new_test_user(
            cls.env,
            login="onb_employee",
            name="Erik Employee",
            groups="base.group_user",
        )


class OnboardingCrmCommon(OnboardingCommon):
    """A customer, a service product and the sales stages, plus helpers that
    complete each sales step the way a salesperson would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.stage_qualify = ref("vshn_sales_onboarding.crm_stage_contact_qualify")
        cls.stage_sa_meeting = ref("vshn_sales_onboarding.crm_stage_sa_meeting")
        cls.stage_design = ref("vshn_sales_onboarding.crm_stage_design")
        cls.stage_offer = ref("vshn_sales_onboarding.crm_stage_offer")
        cls.stage_review = ref("vshn_sales_onboarding.crm_stage_customer_review")
        cls.stage_won = ref("vshn_sales_onboarding.crm_stage_won")
        cls.segment_enterprise = ref(
            "vshn_sales_onboarding.vshn_onboarding_segment_enterprise"
        )
        cls.user_architect = mail_new_test_user(
            cls.env,
            login="onb_architect",
            name="Anna Architect",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        cls.user_project_manager = mail_new_test_user(
            cls.env,
            login="onb_pm",
            name="Paul Projectmanager",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Test Customer AG",
                "is_company": True,
                "segment_id": cls.segment_enterprise.id,
                "complexity": "high",
            }
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Chris Contact", "parent_id": cls.customer.id}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Managed Service", "type": "service", "list_price": 1000.0}
        )

    @classmethod
    def _lead_values(cls, **values):
        return {
            "name": "Managed Kubernetes",
            "type": "opportunity",
            "partner_id": cls.customer.id,
            "user_id": cls.user_salesman.id,
            "stage_id": cls.stage_qualify.id,
            **values,
        }

    def _make_lead(self, user=None, **values):
        user = user or self.user_salesman
        return self.env["crm.lead"].with_user(user).create(self._lead_values(**values))

    def _qualify(self, leads):
        leads.write(
            {
                "qualification_contact_id": self.customer_contact.id,
                "qualification_problem": "Their platform is down every weekend.",
                "qualification_scale": "large",
                "qualification_opportunity": "yes",
                "solution_architect_id": self.user_architect.id,
                "project_manager_id": self.user_project_manager.id,
            }
        )
        for lead in leads:
            lead.activity_schedule(
                "mail.mail_activity_data_meeting",
                summary="Solution Architecture meeting",
                user_id=self.user_architect.id,
            )

    def _design(self, leads):
        leads.write(
            {
                "solution_design": "<p>Two clusters, GitOps, 24/7 SLA.</p>",
                "customer_timeline": "Live by March",
                "delivery_timeline": "6 weeks from kickoff",
            }
        )

    def _review_offer(self, lead):
        lead.with_user(self.user_architect).action_review_offer()
        lead.with_user(self.user_project_manager).action_confirm_timeline()
        lead.write({"sla_not_needed": True, "framework_not_needed": True})

    def _quotation(self, lead):
        return (
            self.env["sale.order"]
            .with_user(lead.env.user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "opportunity_id": lead.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
        )
