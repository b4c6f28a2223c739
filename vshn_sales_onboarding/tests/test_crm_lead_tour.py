# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import OnboardingCrmCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestCrmLeadTour(HttpCase, OnboardingCrmCommon):
    def test_salesperson_meets_a_gate_and_reaches_the_offer(self):
        lead = self._make_lead()
        self._qualify(lead)
        self._design(lead)
        lead.qualification_opportunity = False
        self.user_salesman.password = "onb_salesman"
        # the refused move is answered with a ValidationError, which odoo.http logs
        with mute_logger("odoo.http"):
            self.start_tour(
                f"/odoo/crm/{lead.id}", "vshn_crm_lead_gate_tour", login="onb_salesman"
            )
        self.assertEqual(lead.stage_id, self.stage_offer)
        self.assertEqual(lead.qualification_opportunity, "yes")
