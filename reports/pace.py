"""The campaign's pace, as pure arithmetic (no database): what a unit should have collected by today.

A commune's campaign runs from its start day to its end day, both included (90 days by default). Its
*schedule* is a list of cumulative fractions of the target, one per campaign day (day 0 is before
the start, the last day is the end): a straight line, or the leader's weekly plan, where each
planned week adds its plots spread evenly over its 7 days and a week left unplanned adds the
straight line's share. A group or an official follows the schedule of their commune (scaled to their
own target) unless they have a plan of their own.

- expected by today = target × schedule[today], rounded half up;
- ahead/behind in plots = collected − expected (negative: behind);
- ahead/behind in days = the first schedule day whose expected figure reaches what was collected,
  minus today (negative: that many days behind); capped at the campaign's ends;
- 7-day rate = plots collected in the last 7 days (today included) / 7;
- needed rate = plots still to collect / days left (today included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CAMPAIGN_DAYS = 90
RATE_DAYS = 7


@dataclass(frozen=True)
class Period:
    starts_on: dt.date
    ends_on: dt.date  # included

    @property
    def days(self) -> int:
        return max((self.ends_on - self.starts_on).days + 1, 1)

    def day_of(self, today: dt.date) -> int:
        """Campaign days elapsed by the end of `today`: 0 before the start, `days` from the end on."""
        return min(max((today - self.starts_on).days + 1, 0), self.days)

    def days_left(self, today: dt.date) -> int:
        """Days still to work, today included (0 after the end)."""
        return self.days - self.day_of(today) + (1 if self.starts_on <= today <= self.ends_on else 0)


def period(starts_on: dt.date, ends_on: dt.date | None = None, *, days: int = CAMPAIGN_DAYS) -> Period:
    """The campaign from `starts_on`; without an end, `days` days long (the start is day 1)."""
    end = ends_on if ends_on is not None else starts_on + dt.timedelta(days=days - 1)
    if end < starts_on:
        end = starts_on
    return Period(starts_on, end)


def linear_schedule(p: Period) -> list[float]:
    """Cumulative fractions of the target, evenly: day d → d / days."""
    return [d / p.days for d in range(p.days + 1)]


def plan_schedule(p: Period, target: int, plan: Mapping[int, int]) -> list[float]:
    """Cumulative fractions of `target` from a weekly plan {week number from 1: plots that week}.

    A week's plots are spread over its 7 days (the last week may be shorter: its plots are spread
    over the days it has). A week not in the plan adds the straight line's share of the target.
    """
    if target <= 0:
        return linear_schedule(p)
    per_day_linear = target / p.days
    done = 0.0
    out = [0.0]
    for d in range(1, p.days + 1):
        week = (d - 1) // 7 + 1
        if week in plan:
            week_days = min(7, p.days - (week - 1) * 7)
            done += plan[week] / week_days
        else:
            done += per_day_linear
        out.append(done / target)
    return out


def _round(value: float) -> int:
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Pace:
    target: int
    collected: int
    expected: int
    ahead_plots: int  # negative: behind
    ahead_days: int  # negative: behind
    rate_7d: float  # plots per day over the last 7 days
    needed_rate: float | None  # plots per day still needed to reach the target by the end; None after it
    days_left: int
    planned: bool  # the expected figure follows a weekly plan

    @property
    def behind(self) -> bool:
        return self.ahead_plots < 0

    @property
    def gap_plots(self) -> int:
        """How many plots ahead or behind, without the sign (the words say which)."""
        return abs(self.ahead_plots)

    @property
    def percent_of_expected(self) -> float:
        if not self.expected:
            return 100.0 if self.collected else 0.0
        return round(self.collected * 100 / self.expected, 1)


def pace(
    *,
    target: int,
    collected: int,
    collected_7d: int,
    period: Period,
    today: dt.date,
    schedule: Sequence[float] | None = None,
    planned: bool = False,
) -> Pace:
    """Where a unit stands against its schedule today (see the module's docstring for each figure)."""
    curve = list(schedule) if schedule is not None else linear_schedule(period)
    day = period.day_of(today)
    expected = _round(target * curve[day]) if target else 0
    reached = next((d for d, f in enumerate(curve) if _round(target * f) >= collected), len(curve) - 1)
    if collected == 0:
        reached = 0
    ahead_days = reached - day
    days_left = period.days_left(today)
    remaining = max(target - collected, 0)
    needed = round(remaining / days_left, 1) if days_left else None
    return Pace(
        target=target,
        collected=collected,
        expected=expected,
        ahead_plots=collected - expected,
        ahead_days=ahead_days,
        rate_7d=round(collected_7d / RATE_DAYS, 1),
        needed_rate=needed,
        days_left=days_left,
        planned=planned,
    )


def furthest_behind_first(rows: Sequence, key=lambda row: row.pace) -> list:
    """Sorted so that the unit furthest behind comes first: by days, then plots, behind."""
    return sorted(rows, key=lambda row: (key(row).ahead_days, key(row).ahead_plots))
