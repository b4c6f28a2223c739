# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .onboarding_common import OnboardingOrderCommon


@tagged("post_install", "-at_install", "vshn_onboarding")
class TestOnboardingProject(OnboardingOrderCommon):
    """The initialization goes through sale_project: its project and tasks sell
    the order's service line, so timesheets count in the order and project."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_role_defaults()
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Eva Engineer", "hourly_cost": 50.0}
        )

    def _log_time(self, task, hours):
        return self.env["account.analytic.line"].create(
            {
                "name": f"Work on {task.name}",
                "project_id": task.project_id.id,
                "task_id": task.id,
                "employee_id": self.employee.id,
                "unit_amount": hours,
            }
        )

    def test_project_offering_gets_the_order_project(self):
        onboarding = self._start_onboarding("project", prefix="Sold Project")
        order = onboarding.order_ids
        sale_line = order.order_line
        # entered by the Account Manager, who does not manage projects
        self.assertFalse(self.user_salesman.has_group("project.group_project_user"))
        onboarding.with_user(self.user_salesman).write(
            {"stage_id": self.stages["initialization"].id}
        )
        project = onboarding.project_id
        self.assertTrue(project)
        self.assertNotEqual(project, self.env.company.onboarding_project_id)
        self.assertEqual(project.sale_line_id, sale_line)
        self.assertEqual(project.reinvoiced_sale_order_id, order)
        self.assertEqual(sale_line.project_id, project)
        self.assertIn(project, order.project_ids)
        self.assertTrue(project.allow_billable)
        self.assertEqual(project.partner_id, order.partner_id)
        self.assertEqual(project.user_id, self.user_pm)
        tasks = onboarding.task_ids
        self.assertEqual(len(tasks), 2)
        self.assertEqual(tasks.project_id, project)
        self.assertEqual(tasks.sale_line_id, sale_line)
        self.assertEqual(tasks.sale_order_id, order)
        self.assertIn("initialized", onboarding.message_ids[0].body)

        # time logged on an onboarding task is the order's
        timesheet = self._log_time(tasks[0], 3)
        self.assertEqual(timesheet.so_line, sale_line)
        self.assertEqual(timesheet.order_id, order)
        self.assertEqual(timesheet.amount, -150.0)
        self.assertIn(timesheet, sale_line.timesheet_ids)
        self.assertEqual(order.timesheet_count, 1)
        self.assertEqual(order.timesheet_total_duration, 3)

        # ... and counts in the project's profitability
        profitability = project._get_profitability_items(False)
        costs = profitability["costs"]
        self.assertEqual(costs["total"]["billed"], -150.0)
        self.assertIn(-150.0, [item["billed"] for item in costs["data"]])
        revenues = profitability["revenues"]
        self.assertEqual(
            revenues["total"]["to_invoice"] + revenues["total"]["invoiced"],
            order.amount_untaxed,
        )

    def test_project_of_the_order_is_reused(self):
        """An order that has a project already (sale_project's service
        tracking) keeps its tasks there: no second project."""
        onboarding = self._start_onboarding("project", prefix="Own Project")
        order = onboarding.order_ids
        project = self.env["project.project"].create(
            {
                "name": "Delivery",
                "allow_billable": True,
                "partner_id": order.partner_id.id,
            }
        )
        order.order_line.project_id = project
        onboarding.with_user(self.user_salesman).action_initialize()
        self.assertEqual(onboarding.project_id, project)
        self.assertEqual(onboarding.task_ids.project_id, project)
        self.assertEqual(
            self.env["project.project"].search_count(
                [("reinvoiced_sale_order_id", "=", order.id)]
            ),
            0,
        )

    def test_consulting_tasks_sell_the_order_line(self):
        onboarding = self._start_onboarding("consulting", prefix="Consulting Time")
        order = onboarding.order_ids
        onboarding.with_user(self.user_salesman).action_initialize()
        tasks = onboarding.task_ids
        self.assertEqual(len(tasks), 3)
        self.assertEqual(tasks.sale_line_id, order.order_line)
        self.assertEqual(tasks.project_id, self.env.company.onboarding_project_id)
        timesheet = self._log_time(tasks[0], 2)
        self.assertEqual(timesheet.so_line, order.order_line)
        self.assertIn(timesheet, order.order_line.timesheet_ids)
        self.assertEqual(order.timesheet_count, 1)
