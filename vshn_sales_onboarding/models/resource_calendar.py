# Copyright 2026 VSHN AG
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import fields, models
from odoo.tools import SQL

# Monday to Friday, for a company without a working-time calendar
DEFAULT_WORKING_WEEKDAYS = frozenset(range(5))


class WorkingDays:
    """The working days of one calendar over a window, for date arithmetic.

    Built in batch by ``resource.calendar._vshn_get_working_days`` so that the
    clocks of many onboardings cost a constant number of queries.
    """

    def __init__(self, days):
        self.days = sorted(days)

    def add(self, start, count):
        """The ``count``-th working day after ``start`` (``start`` itself if 0)."""
        if count <= 0:
            return start
        index = bisect_right(self.days, start) + count - 1
        if index < len(self.days):
            return self.days[index]
        # past the window: continue at five working days a week
        last = self.days[-1] if self.days else start
        extra = index - len(self.days) + 1
        return last + timedelta(days=extra * 7 // 5 + 1)

    def count(self, start, end):
        """Working days after ``start`` up to and including ``end``."""
        if end <= start:
            return -(bisect_right(self.days, start) - bisect_right(self.days, end))
        return bisect_right(self.days, end) - bisect_right(self.days, start)

    def is_working_day(self, day):
        index = bisect_left(self.days, day)
        return index < len(self.days) and self.days[index] == day


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _vshn_get_working_days(self, date_from, date_to):
        """{calendar id: WorkingDays} from ``date_from`` to ``date_to``.

        A working day is a weekday with attendances that no public holiday
        (a leave of the whole company, no resource) covers. The key ``False``
        is always there: Monday to Friday, the holidays of no calendar.
        Two queries, whatever the number of calendars.
        """
        # companies without a calendar work Monday to Friday
        weekdays = {False: DEFAULT_WORKING_WEEKDAYS}
        timezones = {False: "UTC"}
        if self.ids:
            # the calendars' time zones and weekdays in one query: the clocks
            # of every onboarding read them
            self.flush_recordset(["tz"])
            self.env["resource.calendar.attendance"].flush_model(
                ["calendar_id", "dayofweek", "day_period", "display_type"]
            )
            for calendar_id, tz, days in self.env.execute_query(
                SQL(
                    """
                    SELECT calendar.id, calendar.tz,
                           ARRAY_AGG(DISTINCT attendance.dayofweek)
                               FILTER (WHERE attendance.id IS NOT NULL)
                      FROM resource_calendar calendar
                 LEFT JOIN resource_calendar_attendance attendance
                        ON attendance.calendar_id = calendar.id
                       AND attendance.day_period IS DISTINCT FROM 'lunch'
                       AND attendance.display_type IS NULL
                     WHERE calendar.id = ANY(%s)
                  GROUP BY calendar.id
                    """,
                    list(self.ids),
                )
            ):
                weekdays[calendar_id] = {
                    int(day) for day in days or ()
                } or DEFAULT_WORKING_WEEKDAYS
                timezones[calendar_id] = tz
        holidays = defaultdict(set)
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search_read(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "in", [*self.ids, False]),
                    ("date_from", "<=", fields.Datetime.to_datetime(date_to)),
                    (
                        "date_to",
                        ">=",
                        fields.Datetime.to_datetime(date_from),
                    ),
                ],
                ["calendar_id", "date_from", "date_to"],
            )
        )
        for leave in leaves:
            calendar_ids = (
                [leave["calendar_id"][0]] if leave["calendar_id"] else list(weekdays)
            )
            for calendar_id in calendar_ids:
                tz = pytz.timezone(timezones.get(calendar_id) or "UTC")
                day = pytz.utc.localize(leave["date_from"]).astimezone(tz).date()
                last = pytz.utc.localize(leave["date_to"]).astimezone(tz).date()
                while day <= last:
                    holidays[calendar_id].add(day)
                    day += timedelta(days=1)
        result = {}
        for calendar_id, working_weekdays in weekdays.items():
            days, day = [], date_from
            while day <= date_to:
                if (
                    day.weekday() in working_weekdays
                    and day not in holidays[calendar_id]
                ):
                    days.append(day)
                day += timedelta(days=1)
            result[calendar_id] = WorkingDays(days)
        return result
