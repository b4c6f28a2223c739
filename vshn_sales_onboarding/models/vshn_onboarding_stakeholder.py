# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .vshn_onboarding_gate_mixin import check_internal_users

# the models whose records hold stakeholders, and the line's field for each
HOLDER_FIELDS = {
    "crm.lead": "lead_id",
    "vshn.onboarding": "onboarding_id",
    "res.partner": "customer_id",
}


class VshnOnboardingStakeholder(models.Model):
    """A user (and optionally a customer contact) in a role on one record.

    The record is a deal (the deal team), an onboarding (its stakeholders) or a
    customer (its account team); exactly one of the three is set.
    """

    _name = "vshn.onboarding.stakeholder"
    _description = "Onboarding Stakeholder"
    _order = "role_sequence, id"
    _check_company_auto = True

    role_id = fields.Many2one(
        "vshn.onboarding.role", required=True, ondelete="restrict", index=True
    )
    role_sequence = fields.Integer(related="role_id.sequence", store=True)
    user_id = fields.Many2one(
        "res.users",
        index="btree_not_null",
        domain="[('share', '=', False)]",
        ondelete="cascade",
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer Contact",
        check_company=True,
        help="The customer's counterpart for this role, if any.",
    )
    lead_id = fields.Many2one("crm.lead", ondelete="cascade", index="btree_not_null")
    onboarding_id = fields.Many2one(
        "vshn.onboarding", ondelete="cascade", index="btree_not_null"
    )
    customer_id = fields.Many2one(
        "res.partner", ondelete="cascade", index="btree_not_null"
    )
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True
    )

    _sql_constraints = [
        (
            "one_holder",
            "CHECK(num_nonnulls(lead_id, onboarding_id, customer_id) = 1)",
            "A stakeholder belongs to exactly one deal, onboarding or customer.",
        ),
        ("role_per_lead", "UNIQUE(lead_id, role_id)", "One holder per role on a deal."),
        (
            "role_per_onboarding",
            "UNIQUE(onboarding_id, role_id)",
            "One holder per role on an onboarding.",
        ),
        (
            "role_per_customer",
            "UNIQUE(customer_id, role_id)",
            "One holder per role on a customer's account team.",
        ),
    ]

    @api.depends("lead_id.company_id", "onboarding_id.company_id")
    def _compute_company_id(self):
        for line in self:
            line.company_id = (
                line.lead_id.company_id or line.onboarding_id.company_id or False
            )

    @api.constrains("user_id")
    def _check_user_is_internal(self):
        check_internal_users(self, "user_id")

    @api.constrains("customer_id")
    def _check_customer_is_commercial(self):
        for line in self.filtered("customer_id"):
            if line.customer_id != line.customer_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "The account team belongs to the company %(company)s, not "
                        "to its contact %(contact)s.",
                        company=line.customer_id.commercial_partner_id.display_name,
                        contact=line.customer_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_holder_access(vals)
        lines = super().create(vals_list)
        lines._vshn_void_lead_reviews()
        if not self.env.context.get("vshn_onboarding_starting"):
            lines._vshn_propagate()
        return lines

    def write(self, vals):
        changed = self.filtered(
            lambda line: ("user_id" in vals and line.user_id.id != vals["user_id"])
            or ("role_id" in vals and line.role_id.id != vals["role_id"])
        )
        changed._vshn_void_lead_reviews()
        self._check_holder_access(vals)
        result = super().write(vals)
        if set(HOLDER_FIELDS.values()) & set(vals):
            # the rules are checked on the line as it was; a line moved to
            # another holder (a deal team line onto a customer's account team)
            # must be one the user may write there too
            self.check_access("write")
        if "user_id" in vals and not self.env.context.get("vshn_onboarding_starting"):
            self._vshn_propagate()
        return result

    def unlink(self):
        self._check_holder_access()
        self._vshn_void_lead_reviews()
        return super().unlink()

    def _check_holder_access(self, vals=None):
        """A team is changed by who may change its deal or onboarding.

        Checked before the change (the lines' deals and onboardings, and those
        ``vals`` moves them to): otherwise anyone could write themself onto
        someone else's deal team and, through the role holders' access rule,
        into the deal.
        """
        if self.env.su:
            return
        vals = vals or {}
        leads = self.lead_id | self.env["crm.lead"].browse(vals.get("lead_id"))
        onboardings = self.onboarding_id | self.env["vshn.onboarding"].browse(
            vals.get("onboarding_id")
        )
        leads.check_access("write")
        onboardings.check_access("write")

    def _vshn_void_lead_reviews(self):
        """A new Solution Architect or Project Manager voids the old one's review."""
        for line in self.filtered("lead_id"):
            line.lead_id._vshn_void_reviews([line.role_id.code])

    def _vshn_propagate(self):
        """A role filled on one side flows to the other, and takes its work.

        Activities waiting for the role (given to a stand-in while it was
        vacant) pass to the new holder; an account-team role filled on an
        onboarding fills the customer's vacant one; one filled on the customer
        fills the vacant role of the customer's open onboardings.
        """
        filled = self.filtered("user_id")
        on_onboardings = filled.filtered("onboarding_id")
        if on_onboardings:
            activities = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "vshn.onboarding"),
                    ("res_id", "in", on_onboardings.onboarding_id.ids),
                    ("vshn_onboarding_role_id", "in", on_onboardings.role_id.ids),
                ]
            )
            for line in on_onboardings:
                activities.filtered(
                    lambda activity, line=line: activity.res_id == line.onboarding_id.id
                    and activity.vshn_onboarding_role_id == line.role_id
                    and activity.user_id != line.user_id
                ).write({"user_id": line.user_id.id})
        # The account team is kept by managers; a role named on an onboarding
        # may fill it only where it is vacant.
        sudo_self = self.sudo()
        team_roles = on_onboardings.filtered("role_id.account_team")
        for line in team_roles:
            sudo_self._vshn_fill_vacant(
                "customer_id", line.onboarding_id.partner_id, line.role_id, line.user_id
            )
        for line in filled.filtered(
            lambda line: line.customer_id and line.role_id.account_team
        ):
            onboardings = (
                self.env["vshn.onboarding"]
                .sudo()
                .search(
                    [("partner_id", "=", line.customer_id.id), ("is_done", "=", False)]
                )
            )
            for onboarding in onboardings:
                sudo_self._vshn_fill_vacant(
                    "onboarding_id", onboarding, line.role_id, line.user_id
                )

    def _vshn_fill_vacant(self, holder_field, holder, role, user):
        line = self.search([(holder_field, "=", holder.id), ("role_id", "=", role.id)])
        if not line:
            self.create(
                {holder_field: holder.id, "role_id": role.id, "user_id": user.id}
            )
        elif not line.user_id:
            line.user_id = user
