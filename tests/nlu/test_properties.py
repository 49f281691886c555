"""Property tests: parse never raises and always returns a well-formed result."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.nlu import INTENTS, parse

_runnerish = st.lists(
    st.sampled_from(["ran", "10k", "5:10/km", "in", "52", "min", "hrv", "900", "rpe", "15", "x", "half",
                     "marathon", "sub", "4", "on", "tuesday", "12-15", "march", "😴", "🤒", "?", "1:05:30",
                     "0", "-3", "99999999", "km", "m", "mi", "the 31st", "feb 30", "slept", "h"]),
    max_size=40,
).map(" ".join)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=5000), _runnerish))
def test_parse_never_raises(text: str) -> None:
    res = parse(text, tz=ZoneInfo("Europe/London"), now=datetime(2026, 3, 10, 9, 0))
    assert res.intent in INTENTS
    assert 0.0 <= res.confidence <= 1.0
    assert isinstance(res.to_json()["entities"], dict)
    assert not set(res.entities) & {i.key for i in res.implausible}
    for alt, prob in res.alternatives:
        assert alt in INTENTS and 0.0 <= prob <= 1.0
