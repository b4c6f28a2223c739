# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    as_process,
)

from .common import OnboardingCrmCommon
from .onboarding_common import make_offer_ready

ACCESS_LOGGERS = ("odoo.addons.base.models.ir_rule", "odoo.models")


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestGateInvariant(OnboardingCrmCommon):
    """Every way round a gate, a review or a role, tried as the restricted
    user (an Onboarding User unless said otherwise), next to the legitimate
    path that must keep working."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user_groups = "vshn_sales_onboarding.group_onboarding_user"
        cls.user_architect2 = mail_new_test_user(
            cls.env, login="onb_architect2", name="Ben Backup", groups=user_groups
        )
        cls.user_legal = mail_new_test_user(
            cls.env, login="onb_legal", name="Lea Legal", groups="base.group_user"
        )
        cls.user_sales_manager = mail_new_test_user(
            cls.env,
            login="onb_sales_manager",
            name="Sven Salesmanager",
            groups=f"{user_groups},sales_team.group_sale_manager",
        )
        cls.user_portal = mail_new_test_user(
            cls.env,
            login="onb_inv_portal",
            name="Pat Portal",
            groups="base.group_portal",
        )
        cls.user_portal.partner_id.parent_id = cls.customer
        cls.other_company = cls.env["res.company"].create({"name": "VSHN Elsewhere"})
        cls.foreign_contact = cls.env["res.partner"].create(
            {"name": "Foreign Contact", "company_id": cls.other_company.id}
        )
        cls.foreign_user = mail_new_test_user(
            cls.env,
            login="onb_foreign",
            name="Fred Foreign",
            groups=user_groups,
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.product.invoice_policy = "order"
        cls.lost_reason = cls.env["crm.lost.reason"].create({"name": "Went elsewhere"})
        cls.stage_initialization = cls.env.ref(
            "vshn_sales_onboarding.vshn_onboarding_stage_initialization"
        )
        cls.stage_onboarding_done = cls.env.ref(
            "vshn_sales_onboarding.vshn_onboarding_stage_done"
        )
        # one deal of the customer, signed by the salesperson: won and converted
        cls.order = cls._signed_order(cls.customer)
        cls.onboarding = cls.order.onboarding_id

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @classmethod
    def _deal(cls, customer, name="Managed Kubernetes", ready=True):
        """An opportunity of the salesperson, ready to send its offer."""
        lead = (
            cls.env["crm.lead"]
            .with_user(cls.user_salesman)
            .create(cls._lead_values(name=name, partner_id=customer.id))
        )
        if ready:
            make_offer_ready(lead, cls.user_architect, cls.user_project_manager)
        return lead

    @classmethod
    def _order_values(cls, lead=None, partner=None, **values):
        return {
            "partner_id": (partner or lead.partner_id).id,
            "opportunity_id": lead.id if lead else False,
            "order_line": [
                Command.create({"product_id": cls.product.id, "product_uom_qty": 1})
            ],
            **values,
        }

    @classmethod
    def _sales_orders(cls):
        return cls.env["sale.order"].with_user(cls.user_salesman)

    @classmethod
    def _signed_order(cls, customer):
        order = cls._sales_orders().create(cls._order_values(cls._deal(customer)))
        order.action_confirm()
        return order.with_env(cls.env)

    def _new_company(self, name):
        return self.env["res.partner"].create({"name": name, "is_company": True})

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_archived_and_stepless_stages_are_no_way_in(self):
        """Finding 1: crm's own archived stages (Won, Qualified) and a stage
        without a sales step are gated like the others: neither a write nor a
        create puts an opportunity there. Moving back a step stays free."""
        stepless = self.env["crm.stage"].create({"name": "Parking", "sequence": 100})
        lead = self._deal(self._new_company("Stages AG"))
        lead.write({"stage_id": self.stage_offer.id})
        leads = self.env["crm.lead"].with_user(self.user_salesman)
        for stage in (
            self.env.ref("crm.stage_lead4"),
            self.env.ref("crm.stage_lead2"),
            stepless,
        ):
            with self.subTest(stage=stage.name):
                self.assertFalse(stage.sales_step)
                with self.assertRaisesMessage(ValidationError, "Missing"):
                    lead.write({"stage_id": stage.id})
                self.assertEqual(lead.stage_id, self.stage_offer)
                with self.assertRaisesMessage(ValidationError, "Missing"):
                    leads.create(self._lead_values(name="Born late", stage_id=stage.id))
        self.assertFalse(leads.search([("name", "=", "Born late")]))
        # control: back to an earlier step is free, and forward again through
        # the gates it meets
        lead.write({"stage_id": self.stage_qualify.id})
        self.assertEqual(lead.stage_id, self.stage_qualify)
        lead.write({"stage_id": self.stage_offer.id})
        self.assertEqual(lead.stage_id, self.stage_offer)

    def test_a_lead_enters_the_pipeline_from_no_stage(self):
        """Finding 2: a lead parked in an advanced stage becomes an opportunity
        only through every gate up to that stage (checked from no stage); an
        opportunity turned lead, archived and turned back is an undocumented
        loss. A qualified lead in the first stage converts."""
        leads = self.env["crm.lead"].with_user(self.user_salesman)
        switches = {
            "write": lambda lead: lead.write({"type": "opportunity"}),
            "convert": lambda lead: lead.convert_opportunity(self.customer),
        }
        for how, switch in switches.items():
            with self.subTest(how=how):
                lead = leads.create(
                    self._lead_values(
                        name="Parked lead", type="lead", stage_id=self.stage_offer.id
                    )
                )
                with self.assertRaisesMessage(ValidationError, "cannot enter Offer"):
                    switch(lead)
                self.assertEqual(lead.type, "lead")
        round_trip = self._make_lead(name="Round trip")
        round_trip.write({"type": "lead"})
        round_trip.action_archive()
        with self.assertRaisesMessage(ValidationError, "lost reason"):
            round_trip.write({"type": "opportunity"})
        self.assertEqual(round_trip.type, "lead")
        # control
        lead = leads.create(self._lead_values(name="Fresh lead", type="lead"))
        self._qualify(lead)
        lead.convert_opportunity(self.customer)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.stage_id, self.stage_qualify)

    def test_reviews_are_recorded_not_created_copied_or_imported(self):
        """Finding 3: the salesperson cannot put a review or a timeline
        confirmation on a deal by create, by copy(default=...) or by import;
        the role holders record them with the buttons."""
        now = fields.Datetime.to_string(fields.Datetime.now())
        forged = {
            "offer_reviewed_by_id": self.user_architect.id,
            "offer_reviewed_date": now,
            "timeline_confirmed_by_id": self.user_project_manager.id,
            "timeline_confirmed_date": now,
        }
        refused = "not written, copied or imported"
        leads = self.env["crm.lead"].with_user(self.user_salesman)
        source = self._make_lead(name="Source")
        for field, value in forged.items():
            with self.subTest(field=field, how="create"):
                with self.assertRaisesMessage(UserError, refused):
                    leads.create(self._lead_values(**{field: value}))
            with self.subTest(field=field, how="copy"):
                with self.assertRaisesMessage(UserError, refused):
                    source.copy(default={field: value})
            with self.subTest(field=field, how="import"):
                column = f"{field}/.id" if field.endswith("_id") else field
                result = leads.load(
                    ["name", "type", "partner_id/.id", column],
                    [["Imported", "opportunity", str(self.customer.id), str(value)]],
                )
                self.assertFalse(result["ids"])
                self.assertIn(
                    refused, " ".join(msg["message"] for msg in result["messages"])
                )
        self.assertFalse(leads.search([("name", "=", "Imported")]))
        # control: a plain copy, and the buttons of the role holders
        self.assertFalse(source.copy().offer_reviewed_by_id)
        self._qualify(source)
        self._review_offer(source)
        self.assertEqual(source.offer_reviewed_by_id, self.user_architect)
        self.assertTrue(source.offer_reviewed_date)
        self.assertEqual(source.timeline_confirmed_by_id, self.user_project_manager)
        self.assertTrue(source.timeline_confirmed_date)

    def test_four_eyes_on_the_reviews(self):
        """Finding 4: the salesperson made Solution Architect (or Project
        Manager) of their own deal cannot give that role's review; a review
        is voided, with a note, when the role changes hands; the new holder
        reviews again."""
        reviews = [
            (
                "solution_architect_id",
                "action_review_offer",
                "offer_reviewed_by_id",
                "offer_reviewed_date",
                self.user_architect,
            ),
            (
                "project_manager_id",
                "action_confirm_timeline",
                "timeline_confirmed_by_id",
                "timeline_confirmed_date",
                self.user_project_manager,
            ),
        ]
        for role_field, action, by_field, date_field, holder in reviews:
            with self.subTest(role=role_field):
                lead = self._make_lead(name=f"Four eyes {role_field}")
                self._qualify(lead)
                lead.write({role_field: self.user_salesman.id})
                with self.assertRaisesMessage(AccessError, "salesperson"):
                    getattr(lead, action)()
                self.assertFalse(lead[by_field])
                # the holder reviews; the next holder finds the review voided
                lead.write({role_field: holder.id})
                getattr(lead.with_user(holder), action)()
                self.assertEqual(lead[by_field], holder)
                lead.write({role_field: self.user_architect2.id})
                self.assertFalse(lead[by_field])
                self.assertFalse(lead[date_field])
                notes = lead.message_ids.filtered(
                    lambda message: "voided" in (message.body or "")
                )
                self.assertEqual(len(notes), 1)
                # control: the new holder reviews
                getattr(lead.with_user(self.user_architect2), action)()
                self.assertEqual(lead[by_field], self.user_architect2)
                self.assertTrue(lead[date_field])

    def test_a_quotation_is_not_born_sent_or_confirmed(self):
        """Finding 5: a quotation of an unreviewed deal is not created sent or
        confirmed; with "New orders need an opportunity", an order without one
        is neither confirmed nor created confirmed. Controls: the reviewed
        deal's quotation, and the order once the setting is off."""
        orders = self._sales_orders()
        customer = self._new_company("Born AG")
        lead = self._deal(customer, ready=False)
        for state in ("sent", "sale"):
            with self.subTest(state=state):
                with self.assertRaisesMessage(UserError, "Missing"):
                    orders.create(self._order_values(lead, state=state))
        self.assertFalse(orders.search([("opportunity_id", "=", lead.id)]))
        make_offer_ready(lead, self.user_architect, self.user_project_manager)
        sent = orders.create(self._order_values(lead, state="sent"))
        self.assertEqual(sent.state, "sent")
        # the company's setting
        plain = orders.create(self._order_values(partner=customer))
        self.env.company.onboarding_require_opportunity = True
        refused = "confirms only orders of an opportunity"
        with self.assertRaisesMessage(UserError, refused):
            plain.action_confirm()
        self.assertEqual(plain.state, "draft")
        with self.assertRaisesMessage(UserError, refused):
            orders.create(self._order_values(partner=customer, state="sale"))
        self.env.company.onboarding_require_opportunity = False
        plain.action_confirm()
        self.assertEqual(plain.state, "sale")

    def test_evidence_is_established_not_typed(self):
        """Finding 6: an onboarding's evidence fields and its orders are
        neither written nor created; a checklist line's evidence and "done"
        are not written, nor an evidence line's kind or onboarding; the
        invoicing item stays open without a posted invoice, so Done stays
        closed. Control: a manual item is ticked by its button."""
        onboarding = self.onboarding.with_user(self.user_salesman)
        onboardings = self.env["vshn.onboarding"].with_user(self.user_salesman)
        forged = {
            "initialized": True,
            "date_done": fields.Date.today(),
            "dod_complete": True,
            "retrospective_required": False,
            "order_ids": [Command.set([])],
        }
        refused = "none of it is typed"
        for field, value in forged.items():
            with self.subTest(field=field, how="write"):
                with self.assertRaisesMessage(UserError, refused):
                    onboarding.write({field: value})
            with self.subTest(field=field, how="create"):
                with self.assertRaisesMessage(UserError, refused):
                    onboardings.create(
                        {"name": "Forged", "partner_id": self.customer.id, field: value}
                    )
        self.assertFalse(onboarding.initialized)
        self.assertEqual(onboarding.order_ids, self.order)
        # checklist lines
        invoicing = onboarding.dod_line_ids.filtered("evidence")
        manual = onboarding.dod_line_ids - invoicing
        self.assertEqual(len(invoicing), 1)
        other = onboardings.create({"name": "Other", "partner_id": self.customer.id})
        line_writes = [
            (manual[0], {"evidence": "invoice_posted"}),
            (manual[0], {"is_done": True}),
            (invoicing, {"evidence": False}),
            (invoicing, {"is_done": True}),
            (invoicing, {"kind": "setup"}),
            (invoicing, {"onboarding_id": other.id}),
        ]
        for line, vals in line_writes:
            with self.subTest(evidence=line.evidence, vals=vals):
                with self.assertRaisesMessage(UserError, "not written, removed"):
                    line.write(vals)
        self.assertEqual(invoicing.evidence, "invoice_posted")
        self.assertEqual(invoicing.onboarding_id, self.onboarding)
        # control: a manual item is ticked by its button
        manual[0].action_mark_done()
        self.assertTrue(manual[0].is_done)
        # the invoicing item ticks itself, on a posted invoice only
        manual.write({"state": "done"})
        invoicing.write({"state": "done"})
        self.assertFalse(invoicing.is_done)
        self.assertFalse(onboarding.dod_complete)
        with self.assertRaisesMessage(ValidationError, invoicing.name):
            onboarding.write({"stage_id": self.stage_onboarding_done.id})
        self.assertFalse(onboarding.is_done)
        self.order._create_invoices().action_post()
        self.assertTrue(invoicing.is_done)
        self.assertTrue(onboarding.dod_complete)

    def test_conversion_and_customer_number_are_not_forged(self):
        """Finding 7: an order's conversion state and onboarding are not
        written, so converting again changes nothing; a customer number is not
        written (a new contact copies its company's); two companies never
        share one, even written by the process."""
        order = self.order.with_user(self.user_salesman)
        onboardings = self.env["vshn.onboarding"]
        other = onboardings.create(
            {"name": "Elsewhere", "partner_id": self.customer.id}
        )
        count = onboardings.search_count([("partner_id", "=", self.customer.id)])
        lines = len(self.onboarding.checklist_line_ids)
        for vals in (
            {"onboarding_conversion": False},
            {"onboarding_conversion": "pending"},
            {"onboarding_id": False},
            {"onboarding_id": other.id},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesMessage(UserError, "never by hand"):
                    order.write(vals)
        self.assertEqual(order.onboarding_conversion, "done")
        self.assertEqual(order.onboarding_id, self.onboarding)
        result = order.action_convert_to_customer()
        self.assertEqual(result["params"]["type"], "info")
        self.assertEqual(
            onboardings.search_count([("partner_id", "=", self.customer.id)]), count
        )
        self.assertEqual(len(self.onboarding.checklist_line_ids), lines)
        # the customer number
        reference = self.customer.customer_reference
        self.assertTrue(reference)
        partners = self.env["res.partner"].with_user(self.user_salesman)
        refused = "not written by hand"
        for partner, value in (
            (self.customer, "C-FORGED"),
            (self.customer, False),
            (self.customer_contact, "C-FORGED"),
        ):
            with self.subTest(partner=partner.name, reference=value):
                with self.assertRaisesMessage(UserError, refused):
                    partner.with_user(self.user_salesman).write(
                        {"customer_reference": value}
                    )
        with self.assertRaisesMessage(UserError, refused):
            partners.create(
                {"name": "Forged AG", "is_company": True, "customer_reference": "C-1"}
            )
        self.assertEqual(self.customer.customer_reference, reference)
        # control: a new contact of the customer copies its number
        contact = partners.create(
            {"name": "New Colleague", "parent_id": self.customer.id}
        )
        self.assertEqual(contact.customer_reference, reference)
        # two companies cannot share it, even through the process
        twin = self._new_company("Twin AG").with_user(self.user_salesman)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            as_process(twin).write({"customer_reference": reference})
            twin.flush_recordset()

    def test_initialization_stays_out_of_a_hidden_project(self):
        """Finding 8: an onboarding whose order points to a project the user
        cannot see is not initialized into it, by entering Initialization or
        by the button: a clear error names the project. A visible project
        takes the tasks."""
        projects = self.env["project.project"]
        secret = projects.create(
            {
                "name": "Secret Delivery",
                "privacy_visibility": "followers",
                "allow_billable": True,
            }
        )
        self.assertNotIn(self.user_salesman.partner_id, secret.message_partner_ids)
        self.order.project_id = secret
        onboarding = self.onboarding.with_user(self.user_salesman)
        entries = {
            "stage": lambda: onboarding.write(
                {"stage_id": self.stage_initialization.id}
            ),
            "button": onboarding.action_initialize,
        }
        for how, enter in entries.items():
            with self.subTest(how=how):
                with (
                    mute_logger(*ACCESS_LOGGERS),
                    self.assertRaisesMessage(UserError, "Secret Delivery"),
                ):
                    enter()
                self.assertFalse(self.onboarding.initialized)
                self.assertFalse(self.onboarding.task_ids)
        # control: a project the user sees
        visible = projects.create(
            {
                "name": "Open Delivery",
                "privacy_visibility": "employees",
                "allow_billable": True,
            }
        )
        self.order.project_id = visible
        onboarding.write({"stage_id": self.stage_initialization.id})
        self.assertTrue(onboarding.initialized)
        self.assertEqual(onboarding.project_id, visible)
        self.assertEqual(onboarding.task_ids.project_id, visible)

    def test_merges_escalations_and_losses_keep_their_owners(self):
        """Finding 10: a role holder who may not delete a deal does not merge
        it away; the escalation fields are not written; the salesperson does
        not resolve their own escalation, its owner and a manager do; a
        documented loss stays documented; the old plan launcher is gone."""
        first = self._make_lead(name="Merge A")
        second = self._make_lead(name="Merge B")
        self._qualify(first | second)
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            (first | second).with_user(self.user_architect).merge_opportunity()
        self.assertEqual(len((first | second).exists()), 2)
        # control: who may delete deals merges them
        (first | second).with_user(self.user_sales_manager).merge_opportunity()
        self.assertEqual(len((first | second).exists()), 1)

        # escalation
        self.env.company.escalation_legal_user_id = self.user_legal
        escalated = self._make_lead(name="Special terms") | self._make_lead(
            name="More special terms"
        )
        self.env["crm.lead.escalate"].with_user(self.user_salesman).create(
            {"lead_ids": escalated.ids, "target": "legal", "reason": "Liability cap"}
        ).action_escalate()
        self.assertEqual(set(escalated.mapped("escalation_state")), {"escalated"})
        lead, other = escalated
        for field in ("escalation_state", "escalation_target", "escalation_reason"):
            with self.subTest(field=field):
                with self.assertRaisesMessage(UserError, "not written directly"):
                    lead.write({field: False})
        with self.assertRaisesMessage(AccessError, "Lea Legal"):
            lead.action_resolve_escalation()
        self.assertEqual(lead.escalation_state, "escalated")
        # control: the owner resolves by marking the activity done ...
        lead.activity_ids.filtered(
            lambda activity: activity.user_id == self.user_legal
        ).with_user(self.user_legal).action_feedback(feedback="Approved")
        lead.invalidate_recordset()
        self.assertEqual(lead.escalation_state, "resolved")
        # ... and a manager resolves too
        other.with_user(self.user_manager).action_resolve_escalation()
        self.assertEqual(other.escalation_state, "resolved")

        # a documented loss
        lost = self._make_lead(name="Gone")
        lost.action_set_lost(
            lost_reason_id=self.lost_reason.id, lost_explanation="Chose a hyperscaler."
        )
        self.assertFalse(lost.active)
        for vals in (
            {"lost_reason_id": False},
            {"lost_explanation": False},
            {"lost_explanation": "   "},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesMessage(ValidationError, "lost reason and a"):
                    lost.write(vals)
        self.assertEqual(lost.lost_reason_id, self.lost_reason)
        lost.write({"lost_explanation": "Chose a hyperscaler for the price."})
        self.assertFalse(lost.active)
        for model in ("sale.order", "vshn.onboarding"):
            self.assertFalse(hasattr(self.env[model], "action_launch_onboarding_plan"))

    def test_a_detached_sent_quotation_does_not_return_to_an_unreviewed_deal(self):
        """Finding 11: a quotation detached from its deal, sent, then linked
        back to the unreviewed deal is refused; once the deal is reviewed, it
        links."""
        lead = self._make_lead(name="Unreviewed")
        orders = self._sales_orders()
        sends = {
            "mark as sent": lambda order: order.action_quotation_sent(),
            "write": lambda order: order.write({"state": "sent"}),
        }
        for how, send in sends.items():
            with self.subTest(how=how):
                order = orders.create(self._order_values(lead))
                order.write({"opportunity_id": False})
                send(order)
                self.assertEqual(order.state, "sent")
                with self.assertRaisesMessage(UserError, "Missing"):
                    order.write({"opportunity_id": lead.id})
                self.assertFalse(order.opportunity_id)
        # control
        make_offer_ready(lead, self.user_architect, self.user_project_manager)
        order.write({"opportunity_id": lead.id})
        self.assertEqual(order.opportunity_id, lead)

    def test_portal_customer_does_not_read_the_onboarding_of_an_order(self):
        """Finding 13: a portal customer reads their own order, not its
        onboarding, onboarding stage or conversion state."""
        self.order.message_subscribe(self.user_portal.partner_id.ids)
        order = self.order.with_user(self.user_portal)
        self.assertEqual(order.read(["name"])[0]["name"], self.order.name)
        for field in ("onboarding_id", "onboarding_stage_id", "onboarding_conversion"):
            with self.subTest(field=field):
                with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                    order.read([field])

    def test_one_order_confirmed_twice_in_one_call_starts_once(self):
        """Finding 15: an order confirmed through a recordset holding it twice
        starts one onboarding, as a single confirmation does: the same
        checklist, activities and one summary note."""
        orders = self._sales_orders()
        started = {}
        for how in ("once", "twice"):
            customer = self._new_company(f"Confirmed {how} AG")
            order = orders.create(self._order_values(self._deal(customer)))
            ids = [order.id] * (2 if how == "twice" else 1)
            orders.browse(ids).action_confirm()
            self.assertEqual(order.state, "sale")
            onboarding = order.onboarding_id.with_env(self.env)
            self.assertEqual(
                self.env["vshn.onboarding"].search_count(
                    [("partner_id", "=", customer.id)]
                ),
                1,
            )
            lines = onboarding.checklist_line_ids
            self.assertEqual(len(lines.template_id), len(lines))
            started[how] = {
                "lines": len(lines),
                "activities": sorted(
                    (activity.activity_type_id.id, activity.user_id.id)
                    for activity in onboarding.activity_ids
                ),
                "notes": len(
                    onboarding.message_ids.filtered(
                        lambda message: "onboarding started" in (message.body or "")
                    )
                ),
                "messages": len(onboarding.message_ids),
            }
        self.assertEqual(started["twice"], started["once"])
        self.assertEqual(started["twice"]["notes"], 1)

    def test_bypass_wizard_takes_a_gated_model_a_stage_and_ids(self):
        """Finding 16: the manager's bypass wizard refuses a missing target
        stage, a model without gates and ids that are not a list of ids; a
        proper bypass moves the deal and logs it."""
        lead = self._make_lead(name="Met at a fair")
        wizards = self.env["vshn.onboarding.gate.bypass"].with_user(self.user_manager)
        proper = {
            "res_model": "crm.lead",
            "res_ids": str(lead.ids),
            "crm_stage_id": self.stage_sa_meeting.id,
            "reason": "Qualified in person at the fair",
        }
        refusals = {
            "no target stage": ({"crm_stage_id": False}, "Choose the stage"),
            "ungated model": (
                {"res_model": "res.users", "res_ids": str(self.user_manager.ids)},
                "Gates exist on opportunities and onboardings only",
            ),
            "unparsable ids": ({"res_ids": "[1,2"}, "must be a list of ids"),
            "code for ids": ({"res_ids": '__import__("os")'}, "must be a list of ids"),
            "booleans for ids": ({"res_ids": "[True]"}, "must be a list of ids"),
        }
        for case, (vals, message) in refusals.items():
            with self.subTest(case=case):
                with self.assertRaisesMessage(UserError, message) as caught:
                    wizards.create(dict(proper, **vals)).action_bypass()
                self.assertIs(type(caught.exception), UserError)
                self.assertEqual(lead.stage_id, self.stage_qualify)
        # control
        wizards.create(proper).action_bypass()
        self.assertEqual(lead.stage_id, self.stage_sa_meeting)
        self.assertIn("Martin Manager bypassed the gate", lead.message_ids[0].body)

    def test_companies_and_dates_stay_consistent(self):
        """Finding 17: another company's contact as the right contact and
        another company's user as Solution Architect are refused; an
        onboarding's planned end or kickoff before Day 0 is refused; so is a
        negative retrospective threshold. Controls: the same, consistent."""
        lead = self._make_lead(name="Home deal")
        self.assertEqual(lead.company_id, self.env.company)
        for vals in (
            {"qualification_contact_id": self.foreign_contact.id},
            {"solution_architect_id": self.foreign_user.id},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesMessage(UserError, "Incompatible companies"):
                    lead.write(vals)
        self.assertFalse(lead.qualification_contact_id)
        self.assertFalse(lead.solution_architect_id)
        lead.write(
            {
                "qualification_contact_id": self.customer_contact.id,
                "solution_architect_id": self.user_architect.id,
            }
        )
        self.assertEqual(lead.solution_architect_id, self.user_architect)
        # dates of an onboarding
        onboarding = self.onboarding.with_user(self.user_salesman)
        day0 = onboarding.date_start
        before = day0 - timedelta(days=1)
        for vals in (
            {"date_end_planned": before},
            {"kickoff_date": datetime.combine(before, time(9))},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesMessage(ValidationError, "before Day 0"):
                    onboarding.write(vals)
        after = day0 + timedelta(days=1)
        onboarding.write(
            {
                "date_end_planned": after + timedelta(days=30),
                "kickoff_date": datetime.combine(after, time(9)),
            }
        )
        self.assertEqual(onboarding.kickoff_date.date(), after)
        # the company's threshold, kept by administrators in the settings
        company = self.env.company
        with self.assertRaisesMessage(ValidationError, "cannot be negative"):
            company.onboarding_retrospective_amount = -1
        company.onboarding_retrospective_amount = 0
        company.onboarding_retrospective_amount = 50000
        self.assertEqual(company.onboarding_retrospective_amount, 50000)

    def test_finance_reads_and_invoices_orders_it_did_not_sell(self):
        """Finding 18: an Onboarding Finance user who is not the salesperson
        reads an order and invoices it, directly or with the invoicing wizard;
        an Onboarding User with no part in the order does not read it."""
        finance = self.user_finance
        invoicers = {
            "create invoices": lambda order: order._create_invoices(),
            "wizard": lambda order: self.env["sale.advance.payment.inv"]
            .with_user(finance)
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
            .create_invoices(),
        }
        for how, invoice in invoicers.items():
            with self.subTest(how=how):
                order = self._sales_orders().create(
                    self._order_values(partner=self.customer)
                )
                order.action_confirm()
                self.assertNotEqual(order.user_id, finance)
                as_finance = order.with_env(self.env).with_user(finance)
                self.assertEqual(as_finance.read(["name"])[0]["name"], order.name)
                self.assertEqual(as_finance.invoice_status, "to invoice")
                invoice(as_finance)
                invoices = as_finance.invoice_ids
                self.assertEqual(len(invoices), 1)
                self.assertEqual(invoices.amount_untaxed, order.amount_untaxed)
                invoices.action_post()
                self.assertEqual(invoices.state, "posted")
                self.assertEqual(order.invoice_status, "invoiced")
        with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
            self.order.with_user(self.user_architect2).read(["name"])
