# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .vshn_onboarding_gate_mixin import check_process_fields

# which cost lines to re-attribute, noted until the next flush (see
# _vshn_recompute_attribution)
PENDING_ATTRIBUTION = "vshn_sales_onboarding.pending_effort_attribution"
ATTRIBUTION_FIELDS = {"vshn_order_id", "vshn_onboarding_id", "vshn_partner_id"}


class AccountAnalyticLine(models.Model):
    """Whose effort a cost line is, stored for the profitability report.

    Found in the report's query, every timesheet and bill line would join its
    order, task, the engagements of its project's analytic account and the
    order's customer at each read; stored here, the report's effort half is a
    scan of this table. Only timesheets and vendor-bill lines are attributed.
    """

    _inherit = "account.analytic.line"

    # What decides the attribution besides the line's own fields and its
    # task's onboarding (onboarding or order project, order state or
    # onboarding, project account) re-attributes the lines concerned through
    # _vshn_recompute_attribution.
    vshn_order_id = fields.Many2one(
        "sale.order",
        string="Attributed Order",
        compute="_compute_vshn_attribution",
        store=True,
        index="btree_not_null",
    )
    vshn_onboarding_id = fields.Many2one(
        "vshn.onboarding",
        string="Attributed Onboarding",
        compute="_compute_vshn_attribution",
        store=True,
        index="btree_not_null",
    )
    vshn_partner_id = fields.Many2one(
        "res.partner",
        string="Attributed Customer",
        compute="_compute_vshn_partner_id",
        store=True,
        index="btree_not_null",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_attribution_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_attribution_fields(vals)
        return super().write(vals)

    def _check_attribution_fields(self, vals):
        # the ORM stores the computed attribution without write(); a user's
        # own timesheet must not move its cost to another customer
        check_process_fields(
            self,
            vals,
            ATTRIBUTION_FIELDS,
            self.env._(
                "Whose effort a timesheet or bill line is follows its order, "
                "task and project; change those instead."
            ),
        )

    @api.depends(
        "project_id",
        "category",
        "account_id",
        "order_id",
        "task_id.onboarding_id",
    )
    def _compute_vshn_attribution(self):
        # Most precise first: the timesheet's order, the onboarding of its
        # task, else the project's analytic account when that account carries
        # one engagement only (a project shared by several onboardings tells
        # nothing about whose work it was).
        costs = self.filtered(
            lambda line: line.project_id or line.category == "vendor_bill"
        )
        scopes = self._vshn_account_scopes(costs.account_id)
        orders = self.env["sale.order"]
        onboardings = self.env["vshn.onboarding"]
        cost_ids = set(costs.ids)
        for line in self:
            if line.id not in cost_ids:
                line.vshn_order_id = line.vshn_onboarding_id = False
                continue
            scope_order_id, scope_onboarding_id = scopes.get(
                line.account_id.id, (False, False)
            )
            timesheet_order = line.order_id if line.project_id else orders
            line.vshn_order_id = timesheet_order or orders.browse(scope_order_id)
            line.vshn_onboarding_id = (
                timesheet_order.onboarding_id
                or line.task_id.onboarding_id
                or onboardings.browse(scope_onboarding_id)
            )

    @api.depends(
        "vshn_onboarding_id.partner_id",
        "vshn_order_id.partner_id.commercial_partner_id",
    )
    def _compute_vshn_partner_id(self):
        for line in self:
            line.vshn_partner_id = (
                line.vshn_onboarding_id.partner_id
                or line.vshn_order_id.partner_id.commercial_partner_id
            )

    @api.model
    def _vshn_account_scopes(self, accounts):
        """``{account id: (order id, onboarding id)}`` of the accounts that
        carry one engagement (a confirmed order without onboarding, or one
        onboarding with its orders), in one query; the order only when it is
        the account's only confirmed one."""
        if not accounts:
            return {}
        self.env["sale.order"].flush_model(["state", "project_id", "onboarding_id"])
        self.env["vshn.onboarding"].flush_model(["project_id"])
        self.env["project.project"].flush_model(["account_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT linked.account_id,
                       CASE WHEN COUNT(DISTINCT linked.order_id) = 1
                            THEN MIN(linked.order_id) END,
                       MIN(linked.onboarding_id)
                  FROM (
                        SELECT project.account_id, sale.id AS order_id,
                               sale.onboarding_id
                          FROM sale_order sale
                          JOIN project_project project
                            ON project.id = sale.project_id
                         WHERE sale.state = 'sale'
                           AND project.account_id IN %(accounts)s
                     UNION ALL
                        SELECT project.account_id, NULL, onboarding.id
                          FROM vshn_onboarding onboarding
                          JOIN project_project project
                            ON project.id = onboarding.project_id
                         WHERE project.account_id IN %(accounts)s
                  ) linked
              GROUP BY linked.account_id
                HAVING COUNT(DISTINCT COALESCE(linked.onboarding_id,
                                               -linked.order_id)) = 1
                """,
                accounts=tuple(accounts.ids),
            )
        )
        return {
            account_id: (order_id, onboarding_id)
            for account_id, order_id, onboarding_id in rows
        }

    @api.model
    def _vshn_recompute_attribution(self, accounts=None, orders=None):
        """Re-attribute the cost lines on ``accounts`` and of ``orders``.

        For what the dependencies cannot express cheaply: which engagements
        an account carries changes with an onboarding's or order's project,
        an order's state or onboarding, a project's account; and an order's
        onboarding is set at conversion, one order at a time. Noted here and
        resolved in one search when the attribution is next flushed (a read
        of the report, a search on it) or at commit: confirming N orders
        costs one query, not N.
        """
        account_ids = accounts.ids if accounts else []
        order_ids = orders.ids if orders else []
        if not account_ids and not order_ids:
            return
        data = self.env.cr.precommit.data
        pending = data.get(PENDING_ATTRIBUTION)
        if pending is None:
            pending = data[PENDING_ATTRIBUTION] = {"accounts": set(), "orders": set()}
            self.env.cr.precommit.add(self._vshn_flush_attribution_at_commit)
        pending["accounts"].update(account_ids)
        pending["orders"].update(order_ids)

    @api.model
    def _vshn_mark_pending_attribution(self):
        pending = self.env.cr.precommit.data.pop(PENDING_ATTRIBUTION, None)
        if not pending:
            return
        links = []
        if pending["accounts"]:
            links.append([("account_id", "in", list(pending["accounts"]))])
        if pending["orders"]:
            links.append([("order_id", "in", list(pending["orders"]))])
        lines = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                expression.AND(
                    [
                        expression.OR(links),
                        [
                            "|",
                            ("project_id", "!=", False),
                            ("category", "=", "vendor_bill"),
                        ],
                    ]
                )
            )
        )
        lines._vshn_reattribute()

    def _vshn_reattribute(self):
        if self:
            for name in ("vshn_order_id", "vshn_onboarding_id"):
                self.env.add_to_compute(self._fields[name], self)
            # the customer follows the order and onboarding once recomputed
            self.modified(["vshn_order_id", "vshn_onboarding_id"])

    def _vshn_flush_attribution_at_commit(self):
        self.flush_model()

    def flush_model(self, fnames=None):
        if fnames is None or ATTRIBUTION_FIELDS.intersection(fnames):
            self._vshn_mark_pending_attribution()
        return super().flush_model(fnames)
