# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import is_html_empty

from .crm_stage import SALES_STEPS
from .res_partner import COMPLEXITY_LEVELS
from .vshn_onboarding_gate_mixin import (
    MANAGER_GROUP,
    PROCESS_CONTEXT_KEY,
    PROCESS_TOKEN,
    as_process,
    check_internal_users,
    check_record_ids,
    check_relational_values,
)
from .vshn_onboarding_stakeholder_mixin import role_user_field

STEP_ORDER = [step for step, _label in SALES_STEPS]
OFFERING_TYPES = [
    ("consulting", "Consulting"),
    ("standard_service", "Standard Service"),
    ("project", "Project"),
]
# Written only by the review actions, so that "who and when" can be trusted.
REVIEW_FIELDS = {
    "offer_reviewed_by_id",
    "offer_reviewed_date",
    "timeline_confirmed_by_id",
    "timeline_confirmed_date",
}
# Written only when the deal's first quotation goes out (sale.order's write):
# the pipeline figures count offers by it.
OFFER_SENT_FIELDS = {"offer_sent_date"}
# the review each role gives, voided when the role changes hands
REVIEWS_BY_ROLE = {
    "solution_architect": ("offer_reviewed_by_id", "offer_reviewed_date"),
    "project_manager": ("timeline_confirmed_by_id", "timeline_confirmed_date"),
}
# Written only by the escalation and its resolution.
ESCALATION_FIELDS = {"escalation_state", "escalation_target", "escalation_reason"}
LOST_FIELDS = {"active", "type", "lost_reason_id", "lost_explanation"}


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = [
        "crm.lead",
        "vshn.onboarding.gate.mixin",
        "vshn.onboarding.stakeholder.mixin",
    ]
    _role_fields = {
        "solution_architect_id": "solution_architect",
        "project_manager_id": "project_manager",
        "account_manager_id": "account_manager",
        "inside_sales_id": "inside_sales",
    }

    # Deal team: stakeholder lines; the salesperson (user_id) is the Business
    # Development Manager. The role columns show and set the main roles' holders.
    stakeholder_ids = fields.One2many(
        "vshn.onboarding.stakeholder", "lead_id", string="Deal Team"
    )
    solution_architect_id = role_user_field(tracking=True)
    project_manager_id = role_user_field(tracking=True)
    account_manager_id = role_user_field("(Key) Account Manager", tracking=True)
    inside_sales_id = role_user_field("Inside Sales")

    # Segment and complexity, defaulted from the customer
    segment_id = fields.Many2one(
        "vshn.onboarding.segment",
        string="Segment",
        compute="_compute_segment_id",
        store=True,
        readonly=False,
        tracking=True,
        index="btree_not_null",
    )
    complexity = fields.Selection(
        COMPLEXITY_LEVELS,
        compute="_compute_segment_id",
        store=True,
        readonly=False,
    )
    is_upsell = fields.Boolean(
        string="Upsell / Cross-sell",
        compute="_compute_is_upsell",
        store=True,
        help="The customer already buys from us: this deal grows an existing "
        "account. Derived from the customer's status when the deal is created "
        "or its customer changes.",
    )

    # Step 1: contact and qualify
    qualification_contact_id = fields.Many2one(
        "res.partner",
        string="Right Contact",
        check_company=True,
        help="The right point of contact within the customer's organization.",
    )
    qualification_problem = fields.Text(
        string="Customer's Problem",
        help="What are the problems the customer is facing?",
    )
    qualification_scale = fields.Selection(
        [("small", "Small"), ("medium", "Medium"), ("large", "Large")],
        string="Scale of the Proposal",
    )
    qualification_opportunity = fields.Selection(
        [("yes", "Yes"), ("no", "No")],
        string="Opportunity for Both Sides?",
        help="Is there an opportunity for us and the customer?",
    )

    # Step 3: solution design
    solution_design = fields.Html(
        help="The solution architecture and the offer contents, as designed."
    )
    solution_attachment_ids = fields.Many2many(
        "ir.attachment",
        "crm_lead_solution_attachment_rel",
        "lead_id",
        "attachment_id",
        string="Design Documents",
    )
    customer_timeline = fields.Char(help="The customer's timeline.")
    delivery_timeline = fields.Char(
        string="Our Timeline", help="Our delivery timeline, as we can commit to it."
    )

    # Step 4: offer
    offer_reviewed_by_id = fields.Many2one(
        "res.users", string="Offer Reviewed By", readonly=True, copy=False
    )
    offer_reviewed_date = fields.Datetime(readonly=True, copy=False)
    timeline_confirmed_by_id = fields.Many2one(
        "res.users", string="Timeline Confirmed By", readonly=True, copy=False
    )
    timeline_confirmed_date = fields.Datetime(readonly=True, copy=False)
    offer_sent_date = fields.Datetime(
        string="Offer Sent On",
        readonly=True,
        copy=False,
        help="When the first quotation of this opportunity was sent to the "
        "customer (or confirmed, if it never was sent).",
    )
    sla_attachment_ids = fields.Many2many(
        "ir.attachment",
        "crm_lead_sla_attachment_rel",
        "lead_id",
        "attachment_id",
        string="SLA",
    )
    sla_not_needed = fields.Boolean(string="No SLA Needed")
    framework_attachment_ids = fields.Many2many(
        "ir.attachment",
        "crm_lead_framework_attachment_rel",
        "lead_id",
        "attachment_id",
        string="Framework Agreement",
    )
    framework_not_needed = fields.Boolean(string="No Framework Agreement Needed")

    # Sales Offering Decision
    offering_type = fields.Selection(OFFERING_TYPES, tracking=True)
    contributing_team_ids = fields.Many2many(
        "hr.department",
        string="Contributing Teams",
        help="The value stream teams that contribute to the delivery.",
    )
    onboarding_owner_id = fields.Many2one(
        "res.users",
        string="Onboarding Owner",
        compute="_compute_onboarding_owner_id",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
        help="Who owns the onboarding once the deal is won; by default the "
        "(Key) Account Manager.",
    )

    # Escalation of special deals
    escalation_state = fields.Selection(
        [("escalated", "Escalated"), ("resolved", "Resolved")],
        tracking=True,
        copy=False,
        readonly=True,
    )
    escalation_target = fields.Selection(
        [("product", "Product Management"), ("legal", "Legal")],
        copy=False,
        readonly=True,
    )
    escalation_reason = fields.Text(copy=False, readonly=True)

    # Lost
    lost_explanation = fields.Text(
        copy=False, help="Why the customer won't or can't buy, documented."
    )

    # Gate status towards the next stage
    # Stored, so that the badge and the "Gate Blocked" filter cost one query
    # whatever the number of deals; recomputed when the gate's inputs change.
    stage_gate_missing = fields.Text(
        string="Missing for Next Stage",
        compute="_compute_stage_gate_missing",
        store=True,
    )
    stage_gate_missing_count = fields.Integer(
        compute="_compute_stage_gate_missing", store=True
    )
    stage_gate_blocked = fields.Boolean(
        string="Gate Blocked",
        compute="_compute_stage_gate_missing",
        store=True,
        index=True,
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("partner_id")
    def _compute_segment_id(self):
        for lead in self:
            customer = lead.partner_id.commercial_partner_id
            if customer.segment_id:
                lead.segment_id = customer.segment_id
            if customer.complexity:
                lead.complexity = customer.complexity

    @api.depends("partner_id")
    def _compute_is_upsell(self):
        for lead in self:
            status = lead.partner_id.commercial_partner_id.customer_status
            lead.is_upsell = status in ("onboarding", "customer")

    @api.depends("account_manager_id")
    def _compute_onboarding_owner_id(self):
        for lead in self:
            if not lead.onboarding_owner_id:
                lead.onboarding_owner_id = lead.account_manager_id

    @api.depends(
        "stage_id",
        "type",
        "active",
        "qualification_contact_id",
        "qualification_problem",
        "qualification_scale",
        "qualification_opportunity",
        "solution_architect_id",
        "calendar_event_ids",
        "activity_ids",
        "solution_design",
        "solution_attachment_ids",
        "customer_timeline",
        "delivery_timeline",
        "offer_reviewed_by_id",
        "timeline_confirmed_by_id",
        "sla_attachment_ids",
        "sla_not_needed",
        "framework_attachment_ids",
        "framework_not_needed",
        "order_ids.state",
    )
    def _compute_stage_gate_missing(self):
        next_stages = self._get_next_sales_stages()
        for lead in self:
            next_stage = next_stages.get(lead.id)
            missing = lead._get_stage_gate_missing(next_stage) if next_stage else []
            lead.stage_gate_missing = "\n".join(missing)
            lead.stage_gate_missing_count = len(missing)
            lead.stage_gate_blocked = bool(missing)

    def _get_next_sales_stages(self):
        """The stage after each lead's current one, for leads still in the pipe."""
        stages = self.env["crm.stage"].search([("sales_step", "!=", False)])
        result = {}
        for lead in self:
            if lead.type != "opportunity" or not lead.active or lead.stage_id.is_won:
                continue
            current = (lead.stage_id.sequence, lead.stage_id.id)
            following = stages.filtered(
                lambda stage, lead=lead, current=current: (stage.sequence, stage.id)
                > current
                and stage.team_id in (lead.team_id, self.env["crm.team"])
            )
            if following:
                result[lead.id] = following[0]
        return result

    # ------------------------------------------------------------------
    # Gates
    # ------------------------------------------------------------------

    def _gate_applies(self):
        self.ensure_one()
        return self.type == "opportunity"

    def _get_gate_trigger_fields(self):
        return super()._get_gate_trigger_fields() | {"type"}

    def _is_stage_gate_forward(self, old_stage, new_stage):
        # an archived stage, or a won one wherever it sits, is never a way back
        if not new_stage.active or new_stage.is_won:
            return True
        return super()._is_stage_gate_forward(old_stage, new_stage)

    def _get_stage_step(self, stage):
        """The sales step a stage stands for: its own, else by its place.

        A stage without a step (crm's own, or one added later) is held to the
        step of the last stage with a step before it; a won stage to Won.
        """
        if stage.sales_step:
            return stage.sales_step
        if stage.is_won:
            return "won"
        stepped = (
            self.env["crm.stage"]
            .with_context(active_test=False)
            .search([("sales_step", "!=", False)])
            .filtered(lambda s: (s.sequence, s.id) <= (stage.sequence, stage.id))
        )
        return stepped[-1:].sales_step or STEP_ORDER[0]

    def _get_stage_gate_missing(self, new_stage):
        missing = super()._get_stage_gate_missing(new_stage)
        if self.type != "opportunity":
            return missing
        if not new_stage.active:
            missing.append(
                self.env._(
                    "an active stage (%(stage)s is archived)", stage=new_stage.name
                )
            )
        step = self._get_stage_step(new_stage)
        # The pipeline steps accumulate: jumping ahead skips no criterion. A
        # signed order, though, wins the deal on its own: the customer decided.
        steps = [step] if step == "won" else STEP_ORDER[: STEP_ORDER.index(step) + 1]
        for step in steps:
            missing += self._get_sales_step_missing(step)
        return missing

    def _get_sales_step_missing(self, step):
        """What this lead lacks to be in ``step`` (that step's own criteria)."""
        self.ensure_one()
        checks = {
            "sa_meeting": self._get_qualification_missing,
            "offer": self._get_design_missing,
            "customer_review": self._get_offer_sending_missing,
            "won": self._get_won_missing,
        }
        missing = checks[step]() if step in checks else []
        if step == "customer_review" and not self._get_sent_orders():
            missing.append(self.env._("the quotation sent to the customer"))
        return missing

    def _get_qualification_missing(self):
        _ = self.env._
        missing = []
        if not self.qualification_contact_id:
            missing.append(_("the right contact at the customer"))
        if not (self.qualification_problem or "").strip():
            missing.append(_("the customer's problem"))
        if not self.qualification_scale:
            missing.append(_("the scale of the possible proposal"))
        if self.qualification_opportunity != "yes":
            missing.append(_('a "yes" on: is there an opportunity for both sides'))
        if not self.solution_architect_id:
            missing.append(_("a Solution Architect"))
        if not self._has_meeting_scheduled():
            missing.append(_("the Solution Architecture meeting scheduled"))
        return missing

    def _has_meeting_scheduled(self):
        return bool(self.calendar_event_ids) or any(
            activity.activity_category == "meeting" for activity in self.activity_ids
        )

    def _get_design_missing(self):
        _ = self.env._
        missing = []
        if not self._has_solution_documented():
            missing.append(_("the solution documented (design summary or document)"))
        if not (self.customer_timeline or "").strip():
            missing.append(_("the customer's timeline"))
        if not (self.delivery_timeline or "").strip():
            missing.append(_("our timeline"))
        return missing

    def _has_solution_documented(self):
        return bool(
            not is_html_empty(self.solution_design) or self.solution_attachment_ids
        )

    def _get_offer_sending_missing(self):
        """What must be true before the offer may be sent to the customer."""
        _ = self.env._
        missing = []
        if not self.offer_reviewed_by_id:
            missing.append(_("the offer reviewed by the Solution Architect"))
        if not self.timeline_confirmed_by_id:
            missing.append(_("our timeline confirmed by a Project Manager"))
        if not (self.sla_attachment_ids or self.sla_not_needed):
            missing.append(_("the SLA attached or marked not needed"))
        if not (self.framework_attachment_ids or self.framework_not_needed):
            missing.append(_("the framework agreement attached or marked not needed"))
        return missing

    def _get_sent_orders(self):
        return self.order_ids.filtered(lambda order: order.state in ("sent", "sale"))

    def _vshn_record_offer_sent(self):
        """Note that the offer of these opportunities went out, once, now.

        Called by sale.order whenever quotations are sent or confirmed; the
        first one counts. Whoever sends or confirms passed the offer gate,
        which reads the deal: they work on it (a customer's signature runs as
        superuser in sale's portal).
        """
        first = self.filtered(lambda lead: not lead.offer_sent_date)
        if first:
            # not a tracked field: nothing for the chatter to compare
            as_process(first).with_context(tracking_disable=True).write(
                {"offer_sent_date": fields.Datetime.now()}
            )

    def _get_won_missing(self):
        if any(order.state == "sale" for order in self.order_ids):
            return []
        return [self.env._("a confirmed or signed quotation")]

    def _get_offer_send_missing(self):
        """Everything the quotation of this opportunity needs before it is sent."""
        self.ensure_one()
        missing = []
        for step in STEP_ORDER[: STEP_ORDER.index("offer") + 1]:
            missing += self._get_sales_step_missing(step)
        return missing + self._get_offer_sending_missing()

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_relational_values(self, vals)
            self._check_process_fields(vals)
        leads = super().create(vals_list)
        # an opportunity imported as lost is held to the same rule as one lost now
        lost = leads.filtered(lambda lead: not lead.active)
        if lost:
            lost.with_context(active_test=False)._check_lost_is_documented(
                {}, already_lost=True
            )
        return leads

    def write(self, vals):
        # before crm's own write, which reads the values first
        check_record_ids(self)
        check_relational_values(self, vals)
        self._check_process_fields(vals)
        if "active" in vals and not vals["active"]:
            self._check_lost_is_documented(vals)
        result = super().write(vals)
        if LOST_FIELDS & set(vals):
            # a lost opportunity stays documented: whatever turns a record into
            # one (type switch of an archived lead) or edits its reasons
            self.with_context(active_test=False).filtered(
                lambda lead: not lead.active
            )._check_lost_is_documented({}, already_lost=True)
        return result

    @api.constrains("onboarding_owner_id")
    def _check_onboarding_owner_is_internal(self):
        check_internal_users(self, "onboarding_owner_id")

    def _check_process_fields(self, vals):
        """Refuse values for fields that only the process itself writes."""
        if self.env.context.get(PROCESS_CONTEXT_KEY) is PROCESS_TOKEN:
            return
        if REVIEW_FIELDS & set(vals):
            raise UserError(
                self.env._(
                    "The offer review and the timeline confirmation are recorded "
                    "with the buttons on the opportunity (by the Solution Architect "
                    "and the Project Manager), not written, copied or imported."
                )
            )
        if OFFER_SENT_FIELDS & set(vals):
            raise UserError(
                self.env._(
                    "The date the offer was sent is recorded when the first "
                    "quotation of the opportunity is sent to the customer; it is "
                    "not written, copied or imported."
                )
            )
        if ESCALATION_FIELDS & set(vals):
            raise UserError(
                self.env._(
                    "A deal is escalated with Escalate and resolved with Resolve "
                    "Escalation (or by its owner marking the activity done); the "
                    "escalation fields are not written directly."
                )
            )

    def _vshn_void_reviews(self, role_codes):
        """The review a role gave no longer holds once the role changes hands."""
        for code in set(role_codes) & set(REVIEWS_BY_ROLE):
            by_field, date_field = REVIEWS_BY_ROLE[code]
            reviewed = self.filtered(by_field)
            if not reviewed:
                continue
            reviewed.with_context(**{PROCESS_CONTEXT_KEY: PROCESS_TOKEN}).write(
                {by_field: False, date_field: False}
            )
            label = self._fields[by_field]._description_string(self.env)
            reviewed._message_log_batch(
                bodies={
                    lead.id: self.env._(
                        "%(review)s voided: the %(role)s changed.",
                        review=label,
                        role=self.env["vshn.onboarding.role"]._get_by_code(code).name,
                    )
                    for lead in reviewed
                }
            )

    def _check_lost_is_documented(self, vals, already_lost=False):
        reason = vals.get("lost_reason_id")
        explanation = vals.get("lost_explanation")
        opportunities = self.filtered(
            lambda lead: (already_lost or lead.active) and lead.type == "opportunity"
        )
        undocumented = opportunities.filtered(
            lambda lead: not (reason or lead.lost_reason_id)
            or not (explanation or lead.lost_explanation or "").strip()
        )
        if undocumented:
            raise ValidationError(
                self.env._(
                    "%(leads)s cannot be marked lost without a lost reason and a "
                    "written explanation. Use Mark as Lost and document the reasons.",
                    leads=", ".join(undocumented.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_set_lost(self, **additional_values):
        explanation = self.env.context.get("vshn_lost_explanation")
        if explanation and "lost_explanation" not in additional_values:
            additional_values["lost_explanation"] = explanation
        # Write the reasons first so that archiving finds the loss documented.
        if additional_values:
            self.write(dict(additional_values))
        return super().action_set_lost()

    def action_review_offer(self):
        """The Solution Architect records the review of the offer."""
        return self._record_review(
            "solution_architect_id", "offer_reviewed_by_id", "offer_reviewed_date"
        )

    def action_confirm_timeline(self):
        """The Project Manager confirms our timeline."""
        return self._record_review(
            "project_manager_id", "timeline_confirmed_by_id", "timeline_confirmed_date"
        )

    def _check_role_holder(self, role_user, role_name):
        user = self.env.user
        if self.env.su or user == role_user or user.has_group(MANAGER_GROUP):
            return
        raise AccessError(
            self.env._(
                "Only the %(role)s of %(lead)s (%(holder)s) or an Onboarding Manager "
                "may do this.",
                role=role_name,
                lead=self.display_name,
                holder=role_user.name or self.env._("not set"),
            )
        )

    def _record_review(self, role_field, by_field, date_field):
        """Record who (the holder of ``role_field``) reviewed, and when.

        Four eyes: the deal's salesperson never reviews their own offer, even
        as the role holder or a manager.
        """
        check_record_ids(self)
        role_name = self._fields[role_field]._description_string(self.env)
        for lead in self:
            lead._check_role_holder(lead[role_field], role_name)
            if lead.user_id and lead.user_id == self.env.user:
                raise AccessError(
                    self.env._(
                        "%(user)s is the salesperson of %(lead)s: the %(role)s's "
                        "review must come from someone else.",
                        user=self.env.user.name,
                        lead=lead.display_name,
                        role=role_name,
                    )
                )
        return self.with_context(**{PROCESS_CONTEXT_KEY: PROCESS_TOKEN}).write(
            {by_field: self.env.uid, date_field: fields.Datetime.now()}
        )

    def action_open_escalation(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Escalate Deal"),
            "res_model": "crm.lead.escalate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_ids": self.ids},
        }

    def _escalate(self, target, reason):
        """Record the escalation and give its owner an activity."""
        company = self.env.company
        owner = (
            company.escalation_product_user_id
            if target == "product"
            else company.escalation_legal_user_id
        )
        target_label = dict(self._fields["escalation_target"].selection)[target]
        if not owner:
            raise UserError(
                self.env._(
                    "No escalation owner for %(target)s is configured. Set one in "
                    "Settings > Onboarding (CRM settings).",
                    target=target_label,
                )
            )
        self.with_context(**{PROCESS_CONTEXT_KEY: PROCESS_TOKEN}).write(
            {
                "escalation_state": "escalated",
                "escalation_target": target,
                "escalation_reason": reason,
            }
        )
        for lead in self:
            lead.activity_schedule(
                "vshn_sales_onboarding.mail_activity_type_escalation",
                summary=self.env._("Escalated to %(target)s", target=target_label),
                note=reason,
                user_id=owner.id,
            )
        return True

    def action_resolve_escalation(self):
        """The escalation's owner (or a manager) resolves it, not the salesperson."""
        escalated = self.filtered(lambda lead: lead.escalation_state == "escalated")
        escalation_type = self.env.ref(
            "vshn_sales_onboarding.mail_activity_type_escalation"
        )
        is_manager = self.env.su or self.env.user.has_group(MANAGER_GROUP)
        for lead in escalated.filtered(lambda lead: not is_manager):
            owners = lead.activity_ids.filtered(
                lambda activity: activity.activity_type_id == escalation_type
            ).user_id
            if self.env.user not in owners:
                raise AccessError(
                    self.env._(
                        "Only the owner of the escalation of %(lead)s (%(owners)s) "
                        "or an Onboarding Manager may resolve it.",
                        lead=lead.display_name,
                        owners=", ".join(owners.mapped("name")) or self.env._("none"),
                    )
                )
        escalated._vshn_mark_escalation_resolved()
        escalated.activity_ids.filtered(
            lambda activity: activity.activity_type_id == escalation_type
        ).action_done()
        return True

    def _vshn_mark_escalation_resolved(self):
        self.with_context(**{PROCESS_CONTEXT_KEY: PROCESS_TOKEN}).write(
            {"escalation_state": "resolved"}
        )

    def merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True):
        # Merging deletes the other deals (crm does it as superuser): a
        # salesperson may merge their own deals, as in stock Odoo; anyone
        # else, a role holder say, only deals they may delete.
        owns_all = all(lead.user_id == self.env.user for lead in self)
        if auto_unlink and not (self.env.su or owns_all):
            self.check_access("unlink")
        return super().merge_opportunity(
            user_id=user_id, team_id=team_id, auto_unlink=auto_unlink
        )


class CrmLeadConversion(models.Model):
    """Winning an opportunity converts its customer (issue 4).

    Kept apart from the sales-side class above: the conversion itself lives on
    ``sale.order`` (``_vshn_convert_to_customer``); the lead only delegates.
    """

    _inherit = "crm.lead"

    def write(self, vals):
        if "stage_id" not in vals:
            return super().write(vals)
        not_won = self.filtered(lambda lead: not lead.stage_id.is_won)
        result = super().write(vals)
        newly_won = not_won.filtered(lambda lead: lead.stage_id.is_won)
        newly_won._vshn_get_confirmed_orders().filtered(
            lambda order: order.onboarding_conversion != "done"
        )._vshn_convert_to_customer()
        return result

    def _vshn_get_confirmed_orders(self):
        return self.order_ids.filtered(lambda order: order.state == "sale")

    def action_convert_to_customer(self):
        """Convert the customers of won opportunities (server action, button)."""
        check_record_ids(self)
        not_won = self.filtered(lambda lead: not (lead.active and lead.stage_id.is_won))
        if not_won:
            raise UserError(
                self.env._(
                    "Only won opportunities convert a customer. Not won: %(leads)s.",
                    leads=", ".join(not_won.mapped("display_name")),
                )
            )
        without_order = self.filtered(
            lambda lead: not lead._vshn_get_confirmed_orders()
        )
        if without_order:
            raise UserError(
                self.env._(
                    "%(leads)s: no confirmed quotation to start the onboarding on. "
                    "Confirm the quotation first.",
                    leads=", ".join(without_order.mapped("display_name")),
                )
            )
        return self._vshn_get_confirmed_orders()._vshn_convert_to_customer()

    def _vshn_set_won_after_confirmation(self):
        """Mark these opportunities won after their quotation was confirmed.

        Opportunities whose won gate still misses something stay where they
        are, with a note saying what is missing.
        """
        open_leads = self.filtered(
            lambda lead: lead.active
            and lead.type == "opportunity"
            and not lead.stage_id.is_won
        )
        to_win = self.browse()
        won_stages_by_team = {
            team: leads._stage_find(domain=[("is_won", "=", True)], limit=None)
            for team, leads in open_leads.grouped("team_id").items()
        }
        blocked = {}
        for lead in open_leads:
            won_stages = won_stages_by_team[lead.team_id]
            won_stage = next(
                (
                    stage
                    for stage in won_stages
                    if stage.sequence > lead.stage_id.sequence
                ),
                won_stages[-1:],
            )
            missing = lead._get_stage_gate_missing(won_stage) if won_stage else []
            if missing:
                blocked[lead.id] = self.env._(
                    "The quotation was confirmed, but the opportunity cannot be "
                    "marked won yet. Missing: %(missing)s.",
                    missing="; ".join(missing),
                )
            else:
                to_win |= lead
        if blocked:
            self.browse(blocked)._message_log_batch(bodies=blocked)
        if to_win:
            to_win.action_set_won()


class CrmLeadContract(models.Model):
    """Recurring revenue: the opportunity's expected MRR against its contracts.

    The contracts are created from the deal's confirmed orders (OCA
    product_contract); their active lines' MRR (``contract.line``
    ``monthly_recurring_revenue``, company currency) is compared with the
    MRR the deal was sold at (crm's ``recurring_revenue_monthly``).
    """

    _inherit = "crm.lead"

    contract_mrr = fields.Monetary(
        string="Contract MRR",
        compute="_compute_contract_mrr",
        currency_field="company_currency",
        help="The monthly recurring revenue of the active contract lines that "
        "come from this opportunity's orders.",
    )
    contract_mrr_difference = fields.Monetary(
        string="MRR Difference",
        compute="_compute_contract_mrr",
        currency_field="company_currency",
        help="Contract MRR minus the opportunity's expected MRR.",
    )
    contract_mrr_differs = fields.Boolean(compute="_compute_contract_mrr")

    @api.depends("order_ids.state", "recurring_revenue_monthly")
    def _compute_contract_mrr(self):
        today = fields.Date.context_today(self)
        contract_lines = self.env["contract.line"].sudo()  # amounts of the deal's
        # own orders' contracts, which the salesperson may not open
        groups = contract_lines._read_group(
            contract_lines._vshn_active_domain(today)
            + [("sale_order_line_id.order_id.opportunity_id", "in", self.ids)],
            ["sale_order_line_id"],
            ["monthly_recurring_revenue:sum"],
        )
        mrr_by_lead = {}
        for order_line, mrr in groups:
            lead_id = order_line.order_id.opportunity_id.id
            mrr_by_lead[lead_id] = mrr_by_lead.get(lead_id, 0.0) + mrr
        for lead in self:
            mrr = mrr_by_lead.get(lead._origin.id, 0.0)
            difference = mrr - lead.recurring_revenue_monthly
            lead.contract_mrr = mrr
            lead.contract_mrr_difference = difference
            lead.contract_mrr_differs = not lead.company_currency.is_zero(difference)
