# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .onboarding_common import OnboardingOrderCommon


@tagged("post_install", "-at_install")
class TestEffortAttribution(OnboardingOrderCommon):
    """Whose effort a timesheet is follows every link it depends on, also
    those set after the timesheet was logged (2 h at 100/h = 200.00)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.onboarding = cls._start_onboarding(prefix="Attribution A")
        cls.other = cls._start_onboarding(prefix="Attribution B")
        cls.customer = cls.onboarding.partner_id
        cls.employee = env["hr.employee"].create(
            {"name": "Attributed Engineer", "hourly_cost": 100.0}
        )
        cls.project, cls.second_project = env["project.project"].create(
            [
                {"name": "Later Project", "allow_timesheets": True},
                {"name": "Second Project", "allow_timesheets": True},
            ]
        )

    def _log(self, project, task=None, hours=2.0):
        return self.env["account.analytic.line"].create(
            {
                "name": "Work",
                "project_id": project.id,
                "task_id": task.id if task else False,
                "employee_id": self.employee.id,
                "unit_amount": hours,
                "date": date(2026, 3, 2),
            }
        )

    def _effort(self, customer):
        [(effort,)] = self.env["vshn.profitability.report"]._read_group(
            [("partner_id", "=", customer.id)], [], ["effort_cost:sum"]
        )
        return effort

    def _partner(self, line):
        # the links are re-attributed at the next flush (a report read, a
        # search on the attribution, the commit), as here
        line.flush_model(["vshn_partner_id"])
        return line.vshn_partner_id

    def assertAttributed(self, line, onboarding, order=None):
        self.assertEqual(self._partner(line), onboarding.partner_id)
        self.assertEqual(line.vshn_onboarding_id, onboarding)
        self.assertEqual(line.vshn_order_id, order or self.env["sale.order"])

    def test_timesheet_logged_before_the_onboarding_had_its_project(self):
        line = self._log(self.project)
        self.assertFalse(self._partner(line))
        self.assertAlmostEqual(self._effort(self.customer), 0.0)
        self.onboarding.project_id = self.project
        self.assertAttributed(line, self.onboarding)
        self.assertAlmostEqual(self._effort(self.customer), 200.0)

    def test_a_shared_project_is_nobodys_effort(self):
        line = self._log(self.project)
        self.onboarding.project_id = self.project
        self.other.project_id = self.project
        self.assertFalse(self._partner(line))
        self.assertAlmostEqual(self._effort(self.customer), 0.0)
        self.other.project_id = False
        self.assertAttributed(line, self.onboarding)
        self.assertAlmostEqual(self._effort(self.customer), 200.0)

    def test_a_deleted_onboarding_leaves_its_effort_unattributed(self):
        # an onboarding with orders is never deleted: one without any
        bare = self.env["vshn.onboarding"].create(
            {
                "name": "Bare onboarding",
                "partner_id": self.customer.id,
                "user_id": self.user_salesman.id,
                "project_id": self.project.id,
            }
        )
        line = self._log(self.project)
        self.assertAttributed(line, bare)
        bare.unlink()
        self.assertFalse(self._partner(line))

    def test_the_order_project_moves_its_effort(self):
        order = self.onboarding.order_ids
        line, second_line = self._log(self.project), self._log(self.second_project)
        order.project_id = self.project
        self.assertAttributed(line, self.onboarding, order)
        self.assertFalse(self._partner(second_line))
        order.project_id = self.second_project
        self.assertFalse(self._partner(line))
        self.assertAttributed(second_line, self.onboarding, order)

    def test_an_order_counts_once_confirmed_and_joined(self):
        order = self._make_order(self.customer, offering_type="consulting")
        order.sudo().project_id = self.project
        line = self._log(self.project)
        self.assertFalse(self._partner(line), "a quotation is no engagement yet")
        order.action_confirm()
        self.assertEqual(order.onboarding_id, self.onboarding)
        self.assertAttributed(line, self.onboarding, order)
        self.assertAlmostEqual(self._effort(self.customer), 200.0)

    def test_the_project_account_moves_its_effort(self):
        line, second_line = self._log(self.project), self._log(self.second_project)
        self.onboarding.project_id = self.project
        self.assertAttributed(line, self.onboarding)
        self.project.account_id = self.second_project.account_id
        self.assertFalse(self._partner(line))
        self.assertAttributed(second_line, self.onboarding)

    def test_the_task_onboarding_set_later(self):
        task = self.env["project.task"].create(
            {"name": "Workshop", "project_id": self.project.id}
        )
        line = self._log(self.project, task=task)
        self.assertFalse(self._partner(line))
        task.onboarding_id = self.other
        self.assertAttributed(line, self.other)
        self.assertAlmostEqual(self._effort(self.other.partner_id), 200.0)

    def test_attribution_is_computed_in_batch(self):
        self.onboarding.project_id = self.project
        self.other.project_id = self.second_project
        lines = self._log(self.project) | self._log(self.second_project)

        def recompute_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            lines._vshn_recompute_attribution(lines.account_id)
            lines.flush_model()
            return self.cr.sql_log_count - before

        few = recompute_queries()
        lines |= self.env["account.analytic.line"].create(
            [
                {
                    "name": "Work",
                    "project_id": project.id,
                    "employee_id": self.employee.id,
                    "unit_amount": 1.0,
                    "date": date(2026, 3, 3),
                }
                for project in (self.project, self.second_project) * 20
            ]
        )
        self.assertEqual(recompute_queries(), few)
        self.assertEqual(lines.vshn_partner_id, self.customer | self.other.partner_id)

    def test_attribution_is_not_written_by_hand(self):
        self.onboarding.project_id = self.project
        engineer = new_test_user(
            self.env,
            login="attribution_engineer",
            groups="hr_timesheet.group_hr_timesheet_user",
        )
        self.employee.user_id = engineer
        line = self._log(self.project)
        own = line.with_user(engineer)
        with self.assertRaises(UserError):
            own.write({"vshn_partner_id": self.other.partner_id.id})
        with self.assertRaises(UserError):
            own.write({"vshn_onboarding_id": False})
        with self.assertRaises(UserError):
            own.create(
                {
                    "name": "Work",
                    "project_id": self.project.id,
                    "employee_id": self.employee.id,
                    "unit_amount": 1.0,
                    "vshn_partner_id": self.other.partner_id.id,
                }
            )
        result = own.load(
            ["name", "project_id/.id", "unit_amount", "vshn_partner_id/.id"],
            [["Work", str(self.project.id), "1", str(self.other.partner_id.id)]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("follows its order", str(result["messages"]))
        self.assertAttributed(line, self.onboarding)
