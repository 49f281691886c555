"""Minimal repros of the bugs the fuzzers found, kept as regression tests now that they are fixed
(a bug still open would be a strict xfail here with a matching ``KNOWN_BUGS`` entry in conftest.py)."""

from __future__ import annotations

import pytest

from tests.fuzz import strategies as s
from tests.fuzz.conftest import FuzzBot

ANA = 7100


@pytest.mark.parametrize("update", [
    lambda: s.text_update(ANA, "Ana", "/join ²"),
    lambda: s.text_update(ANA, "Ana", "/start join_²"),
    lambda: s.button_update(ANA, "Ana", "consent:²:summary"),
    lambda: s.button_update(ANA, "Ana", "ob:minutes:²"),
], ids=["join", "start-link", "consent-button", "onboarding-button"])
def test_unicode_digits_in_forged_data_are_refused_kindly(fuzz_bot: FuzzBot, update) -> None:  # type: ignore[no-untyped-def]
    if "ob:" in str(update()):
        fuzz_bot.feed(s.text_update(ANA, "Ana", "/start"))
        fuzz_bot.feed(s.button_update(ANA, "Ana", "ob:name:skip"))
        for step in ("experience", "volume", "race", "goal", "days"):
            fuzz_bot.feed(s.button_update(ANA, "Ana", f"ob:{step}:skip"))
    fuzz_bot.feed(update(), allow_known=False)


@pytest.mark.parametrize("data", ["rpe:99999999999999999999:5", "consent:99999999999999999999:summary"])
def test_huge_ids_in_button_data_never_reach_the_database(fuzz_bot: FuzzBot, data: str) -> None:
    fuzz_bot.feed(s.button_update(ANA + 1, "Ana", data), allow_known=False)


def test_csv_with_a_lone_carriage_return_is_a_damaged_file(fuzz_bot: FuzzBot) -> None:
    data = b"Activity Type,Date,Distance,Time\r\nRunning,2023-04-30 09:02:16,10.02,00:41:20\r\x00Running,x,1,2\r\n"
    fuzz_bot.request.files["csvbug"] = data
    fuzz_bot.feed(s.document_update(ANA + 2, "Ana", "csvbug", "export.csv", len(data)), allow_known=False)
