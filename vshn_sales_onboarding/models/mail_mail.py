# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        # a journey's e-mail step is done once its mail is sent (before core
        # deletes the mail; the message stays)
        sent = self.filtered(
            lambda mail: mail.state == "sent" and mail.model == "vshn.onboarding"
        )
        if sent:
            lines = (
                self.env["vshn.onboarding.journey.line"]
                .sudo()
                .search(
                    [
                        ("mail_message_id", "in", sent.mail_message_id.ids),
                        ("state", "=", "planned"),
                    ]
                )
            )
            lines._vshn_mark_done(fields.Date.context_today(self))
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
