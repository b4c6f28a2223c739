# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

FINANCE_GROUPS = (
    "vshn_sales_onboarding.group_onboarding_finance,"
    "vshn_sales_onboarding.group_onboarding_manager"
)


class VshnProfitabilityReport(models.Model):
    """Revenue, effort and contribution margin from posted data only.

    One row per product line of a posted customer invoice or credit note
    (revenue) and per cost analytic line (a timesheet, or a posted vendor bill
    charged to the analytic account of an order's or onboarding's project),
    all in company currency. Draft and cancelled documents never produce a
    row: invoice lines are filtered on ``parent_state``, and Odoo removes the
    analytic lines of a vendor bill that is reset to draft or cancelled.

    Effort lands on an order through the timesheet's sale order line, else
    through the project's analytic account; the onboarding and the customer
    follow from the order, else from the onboarding that owns the project.
    That attribution is stored on the analytic line (its ``vshn_*`` fields).
    """

    _name = "vshn.profitability.report"
    _description = "Profitability Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc"
    # the effort rows' attribution is computed by the ORM: a read of the
    # report recomputes and flushes what is pending first
    _depends = {
        "account.analytic.line": [
            "vshn_order_id",
            "vshn_onboarding_id",
            "vshn_partner_id",
        ],
    }

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    onboarding_id = fields.Many2one("vshn.onboarding", readonly=True)
    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    contract_id = fields.Many2one("contract.contract", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice or Bill", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    segment_id = fields.Many2one("vshn.onboarding.segment", readonly=True)
    offering_type = fields.Selection(
        selection=lambda self: self.env["crm.lead"]._fields["offering_type"].selection,
        readonly=True,
    )
    account_manager_id = fields.Many2one(
        "res.users", string="Account Manager", readonly=True
    )
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    line_type = fields.Selection(
        [
            ("revenue", "Revenue"),
            ("timesheet", "Timesheet"),
            ("vendor_bill", "Vendor Bill"),
        ],
        readonly=True,
    )
    revenue_type = fields.Selection(
        [("recurring", "Recurring"), ("one_time", "One-time")], readonly=True
    )
    revenue = fields.Monetary(readonly=True)
    recurring_revenue = fields.Monetary(readonly=True)
    one_time_revenue = fields.Monetary(string="One-time Revenue", readonly=True)
    timesheet_cost = fields.Monetary(readonly=True)
    vendor_bill_cost = fields.Monetary(readonly=True)
    effort_cost = fields.Monetary(string="Effort", readonly=True)
    margin = fields.Monetary(string="Contribution Margin", readonly=True)
    margin_percent = fields.Float(
        string="Margin (%)",
        readonly=True,
        aggregator="avg",
        help="Contribution margin over revenue of the rows grouped together.",
    )
    hours = fields.Float(readonly=True)

    def init(self):
        # A customer's figures (its smart button, the record figures) filter
        # the revenue rows on the invoice's commercial partner: without this
        # index every customer invoice is read to find that customer's few.
        create_index(
            self.env.cr,
            indexname="vshn_account_move_customer_invoice_partner_idx",
            tablename="account_move",
            expressions=["commercial_partner_id"],
            where="move_type IN ('out_invoice', 'out_refund')",
        )

    @property
    def _table_query(self):
        return SQL(
            "%s UNION ALL %s",
            self._revenue_query(),
            self._effort_query(),
        )

    def _dimensions(self, partner):
        """Columns every row derives from its order, onboarding and customer."""
        return SQL(
            """
            %(partner)s AS partner_id,
            COALESCE(onboarding.segment_id, customer.segment_id) AS segment_id,
            onboarding.offering_type AS offering_type,
            COALESCE(onboarding.account_manager_id, customer.account_manager_id)
                AS account_manager_id,
            customer.industry_id AS industry_id
            """,
            partner=partner,
        )

    def _revenue_query(self):
        # Every LEFT JOIN below joins on one table's column and its right side
        # is unique, so PostgreSQL drops the joins a grouped read does not
        # need (by customer or month: only the invoice line and its move);
        # a join on an expression of two joined tables (COALESCE) would
        # keep them all. Hence one subquery for the order of a line: the
        # invoiced order line (the lowest, a line linked to several, a rare
        # manual link, counts once), else the contract line's order line.
        return SQL(
            """
            SELECT
                aml.id * 2 AS id,
                aml.date AS date,
                aml.company_id AS company_id,
                aml.company_currency_id AS currency_id,
                sold.order_id AS order_id,
                onboarding.id AS onboarding_id,
                contract_line.contract_id AS contract_id,
                aml.move_id AS move_id,
                aml.product_id AS product_id,
                NULL::integer AS employee_id,
                %(dimensions)s,
                'revenue' AS line_type,
                CASE WHEN aml.contract_line_id IS NOT NULL OR template.is_contract
                     THEN 'recurring' ELSE 'one_time' END AS revenue_type,
                -aml.balance AS revenue,
                CASE WHEN aml.contract_line_id IS NOT NULL OR template.is_contract
                     THEN -aml.balance ELSE 0 END AS recurring_revenue,
                CASE WHEN aml.contract_line_id IS NOT NULL OR template.is_contract
                     THEN 0 ELSE -aml.balance END AS one_time_revenue,
                0.0 AS timesheet_cost,
                0.0 AS vendor_bill_cost,
                0.0 AS effort_cost,
                -aml.balance AS margin,
                -- the same types as the effort rows': a branch whose column
                -- PostgreSQL must cast is planned whole, unused joins too
                CASE WHEN aml.balance = 0 THEN NULL ELSE 100.0 END::float
                    AS margin_percent,
                0.0::float AS hours
            FROM account_move_line aml
            JOIN account_move move ON move.id = aml.move_id
            LEFT JOIN (
                SELECT DISTINCT ON (link.invoice_line_id)
                       link.invoice_line_id, order_line.order_id
                  FROM (
                        SELECT rel.invoice_line_id, rel.order_line_id,
                               0 AS precedence
                          FROM sale_order_line_invoice_rel rel
                     UNION ALL
                        SELECT contract_invoice_line.id,
                               contract_line.sale_order_line_id, 1
                          FROM contract_line
                          JOIN account_move_line contract_invoice_line
                            ON contract_invoice_line.contract_line_id = contract_line.id
                         WHERE contract_line.sale_order_line_id IS NOT NULL
                  ) link
                  JOIN sale_order_line order_line
                    ON order_line.id = link.order_line_id
              ORDER BY link.invoice_line_id, link.precedence, link.order_line_id
            ) sold ON sold.invoice_line_id = aml.id
            LEFT JOIN contract_line ON contract_line.id = aml.contract_line_id
            LEFT JOIN sale_order sale ON sale.id = sold.order_id
            LEFT JOIN vshn_onboarding onboarding ON onboarding.id = sale.onboarding_id
            LEFT JOIN product_product product ON product.id = aml.product_id
            LEFT JOIN product_template template
                   ON template.id = product.product_tmpl_id
            -- LEFT, so that a read needing none of its columns skips it:
            -- a posted customer invoice always has its customer
            LEFT JOIN res_partner customer ON customer.id = move.commercial_partner_id
            WHERE aml.parent_state = 'posted'
              AND aml.display_type = 'product'
              AND move.move_type IN ('out_invoice', 'out_refund')
            """,
            dimensions=self._dimensions(SQL("move.commercial_partner_id")),
        )

    def _effort_query(self):
        # Where effort belongs is stored on the analytic line (see
        # account.analytic.line's attribution): its order, onboarding and
        # customer are columns, so every join below is on one column with a
        # unique right side and a grouped read by customer or month scans
        # the analytic lines alone. A line without a customer is nobody's
        # effort (nor a timesheet or vendor bill's).
        return SQL(
            """
            SELECT
                aal.id * 2 + 1 AS id,
                aal.date AS date,
                aal.company_id AS company_id,
                company.currency_id AS currency_id,
                aal.vshn_order_id AS order_id,
                aal.vshn_onboarding_id AS onboarding_id,
                NULL::integer AS contract_id,
                bill_line.move_id AS move_id,
                aal.product_id AS product_id,
                aal.employee_id AS employee_id,
                %(dimensions)s,
                CASE WHEN aal.project_id IS NOT NULL THEN 'timesheet'
                     ELSE 'vendor_bill' END AS line_type,
                NULL AS revenue_type,
                0.0 AS revenue,
                0.0 AS recurring_revenue,
                0.0 AS one_time_revenue,
                CASE WHEN aal.project_id IS NOT NULL THEN -aal.amount ELSE 0 END
                    AS timesheet_cost,
                CASE WHEN aal.project_id IS NULL THEN -aal.amount ELSE 0 END
                    AS vendor_bill_cost,
                -aal.amount AS effort_cost,
                aal.amount AS margin,
                NULL::float AS margin_percent,
                CASE WHEN aal.project_id IS NOT NULL THEN aal.unit_amount ELSE 0 END
                    AS hours
            FROM account_analytic_line aal
            LEFT JOIN res_company company ON company.id = aal.company_id
            LEFT JOIN account_move_line bill_line ON bill_line.id = aal.move_line_id
            LEFT JOIN vshn_onboarding onboarding
                   ON onboarding.id = aal.vshn_onboarding_id
            LEFT JOIN res_partner customer ON customer.id = aal.vshn_partner_id
            WHERE aal.vshn_partner_id IS NOT NULL
            """,
            dimensions=self._dimensions(SQL("aal.vshn_partner_id")),
        )

    def _read_group_select(self, aggregate_spec, query):
        # A percentage does not add up: the margin of a group is its summed
        # margin over its summed revenue, whatever aggregate the view asks.
        if aggregate_spec.split(":")[0] == "margin_percent":
            margin = self._field_to_sql(self._table, "margin", query)
            revenue = self._field_to_sql(self._table, "revenue", query)
            return SQL(
                "ROUND((100.0 * SUM(%s) / NULLIF(SUM(%s), 0))::numeric, 2)",
                margin,
                revenue,
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _figures_by(self, field_name, records, fields_to_sum):
        """``{record id: {field: sum}}`` for ``records``, in one grouped read."""
        aggregates = [f"{name}:sum" for name in fields_to_sum]
        groups = self._read_group(
            [(field_name, "in", records.ids)], [field_name], aggregates
        )
        return {
            record.id: dict(zip(fields_to_sum, values, strict=True))
            for record, *values in groups
        }

    @api.model
    def _action_for(self, domain, name):
        # the smart buttons are public methods: whoever may not read the
        # report gets its access error, not an action that opens nothing
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vshn_sales_onboarding.vshn_profitability_report_action"
        )
        action.update({"domain": domain, "display_name": name, "context": {}})
        return action
