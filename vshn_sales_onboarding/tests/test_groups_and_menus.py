# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import OnboardingCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestGroupsAndMenus(OnboardingCommon):
    def _visible_menu_xmlids(self, user):
        menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        xmlids = self.env["ir.ui.menu"].browse(menus).get_external_id()
        prefix = "vshn_sales_onboarding.vshn_sales_onboarding_menu_"
        return {
            xmlid.removeprefix(prefix)
            for xmlid in xmlids.values()
            if xmlid.startswith(prefix)
        }

    def test_groups_imply_core_sales_and_invoicing_groups(self):
        self.assertTrue(self.user_salesman.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(
            self.user_salesman.has_group("sales_team.group_sale_salesman_all_leads")
        )
        self.assertTrue(
            self.user_manager.has_group("sales_team.group_sale_salesman_all_leads")
        )
        self.assertTrue(
            self.user_manager.has_group("vshn_sales_onboarding.group_onboarding_user")
        )
        self.assertTrue(self.user_finance.has_group("account.group_account_invoice"))
        self.assertFalse(
            self.user_finance.has_group(
                "vshn_sales_onboarding.group_onboarding_manager"
            )
        )

    def test_groups_live_in_their_own_category(self):
        category = self.env.ref("vshn_sales_onboarding.module_category_onboarding")
        groups = self.env["res.groups"].search([("category_id", "=", category.id)])
        self.assertEqual(
            set(groups.get_external_id().values()),
            {
                "vshn_sales_onboarding.group_onboarding_user",
                "vshn_sales_onboarding.group_onboarding_manager",
                "vshn_sales_onboarding.group_onboarding_finance",
            },
        )

    def test_user_sees_app_and_pipeline_but_not_configuration(self):
        visible = self._visible_menu_xmlids(self.user_salesman)
        self.assertIn("root", visible)
        self.assertIn("pipeline", visible)
        self.assertNotIn("config", visible)
        self.assertNotIn("report_sales", visible)

    def test_manager_sees_configuration(self):
        visible = self._visible_menu_xmlids(self.user_manager)
        self.assertIn("config", visible)
        self.assertIn("report_pipeline", visible)

    def test_finance_sees_sales_analysis(self):
        visible = self._visible_menu_xmlids(self.user_finance)
        self.assertIn("report_sales", visible)

    def test_user_without_groups_does_not_see_the_app(self):
        visible = self._visible_menu_xmlids(self.user_employee)
        self.assertNotIn("root", visible)
