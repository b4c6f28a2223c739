# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .vshn_onboarding_gate_mixin import check_relational_values

STEP_KINDS = [
    ("activity", "Activity"),
    ("email", "E-mail"),
    ("meeting", "Meeting"),
    ("milestone", "Milestone"),
]
# The events a step waits for (seed 003: Day 0 signed, Day 1 booked, Days 2-5
# paid), then the kickoff and the end of the onboarding.
ANCHORS = [
    ("signed", "Signed (Day 0)"),
    ("booked", "Booked (Day 1)"),
    ("paid", "First Invoice Paid"),
    ("kickoff", "Kickoff Held"),
    ("done", "Onboarding Done"),
]


class VshnOnboardingJourneyStep(models.Model):
    """One step of a journey: what happens, for whom, when, and how fast.

    The step is created on an onboarding when its anchor event happens (never
    guessed before): it is planned ``offset_days`` calendar days after the
    anchor, and its clock gives it ``target_working_days`` working days of the
    company's calendar from the anchor to be done.
    """

    _name = "vshn.onboarding.journey.step"
    _description = "Onboarding Journey Step"
    _order = "journey_id, sequence, id"

    journey_id = fields.Many2one(
        "vshn.onboarding.journey", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(STEP_KINDS, required=True, default="activity")
    anchor = fields.Selection(ANCHORS, required=True, default="signed")
    offset_days = fields.Integer(
        string="Day",
        help="Calendar days after the anchor when the step is planned (an "
        "e-mail is sent that day; an activity or meeting is due then).",
    )
    target_working_days = fields.Integer(
        string="Target (working days)",
        help="Working days after the anchor by which the step must be done; "
        "after that its clock is breached and the Customer Success Manager is "
        "told once. Zero: no clock.",
    )
    role_id = fields.Many2one(
        "vshn.onboarding.role",
        string="For Role",
        ondelete="restrict",
        help="Whose step it is: its holder on the onboarding gets the activity "
        "(a stand-in's holder, else the owner, while vacant).",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        ondelete="restrict",
        domain="[('res_model', 'in', (False, 'vshn.onboarding'))]",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        ondelete="restrict",
        domain="[('model', '=', 'vshn.onboarding')]",
    )
    note = fields.Html(translate=True)
    customer_facing = fields.Boolean(
        help="The customer takes part (an e-mail to them, a meeting with them): "
        "the first such step done is the onboarding's first engagement.",
    )
    only_if_retrospective = fields.Boolean(
        string="Only With a Retrospective",
        help="Only for onboardings that end with a retrospective (larger ones).",
    )
    reached_on = fields.Selection(
        ANCHORS,
        help="Milestones: the event that reaches the milestone (e.g. the first "
        "invoice paid). Empty: someone who may edit the onboarding marks it "
        "reached.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # a name or a dict for a role, an activity type or a template is
        # refused clearly, not by the database
        for vals in vals_list:
            check_relational_values(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_relational_values(self, vals)
        return super().write(vals)

    @api.constrains("offset_days", "target_working_days")
    def _check_days(self):
        for step in self.filtered(
            lambda step: step.offset_days < 0 or step.target_working_days < 0
        ):
            # a step is created when its anchor event happens: it cannot be
            # planned, nor due, before that event
            raise ValidationError(
                self.env._(
                    "%(journey)s: the step %(step)s cannot be planned or due before "
                    "its anchor event (Day %(day)s, target %(target)s working "
                    "days); set both to zero or more.",
                    journey=step.journey_id.name,
                    step=step.name,
                    day=step.offset_days,
                    target=step.target_working_days,
                )
            )

    @api.constrains("activity_type_id", "mail_template_id")
    def _check_models(self):
        for step in self:
            activity_model = step.activity_type_id.res_model
            if activity_model and activity_model != "vshn.onboarding":
                raise ValidationError(
                    self.env._(
                        "%(journey)s: the activity type %(type)s of the step "
                        "%(step)s is for %(model)s; choose one for onboardings or "
                        "for any document.",
                        journey=step.journey_id.name,
                        type=step.activity_type_id.name,
                        step=step.name,
                        model=activity_model,
                    )
                )
            template_model = step.mail_template_id.sudo().model
            if step.mail_template_id and template_model != "vshn.onboarding":
                raise ValidationError(
                    self.env._(
                        "%(journey)s: the e-mail template %(template)s of the step "
                        "%(step)s is written for %(model)s; choose a template of "
                        "onboardings.",
                        journey=step.journey_id.name,
                        template=step.mail_template_id.sudo().name,
                        step=step.name,
                        model=template_model,
                    )
                )

    @api.constrains("kind", "activity_type_id", "mail_template_id", "reached_on")
    def _check_kind_needs(self):
        for step in self:
            if step.kind == "email" and not step.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "%(journey)s: the e-mail step %(step)s needs an e-mail "
                        "template.",
                        journey=step.journey_id.name,
                        step=step.name,
                    )
                )
            if step.kind == "activity" and not step.activity_type_id:
                raise ValidationError(
                    self.env._(
                        "%(journey)s: the activity step %(step)s needs an activity "
                        "type.",
                        journey=step.journey_id.name,
                        step=step.name,
                    )
                )
            if step.reached_on and step.kind != "milestone":
                raise ValidationError(
                    self.env._(
                        "%(journey)s: only milestones are reached by an event; "
                        "clear Reached On of %(step)s or make it a milestone.",
                        journey=step.journey_id.name,
                        step=step.name,
                    )
                )
