# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import operator
import re

from odoo import api, models
from odoo.exceptions import UserError

from ..report.vshn_profitability_report import FINANCE_GROUPS

# the field name a domain path, an order term or a grouping spec starts with
FIELD_NAME = re.compile(r"\w+")
COMPARISONS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class VshnProfitabilityMixin(models.AbstractModel):
    """Records that carry finance figures (``groups=FINANCE_GROUPS``): only
    finance and managers search, sort or group by them.

    Odoo checks a field's groups when it turns the field into SQL, which a
    computed figure never is: without this a salesperson's condition on a
    margin is dropped without a word, and grouping or sorting by it fails with
    "not stored". They get the access error of a field they may not read.
    """

    _name = "vshn.profitability.mixin"
    _description = "Finance Figures"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        terms = [
            leaf[0]
            for leaf in domain
            if isinstance(leaf, list | tuple) and leaf and isinstance(leaf[0], str)
        ]
        self._check_finance_terms(terms, order)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        having_terms = [
            leaf[0] for leaf in having if isinstance(leaf, list | tuple) and leaf
        ]
        self._check_finance_terms([*groupby, *aggregates, *having_terms], order)
        return super()._read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )

    @api.model
    def _check_finance_terms(self, terms, order=None):
        if self.env.su:
            return
        terms = [*terms, *(order.split(",") if order else ())]
        names = {match[0] for term in terms if (match := FIELD_NAME.search(term))}
        finance = [
            name
            for name in names
            if name in self._fields and self._fields[name].groups == FINANCE_GROUPS
        ]
        if finance:
            self.check_field_access_rights("read", sorted(finance))

    @api.model
    def _vshn_search_figure(self, report_field, measure, operator_, value, key="id"):
        """Domain on a figure of the profitability report (e.g. margin > 500),
        from one grouped read whatever the number of records.

        Records without posted figures hold 0: they match when 0 does.
        """
        compare = COMPARISONS.get(operator_)
        if (
            compare is None
            or isinstance(value, bool)
            or not isinstance(value, int | float)
        ):
            raise UserError(
                self.env._(
                    "Search a finance figure with a number and one of %(operators)s.",
                    operators=", ".join(COMPARISONS),
                )
            )
        totals = self.env["vshn.profitability.report"]._read_group(
            [(report_field, "!=", False)], [report_field], [f"{measure}:sum"]
        )
        if compare(0.0, value):
            return [
                (
                    key,
                    "not in",
                    [
                        record.id
                        for record, total in totals
                        if not compare(total, value)
                    ],
                )
            ]
        return [
            (
                key,
                "in",
                [record.id for record, total in totals if compare(total, value)],
            )
        ]
