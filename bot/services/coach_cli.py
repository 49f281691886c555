"""``runcoach today`` and ``runcoach plan``: the same engine and templates as the chat, on the terminal."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Engine

from bot.dialog.turn import runner_zone
from bot.services.coach import advise_and_store, plan_for
from bot.settings import get_settings
from bot.transports.text import plain
from models.db import session_scope
from models.queries import get_or_create_runner
from prompts import render


def today_output(engine: Engine, runner_name: str, day: date | None, as_json: bool) -> str:
    """Today's recommendation as JSON or as the chat message."""
    with session_scope(engine) as session:
        runner, _ = get_or_create_runner(session, f"console:{runner_name}", name=runner_name,
                                         time_zone=get_settings().default_time_zone)
        local_today = datetime.now(runner_zone(runner)).date()
        the_day = day or local_today
        advice, _ = advise_and_store(session, runner, the_day)
        if as_json:
            return json.dumps(advice.to_json(), indent=2)
        return plain(render("coach/today", html=True, p=advice.to_json(), runner=runner, day=the_day,
                            morning=False, is_today=the_day == local_today))


def plan_output(engine: Engine, runner_name: str, as_json: bool) -> str:
    """The plan as JSON or as the chat message."""
    with session_scope(engine) as session:
        runner, _ = get_or_create_runner(session, f"console:{runner_name}", name=runner_name,
                                         time_zone=get_settings().default_time_zone)
        today = datetime.now(runner_zone(runner)).date()
        plan, advice = plan_for(session, runner, today)
        if as_json:
            return json.dumps(plan.to_json(), indent=2)
        return plain(render("coach/plan", html=True, plan=plan.to_json(), p=advice.to_json(), day=today,
                            runner=runner))
