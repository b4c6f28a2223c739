# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from .vshn_onboarding_gate_mixin import as_process


class VshnOnboarding(models.Model):
    """Initialization: what the offering type needs, through sale_project.

    The project and tasks belong to the orders the way sale_project links them
    (``sale_line_id``, the order's project), so timesheets logged on them count
    in the order's and the project's profitability.
    """

    _inherit = "vshn.onboarding"

    def _initialize(self):
        """Create the tickets, tasks or project the offering type needs (once)."""
        for onboarding in self:
            project = onboarding._vshn_get_project()
            sale_line = onboarding._vshn_get_service_line()
            kinds = onboarding._vshn_get_initialization_tasks()
            # project.task is the project users' model; the onboarding's team
            # may not manage projects, and the tasks go where the order points.
            self.env["project.task"].sudo().create(
                [
                    {
                        "name": f"{label}: {onboarding.display_name}",
                        "project_id": project.id,
                        "onboarding_id": onboarding.id,
                        "onboarding_task_kind": kind,
                        "sale_line_id": sale_line.id,
                        "partner_id": (
                            onboarding.technical_contact_id
                            if kind == "requirements"
                            else onboarding.partner_id
                        ).id,
                        "user_ids": [fields.Command.set(user.ids)],
                    }
                    for kind, label, user in kinds
                ]
            )
            as_process(onboarding).initialized = True
            onboarding._message_log(
                body=self.env._(
                    "Onboarding initialized in %(project)s: %(tasks)s.",
                    project=project.display_name,
                    tasks=", ".join(label for _kind, label, _user in kinds),
                )
            )

    def _vshn_get_service_line(self):
        """The first service line of the onboarding's orders (what tasks sell)."""
        return self.order_ids.order_line.filtered(
            lambda line: line.is_service and not line.display_type
        )[:1]

    def _vshn_get_initialization_tasks(self):
        """(kind, label, assignees) of the tasks this onboarding's offering needs."""
        self.ensure_one()
        _ = self.env._
        holders = {line.role_id.code: line.user_id for line in self.stakeholder_ids}
        owner = holders.get("account_manager") or self.user_id
        if self.offering_type == "project":
            manager = holders.get("project_manager") or owner
            return [
                ("planning", _("Detailed concept and planning"), manager),
                ("review", _("Review rounds with the customer"), manager),
            ]
        if self.offering_type == "standard_service":
            tech = holders.get("tsm") or holders.get("tpm") or owner
            return [
                ("requirements", _("Define the requirements"), tech),
                ("handover", _("Hand over to the tech team"), tech),
            ]
        return [
            ("ticket", _("Consulting ticket"), owner),
            ("allocation", _("Allocate internal resources"), owner),
            ("workshop", _("Schedule the workshop"), owner),
        ]

    def _vshn_get_project(self):
        """The onboarding's project, found or created the way sale_project does.

        The orders' own projects (service tracking, the order's project) come
        first; a Project offering otherwise gets a project of its service line
        (from the company's template when set); the other offerings put their
        tasks in the company's shared onboarding project.
        """
        self.ensure_one()
        # returned as superuser: the tasks are created in it on the order's
        # behalf (see _initialize); the user's access was checked on choosing it
        if self.project_id:
            return self.project_id.sudo()
        # found as superuser (the orders' projects may be hidden from the user),
        # used only if the user may see it
        orders = self.order_ids.sudo()
        project = (orders.project_ids | orders.project_id)[:1]
        if project:
            self._vshn_check_project_access(project)
        sale_line = self._vshn_get_service_line()
        # Projects are created for the order as sale_project does on confirmation
        # (which also runs as superuser): the onboarding's team sells, it does
        # not necessarily manage projects.
        if not project and self.offering_type == "project" and sale_line:
            project = self._vshn_create_order_project(sale_line.sudo())
        if not project:
            project = self._vshn_get_shared_project()
        self.project_id = project
        return project.sudo()

    def _vshn_check_project_access(self, project):
        """The tasks go into the order's project only if the user may see it."""
        try:
            project.with_env(self.env).check_access("read")
        except AccessError as error:
            raise UserError(
                self.env._(
                    "%(onboarding)s cannot be initialized in the project of its "
                    "order, %(project)s: you have no access to it. Ask its manager "
                    "to add you, or take the project off the order.",
                    onboarding=self.display_name,
                    project=project.sudo().display_name,
                )
            ) from error

    def _vshn_create_order_project(self, sale_line):
        # the company's template, configured by managers, copied for the order
        template = self.company_id.onboarding_project_template_id.sudo()
        if not template:
            project = sale_line._timesheet_create_project()
        else:
            vals = sale_line._timesheet_create_project_prepare_values()
            vals["name"] = f"{vals['name']} - {template.name}"
            project = template.copy(vals)
            sale_line.project_id = project
            project.reinvoiced_sale_order_id = sale_line.order_id
        # led by the onboarding's Project Manager, else its owner
        project.user_id = self.project_manager_id or self.user_id
        return project

    def _vshn_get_shared_project(self):
        # the company's shared project is configuration, kept by the process
        company = self.company_id.sudo()
        if not company.onboarding_project_id:
            company.onboarding_project_id = (
                self.env["project.project"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Onboardings"),
                        "company_id": company.id,
                        "allow_billable": True,
                    }
                )
            )
        return company.onboarding_project_id
