# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .onboarding_common import OnboardingOrderCommon

# a 1x1 GIF, as the signature pad would send it
SIGNATURE = "R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs="
CONVERSION_LOGGER = "odoo.addons.vshn_sales_onboarding.models.sale_order"


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestPortalSignature(HttpCase, OnboardingOrderCommon):
    """A customer signs on the portal: the signature only confirms the order;
    the conversion runs afterwards, queued, as an internal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()
        cls.cron = cls.env.ref("vshn_sales_onboarding.ir_cron_convert_confirmed_orders")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Portal Customer AG",
                "is_company": True,
                "segment_id": cls.segment.id,
            }
        )
        cls.user_portal = mail_new_test_user(
            cls.env,
            login="onb_portal",
            name="Petra Portal",
            email="petra@portal-customer.example",
            groups="base.group_portal",
        )
        cls.user_portal.partner_id.parent_id = cls.customer

    def _sent_quotation(self):
        order = (
            self.env["sale.order"]
            .with_user(self.user_salesman)
            .create(
                {
                    "partner_id": self.user_portal.partner_id.id,
                    "order_line": [
                        fields.Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
        )
        order.action_quotation_sent()
        self.assertEqual(order.state, "sent")
        self.assertTrue(order._has_to_be_signed())
        return order.with_env(self.env)

    def _run_cron(self):
        """Run the queued conversion the way the scheduler does (as OdooBot)."""
        self.assertEqual(self.cron.user_id, self.env.ref("base.user_root"))
        self.cron.method_direct_trigger()
        self.env.invalidate_all()

    def test_portal_signature_queues_then_converts(self):
        order = self._sent_quotation()
        token = order._portal_ensure_token()
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        self.authenticate("onb_portal", "onb_portal")
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": token, "name": "Petra Portal", "signature": SIGNATURE},
        )
        self.assertNotIn("error", result)
        self.assertTrue(result.get("redirect_url"))
        self.env.invalidate_all()
        # signed and confirmed; the conversion is queued, not run
        self.assertEqual(order.signed_by, "Petra Portal")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.onboarding_conversion, "pending")
        self.assertFalse(order.onboarding_id)
        self.assertFalse(
            self.env["vshn.onboarding"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(self.customer.customer_status, "prospect")
        self.assertGreater(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]),
            triggers,
        )

        self._run_cron()
        self.assertEqual(order.onboarding_conversion, "done")
        onboarding = order.onboarding_id
        self.assertTrue(onboarding)
        self.assertEqual(onboarding.kind, "full")
        self.assertEqual(self.customer.customer_status, "onboarding")
        # converted as the salesperson, never as the customer
        self.assertEqual(onboarding.create_uid, self.user_salesman)
        self.assertEqual(onboarding.user_id, self.user_salesman)
        activities = onboarding.activity_ids
        self.assertTrue(activities)
        self.assertNotIn(self.user_portal, activities.user_id)
        self.assertNotIn(self.user_portal, activities.create_uid)
        self.assertFalse(any(activities.user_id.mapped("share")))
        self.assertFalse(any(activities.create_uid.mapped("share")))
        messages = onboarding.message_ids
        self.assertTrue(messages)
        self.assertNotIn(self.user_portal.partner_id, messages.author_id)
        self.assertNotIn(self.user_portal, messages.create_uid)
        self.assertFalse(any(messages.create_uid.mapped("share")))
        team = onboarding.stakeholder_ids | self.customer.stakeholder_ids
        self.assertNotIn(self.user_portal, team.create_uid)
        # nothing left in the queue
        self._run_cron()
        self.assertEqual(onboarding.order_ids, order)

    @mute_logger(CONVERSION_LOGGER)
    def test_failing_conversion_does_not_undo_the_signature(self):
        self._break_introduction_for(self.customer.name)
        order = self._sent_quotation()
        # what the portal's accept route does, as the customer
        order_sudo = order.with_user(self.user_portal).sudo()
        order_sudo.write(
            {
                "signed_by": "Petra Portal",
                "signed_on": fields.Datetime.now(),
                "signature": SIGNATURE,
            }
        )
        order_sudo._validate_order()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.onboarding_conversion, "pending")
        self._run_cron()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, "Petra Portal")
        self.assertEqual(order.onboarding_conversion, "failed")
        self.assertFalse(order.onboarding_id)
        self.assertFalse(
            self.env["vshn.onboarding"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(self.customer.customer_status, "prospect")
        self.assertFalse(self.customer.customer_reference)
        note = order.message_ids[0]
        self.assertIn("conversion failed", note.body)
        self.assertIn("no_such_field", note.body)
        # a failed conversion is not retried by itself ...
        self._run_cron()
        self.assertEqual(order.onboarding_conversion, "failed")
        # ... but with Start Onboarding once the cause is fixed
        self.env.company.onboarding_intro_auto_send = False
        order.with_user(self.user_salesman).action_convert_to_customer()
        self.assertEqual(order.onboarding_conversion, "done")
        self.assertTrue(order.onboarding_id)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_model")
    def test_portal_user_cannot_read_internal_partner_fields(self):
        partner = self.user_portal.partner_id.with_user(self.user_portal)
        self.assertTrue(partner.read(["name"]))
        for field in ("customer_status", "segment_id", "complexity"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                partner.read([field])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user_portal).read(["csm_id"])
