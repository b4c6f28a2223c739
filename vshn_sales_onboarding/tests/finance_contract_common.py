# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields

from .onboarding_common import OnboardingOrderCommon


class FinanceContractCommon(OnboardingOrderCommon):
    """Contract products (OCA product_contract) and a helper that confirms an
    order with recurring lines, the way a salesperson does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.contract_template = cls.env["contract.template"].create(
            {"name": "Managed Service Contract"}
        )
        cls.product_yearly = cls._contract_product("Support (yearly)", "yearly")
        cls.product_quarterly = cls._contract_product(
            "Monitoring (quarterly)", "quarterly"
        )
        cls.plan_monthly = cls.env.ref("crm.crm_recurring_plan_monthly")

    @classmethod
    def _contract_product(cls, name, rule_type):
        # invoiced every period of ``rule_type``, for three years from the
        # confirmation (so the contract runs on every date the tests use)
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "is_contract": True,
                "property_contract_template_id": cls.contract_template.id,
                "recurring_rule_type": rule_type,
                "recurring_interval": 1,
                "recurring_invoicing_type": "pre-paid",
                "recurrence_interval": "yearly",
                "recurrence_number": 3,
            }
        )

    @classmethod
    def _confirm_recurring_order(cls, name, lines, one_time=True):
        """Confirm a new customer's order of ``lines`` ((product, qty, price)),
        plus the one-time Managed Service line when ``one_time``; return it."""
        customer = cls.env["res.partner"].create({"name": name, "is_company": True})
        order = cls._make_order(customer, offering_type="standard_service")
        if not one_time:
            order.order_line.unlink()
        order.write(
            {
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                        }
                    )
                    for product, qty, price in lines
                ]
            }
        )
        order.opportunity_id.write(
            {"recurring_revenue": 3000.0, "recurring_plan": cls.plan_monthly.id}
        )
        order.action_confirm()
        return order.with_env(cls.env)
