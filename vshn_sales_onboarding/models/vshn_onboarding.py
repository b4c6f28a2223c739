# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .crm_lead import OFFERING_TYPES
from .res_partner import COMPLEXITY_LEVELS
from .vshn_onboarding_gate_mixin import (
    as_process,
    check_internal_users,
    check_process_fields,
    check_record_ids,
)
from .vshn_onboarding_stakeholder_mixin import role_user_field

ONBOARDING_KINDS = [
    ("full", "Full"),
    ("light", "Light"),
]
# the length of the reference journey the plan steps' delays are written for
REFERENCE_DAYS = 60
# written by the onboarding's own code only
EVIDENCE_FIELDS = {
    "initialized",
    "date_done",
    "dod_progress",
    "dod_complete",
    "retrospective_required",
    "is_done",
    "amount_untaxed",
    "order_ids",
}


class VshnOnboarding(models.Model):
    """The onboarding of one customer engagement.

    Started by the conversion of a confirmed order (see
    ``vshn_onboarding_start.py``); later orders of the customer join it while it
    is open. Its stage is gated like the pipeline's.
    """

    _name = "vshn.onboarding"
    _description = "Onboarding"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "vshn.onboarding.gate.mixin",
        "vshn.onboarding.stakeholder.mixin",
    ]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _gate_stage_field = "stage_id"
    _role_fields = {
        "account_manager_id": "account_manager",
        "csm_id": "csm",
        "service_manager_id": "service_manager",
        "project_manager_id": "project_manager",
    }

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        help="The customer's company (commercial entity).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
        help="Who owns the onboarding: the deal's onboarding owner, else its "
        "salesperson. Takes the activities of vacant roles without a stand-in.",
    )
    kind = fields.Selection(
        ONBOARDING_KINDS,
        required=True,
        default="full",
        help="Full: the customer's first engagement (introduction, external "
        "setup, retrospective where required). Light: a new offering for an "
        "existing customer (no introduction, no external setup).",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        check_company=True,
    )
    order_ids = fields.One2many("sale.order", "onboarding_id", string="Orders")
    order_count = fields.Integer(compute="_compute_order_count")
    project_id = fields.Many2one(
        "project.project", index="btree_not_null", check_company=True
    )
    stage_id = fields.Many2one(
        "vshn.onboarding.stage",
        string="Stage",
        index=True,
        tracking=True,
        copy=False,
        group_expand="_read_group_stage_ids",
        default=lambda self: self._default_stage_id(),
    )
    is_done = fields.Boolean(related="stage_id.is_done", store=True)
    date_start = fields.Date(
        string="Day 0",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The day the customer signed (the order was confirmed).",
    )
    date_end_planned = fields.Date(
        string="Planned End",
        compute="_compute_date_end_planned",
        store=True,
        readonly=False,
    )
    date_done = fields.Date(string="Done On", readonly=True, copy=False)
    days_since_start = fields.Integer(
        string="Days Since Day 0", compute="_compute_days"
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_days", search="_search_is_overdue"
    )
    segment_id = fields.Many2one(
        "vshn.onboarding.segment", index="btree_not_null", tracking=True
    )
    complexity = fields.Selection(COMPLEXITY_LEVELS)
    offering_type = fields.Selection(OFFERING_TYPES, tracking=True)
    # what was sold, as salespeople see it on the orders; cost and margin are
    # for finance
    amount_untaxed = fields.Monetary(
        string="Sold (untaxed)",
        compute="_compute_amount_untaxed",
        store=True,
    )

    # Stakeholders; the role columns are the holders of the main roles
    stakeholder_ids = fields.One2many(
        "vshn.onboarding.stakeholder", "onboarding_id", string="Stakeholders"
    )
    account_manager_id = role_user_field("(Key) Account Manager")
    csm_id = role_user_field("Customer Success Manager")
    service_manager_id = role_user_field()
    project_manager_id = role_user_field()
    team_user_ids = fields.Many2many(
        "res.users",
        string="Main Roles",
        compute="_compute_team_user_ids",
        help="The holders of the main roles, from the role columns (what the "
        "board's cards show without reading every stakeholder line).",
    )
    technical_contact_id = fields.Many2one(
        "res.partner",
        string="Customer's Technical Contact",
        check_company=True,
        help="The customer's technical point of contact during the onboarding.",
    )

    # Checklists and initialization
    checklist_line_ids = fields.One2many(
        "vshn.onboarding.checklist.line", "onboarding_id", string="Checklist"
    )
    dod_line_ids = fields.One2many(
        "vshn.onboarding.checklist.line",
        "onboarding_id",
        string="Definition of Done",
        domain=[("kind", "=", "dod")],
    )
    setup_line_ids = fields.One2many(
        "vshn.onboarding.checklist.line",
        "onboarding_id",
        string="External Setup",
        domain=[("kind", "=", "setup")],
    )
    dod_progress = fields.Float(
        string="Definition of Done (%)",
        compute="_compute_dod_progress",
        store=True,
        aggregator="avg",
    )
    dod_complete = fields.Boolean(
        string="Definition of Done Complete",
        compute="_compute_dod_progress",
        store=True,
    )
    initialized = fields.Boolean(readonly=True, copy=False)
    task_ids = fields.One2many("project.task", "onboarding_id", string="Tasks")
    task_count = fields.Integer(compute="_compute_task_count")

    # Kickoff, handover, retrospective
    kickoff_date = fields.Datetime(string="Kickoff", copy=False)
    handover_done = fields.Boolean(compute="_compute_plan_done")
    kickoff_done = fields.Boolean(string="Kickoff Held", compute="_compute_plan_done")
    retrospective_done = fields.Boolean(compute="_compute_plan_done")
    retrospective_required = fields.Boolean(
        compute="_compute_retrospective_required",
        store=True,
        help="Larger onboardings end with a retrospective: full onboardings of "
        "high-touch segments, high complexity, or an amount above the company's "
        "threshold.",
    )

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------

    def _default_stage_id(self):
        return self.env["vshn.onboarding.stage"].search([], limit=1)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([], order=stages._order)

    @api.depends("order_ids")
    def _compute_order_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("onboarding_id", "in", self.ids)], ["onboarding_id"], ["__count"]
            )
        )
        for onboarding in self:
            onboarding.order_count = counts.get(onboarding, 0)

    @api.depends(lambda self: list(self._role_fields))
    def _compute_team_user_ids(self):
        for onboarding in self:
            onboarding.team_user_ids = self.env["res.users"].union(
                *(onboarding[field] for field in self._role_fields)
            )

    @api.depends("order_ids.amount_untaxed")
    def _compute_amount_untaxed(self):
        for onboarding in self:
            onboarding.amount_untaxed = sum(
                onboarding.order_ids.mapped("amount_untaxed")
            )

    @api.depends("date_start", "segment_id.onboarding_days")
    def _compute_date_end_planned(self):
        for onboarding in self:
            onboarding.date_end_planned = onboarding.date_start and (
                onboarding.date_start + timedelta(days=onboarding._get_length_days())
            )

    def _get_length_days(self):
        return self.segment_id.onboarding_days or REFERENCE_DAYS

    @api.depends("date_start", "date_end_planned", "is_done")
    @api.depends_context("tz")
    def _compute_days(self):
        today = fields.Date.context_today(self)
        for onboarding in self:
            start = onboarding.date_start
            onboarding.days_since_start = (today - start).days if start else 0
            onboarding.is_overdue = bool(
                not onboarding.is_done
                and onboarding.date_end_planned
                and onboarding.date_end_planned < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Overdue can only be searched with = or !="))
        domain = [
            ("is_done", "=", False),
            ("date_end_planned", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == bool(value):
            return domain
        return ["!", "&", *domain]

    @api.depends("checklist_line_ids.is_done", "checklist_line_ids.kind")
    def _compute_dod_progress(self):
        for onboarding in self:
            lines = onboarding.dod_line_ids
            done = len(lines.filtered("is_done"))
            onboarding.dod_progress = 100.0 * done / len(lines) if lines else 0.0
            onboarding.dod_complete = bool(lines) and done == len(lines)

    @api.depends("task_ids")
    def _compute_task_count(self):
        for onboarding in self:
            onboarding.task_count = len(onboarding.task_ids)

    @api.depends("kind", "segment_id.touch_model", "complexity", "amount_untaxed")
    def _compute_retrospective_required(self):
        for onboarding in self:
            threshold = onboarding.company_id.onboarding_retrospective_amount
            onboarding.retrospective_required = onboarding.kind == "full" and (
                onboarding.segment_id.touch_model == "high"
                or onboarding.complexity == "high"
                or bool(threshold and onboarding.amount_untaxed >= threshold)
            )

    @api.depends("activity_ids")
    def _compute_plan_done(self):
        """Done means an activity of the step's type was marked done.

        Done activities are archived, with a date done: read them afresh.
        """
        types = self._get_plan_activity_types()
        done = {key: set() for key in types}
        if self.ids:
            activities = (
                self.env["mail.activity"]
                .with_context(active_test=False)
                .sudo()  # archived activities of records the user may read
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
        for onboarding in self:
            onboarding.handover_done = onboarding.id in done["handover"]
            onboarding.kickoff_done = onboarding.id in done["kickoff"]
            onboarding.retrospective_done = onboarding.id in done["retrospective"]

    def _get_plan_activity_types(self):
        return {
            key: self.env.ref(f"vshn_sales_onboarding.mail_activity_type_{key}")
            for key in ("handover", "kickoff", "retrospective")
        }

    @api.constrains("user_id")
    def _check_owner_is_internal(self):
        check_internal_users(self, "user_id")

    @api.constrains("date_start", "date_end_planned", "kickoff_date")
    def _check_dates(self):
        for onboarding in self:
            start = onboarding.date_start
            if onboarding.date_end_planned and onboarding.date_end_planned < start:
                raise ValidationError(
                    self.env._(
                        "%(onboarding)s: the planned end cannot be before Day 0 "
                        "(%(day0)s).",
                        onboarding=onboarding.display_name,
                        day0=start,
                    )
                )
            if onboarding.kickoff_date and onboarding.kickoff_date.date() < start:
                raise ValidationError(
                    self.env._(
                        "%(onboarding)s: the kickoff cannot be before Day 0 "
                        "(%(day0)s).",
                        onboarding=onboarding.display_name,
                        day0=start,
                    )
                )

    # ------------------------------------------------------------------
    # Gates
    # ------------------------------------------------------------------

    def _get_stage_gate_missing(self, new_stage):
        missing = super()._get_stage_gate_missing(new_stage)
        _ = self.env._
        self.invalidate_recordset(
            ["handover_done", "kickoff_done", "retrospective_done"]
        )
        stages = self._get_gate_stages().filtered(
            lambda stage: stage.sequence <= new_stage.sequence
        )
        stages |= new_stage
        missing += self._get_roles_missing(stages.required_role_ids)
        if any(stages.mapped("require_handover")) and not self.handover_done:
            missing.append(_("the internal handover done"))
        if any(stages.mapped("require_initialization")) and not self.initialized:
            missing.append(_("the initialization of the offering"))
        if any(stages.mapped("require_kickoff")) and not self.kickoff_done:
            missing.append(_("the kickoff held"))
        if any(stages.mapped("require_dod")) and not self.dod_complete:
            open_items = self.dod_line_ids.filtered(lambda line: not line.is_done)
            missing.append(
                _(
                    "the Definition of Done complete (open: %(items)s)",
                    items=", ".join(open_items.mapped("name")) or _("no checklist"),
                )
            )
        if (
            any(stages.mapped("require_retrospective"))
            and self.retrospective_required
            and not self.retrospective_done
        ):
            missing.append(_("the retrospective done"))
        return missing

    def _check_stage_gates(self, old_stages):
        # the stages are read once for the whole batch; a recordset in the
        # context cannot come from an RPC caller
        stages = self.env["vshn.onboarding.stage"].search([])
        return super(
            VshnOnboarding, self.with_context(vshn_onboarding_gate_stages=stages)
        )._check_stage_gates(old_stages)

    def _get_gate_stages(self):
        stages = self.env.context.get("vshn_onboarding_gate_stages")
        if (
            isinstance(stages, models.BaseModel)
            and stages._name == "vshn.onboarding.stage"
        ):
            return stages
        return self.env["vshn.onboarding.stage"].search([])

    def _get_roles_missing(self, roles):
        roles = roles.filtered(
            lambda role: role.required_offering_type in (False, self.offering_type)
        )
        held = self._get_role_holders(roles)[self.id]
        return [
            self.env._("a %(role)s", role=role.name)
            for role in roles
            if role not in held
        ]

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_evidence_fields(vals)
        onboardings = super().create(vals_list)
        if any(vals.get("project_id") for vals in vals_list):
            onboardings._vshn_recompute_effort_attribution()
        return onboardings

    def write(self, vals):
        self._check_evidence_fields(vals)
        # an account carrying one onboarding attributes its effort to it
        if "project_id" in vals:
            accounts = self.sudo().project_id.account_id
        result = super().write(vals)
        if "project_id" in vals:
            self._vshn_recompute_effort_attribution(accounts)
        if vals.get("stage_id"):
            self._on_stage_entered()
        return result

    def unlink(self):
        # the database unlinks its orders, tasks and effort lines: what they
        # were attributed to is found again without it
        lines = (
            self.env["account.analytic.line"]
            .sudo()
            .search([("vshn_onboarding_id", "in", self.ids)])
        )
        accounts = self.sudo().project_id.account_id
        result = super().unlink()
        lines.exists()._vshn_reattribute()
        self.env["account.analytic.line"]._vshn_recompute_attribution(accounts)
        return result

    def _vshn_recompute_effort_attribution(self, accounts=None):
        """Re-attribute the effort on these onboardings' project accounts (and
        on ``accounts``, where they were before a change)."""
        accounts = self.sudo().project_id.account_id | (
            accounts or self.env["account.analytic.account"]
        )
        self.env["account.analytic.line"]._vshn_recompute_attribution(accounts)

    def _check_evidence_fields(self, vals):
        check_process_fields(
            self,
            vals,
            EVIDENCE_FIELDS,
            self.env._(
                "What opens a gate is established by the onboarding itself (the "
                "Initialize button, the checklist, done activities, posted "
                "invoices), and its orders are linked by the conversion; none of "
                "it is typed, copied or imported."
            ),
        )

    def _on_stage_entered(self):
        self.filtered(
            lambda onboarding: onboarding.stage_id.run_initialization
            and not onboarding.initialized
        )._initialize()
        done = self.filtered(
            lambda onboarding: onboarding.is_done and not onboarding.date_done
        )
        if done:
            as_process(done).write({"date_done": fields.Date.context_today(self)})
            done.partner_id._vshn_onboarding_done()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_initialize(self):
        check_record_ids(self)
        self.filtered(lambda onboarding: not onboarding.initialized)._initialize()
        return True

    def action_view_tasks(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "project.action_view_all_task"
        )
        action.update(
            {
                "domain": [("onboarding_id", "in", self.ids)],
                "context": {"create": False},
            }
        )
        return action

    def action_view_orders(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action.update(
            {
                "domain": [("onboarding_id", "in", self.ids)],
                "context": {"create": False},
            }
        )
        if len(self.order_ids) == 1:
            action.update(
                {
                    "views": [(False, "form")],
                    "view_mode": "form",
                    "res_id": self.order_ids.id,
                }
            )
        return action

    def action_plan_kickoff_meeting(self):
        """Open the calendar with the customer's contacts and the team."""
        self.ensure_one()
        attendees = (
            self.partner_id
            | self.technical_contact_id
            | self.stakeholder_ids.filtered(
                "role_id.kickoff_attendee"
            ).user_id.partner_id
            | self.stakeholder_ids.partner_id
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Kickoff"),
            "res_model": "calendar.event",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_name": self.env._("Kickoff: %(name)s", name=self.display_name),
                "default_partner_ids": attendees.ids,
                "default_user_id": (self.account_manager_id or self.env.user).id,
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_res_model_id": self.env["ir.model"]._get_id(self._name),
                "default_start": self.kickoff_date,
            },
        }

    def action_send_introduction(self):
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

    def _get_introduced_stakeholders(self):
        """The stakeholders the introduction e-mail presents, for the template."""
        self.ensure_one()
        return self.stakeholder_ids.filtered(
            lambda line: line.role_id.introduced and line.user_id
        )

    def _vshn_get_role_assignee(self, role):
        """Who does ``role``'s work here: its holder, a stand-in's, else the owner."""
        self.ensure_one()
        holders = {
            line.role_id: line.user_id for line in self.stakeholder_ids if line.user_id
        }
        seen = set()
        while role and role not in seen:
            if role in holders:
                return holders[role]
            seen.add(role)
            role = role.fallback_role_id
        return self.user_id
