# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two sessions on the same order at once, as Odoo core tests concurrency.

Each session is a thread with its own cursor from the registry, run the way
the server runs an RPC call or a button click (``odoo.service.model.retrying``:
a serialization failure is retried, the transaction committed and its
post-commit callbacks run); a barrier releases both at the same moment. A test
transaction is invisible to other cursors, so the fixtures are committed
through cursors of their own and deleted again by the cleanups.
"""

import sys
import threading
import traceback
from contextlib import contextmanager
from functools import partial
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.vshn_sales_onboarding.models.vshn_onboarding_gate_mixin import (
    BYPASS_CONTEXT_KEY,
    GATE_BYPASS,
)

CALLS_PARAM = "vshn_test.setup_calls"
# the setup action notes each of its runs (the onboardings it ran for) in a
# parameter: a run counts only if its transaction commits
COUNT_CALLS_CODE = f"""
params = env["ir.config_parameter"].sudo()
calls = params.get_param("{CALLS_PARAM}") or ""
params.set_param("{CALLS_PARAM}", calls + str(records.ids) + ";")
"""
TIMEOUT = 10  # seconds; a session never waits for the other that long


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        # real cursors: the registry must not hand out the test cursor proxy
        assert not cls.registry.in_test_mode(), "concurrency tests need real cursors"
        cls.fixture_ids = {}
        cls.addClassCleanup(cls._delete_class_fixtures)
        with cls._cursor_env() as env:
            env = env(context=DISABLED_MAIL_CONTEXT)
            # the notifications the sessions send are deleted with the rest
            env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM bus_bus")
            cls.fixture_ids["bus_last"] = env.cr.fetchone()[0]
            # orders without an opportunity are confirmed (the default)
            company = env.ref("base.main_company")
            cls.fixture_ids["require_opportunity"] = (
                company.onboarding_require_opportunity
            )
            company.onboarding_require_opportunity = False
            users = env["res.users"]
            for login, name in (("onb_conc_anna", "Anna"), ("onb_conc_ben", "Ben")):
                users |= new_test_user(
                    env,
                    login=login,
                    name=f"{name} Concurrent",
                    groups="vshn_sales_onboarding.group_onboarding_manager",
                    notification_type="inbox",
                    context=env.context,
                )
            cls.fixture_ids["users"] = users.ids
            cls.fixture_ids["product_tmpl"] = (
                env["product.product"]
                .create({"name": "Concurrent Service", "type": "service"})
                .product_tmpl_id.id
            )
            template = env.ref("vshn_sales_onboarding.checklist_setup_issue_tracker")
            cls.fixture_ids["template"] = template.id
            cls.fixture_ids["template_action"] = template.action_server_id.id
            action = env["ir.actions.server"].create(
                {
                    "name": "Test: count the setup runs",
                    "model_id": env["ir.model"]._get_id("vshn.onboarding"),
                    "state": "code",
                    "code": COUNT_CALLS_CODE,
                }
            )
            cls.fixture_ids["action"] = action.id
            template.action_server_id = action
            sequence = env.ref("vshn_sales_onboarding.seq_customer_reference")
            cls.fixture_ids["sequence_next"] = sequence.number_next_actual
        cls.user_ids = cls.fixture_ids["users"]

    @classmethod
    @contextmanager
    def _cursor_env(cls):
        """A superuser environment on a new cursor, committed on exit."""
        with cls.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    @classmethod
    def _delete_class_fixtures(cls):
        with cls._cursor_env() as env:
            env = env(context=dict(active_test=False))
            if cls.fixture_ids.get("template"):
                env["vshn.onboarding.checklist.template"].browse(
                    cls.fixture_ids["template"]
                ).action_server_id = cls.fixture_ids.get("template_action") or False
            env["ir.actions.server"].browse(
                cls.fixture_ids.get("action")
            ).exists().unlink()
            users = env["res.users"].browse(cls.fixture_ids.get("users", [])).exists()
            partners = users.partner_id
            # the digests and notes the sessions sent or got, on no record left
            env["mail.message"].search(
                [
                    "|",
                    ("author_id", "in", partners.ids),
                    ("partner_ids", "in", partners.ids),
                ]
            ).unlink()
            users.unlink()
            partners.unlink()
            product = env["product.template"].browse(
                cls.fixture_ids.get("product_tmpl")
            )
            product.exists().product_variant_ids.unlink()  # and their messages
            product.exists().unlink()
            if "require_opportunity" in cls.fixture_ids:
                company = env.ref("base.main_company")
                required = cls.fixture_ids["require_opportunity"]
                company.onboarding_require_opportunity = required
            if "sequence_next" in cls.fixture_ids:
                env.ref("vshn_sales_onboarding.seq_customer_reference").write(
                    {"number_next": cls.fixture_ids["sequence_next"]}
                )
        # last, with the notifications of this cleanup itself (sent on commit)
        with cls._cursor_env() as env:
            if "bus_last" in cls.fixture_ids:
                env["bus.bus"].search(
                    [("id", ">", cls.fixture_ids["bus_last"])]
                ).unlink()

    def setUp(self):
        super().setUp()
        self.addCleanup(self._delete_test_fixtures)

    def _create_order(self, state):
        """A customer (a new company) and its order, committed, without opportunity.

        The company does not require opportunities (the default, made sure of
        by the class fixture), so no gate applies; an order created confirmed
        is not converted yet.
        """
        with self._cursor_env() as env:
            bypass = {BYPASS_CONTEXT_KEY: GATE_BYPASS}
            env = env(context=dict(DISABLED_MAIL_CONTEXT, **bypass))
            customer = env["res.partner"].create(
                {"name": "Concurrent Customer AG", "is_company": True}
            )
            self.customer_id = customer.id
            product = env["product.template"].browse(self.fixture_ids["product_tmpl"])
            order = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": self.user_ids[0],
                    "state": state,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.product_variant_id.id,
                                "product_uom_qty": 1,
                            }
                        )
                    ],
                }
            )
            self.order_id = order.id
            self.assertFalse(order.onboarding_conversion)
        return order.id

    def _delete_test_fixtures(self):
        """Delete what the fixture and the sessions committed, dependents first."""
        with self._cursor_env() as env:
            env = env(context=dict(active_test=False))
            env["ir.config_parameter"].search([("key", "=", CALLS_PARAM)]).unlink()
            customer = env["res.partner"].browse(getattr(self, "customer_id", None))
            if not customer.exists():
                return
            onboardings = env["vshn.onboarding"].search(
                [("partner_id", "=", customer.id)]
            )
            orders = (
                env["sale.order"].search([("partner_id", "=", customer.id)])
                | onboardings.order_ids
            )
            orders._action_cancel()
            orders.unlink()  # an onboarding of an order is not deleted before it
            onboardings.unlink()
            customer.unlink()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _run_sessions(self, method):
        """Call ``method`` on the order in two sessions, one per user, at once.

        Returns {uid: result or exception}.
        """
        barrier = threading.Barrier(2)
        outcomes = {}

        def session(uid):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, uid, {})
                    order = env["sale.order"].browse(self.order_id)
                    # the session has the order open (its snapshot starts here)
                    order.read(["name", "state"])
                    barrier.wait(timeout=TIMEOUT)
                    # what the server does for an RPC call: retry serialization
                    # failures, commit, run the post-commit callbacks
                    outcomes[uid] = retrying(partial(getattr(order, method)), env)
            except Exception as error:  # reported by the test, never lost
                outcomes[uid] = error

        threads = [
            threading.Thread(target=session, args=(uid,), daemon=True)
            for uid in self.user_ids
        ]
        # The threaded server runs the tests holding the registry lock
        # (``server.run``: ``with Registry._lock: preload_registries()``): a
        # session looking its registry up (``api.Environment``) would wait for
        # it forever. Give the sessions a lock of their own, as the registry's
        # test mode does. A session losing a race may log its failed query
        # before the retry.
        with (
            patch.object(Registry, "_lock", threading.RLock()),
            mute_logger("odoo.sql_db"),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=3 * TIMEOUT)
        stuck = [thread for thread in threads if thread.is_alive()]
        frames = sys._current_frames()
        self.assertFalse(
            stuck,
            "a session never finished (deadlock?):\n"
            + "\n".join(
                "".join(traceback.format_stack(frames[thread.ident]))
                for thread in stuck
            ),
        )
        self.assertEqual(set(outcomes), set(self.user_ids))
        return outcomes

    def _assert_converted_once(self, converted_by=None):
        """Read in a fresh cursor: one onboarding, its checklist, one setup run."""
        with self._cursor_env() as env:
            order = env["sale.order"].browse(self.order_id)
            self.assertEqual(order.state, "sale")
            self.assertEqual(order.onboarding_conversion, "done")
            onboardings = env["vshn.onboarding"].search(
                [("partner_id", "=", self.customer_id)]
            )
            self.assertEqual(len(onboardings), 1, "exactly one onboarding")
            self.assertEqual(order.onboarding_id, onboardings)
            self.assertEqual(onboardings.order_ids, order)
            self.assertIn(onboardings.create_uid.id, self.user_ids)
            if converted_by:
                self.assertEqual(onboardings.create_uid.id, converted_by)
            templates = env["vshn.onboarding.checklist.template"].search([])
            lines = onboardings.checklist_line_ids
            self.assertEqual(len(lines), len(templates), "one set of checklist lines")
            self.assertEqual(lines.template_id, templates)
            self.assertTrue(order.partner_id.customer_reference)
            followers = env["mail.followers"].search(
                [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
            )
            self.assertEqual(len(followers), len(followers.partner_id))
            calls = env["ir.config_parameter"].get_param(CALLS_PARAM, "")
            self.assertEqual(
                calls, f"{onboardings.ids};", "the setup action ran exactly once"
            )

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_confirm_same_quotation_twice_at_once(self):
        """One confirmation wins; the other is told, clearly, and changes nothing."""
        self._create_order("draft")
        outcomes = self._run_sessions("action_confirm")
        errors = {
            uid: outcome
            for uid, outcome in outcomes.items()
            if isinstance(outcome, Exception)
        }
        self.assertEqual(len(errors), 1, f"one confirmation wins: {outcomes}")
        [(loser, error)] = errors.items()
        winner = next(uid for uid in self.user_ids if uid != loser)
        self.assertIs(outcomes[winner], True)
        # a UserError, not a lock or serialization error nor a duplicate
        # follower: usually the lock's message; the state's if the loser came
        # only after the winner had committed
        self.assertIsInstance(error, UserError)
        self.assertRegex(
            str(error),
            "is being confirmed by someone else right now"
            "|not in a state requiring confirmation",
        )
        self._assert_converted_once(converted_by=winner)

    def test_convert_same_order_twice_at_once(self):
        """The second conversion waits for the first, then finds nothing to do."""
        self._create_order("sale")
        outcomes = self._run_sessions("_vshn_convert_to_customer")
        for outcome in outcomes.values():
            self.assertIsInstance(outcome, dict, repr(outcome))
        results = sorted(
            (outcome["params"]["type"], outcome["params"]["message"])
            for outcome in outcomes.values()
        )
        self.assertEqual([kind for kind, _message in results], ["info", "success"])
        self.assertIn("Nothing to do", results[0][1])
        self.assertIn("1 onboarding(s) started", results[1][1])
        self._assert_converted_once()
