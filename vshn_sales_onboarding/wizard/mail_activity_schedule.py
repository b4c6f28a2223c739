# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailActivitySchedule(models.TransientModel):
    _inherit = "mail.activity.schedule"

    def action_schedule_plan(self):
        """Launching an onboarding plan by hand records each step's role too.

        Odoo's plan wizard schedules the activities itself; the role a step is
        for is noted on each new activity afterwards, so that an activity a
        stand-in got while the role was vacant passes to the holder once the
        role is filled, as it does for the plans of the conversion.
        """
        if self.res_model != "vshn.onboarding":
            return super().action_schedule_plan()
        records = self._get_applied_on_records()
        before = set(records.activity_ids.ids)
        templates = self._plan_filter_activity_templates_to_schedule().filtered(
            "vshn_onboarding_role_id"
        )
        result = super().action_schedule_plan()
        records.invalidate_recordset(["activity_ids"])
        for activity in records.activity_ids.filtered(
            lambda activity: activity.id not in before
        ):
            template = next(
                (
                    template
                    for template in templates
                    if template.activity_type_id == activity.activity_type_id
                    and (template.summary or False) == (activity.summary or False)
                ),
                None,
            )
            if template:
                activity.vshn_onboarding_role_id = template.vshn_onboarding_role_id
        return result
