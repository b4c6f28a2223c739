# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .crm_lead import OFFERING_TYPES
from .mail_activity_plan_template import ONBOARDING_ROLES
from .res_partner import COMPLEXITY_LEVELS
from .vshn_onboarding_role_default import DEFAULT_ROLE_FIELDS

# Roles kept on the customer too, so that the next order knows the account team
# (sale.order field -> res.partner field).
PARTNER_ROLE_FIELDS = {
    "onboarding_account_manager_id": "account_manager_id",
    "onboarding_csm_id": "csm_id",
    "onboarding_service_manager_id": "service_manager_id",
    "onboarding_tsm_id": "tsm_id",
}
# The roles of the lead that carry over (crm.lead field -> sale.order field).
LEAD_ROLE_FIELDS = {
    "account_manager_id": "onboarding_account_manager_id",
    "solution_architect_id": "onboarding_solution_architect_id",
    "project_manager_id": "onboarding_project_manager_id",
}
ROLE_FIELDS = [field for field, _label in ONBOARDING_ROLES.values()]
USER_DOMAIN = "[('share', '=', False)]"


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "vshn.onboarding.gate.mixin"]
    _gate_stage_field = "onboarding_stage_id"

    # Onboarding progress
    onboarding_stage_id = fields.Many2one(
        "vshn.onboarding.stage",
        index="btree_not_null",
        tracking=True,
        copy=False,
        group_expand="_read_group_onboarding_stage_ids",
    )
    onboarding_is_done = fields.Boolean(related="onboarding_stage_id.is_done")
    onboarding_date_start = fields.Date(
        string="Day 0",
        copy=False,
        tracking=True,
        help="The day the deal was won or its quotation confirmed.",
    )
    onboarding_date_end_planned = fields.Date(
        string="Planned End",
        compute="_compute_onboarding_date_end_planned",
        store=True,
        readonly=False,
    )
    onboarding_days_since_start = fields.Integer(
        string="Days Since Day 0", compute="_compute_onboarding_days"
    )
    onboarding_is_overdue = fields.Boolean(
        string="Onboarding Overdue",
        compute="_compute_onboarding_days",
        search="_search_onboarding_is_overdue",
    )
    onboarding_segment_id = fields.Many2one(
        "vshn.onboarding.segment",
        string="Segment",
        compute="_compute_onboarding_segment_id",
        store=True,
        readonly=False,
        index="btree_not_null",
    )
    onboarding_complexity = fields.Selection(
        COMPLEXITY_LEVELS,
        string="Complexity",
        compute="_compute_onboarding_segment_id",
        store=True,
        readonly=False,
    )
    onboarding_offering_type = fields.Selection(
        OFFERING_TYPES,
        string="Offering Type",
        compute="_compute_onboarding_offering_type",
        store=True,
        readonly=False,
        tracking=True,
    )
    onboarding_amount = fields.Monetary(
        related="amount_untaxed",
        string="Onboarding Amount",
        groups="vshn_sales_onboarding.group_onboarding_finance",
    )

    # Stakeholder roles
    onboarding_account_manager_id = fields.Many2one(
        "res.users",
        string="(Key) Account Manager",
        tracking=True,
        index="btree_not_null",
        domain=USER_DOMAIN,
    )
    onboarding_csm_id = fields.Many2one(
        "res.users",
        string="Customer Success Manager",
        tracking=True,
        index="btree_not_null",
        domain=USER_DOMAIN,
    )
    onboarding_service_manager_id = fields.Many2one(
        "res.users",
        string="Service Manager",
        tracking=True,
        index="btree_not_null",
        domain=USER_DOMAIN,
    )
    onboarding_tsm_id = fields.Many2one(
        "res.users",
        string="Technical Service Manager",
        tracking=True,
        index="btree_not_null",
        domain=USER_DOMAIN,
    )
    onboarding_project_manager_id = fields.Many2one(
        "res.users",
        string="Project Manager",
        tracking=True,
        index="btree_not_null",
        domain=USER_DOMAIN,
    )
    onboarding_solution_architect_id = fields.Many2one(
        "res.users",
        string="Solution Architect",
        tracking=True,
        index="btree_not_null",
        domain=USER_DOMAIN,
    )
    onboarding_tpm_id = fields.Many2one(
        "res.users",
        string="Technical Project Manager",
        tracking=True,
        index="btree_not_null",
        domain=USER_DOMAIN,
    )
    onboarding_technical_contact_id = fields.Many2one(
        "res.partner",
        string="Customer's Technical Contact",
        help="The customer's technical point of contact during the onboarding.",
    )

    # Checklists and initialization
    onboarding_checklist_line_ids = fields.One2many(
        "vshn.onboarding.checklist.line", "order_id", string="Onboarding Checklist"
    )
    onboarding_dod_line_ids = fields.One2many(
        "vshn.onboarding.checklist.line",
        "order_id",
        string="Definition of Done",
        domain=[("kind", "=", "dod")],
    )
    onboarding_setup_line_ids = fields.One2many(
        "vshn.onboarding.checklist.line",
        "order_id",
        string="External Setup",
        domain=[("kind", "=", "setup")],
    )
    onboarding_dod_progress = fields.Float(
        string="Definition of Done (%)",
        compute="_compute_onboarding_dod_progress",
        store=True,
        aggregator="avg",
    )
    onboarding_dod_complete = fields.Boolean(
        string="Definition of Done Complete",
        compute="_compute_onboarding_dod_progress",
        store=True,
    )
    onboarding_initialized = fields.Boolean(readonly=True, copy=False)
    onboarding_task_ids = fields.One2many(
        "project.task", "onboarding_order_id", string="Onboarding Tasks"
    )
    onboarding_task_count = fields.Integer(compute="_compute_onboarding_task_count")

    # Kickoff, handover, retrospective
    onboarding_kickoff_date = fields.Datetime(string="Kickoff", copy=False)
    onboarding_handover_done = fields.Boolean(
        string="Handover Done", compute="_compute_onboarding_plan_done"
    )
    onboarding_kickoff_done = fields.Boolean(
        string="Kickoff Held", compute="_compute_onboarding_plan_done"
    )
    onboarding_retrospective_done = fields.Boolean(
        string="Retrospective Done", compute="_compute_onboarding_plan_done"
    )
    onboarding_retrospective_required = fields.Boolean(
        string="Retrospective Required",
        compute="_compute_onboarding_retrospective_required",
        store=True,
        readonly=False,
        help="Larger onboardings end with a retrospective: high-touch segments, "
        "high complexity, or an amount above the company's threshold.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.model
    def _read_group_onboarding_stage_ids(self, stages, domain):
        return stages.search([], order=stages._order)

    @api.depends("onboarding_date_start", "onboarding_segment_id.onboarding_days")
    def _compute_onboarding_date_end_planned(self):
        for order in self:
            days = order.onboarding_segment_id.onboarding_days or 60
            order.onboarding_date_end_planned = (
                order.onboarding_date_start
                and order.onboarding_date_start + timedelta(days=days)
            )

    @api.depends("onboarding_date_start", "onboarding_date_end_planned")
    @api.depends_context("tz")
    def _compute_onboarding_days(self):
        today = fields.Date.context_today(self)
        for order in self:
            start = order.onboarding_date_start
            order.onboarding_days_since_start = (today - start).days if start else 0
            order.onboarding_is_overdue = bool(
                order.onboarding_stage_id
                and not order.onboarding_stage_id.is_done
                and order.onboarding_date_end_planned
                and order.onboarding_date_end_planned < today
            )

    def _search_onboarding_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Onboarding Overdue can only be searched with = or !=")
            )
        domain = [
            ("onboarding_stage_id.is_done", "=", False),
            ("onboarding_date_end_planned", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == bool(value):
            return domain
        return ["!", "&", *domain]

    @api.depends("partner_id", "opportunity_id")
    def _compute_onboarding_segment_id(self):
        for order in self:
            customer = order.partner_id.commercial_partner_id
            segment = order.opportunity_id.segment_id or customer.segment_id
            complexity = order.opportunity_id.complexity or customer.complexity
            if segment:
                order.onboarding_segment_id = segment
            if complexity:
                order.onboarding_complexity = complexity

    @api.depends("opportunity_id.offering_type")
    def _compute_onboarding_offering_type(self):
        for order in self:
            if order.opportunity_id.offering_type:
                order.onboarding_offering_type = order.opportunity_id.offering_type

    @api.depends("onboarding_dod_line_ids.is_done")
    def _compute_onboarding_dod_progress(self):
        for order in self:
            lines = order.onboarding_dod_line_ids
            done = len(lines.filtered("is_done"))
            order.onboarding_dod_progress = 100.0 * done / len(lines) if lines else 0.0
            order.onboarding_dod_complete = bool(lines) and done == len(lines)

    @api.depends("onboarding_task_ids")
    def _compute_onboarding_task_count(self):
        for order in self:
            order.onboarding_task_count = len(order.onboarding_task_ids)

    @api.depends("onboarding_segment_id.touch_model", "onboarding_complexity")
    def _compute_onboarding_retrospective_required(self):
        for order in self:
            threshold = order.company_id.onboarding_retrospective_amount
            order.onboarding_retrospective_required = (
                order.onboarding_segment_id.touch_model == "high"
                or order.onboarding_complexity == "high"
                or bool(threshold and order.amount_untaxed >= threshold)
            )

    @api.depends("activity_ids")
    def _compute_onboarding_plan_done(self):
        """Done means an activity of the plan's type was marked done on the order.

        The activity types keep done activities (archived, with a date done).
        """
        types = self._get_onboarding_activity_types()
        done = {key: set() for key in types}
        if self.ids:
            activities = (
                self.env["mail.activity"]
                .with_context(active_test=False)
                .sudo()
                .search_read(
                    [
                        ("res_model", "=", self._name),
                        ("res_id", "in", self.ids),
                        ("active", "=", False),
                        ("date_done", "!=", False),
                        ("activity_type_id", "in", [t.id for t in types.values()]),
                    ],
                    ["res_id", "activity_type_id"],
                )
            )
            type_keys = {t.id: key for key, t in types.items()}
            for activity in activities:
                done[type_keys[activity["activity_type_id"][0]]].add(activity["res_id"])
        for order in self:
            order.onboarding_handover_done = order.id in done["handover"]
            order.onboarding_kickoff_done = order.id in done["kickoff"]
            order.onboarding_retrospective_done = order.id in done["retrospective"]

    def _get_onboarding_activity_types(self):
        return {
            key: self.env.ref(f"vshn_sales_onboarding.mail_activity_type_{key}")
            for key in ("handover", "kickoff", "retrospective")
        }

    # ------------------------------------------------------------------
    # Gates
    # ------------------------------------------------------------------

    def _get_stage_gate_missing(self, new_stage):
        missing = super()._get_stage_gate_missing(new_stage)
        if new_stage._name != "vshn.onboarding.stage":
            return missing
        _ = self.env._
        if self.state != "sale":
            return missing + [_("a confirmed order")]
        # done activities are archived: read them afresh, not from the cache
        self.invalidate_recordset(
            [
                "onboarding_handover_done",
                "onboarding_kickoff_done",
                "onboarding_retrospective_done",
            ]
        )
        stages = self.env["vshn.onboarding.stage"].search(
            [("sequence", "<=", new_stage.sequence)]
        )
        stages |= new_stage
        if any(stages.mapped("require_roles")):
            missing += self._get_onboarding_roles_missing()
        if any(stages.mapped("require_handover")) and not (
            self.onboarding_handover_done
        ):
            missing.append(_("the internal handover done"))
        if any(stages.mapped("require_initialization")) and not (
            self.onboarding_initialized
        ):
            missing.append(_("the initialization of the offering"))
        if any(stages.mapped("require_kickoff")) and not self.onboarding_kickoff_done:
            missing.append(_("the kickoff held"))
        if any(stages.mapped("require_dod")) and not self.onboarding_dod_complete:
            open_items = self.onboarding_dod_line_ids.filtered(
                lambda line: not line.is_done
            )
            missing.append(
                _(
                    "the Definition of Done complete (open: %(items)s)",
                    items=", ".join(open_items.mapped("name")) or _("no checklist"),
                )
            )
        if (
            any(stages.mapped("require_retrospective"))
            and self.onboarding_retrospective_required
            and not self.onboarding_retrospective_done
        ):
            missing.append(_("the retrospective done"))
        return missing

    def _get_onboarding_roles_missing(self):
        _ = self.env._
        required = {
            "onboarding_account_manager_id": _("a (Key) Account Manager"),
            "onboarding_csm_id": _("a Customer Success Manager"),
            "onboarding_service_manager_id": _("a Service Manager"),
        }
        if self.onboarding_offering_type == "project":
            required["onboarding_project_manager_id"] = _("a Project Manager")
        return [label for field, label in required.items() if not self[field]]

    def write(self, vals):
        # Every way of sending a quotation ends here: the send wizard, "mark as
        # sent", the portal and RPC alike.
        if vals.get("state") == "sent":
            self.filtered(
                lambda order: order.state == "draft"
            )._check_offer_can_be_sent()
        result = super().write(vals)
        if vals.get("onboarding_stage_id"):
            self.filtered(
                lambda order: order.onboarding_stage_id.run_initialization
                and not order.onboarding_initialized
            )._vshn_initialize_onboarding()
        return result

    def action_quotation_send(self):
        self._check_offer_can_be_sent()
        return super().action_quotation_send()

    def _check_offer_can_be_sent(self):
        refusals = []
        for order in self.filtered("opportunity_id"):
            missing = order.opportunity_id._get_offer_send_missing()
            if missing:
                refusals.append(
                    self.env._(
                        "%(order)s (%(lead)s) cannot be sent yet. "
                        "Missing: %(missing)s.",
                        order=order.name,
                        lead=order.opportunity_id.display_name,
                        missing="; ".join(missing),
                    )
                )
        if refusals:
            raise UserError("\n".join(refusals))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_confirm(self):
        """Confirming the quotation wins its opportunity and converts the customer.

        Odoo leaves the opportunity open on confirmation; the won gate asks for a
        confirmed order, which now exists. An opportunity whose other gates are
        not met stays open with a note, the order is still converted: the
        customer has signed.
        """
        result = super().action_confirm()
        confirmed = self.filtered(lambda order: order.state == "sale")
        confirmed.opportunity_id._vshn_set_won_after_confirmation()
        confirmed._vshn_convert_to_customer()
        return result

    def action_convert_to_customer(self):
        return self._vshn_convert_to_customer()

    def action_open_onboarding_gate_bypass(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bypass Stage Gate"),
            "res_model": "vshn.onboarding.gate.bypass",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": self._name,
                "default_res_ids": str(self.ids),
            },
        }

    def action_initialize_onboarding(self):
        self._vshn_check_onboarding_started()
        self.filtered(
            lambda order: not order.onboarding_initialized
        )._vshn_initialize_onboarding()
        return True

    def action_view_onboarding_tasks(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project.action_view_all_task"
        )
        action.update(
            {
                "domain": [("onboarding_order_id", "in", self.ids)],
                "context": {"create": False},
            }
        )
        return action

    def action_launch_onboarding_plan(self, plan_xmlid):
        """Launch one of the onboarding activity plans on these orders.

        Does for each order what Odoo's plan wizard (``mail.activity.schedule``)
        does: one activity per plan step for the responsible its template
        resolves, and a chatter note listing them. Done in batch, one create for
        every activity and one log for every note, because the wizard schedules
        and posts record by record, which made converting 100 orders cost ~380
        queries each.
        """
        plan = self.env.ref(plan_xmlid)
        plan_date = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id(self._name)
        activity_vals, bodies, errors = [], {}, []
        for order in self:
            descriptions = []
            for template in plan.template_ids:
                resolved = template._determine_responsible(self.env.user, order)
                if resolved["error"]:
                    errors.append(resolved["error"])
                    continue
                responsible = resolved["responsible"]
                deadline = template._get_date_deadline(plan_date)
                activity_vals.append(
                    {
                        "res_model_id": model_id,
                        "res_id": order.id,
                        "activity_type_id": template.activity_type_id.id,
                        "summary": template.summary,
                        "note": template.note,
                        "user_id": responsible.id,
                        "date_deadline": deadline,
                        "automated": False,
                    }
                )
                descriptions.append(
                    self.env._(
                        "%(activity)s, assigned to %(name)s, due on the %(deadline)s",
                        activity=template.summary or template.activity_type_id.name,
                        name=responsible.name,
                        deadline=format_date(self.env, deadline),
                    )
                )
            bodies[order.id] = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._('The plan "%(plan)s" has been started', plan=plan.name),
                Markup().join(Markup("<li>%s</li>") % item for item in descriptions),
            )
        if errors:
            raise UserError("\n".join(errors))
        self.env["mail.activity"].create(activity_vals)
        self._message_log_batch(bodies=bodies)
        return True

    def action_plan_kickoff_meeting(self):
        """Open the calendar with the customer's contacts and the engineers."""
        self.ensure_one()
        attendees = (
            self.partner_id
            | self.onboarding_technical_contact_id
            | self._get_onboarding_role_users().partner_id
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Kickoff"),
            "res_model": "calendar.event",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_name": self.env._(
                    "Kickoff: %(order)s", order=self.display_name
                ),
                "default_partner_ids": attendees.ids,
                "default_user_id": (
                    self.onboarding_account_manager_id or self.env.user
                ).id,
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_res_model_id": self.env["ir.model"]._get_id(self._name),
                "default_start": self.onboarding_kickoff_date,
            },
        }

    def action_send_onboarding_introduction(self):
        """Open the composer with the introduction of the account team."""
        self.ensure_one()
        template = self.env.ref("vshn_sales_onboarding.mail_template_introduction")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        }

    # ------------------------------------------------------------------
    # Conversion: prospect to customer
    # ------------------------------------------------------------------

    def _vshn_convert_to_customer(self):
        """Make the customers of these confirmed orders customers, start onboarding.

        The one conversion entry point: the server actions, the buttons, the won
        hook of the opportunity and the confirmation call it. Everything is
        checked before anything is written, and the writes run in a savepoint,
        so a batch is converted entirely or not at all. Already converted orders
        are left as they are.
        """
        self._vshn_check_can_convert()
        orders = self.filtered(lambda order: not order.onboarding_stage_id)
        customers = self.partner_id.commercial_partner_id
        new_customers = customers.filtered(lambda p: not p.customer_reference)
        if not orders and not new_customers:
            return self._vshn_notification(
                self.env._(
                    "Nothing to do: %(orders)s already converted.",
                    orders=", ".join(self.mapped("name")),
                ),
                "info",
            )
        with self.env.cr.savepoint():
            new_customers._vshn_make_customer()
            orders._vshn_start_onboarding()
        return self._vshn_notification(
            self.env._(
                "%(count)s onboarding(s) started, %(customers)s new customer(s).",
                count=len(orders),
                customers=len(new_customers),
            ),
            "success",
        )

    def _vshn_check_can_convert(self):
        unconfirmed = self.filtered(lambda order: order.state != "sale")
        if unconfirmed:
            raise UserError(
                self.env._(
                    "Only confirmed orders convert a customer: %(orders)s.",
                    orders=", ".join(unconfirmed.mapped("display_name")),
                )
            )
        if not self.env["vshn.onboarding.stage"].search([], limit=1):
            raise UserError(self.env._("No onboarding stage is configured."))

    def _vshn_check_onboarding_started(self):
        not_started = self.filtered(lambda order: not order.onboarding_stage_id)
        if not_started:
            raise UserError(
                self.env._(
                    "The onboarding of %(orders)s has not started: convert the "
                    "customer first.",
                    orders=", ".join(not_started.mapped("display_name")),
                )
            )

    def _vshn_notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": False},
        }

    def _vshn_start_onboarding(self):
        """Put the orders on the board with their roles, checklists and plans."""
        if not self:
            return
        first_stage = self.env["vshn.onboarding.stage"].search([], limit=1)
        defaults = self.env["vshn.onboarding.role.default"].search(
            [("company_id", "in", self.company_id.ids)]
        )
        # orders that start alike (same Day 0 and roles) are written together
        orders_by_vals = defaultdict(lambda: self.browse())
        for order in self:
            vals = order._vshn_get_onboarding_start_values(defaults)
            vals["onboarding_stage_id"] = first_stage.id
            orders_by_vals[tuple(sorted(vals.items()))] |= order
        for vals, orders in orders_by_vals.items():
            orders.write(dict(vals))
        self._vshn_update_account_team()
        self._vshn_create_checklists()
        self._vshn_notify_signed()
        self.action_launch_onboarding_plan(
            "vshn_sales_onboarding.mail_activity_plan_handover"
        )
        self.action_launch_onboarding_plan(
            "vshn_sales_onboarding.mail_activity_plan_kickoff"
        )
        retrospective = self.filtered("onboarding_retrospective_required")
        if retrospective:
            retrospective.action_launch_onboarding_plan(
                "vshn_sales_onboarding.mail_activity_plan_retrospective"
            )
        self._vshn_introduce_account_team()
        self._vshn_run_setup_actions()

    def _vshn_get_onboarding_start_values(self, defaults):
        """Day 0 and the roles: the lead's, then the customer's, then defaults."""
        self.ensure_one()
        lead = self.opportunity_id
        customer = self.partner_id.commercial_partner_id
        vals = {
            "onboarding_date_start": (
                self.date_order.date()
                if self.date_order
                else fields.Date.context_today(self)
            ),
        }
        for lead_field, order_field in LEAD_ROLE_FIELDS.items():
            if not self[order_field] and lead[lead_field]:
                vals[order_field] = lead[lead_field].id
        if (
            not self.onboarding_account_manager_id
            and "onboarding_account_manager_id" not in vals
            and lead.onboarding_owner_id
        ):
            vals["onboarding_account_manager_id"] = lead.onboarding_owner_id.id
        for order_field, partner_field in PARTNER_ROLE_FIELDS.items():
            if not self[order_field] and order_field not in vals:
                if customer[partner_field]:
                    vals[order_field] = customer[partner_field].id
        default = defaults._get_best(
            self.company_id, self.onboarding_segment_id, self.onboarding_offering_type
        )
        for default_field, order_field in DEFAULT_ROLE_FIELDS.items():
            if not self[order_field] and order_field not in vals:
                if default[default_field]:
                    vals[order_field] = default[default_field].id
        if not self.onboarding_technical_contact_id and lead.qualification_contact_id:
            vals["onboarding_technical_contact_id"] = lead.qualification_contact_id.id
        return vals

    def _get_onboarding_role_users(self):
        users = self.env["res.users"]
        for field in ROLE_FIELDS:
            users |= self[field]
        return users

    def _vshn_update_account_team(self):
        """Keep the customer-level roles on the customer, without overwriting."""
        vals_by_customer = defaultdict(dict)
        for order in self:
            customer = order.partner_id.commercial_partner_id
            for order_field, partner_field in PARTNER_ROLE_FIELDS.items():
                if order[order_field] and not customer[partner_field]:
                    vals_by_customer[customer].setdefault(
                        partner_field, order[order_field].id
                    )
        # customers given the same team are written together
        customers_by_vals = defaultdict(lambda: self.env["res.partner"])
        for customer, vals in vals_by_customer.items():
            customers_by_vals[tuple(sorted(vals.items()))] |= customer
        for vals, customers in customers_by_vals.items():
            customers.write(dict(vals))

    def _vshn_create_checklists(self):
        templates = self.env["vshn.onboarding.checklist.template"].search([])
        self.env["vshn.onboarding.checklist.line"].create(
            [
                {
                    "order_id": order.id,
                    "template_id": template.id,
                    "name": template.name,
                    "sequence": template.sequence,
                    "kind": template.kind,
                    "evidence": template.evidence,
                }
                for order in self
                for template in templates
            ]
        )

    def _vshn_notify_signed(self):
        """Tell the CSM and the SM that the customer signed."""
        for order in self:
            recipients = (
                order.onboarding_csm_id | order.onboarding_service_manager_id
            ).partner_id
            order.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(customer)s signed %(order)s. The onboarding starts today "
                    "(Day 0).",
                    customer=order.partner_id.commercial_partner_id.name,
                    order=order.name,
                ),
                partner_ids=recipients.ids,
                subtype_xmlid="mail.mt_note",
            )

    def _vshn_introduce_account_team(self):
        """Send the introduction, or queue it for review, per company setting."""
        template = self.env.ref("vshn_sales_onboarding.mail_template_introduction")
        auto = self.filtered("company_id.onboarding_intro_auto_send")
        for order in auto:
            order.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
        review = self - auto
        for order in review:
            order.activity_schedule(
                "vshn_sales_onboarding.mail_activity_type_introduction",
                user_id=(
                    order.onboarding_account_manager_id
                    or order.user_id
                    or self.env.user
                ).id,
            )

    def _vshn_run_setup_actions(self):
        """Run the configured setup actions (e.g. webhooks) of the setup items."""
        lines = self.onboarding_setup_line_ids.filtered("template_id.action_server_id")
        for action in lines.template_id.action_server_id:
            orders = lines.filtered(
                lambda line, action=action: line.template_id.action_server_id == action
            ).order_id
            action.with_context(
                active_model=self._name,
                active_ids=orders.ids,
                active_id=orders[:1].id,
            ).sudo().run()

    # ------------------------------------------------------------------
    # Initialization by offering type
    # ------------------------------------------------------------------

    def _vshn_initialize_onboarding(self):
        """Create the tickets, tasks or project the offering type needs (once)."""
        for order in self:
            project = order._vshn_get_onboarding_project()
            kinds = order._vshn_get_initialization_tasks()
            self.env["project.task"].sudo().create(
                [
                    {
                        "name": f"{label}: {order.name}",
                        "project_id": project.id,
                        "onboarding_order_id": order.id,
                        "onboarding_task_kind": kind,
                        "partner_id": (
                            order.onboarding_technical_contact_id
                            if kind == "requirements"
                            else order.partner_id
                        ).id,
                        "user_ids": [fields.Command.set(user.ids)],
                    }
                    for kind, label, user in kinds
                ]
            )
            order.onboarding_initialized = True
            order.message_post(
                body=self.env._(
                    "Onboarding initialized: %(tasks)s.",
                    tasks=", ".join(label for _kind, label, _user in kinds),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _vshn_get_initialization_tasks(self):
        """(kind, label, assignees) of the tasks this order's offering needs."""
        self.ensure_one()
        _ = self.env._
        owner = self.onboarding_account_manager_id or self.user_id
        if self.onboarding_offering_type == "project":
            manager = self.onboarding_project_manager_id or owner
            return [
                ("planning", _("Detailed concept and planning"), manager),
                ("review", _("Review rounds with the customer"), manager),
            ]
        if self.onboarding_offering_type == "standard_service":
            tech = self.onboarding_tsm_id or self.onboarding_tpm_id or owner
            return [
                ("requirements", _("Define the requirements"), tech),
                ("handover", _("Hand over to the tech team"), tech),
            ]
        return [
            ("ticket", _("Consulting ticket"), owner),
            ("allocation", _("Allocate internal resources"), owner),
            ("workshop", _("Schedule the workshop"), owner),
        ]

    def _vshn_get_onboarding_project(self):
        """Projects get their own project (from the template); others a shared one."""
        self.ensure_one()
        projects = self.env["project.project"].sudo()
        company = self.company_id
        if self.onboarding_offering_type == "project":
            vals = {
                "name": self.env._(
                    "%(customer)s: %(order)s",
                    customer=self.partner_id.commercial_partner_id.name,
                    order=self.name,
                ),
                "partner_id": self.partner_id.id,
                "user_id": (self.onboarding_project_manager_id or self.user_id).id,
                "company_id": company.id,
            }
            template = company.onboarding_project_template_id.sudo()
            project = template.copy(vals) if template else projects.create(vals)
            self.project_id = project
            return project
        if self.project_id:
            return self.project_id.sudo()
        project = company.onboarding_project_id.sudo()
        if not project:
            project = projects.create(
                {"name": self.env._("Onboardings"), "company_id": company.id}
            )
            company.sudo().onboarding_project_id = project
        return project
