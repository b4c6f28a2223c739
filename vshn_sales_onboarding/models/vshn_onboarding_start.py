# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import format_date

from .vshn_onboarding_gate_mixin import as_process

_logger = logging.getLogger(__name__)

# Onboardings are created and filled without mail.thread's creation log and
# tracking: one summary per onboarding says what was started.
QUIET_CREATE = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "tracking_disable": True,
}


class VshnOnboarding(models.Model):
    """Starting onboardings from confirmed orders, in batch."""

    _inherit = "vshn.onboarding"

    @api.model
    def _vshn_start_for_orders(self, orders):
        """Attach each order to an onboarding (new or open) or to none.

        The rule, per customer (commercial entity), in order of confirmation:
        an open onboarding of the customer takes the order; a customer without
        any onboarding gets a full one; an existing customer's order of an
        offering type none of its onboardings had gets what the company's
        *New Offering Onboarding* says (light by default, full, or none); any
        other order gets none (follow-up and upsell). Returns the onboardings
        started.
        """
        plan = self._vshn_plan_onboardings(orders)
        first_stage = self.env["vshn.onboarding.stage"].search([], limit=1)
        onboardings = as_process(
            self.with_context(vshn_onboarding_starting=True, **QUIET_CREATE)
        ).create(
            [
                dict(
                    vals,
                    stage_id=first_stage.id,
                    order_ids=[Command.set(plan_orders.ids)],
                )
                for vals, plan_orders in plan
            ]
        )
        onboardings = onboardings.with_context(vshn_onboarding_starting=True)
        onboardings._vshn_fill_stakeholders()
        onboardings._vshn_create_checklists()
        activities = onboardings._vshn_plan_activities()
        onboardings._vshn_log_start(activities)
        onboardings._vshn_send_digests(activities)
        onboardings._vshn_introduce_account_team()
        onboardings._vshn_run_setup_actions()
        return onboardings.with_context(vshn_onboarding_starting=False)

    @api.model
    def _vshn_plan_onboardings(self, orders):
        """[(onboarding values, orders)] to create; joins and none written here."""
        customers = orders.partner_id.commercial_partner_id
        # every onboarding of the customer counts, not only those the
        # converting salesperson may read
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", customers.ids)], order="date_start, id")
        )
        open_by_customer = {}
        offerings_by_customer = defaultdict(set)
        for onboarding in existing:
            offerings_by_customer[onboarding.partner_id].add(onboarding.offering_type)
            if onboarding.active and not onboarding.is_done:
                open_by_customer.setdefault(onboarding.partner_id, onboarding)
        planned = {}  # customer -> [vals, orders] of the onboarding started here
        joining = defaultdict(lambda: self.env["sale.order"])
        policies = {}
        for order in orders.sorted(lambda order: (order.date_order, order.id)):
            customer = order.partner_id.commercial_partner_id
            offering = order.opportunity_id.offering_type
            if customer in planned:
                planned[customer][1] |= order
                continue
            if customer in open_by_customer:
                joining[open_by_customer[customer]] |= order
                continue
            seen = offerings_by_customer[customer]
            if not seen:
                kind = "full"
            elif offering and offering not in seen:
                company = order.company_id
                if company not in policies:
                    policies[company] = company.onboarding_new_offering_policy
                kind = policies[company] if policies[company] != "none" else False
            else:
                kind = False
            if kind:
                planned[customer] = [order._vshn_get_onboarding_values(kind), order]
        for onboarding, join_orders in joining.items():
            as_process(join_orders).write({"onboarding_id": onboarding.id})
            onboarding._message_log(
                body=self.env._(
                    "%(orders)s joined this onboarding.",
                    orders=", ".join(join_orders.mapped("name")),
                )
            )
        return [tuple(entry) for entry in planned.values()]

    def _vshn_fill_stakeholders(self):
        """The team: the customer's account team, then the deal team, then defaults.

        Account-team roles the customer still lacks are filled from here.
        """
        roles = self.env["vshn.onboarding.role"].search([])
        defaults = self.env["vshn.onboarding.role.default"].search(
            [("company_id", "in", self.company_id.ids)]
        )
        customer_lines = self.partner_id.stakeholder_ids
        lines, team_lines = [], []
        for onboarding in self:
            customer = onboarding.partner_id
            held = {}
            for line in customer_lines.filtered(
                lambda line, c=customer: line.customer_id == c
            ):
                if line.user_id:
                    held[line.role_id] = line.user_id
            for line in onboarding.lead_id.stakeholder_ids:
                if line.user_id:
                    held.setdefault(line.role_id, line.user_id)
            for role in roles.filtered(lambda role, held=held: role not in held):
                default = defaults._get_best(
                    onboarding.company_id,
                    onboarding.segment_id,
                    onboarding.offering_type,
                    role,
                )
                if default:
                    held[role] = default.user_id
            lines += [
                {"onboarding_id": onboarding.id, "role_id": role.id, "user_id": user.id}
                for role, user in held.items()
            ]
            customer_roles = customer_lines.filtered(
                lambda line, c=customer: line.customer_id == c and line.user_id
            ).role_id
            team_lines += [
                {"customer_id": customer.id, "role_id": role.id, "user_id": user.id}
                for role, user in held.items()
                if role.account_team and role not in customer_roles
            ]
        self.env["vshn.onboarding.stakeholder"].create(lines)
        # The account team is changed by managers only; the conversion fills the
        # roles the customer does not have yet from the deal, as agreed at sale.
        vacant = customer_lines.filtered(lambda line: not line.user_id)
        vacant_keys = {(line.customer_id.id, line.role_id.id): line for line in vacant}
        creates = []
        for vals in team_lines:
            line = vacant_keys.get((vals["customer_id"], vals["role_id"]))
            if line:
                line.sudo().user_id = vals["user_id"]
            elif (vals["customer_id"], vals["role_id"]) not in {
                (v["customer_id"], v["role_id"]) for v in creates
            }:
                creates.append(vals)
        self.env["vshn.onboarding.stakeholder"].sudo().create(creates)

    def _vshn_create_checklists(self):
        templates = self.env["vshn.onboarding.checklist.template"].search([])
        self.env["vshn.onboarding.checklist.line"].create(
            [
                {
                    "onboarding_id": onboarding.id,
                    "template_id": template.id,
                    "name": template.name,
                    "sequence": template.sequence,
                    "kind": template.kind,
                    "evidence": template.evidence,
                }
                for onboarding in self
                for template in templates
                if template.kind == "dod" or onboarding.kind == "full"
            ]
        )

    # ------------------------------------------------------------------
    # Activities: the journey's first steps, created in one batch
    # ------------------------------------------------------------------

    def _vshn_plan_activities(self):
        """Start the journeys (Day 0 and Day 1 steps) and plan the introduction
        review, all activities in one create.

        Without core's per-activity assignment mail: the assignees get one
        digest per batch instead (``_vshn_send_digests``).
        """
        model_id = self.env["ir.model"]._get_id(self._name)
        intro_type = self.env.ref(
            "vshn_sales_onboarding.mail_activity_type_introduction"
        )
        intro_vals = [
            {
                "res_model_id": model_id,
                "res_id": onboarding.id,
                "activity_type_id": intro_type.id,
                "summary": intro_type.summary,
                "user_id": (onboarding.account_manager_id or onboarding.user_id).id,
                "date_deadline": onboarding.date_start
                + relativedelta(days=intro_type.delay_count),
                "automated": False,
            }
            for onboarding in self._vshn_get_to_introduce().filtered(
                lambda onboarding: not onboarding.company_id.onboarding_intro_auto_send
            )
        ]
        return self._vshn_start_journeys(extra_activity_vals=intro_vals)

    def _vshn_log_start(self, activities):
        """One note per onboarding saying what was started."""
        activities_by_onboarding = defaultdict(list)
        for activity in activities:
            activities_by_onboarding[activity.res_id].append(activity)
        emails = self._vshn_get_journey_summary()
        bodies = {}
        for onboarding in self:
            items = [
                self.env._(
                    "%(activity)s for %(user)s, due %(deadline)s",
                    activity=activity.summary or activity.activity_type_id.name,
                    user=activity.user_id.name,
                    deadline=format_date(self.env, activity.date_deadline),
                )
                for activity in activities_by_onboarding[onboarding.id]
            ] + emails[onboarding.id]
            team = [
                f"{line.role_id.name}: {line.user_id.name}"
                for line in onboarding.stakeholder_ids
                if line.user_id
            ]
            bodies[onboarding.id] = Markup(
                "<p>%s</p><p>%s</p><ul>%s</ul><p>%s</p><ul>%s</ul>"
            ) % (
                self.env._(
                    "%(customer)s signed %(orders)s: %(kind)s onboarding started "
                    "(Day 0: %(day0)s).",
                    customer=onboarding.partner_id.name,
                    orders=", ".join(onboarding.order_ids.mapped("name")),
                    kind=dict(self._fields["kind"]._description_selection(self.env))[
                        onboarding.kind
                    ].lower(),
                    day0=format_date(self.env, onboarding.date_start),
                ),
                self.env._("Team"),
                Markup().join(Markup("<li>%s</li>") % item for item in team),
                self.env._("Planned"),
                Markup().join(Markup("<li>%s</li>") % item for item in items),
            )
        self._message_log_batch(bodies=bodies)

    def _vshn_send_digests(self, activities):
        """Tell each stakeholder once per batch what started and what they got.

        The roles told on signature (CSM and SM in the process) learn that the
        customer signed through this digest too.
        """
        by_user = defaultdict(lambda: {"onboardings": self.browse(), "activities": []})
        for onboarding in self:
            for line in onboarding.stakeholder_ids:
                if line.user_id and line.role_id.notified_on_signature:
                    by_user[line.user_id]["onboardings"] |= onboarding
        for activity in activities:
            if activity.user_id != self.env.user:
                by_user[activity.user_id]["activities"].append(activity)
        for user, digest in by_user.items():
            if not user.partner_id:
                continue
            items = [
                self.env._(
                    "%(customer)s signed: onboarding started", customer=o.display_name
                )
                for o in digest["onboardings"]
            ] + [
                self.env._(
                    "%(record)s: %(activity)s, due %(deadline)s",
                    record=self.browse(activity.res_id).display_name,
                    activity=activity.summary or activity.activity_type_id.name,
                    deadline=format_date(self.env, activity.date_deadline),
                )
                for activity in digest["activities"]
            ]
            self._vshn_notify_digest(
                user, self.env._("New onboardings: what is yours"), items
            )

    @api.model
    def _vshn_notify_digest(self, user, subject, items):
        """One note to ``user`` listing ``items``, from OdooBot: the process
        runs as whoever converted (who may have no e-mail address) or as a
        scheduled action. The caller's context decides how its e-mail leaves."""
        return self.env["mail.thread"].message_notify(
            # cached id: one digest per person costs no lookup of OdooBot
            author_id=self.env["ir.model.data"]._xmlid_to_res_id("base.partner_root"),
            partner_ids=user.partner_id.ids,
            subject=subject,
            body=Markup("<ul>%s</ul>")
            % Markup().join(Markup("<li>%s</li>") % item for item in items),
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------
    # Introduction and external setup
    # ------------------------------------------------------------------

    def _vshn_get_to_introduce(self):
        """Full onboardings of customers never introduced to their team."""
        return self.filtered(
            lambda onboarding: onboarding.kind == "full"
            and not onboarding.partner_id.onboarding_introduced_date
        )

    def _vshn_introduce_account_team(self):
        """Send the introduction or leave it to its review activity; once a customer."""
        to_introduce = self._vshn_get_to_introduce()
        template = self.env.ref("vshn_sales_onboarding.mail_template_introduction")
        for onboarding in to_introduce.filtered(
            "company_id.onboarding_intro_auto_send"
        ):
            onboarding.message_post_with_source(
                template, subtype_xmlid="mail.mt_comment"
            )
        if to_introduce:
            # the introduction is the customer's, whoever started the onboarding
            as_process(to_introduce.partner_id.sudo()).write(
                {"onboarding_introduced_date": fields.Date.context_today(self)}
            )

    def _vshn_run_setup_actions(self):
        """Run the setup items' server actions (e.g. webhooks) once committed.

        They reach outside systems, so they run after the conversion's
        transaction commits (never inside one that may yet roll back or be
        retried, which would call the outside twice), in a transaction of
        their own, as the user who converted.
        """
        # which action each item runs is the administrators' configuration;
        # running it is the converting user's
        lines = self.setup_line_ids.sudo().filtered("template_id.action_server_id")
        runs = [
            (
                action.id,
                lines.filtered(
                    lambda line, action=action: line.template_id.action_server_id
                    == action
                ).onboarding_id.ids,
            )
            for action in lines.template_id.action_server_id
        ]
        if not runs:
            return
        registry, uid = self.env.registry, self.env.uid

        @self.env.cr.postcommit.add
        def run_setup_actions():
            with registry.cursor() as cr:
                env = api.Environment(cr, uid, {})
                env["vshn.onboarding"]._vshn_run_setup_actions_now(runs)

    @api.model
    def _vshn_run_setup_actions_now(self, runs):
        """Run each (action id, onboarding ids); a failure is noted, not raised."""
        for action_id, onboarding_ids in runs:
            action = self.env["ir.actions.server"].browse(action_id).exists()
            onboardings = self.browse(onboarding_ids).exists()
            if not action or not onboardings:
                continue
            action_name = action.sudo().name  # the name only, for the note
            try:
                with self.env.cr.savepoint():
                    action.with_context(
                        active_model=self._name,
                        active_ids=onboardings.ids,
                        active_id=onboardings[:1].id,
                    ).run()
            except Exception as error:  # any failure is reported, none undoes
                _logger.warning("Setup action %s failed: %s", action_name, error)
                # the note is the system's, whatever the converting user may post
                onboardings.sudo()._message_log_batch(
                    bodies={
                        onboarding.id: self.env._(
                            "The setup action %(action)s failed: %(error)s. Do "
                            "that setup item by hand, or fix the action and run "
                            "it from the Action menu.",
                            action=action_name,
                            error=error,
                        )
                        for onboarding in onboardings
                    }
                )
