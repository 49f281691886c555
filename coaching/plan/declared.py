"""A new runner's own account of their training, until their logged runs can speak for them.

At sign-up a runner says how many km a week they usually run. Without it the planner sees twelve
empty weeks and starts an experienced runner from a beginner's floor, in its return-after-a-break
mode. So, for a runner with no history of their own from before the day they joined (fewer than
``HISTORY_RUNS`` runs stored from before it: a race mentioned at sign-up or a run told in chat, not
an imported log), the days before that day count as their declared volume:

* a calendar week before joining counts at least the declared weekly km (a race they mentioned at
  sign-up is part of that week, not on top of it);
* the week they joined counts the declared km times the share of its days before joining, plus what
  they logged;
* the 30-day longest run is at least ``DECLARED_LONG_SHARE`` of the declared week (a usual long run:
  30 % of the week, ``LONG_FRACTION`` for four to five runs in :mod:`coaching.plan.periodisation`);
* breaks are counted from the day before joining (``RunnerState.running_until``).

What they log from then on adds to it and, week by week, replaces it.

Distances in km (weekly) and metres (longest run).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from coaching.plan.state import RunnerState

DECLARED_LONG_SHARE = 0.3
# Runs stored from before joining that make a history of their own (an imported file or export).
HISTORY_RUNS = 4


def _days_before(week_start: date, joined: date) -> int:
    """How many of the seven days from ``week_start`` fall before ``joined``."""
    return max(0, min(7, (joined - week_start).days))


def with_declared_volume(state: RunnerState, weekly_km: float, joined: date, runs_before: int = 0) -> RunnerState:
    """``state`` with the days before ``joined`` counted as ``weekly_km`` a week (see the module);
    unchanged when ``runs_before`` (runs stored from the twelve weeks before joining) make a history
    of their own (``HISTORY_RUNS`` or more: an import, not a race mentioned at sign-up)."""
    if weekly_km <= 0.0 or joined > state.today or runs_before >= HISTORY_RUNS:
        return state
    this_monday = state.today - timedelta(days=state.today.weekday())
    recent, earlier = list(state.weekly_km_recent), list(state.weekly_km_earlier)
    n = len(recent) + len(earlier)
    weeks = [*earlier, *recent]
    for i in range(n):
        start = this_monday - timedelta(days=7 * (n - i))
        before = _days_before(start, joined)
        if before == 7:  # a week before joining: their usual week (a race they told us of is part of it)
            weeks[i] = max(weeks[i], weekly_km)
        else:  # the week they joined: the usual days before joining plus what they logged
            weeks[i] += weekly_km * before / 7.0
    longest = state.longest_run_30d_m or 0.0
    if (state.today - joined).days < 30:
        longest = max(longest, DECLARED_LONG_SHARE * weekly_km * 1000.0)
    return replace(
        state,
        weekly_km_earlier=tuple(round(x, 2) for x in weeks[: len(earlier)]),
        weekly_km_recent=tuple(round(x, 2) for x in weeks[len(earlier) :]),
        longest_run_30d_m=longest or None,
        running_until=joined,
    )
