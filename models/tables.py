"""SQLModel tables: runners, activities, check-ins, recommendations, coach groups and consents.

All timestamps are UTC and time-zone aware (``UTCDateTime``); calendar days that belong to a
runner (``local_date``) are plain dates in the runner's own time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, **kw))


def _json() -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=True))


class Runner(SQLModel, table=True):
    """A runner: identity, profile, schedule and goal."""

    __tablename__ = "runner"

    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(index=True, unique=True, max_length=64)  # "tg:123", "console:ana"
    chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    name: str | None = Field(default=None, max_length=128)
    created_at: datetime = _ts()
    # profile
    experience: str | None = Field(default=None, max_length=16)  # novice / intermediate / advanced
    sex: str | None = Field(default=None, max_length=1)  # "f" / "m"
    birth_year: int | None = None
    weight_kg: float | None = None
    hr_max: float | None = None
    hr_rest: float | None = None
    weekly_km: float | None = None
    # schedule
    time_zone: str = Field(default="Europe/London", max_length=64)
    morning_time: str = Field(default="07:00", max_length=5)
    evening_time: str = Field(default="20:00", max_length=5)
    paused: bool = False
    active: bool = True  # False once the runner blocked the bot
    # goal and availability
    goal_kind: str | None = Field(default=None, max_length=16)  # "race" / "fitness"
    goal_distance_m: float | None = None
    goal_date: date | None = None
    goal_time_s: float | None = None
    available_days: str | None = Field(default=None, max_length=32)  # "mon,tue,thu"
    available_minutes: int | None = None
    long_run_day: str | None = Field(default=None, max_length=3)
    onboarding_step: str | None = Field(default=None, max_length=32)
    # "no running until my knee is better": set when said, cleared when the runner says it is better
    # or logs a run
    pain_hold_since: date | None = None
    pain_hold_area: str | None = Field(default=None, max_length=16)


class Activity(SQLModel, table=True):
    """One session: logged in chat or imported from a file or export."""

    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("runner_id", "fingerprint", name="uq_activity_fingerprint"),)

    id: int | None = Field(default=None, primary_key=True)
    runner_id: int = Field(foreign_key="runner.id", index=True)
    start_time: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=True))
    local_date: date = Field(index=True)
    sport: str = Field(max_length=16)
    name: str | None = Field(default=None, max_length=200)
    origin: str = Field(max_length=8)  # chat / file / export
    source: str | None = Field(default=None, max_length=80)
    source_format: str | None = Field(default=None, max_length=8)
    distance_m: float | None = None
    moving_time_s: float | None = None
    elapsed_time_s: float | None = None
    elevation_gain_m: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    avg_cadence_spm: float | None = None
    rpe: float | None = None
    feel: int | None = None
    best_efforts: dict[str, float] | None = _json()
    laps: list[dict[str, Any]] | None = _json()
    time_in_zones_s: dict[str, float] | None = _json()
    series: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    fingerprint: str = Field(max_length=64)
    created_at: datetime = _ts()


class CheckIn(SQLModel, table=True):
    """A runner's daily check-in: wellness, HRV, resting HR, sleep. One row per local day."""

    __tablename__ = "checkin"
    __table_args__ = (UniqueConstraint("runner_id", "local_date", name="uq_checkin_day"),)

    id: int | None = Field(default=None, primary_key=True)
    runner_id: int = Field(foreign_key="runner.id", index=True)
    local_date: date
    hrv_ms: float | None = None
    rhr_bpm: float | None = None
    sleep_h: float | None = None
    sleep_quality: int | None = None  # 1 worst .. 5 best
    fatigue: int | None = None  # 1 fresh .. 5 exhausted
    soreness: int | None = None  # 1 none .. 5 very sore
    stress: int | None = None  # 1 relaxed .. 5 very stressed
    mood: int | None = None  # 1 low .. 5 great
    illness: str | None = Field(default=None, max_length=16)  # above_neck / below_neck / fever
    pain_area: str | None = Field(default=None, max_length=32)
    pain_score: float | None = None
    weight_kg: float | None = None
    updated_at: datetime = _ts()


class Recommendation(SQLModel, table=True):
    """What the coach recommended for a local day, why, and what the runner did with it."""

    __tablename__ = "recommendation"
    __table_args__ = (UniqueConstraint("runner_id", "local_date", name="uq_recommendation_day"),)

    id: int | None = Field(default=None, primary_key=True)
    runner_id: int = Field(foreign_key="runner.id", index=True)
    local_date: date
    workout_type: str = Field(max_length=24)
    payload: dict[str, Any] | None = _json()
    status: str = Field(default="planned", max_length=12)  # planned / done / skipped / changed
    created_at: datetime = _ts()
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class CoachGroup(SQLModel, table=True):
    """A group chat the bot was added to; its coach sees consenting members."""

    __tablename__ = "coach_group"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, unique=True, index=True))
    title: str | None = Field(default=None, max_length=255)
    coach_user_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    active: bool = True
    created_at: datetime = _ts()


class Consent(SQLModel, table=True):
    """A runner's consent to share with one coach group, and how much."""

    __tablename__ = "consent"
    __table_args__ = (UniqueConstraint("group_id", "runner_id", name="uq_consent_member"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="coach_group.id", index=True)
    runner_id: int = Field(foreign_key="runner.id", index=True)
    scope: str = Field(default="pending", max_length=16)  # pending / summary / wellness
    updated_at: datetime = _ts()


class PendingQuestion(SQLModel, table=True):
    """A clarifying question waiting for the runner's answer; nothing is stored until answered."""

    __tablename__ = "pending_question"

    runner_id: int = Field(foreign_key="runner.id", primary_key=True)
    kind: str = Field(max_length=24)
    payload: dict[str, Any] | None = _json()
    created_at: datetime = _ts()


class DayConstraint(SQLModel, table=True):
    """Life getting in the way of a day: a time cap ("only 40 min today") or no training at all."""

    __tablename__ = "day_constraint"
    __table_args__ = (UniqueConstraint("runner_id", "local_date", name="uq_constraint_day"),)

    id: int | None = Field(default=None, primary_key=True)
    runner_id: int = Field(foreign_key="runner.id", index=True)
    local_date: date
    max_minutes: int | None = None
    unavailable: bool = False
    created_at: datetime = _ts()


class PredictionLog(SQLModel, table=True):
    """Every prediction next to its outcome, so personalisation can be measured."""

    __tablename__ = "prediction_log"

    id: int | None = Field(default=None, primary_key=True)
    runner_id: int = Field(foreign_key="runner.id", index=True)
    local_date: date
    kind: str = Field(max_length=24)  # rpe / recovery_days
    workout_type: str = Field(max_length=24)
    predicted: float  # the personalised prediction that was used
    population: float  # what the population-only model would have said
    n: int = 0  # the runner's own observations behind the personal estimate
    actual: float | None = None
    created_at: datetime = _ts()


RUNNER_TABLES: tuple[type[SQLModel], ...] = (
    Activity, CheckIn, Recommendation, Consent, PendingQuestion, DayConstraint, PredictionLog,
)
"""Every table holding a runner's rows (``runner_id``), for export and delete."""
