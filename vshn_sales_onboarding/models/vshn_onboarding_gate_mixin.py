# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.models import NewId

# Only Python code holding this object can skip a gate: a JSON-RPC caller can put
# any key in its context, but it cannot put this object there.
GATE_BYPASS = object()
BYPASS_CONTEXT_KEY = "vshn_onboarding_gate_bypass"
MANAGER_GROUP = "vshn_sales_onboarding.group_onboarding_manager"
# Likewise, fields that carry evidence (a review, "initialized", a converted
# order) are written only by the code holding this object.
PROCESS_TOKEN = object()
PROCESS_CONTEXT_KEY = "vshn_onboarding_process"


def as_process(records):
    """``records`` in an environment allowed to write the process's fields."""
    return records.with_context(**{PROCESS_CONTEXT_KEY: PROCESS_TOKEN})


def check_process_fields(records, vals, field_names, message):
    """Refuse ``vals`` writing any of ``field_names`` outside the process."""
    if records.env.context.get(PROCESS_CONTEXT_KEY) is PROCESS_TOKEN:
        return
    written = set(vals) & set(field_names)
    if written:
        raise UserError(
            records.env._(
                "%(message)s (Refused: %(fields)s.)",
                message=message,
                fields=", ".join(
                    records._fields[name]._description_string(records.env)
                    for name in sorted(written)
                ),
            )
        )


def check_record_ids(records):
    """Refuse ids that are no record ids: an RPC caller may send anything."""
    bad = [
        record_id
        for record_id in records._ids
        if not isinstance(record_id, NewId)
        and (not isinstance(record_id, int) or isinstance(record_id, bool))
    ]
    if bad:
        raise UserError(
            records.env._(
                "%(model)s: %(ids)s are not record ids.",
                model=records._description,
                ids=", ".join(repr(record_id) for record_id in bad),
            )
        )


def check_relational_values(records, vals):
    """Refuse a many2one value that is no record id (a name, a dict, True)."""
    for name, value in vals.items():
        field = records._fields.get(name)
        if (
            field is not None
            and field.type == "many2one"
            and value not in (False, None)
            and (not isinstance(value, int) or isinstance(value, bool))
            # a record of the field's model, as Odoo's own code writes (crm's
            # merge): no RPC caller can send one
            and not (
                isinstance(value, models.BaseModel)
                and value._name == field.comodel_name
                and len(value) <= 1
            )
        ):
            raise UserError(
                records.env._(
                    "%(field)s (%(name)s) of %(model)s takes the id of a record, "
                    "not %(value)s.",
                    field=field._description_string(records.env),
                    name=name,
                    model=records._description,
                    value=repr(value)[:80],
                )
            )


def check_internal_users(records, field_name):
    """Refuse a portal user in ``field_name``: roles and ownership are staff's.

    The views offer internal users only; this holds for every other client.
    """
    for record in records.filtered(lambda record: record[field_name].share):
        raise ValidationError(
            records.env._(
                "%(record)s: %(user)s is a portal user; %(field)s is an internal "
                "user.",
                record=record.display_name,
                user=record[field_name].name,
                field=records._fields[field_name]._description_string(records.env),
            )
        )


