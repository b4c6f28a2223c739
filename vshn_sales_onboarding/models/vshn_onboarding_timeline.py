# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import fields, models

from ..report.vshn_onboarding_timeline_report import EVENT_KINDS, WINDOW_DAYS
from .vshn_onboarding_gate_mixin import check_record_ids

# one colour per event kind, Bootstrap's palette as the backend uses it
KIND_COLORS = {
    "activity": "#0d6efd",
    "meeting": "#6f42c1",
    "stage_change": "#fd7e14",
    "mail": "#20c997",
    "milestone": "#198754",
}
ROW_HEIGHT = 26
HEADER_HEIGHT = 22


def _left(day):
    """Where ``day`` lies on the axis, in percent of its width."""
    return round((day + WINDOW_DAYS) * 100.0 / (2 * WINDOW_DAYS), 3)


class VshnOnboarding(models.Model):
    """The onboarding's Day -60 to Day +60, drawn from the timeline report."""

    _inherit = "vshn.onboarding"

    timeline_html = fields.Html(
        string="Timeline",
        compute="_compute_timeline",
        sanitize=False,
        help="Activities, meetings, stage changes, mails and milestones from "
        "60 days before Day 0 to 60 days after.",
    )
    timeline_event_count = fields.Integer(
        string="Day -60 to +60", compute="_compute_timeline"
    )

    def _compute_timeline(self):
        origin_ids = [record._origin.id for record in self if record._origin.id]
        events = defaultdict(list)
        if origin_ids:
            # one read for every onboarding computed; the report's rules are
            # the onboardings' own
            rows = self.env["vshn.onboarding.timeline.report"].search_fetch(
                [("onboarding_id", "in", origin_ids)],
                ["onboarding_id", "event_kind", "name", "date", "day", "is_done"],
                order="date, id",
            )
            for row in rows:
                events[row.onboarding_id.id].append(row)
        today = fields.Date.context_today(self)
        for onboarding in self:
            onboarding_events = events.get(onboarding._origin.id, [])
            onboarding.timeline_event_count = len(onboarding_events)
            onboarding.timeline_html = onboarding._vshn_render_timeline(
                onboarding_events, today
            )

    def _vshn_render_timeline(self, events, today):
        """The axis from Day -60 to Day +60 with one lane per event kind and a
        dot per event (hollow while only planned); pure HTML and inline CSS,
        every text escaped."""
        self.ensure_one()
        kind_labels = dict(
            self.env["vshn.onboarding.timeline.report"]
            ._fields["event_kind"]
            ._description_selection(self.env)
        )
        by_kind = defaultdict(list)
        for event in events:
            by_kind[event.event_kind].append(event)

        labels = Markup("").join(
            Markup(
                '<div style="height:{h}px;display:flex;align-items:center;gap:6px;'
                'white-space:nowrap;">'
                '<span style="display:inline-block;width:10px;height:10px;'
                'border-radius:50%;background:{color};"></span>'
                '<span>{label}</span><span class="text-muted">({count})</span>'
                "</div>"
            ).format(
                h=ROW_HEIGHT,
                color=KIND_COLORS[kind],
                label=kind_labels.get(kind, kind),
                count=len(by_kind[kind]),
            )
            for kind, _label in EVENT_KINDS
        )

        ticks = []
        for week in range(-(WINDOW_DAYS // 7), WINDOW_DAYS // 7 + 1):
            day = week * 7
            is_day0 = day == 0
            ticks.append(
                Markup(
                    '<div style="position:absolute;top:{top}px;bottom:0;left:{left}%;'
                    'border-left:{width}px solid {color};"></div>'
                    '<div style="position:absolute;top:2px;left:{left}%;'
                    "transform:translateX(-50%);font-size:10px;{weight}"
                    'color:{text};white-space:nowrap;">{label}</div>'
                ).format(
                    top=0 if is_day0 else HEADER_HEIGHT,
                    left=_left(day),
                    width=2 if is_day0 else 1,
                    color="#212529" if is_day0 else "#dee2e6",
                    weight="font-weight:bold;" if is_day0 else "",
                    text="#212529" if is_day0 else "#6c757d",
                    label=self.env._("Day 0") if is_day0 else f"{day:+d}",
                )
            )
        today_day = (today - self.date_start).days if self.date_start else None
        if today_day is not None and -WINDOW_DAYS <= today_day <= WINDOW_DAYS:
            ticks.append(
                Markup(
                    '<div title="{title}" style="position:absolute;top:0;bottom:0;'
                    'left:{left}%;border-left:2px dashed #dc3545;"></div>'
                ).format(
                    title=self.env._("Today: Day %(day)s", day=f"{today_day:+d}"),
                    left=_left(today_day),
                )
            )

        lanes = []
        for kind, _label in EVENT_KINDS:
            dots = Markup("").join(
                Markup(
                    '<span title="{title}" style="position:absolute;top:{top}px;'
                    "left:calc({left}% - 5px);width:10px;height:10px;"
                    "box-sizing:border-box;border:2px solid {color};"
                    'background:{fill};{shape}"></span>'
                ).format(
                    title=self.env._(
                        "%(date)s, Day %(day)s: %(name)s%(planned)s",
                        date=event.date,
                        day=f"{event.day:+d}" if event.day else "0",
                        name=event.name or kind_labels.get(kind, kind),
                        planned="" if event.is_done else self.env._(" (planned)"),
                    ),
                    top=(ROW_HEIGHT - 10) // 2,
                    left=_left(event.day),
                    color=KIND_COLORS[kind],
                    fill=KIND_COLORS[kind] if event.is_done else "#ffffff",
                    shape="transform:rotate(45deg);"
                    if kind == "milestone"
                    else "border-radius:50%;",
                )
                for event in by_kind[kind]
            )
            lanes.append(
                Markup(
                    '<div style="position:relative;height:{h}px;'
                    'border-bottom:1px solid #f1f3f5;">{dots}</div>'
                ).format(h=ROW_HEIGHT, dots=dots)
            )

        summary = [
            self.env._("Day 0: %(date)s", date=self.date_start or "-"),
            self.env._("%(count)s events", count=len(events)),
        ]
        if self.date_first_engagement:
            summary.append(
                self.env._(
                    "first engagement on Day %(day)s",
                    day=self.time_to_first_engagement,
                )
            )
        if self.is_done and self.date_done:
            summary.append(self.env._("done on Day %(day)s", day=self.time_to_onboard))
        summary.append(self.env._("hollow: planned, dashed line: today"))

        return Markup(
            '<div class="o_vshn_timeline" style="font-size:12px;line-height:1.2;'
            'overflow-x:auto;">'
            '<div style="display:flex;min-width:640px;">'
            '<div style="flex:0 0 140px;padding-top:{header}px;">{labels}</div>'
            '<div style="flex:1 1 auto;padding:0 10px;">'
            '<div style="position:relative;padding-top:{header}px;">'
            '<div style="position:absolute;top:{header}px;bottom:0;left:0;'
            'width:50%;background:#f8f9fa;" title="{before}"></div>'
            "{ticks}{lanes}</div></div></div>"
            '<div class="text-muted mt-1">{summary}</div>'
            "</div>"
        ).format(
            header=HEADER_HEIGHT,
            labels=labels,
            before=self.env._("Before the signature: the opportunity's history"),
            ticks=Markup("").join(ticks),
            lanes=Markup("").join(lanes),
            summary=" · ".join(summary),
        )

    def action_view_timeline_report(self):
        """The Day -60 to +60 report of these onboardings, week by week."""
        check_record_ids(self)
        # the report's rules would show nothing of another's onboarding; its
        # button refuses it as the onboarding's form does
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "vshn_sales_onboarding.vshn_onboarding_timeline_report_action"
        )
        action.update(
            {
                "domain": [("onboarding_id", "in", self.ids)],
                "context": {
                    "pivot_row_groupby": ["event_kind"],
                    "pivot_column_groupby": ["week_label"],
                    "graph_groupbys": ["week_label", "event_kind"],
                },
            }
        )
        return action
