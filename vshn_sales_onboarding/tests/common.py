# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.mail.tests.common import mail_new_test_user


class OnboardingCommon(TransactionCase):
    """Users of each kind the addon knows, created once per test class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.user_salesman = mail_new_test_user(
            cls.env,
            login="onb_salesman",
            name="Sandra Sales",
            groups="vshn_sales_onboarding.group_onboarding_user",
        )
        cls.user_manager = mail_new_test_user(
            cls.env,
            login="onb_manager",
            name="Martin Manager",
            groups="vshn_sales_onboarding.group_onboarding_manager",
        )
        cls.user_finance = mail_new_test_user(
            cls.env,
            login="onb_finance",
            name="Fiona Finance",
            groups="vshn_sales_onboarding.group_onboarding_finance",
        )
        cls.user_employee = mail_new_test_user(
            cls.env,
            login="onb_employee",
            name="Erik Employee",
            groups="base.group_user",
        )