class VshnOnboardingGateMixin(models.AbstractModel):
    """Stage gates: a record enters a stage only when it meets the stage's needs.

    The invariant: a record is in a stage only if the gate of every step up to
    that stage was met when it got there, or a manager bypassed it with a
    logged reason. Every way in counts: create (so copy and import), a write
    of any field combination that sets the stage or one of
    ``_get_gate_trigger_fields`` (for a lead its type and active flag: a lead
    turned opportunity enters its stage then), from any client (form, kanban
    drag, mass edit, import, JSON-RPC). A record to which the gates do not
    apply (``_gate_applies``, e.g. a lead that is not an opportunity) enters
    the gated world from no stage at all, so every step up to its stage is
    checked when it starts to apply.

    A model using the mixin names its stage field in ``_gate_stage_field`` and
    overrides ``_get_stage_gate_missing``; ``_is_stage_gate_forward`` says
    which moves are free (moving back). A manager may bypass a gate only
    through ``_bypass_stage_gate``, which logs who bypassed what in the
    chatter; the bypass is a Python object in the context, which no RPC caller
    can send.
    """

    _name = "vshn.onboarding.gate.mixin"
    _description = "Onboarding Stage Gate"
    _gate_stage_field = "stage_id"

    def _get_stage_gate_missing(self, new_stage):
        """What this record lacks to enter ``new_stage``, as translated labels.

        Called on a single record, after the values of the write are applied,
        only when the stage moves forward. Override and extend the list.
        """
        self.ensure_one()
        return []

    def _is_stage_gate_forward(self, old_stage, new_stage):
        """Moving back to an earlier stage is never gated."""
        if not old_stage:
            return True
        return (new_stage.sequence, new_stage.id) > (old_stage.sequence, old_stage.id)

    def _gate_is_bypassed(self):
        return self.env.context.get(BYPASS_CONTEXT_KEY) is GATE_BYPASS

    def _gate_applies(self):
        """Whether the gates hold for this record (all records by default)."""
        self.ensure_one()
        return True

    def _get_gate_trigger_fields(self):
        """Fields whose change may put a record into a stage."""
        return {self._gate_stage_field}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_relational_values(self, vals)
        records = super().create(vals_list)
        if not records._gate_is_bypassed():
            empty_stage = self.env[self._fields[self._gate_stage_field].comodel_name]
            records._check_stage_gates(dict.fromkeys(records.ids, empty_stage))
        return records

    def write(self, vals):
        check_record_ids(self)
        check_relational_values(self, vals)
        field = self._gate_stage_field
        if self._gate_is_bypassed() or not (
            self._get_gate_trigger_fields() & set(vals)
        ):
            return super().write(vals)
        empty_stage = self.env[self._fields[field].comodel_name]
        old_stages = {
            record.id: record[field] if record._gate_applies() else empty_stage
            for record in self
        }
        result = super().write(vals)
        self._check_stage_gates(old_stages)
        return result

    def _check_stage_gates(self, old_stages):
        """Raise one error listing every record of ``self`` that may not move."""
        field = self._gate_stage_field
        refusals = []
        for record in self:
            new_stage = record[field]
            old_stage = old_stages.get(record.id)
            if not new_stage or new_stage == old_stage or not record._gate_applies():
                continue
            if not record._is_stage_gate_forward(old_stage, new_stage):
                continue
            missing = record._get_stage_gate_missing(new_stage)
            if missing:
                refusals.append(
                    self.env._(
                        "%(record)s cannot enter %(stage)s yet. Missing: %(missing)s.",
                        record=record.display_name,
                        stage=new_stage.display_name,
                        missing="; ".join(missing),
                    )
                )
        if refusals:
            raise ValidationError("\n".join(refusals))

    def action_open_gate_bypass(self):
        """The wizard through which a manager bypasses a gate, with a reason."""
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

    def _bypass_stage_gate(self, new_stage, reason):
        """Move to ``new_stage`` despite its gate, as a manager, with a reason.

        Posts on each record who bypassed which gate, what was missing and why.
        """
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only an Onboarding Manager may bypass a stage gate.")
            )
        if not (reason or "").strip():
            raise ValidationError(
                self.env._(
                    "Give the reason for bypassing the gate of %(stage)s.",
                    stage=new_stage.display_name,
                )
            )
        for record in self:
            missing = record._get_stage_gate_missing(new_stage)
            record.message_post(
                body=Markup("<p>%s</p><ul>%s</ul><p>%s</p>")
                % (
                    self.env._(
                        "%(user)s bypassed the gate of %(stage)s.",
                        user=self.env.user.name,
                        stage=new_stage.display_name,
                    ),
                    Markup("").join(Markup("<li>%s</li>") % item for item in missing)
                    or Markup("<li>%s</li>") % self.env._("nothing was missing"),
                    self.env._("Reason: %(reason)s", reason=reason),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return self.with_context(**{BYPASS_CONTEXT_KEY: GATE_BYPASS}).write(
            {self._gate_stage_field: new_stage.id}
        )
