# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    BYPASS_CONTEXT_KEY,
    GATE_BYPASS,
    as_process,
)

from .common import OnboardingCommon

# what a deal's team has done by the time its offer goes out
OFFER_READY_VALUES = {
    "qualification_problem": "Their platform is down every weekend.",
    "qualification_scale": "medium",
    "qualification_opportunity": "yes",
    "solution_design": "<p>Two clusters, GitOps, 24/7 SLA.</p>",
    "customer_timeline": "Live by March",
    "delivery_timeline": "6 weeks from kickoff",
    "sla_not_needed": True,
    "framework_not_needed": True,
}


def make_offer_ready(leads, architect, project_manager):
    """Meet every gate up to sending the offer, as the deal's team would.

    The Solution Architecture meeting is held (a calendar event) and the two
    reviews recorded, for all leads at once: fixtures, not the subject.
    """
    leads.write({"solution_architect_id": architect.id})
    leads.write({"project_manager_id": project_manager.id})
    for lead in leads.filtered(lambda lead: not lead.qualification_contact_id):
        lead.qualification_contact_id = lead.partner_id
    leads.write(OFFER_READY_VALUES)
    leads.env["calendar.event"].create(
        [{"name": "Solution Architecture", "opportunity_id": lead.id} for lead in leads]
    )
    now = fields.Datetime.now()
    as_process(leads).write(
        {
            "offer_reviewed_by_id": architect.id,
            "offer_reviewed_date": now,
            "timeline_confirmed_by_id": project_manager.id,
            "timeline_confirmed_date": now,
        }
    )
    return leads


STAGE_KEYS = (
    "handover",
    "setup",
    "initialization",
    "kickoff",
    "implementation",
    "review",
    "followup",
    "done",
)
ROLE_CODES = (
    "account_manager",
    "csm",
    "service_manager",
    "tsm",
    "project_manager",
    "solution_architect",
    "tpm",
    "inside_sales",
    "bdm",
)


class OnboardingOrderCommon(OnboardingCommon):
    """Won opportunities with confirmed orders, an account team and the roles.

    The (Key) Account Manager of every deal is ``user_salesman``, who is also
    its salesperson and so the onboarding's owner; the role defaults name the
    CSM, Service Manager, TSM and Project Manager.
    """

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
            for key in STAGE_KEYS
        }
        cls.roles = {
            code: cls.env.ref(f"vshn_sales_onboarding.vshn_onboarding_role_{code}")
            for code in ROLE_CODES
        }

    @classmethod
    def _create_won_deals(
        cls, count, offering_type="consulting", prefix="Customer", segment=None
    ):
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
                    "segment_id": (segment or cls.segment).id,
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
        """Role defaults of the test segment: CSM, SM, TSM and Project Manager."""
        holders = {
            "csm": cls.user_csm,
            "service_manager": cls.user_sm,
            "tsm": cls.user_tsm,
            "project_manager": cls.user_pm,
        }
        return cls.env["vshn.onboarding.role.default"].create(
            [
                {
                    "segment_id": cls.segment.id,
                    "role_id": cls.roles[code].id,
                    "user_id": user.id,
                }
                for code, user in holders.items()
            ]
        )

    @classmethod
    def _start_onboarding(cls, offering_type="consulting", prefix="Board", user=None):
        """Convert one new won deal (as ``user``) and return its onboarding."""
        lead = cls._create_won_deals(1, offering_type=offering_type, prefix=prefix)
        if user:
            lead = lead.with_user(user)
        lead.action_convert_to_customer()
        return lead.order_ids.onboarding_id.with_env(cls.env)

    @classmethod
    def _make_order(cls, customer, user=None, offering_type=None, lead_name=None):
        """A draft quotation of ``customer``, by ``user``, with an opportunity of
        ``offering_type`` when one is given."""
        user = user or cls.user_salesman
        lead = cls.env["crm.lead"]
        if offering_type:
            lead = lead.create(
                {
                    "name": lead_name or f"{customer.name}: {offering_type}",
                    "type": "opportunity",
                    "partner_id": customer.id,
                    "user_id": user.id,
                    "offering_type": offering_type,
                }
            )
            make_offer_ready(lead, cls.user_tsm, cls.user_pm)
        return (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": customer.id,
                    "opportunity_id": lead.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.product.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
        )

    def _get_holder(self, record, code):
        """The holder of the role ``code`` among ``record``'s stakeholder lines."""
        return record.stakeholder_ids.filtered(
            lambda line: line.role_id.code == code
        ).user_id

    def _activities_of_type(self, onboarding, type_key):
        activity_type = self.env.ref(
            f"vshn_sales_onboarding.mail_activity_type_{type_key}"
        )
        return onboarding.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        )

    def _mark_activities_done(self, onboarding, type_key):
        self._activities_of_type(onboarding, type_key).action_feedback(feedback="done")
        onboarding.invalidate_recordset()

    def _complete_dod(self, onboarding):
        """Tick the items of the Definition of Done and post an invoice."""
        onboarding.dod_line_ids.filtered(lambda line: not line.evidence).write(
            {"state": "done"}
        )
        onboarding.order_ids.sudo()._create_invoices().action_post()
        onboarding.invalidate_recordset()

    def _break_introduction_for(self, customer_name):
        """Make the conversion fail for one customer: its introduction, sent at
        once, cannot be rendered (a step inside the conversion's transaction)."""
        self.env.company.onboarding_intro_auto_send = True
        self.env.ref("vshn_sales_onboarding.mail_template_introduction").subject = (
            f"{{{{ object.partner_id.name == {customer_name!r} "
            "and object.no_such_field or 'Welcome' }}"
        )

    def _run_after_commit(self):
        """Run what the transaction left for after its commit, as Odoo does once
        it commits (the test's data is seen through the test cursor)."""
        self.registry.enter_test_mode(self.cr)
        try:
            self.env.cr.postcommit.run()
        finally:
            self.registry.leave_test_mode()
        self.env.invalidate_all()
