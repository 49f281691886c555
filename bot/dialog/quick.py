"""Which turns are quick: answered in a few milliseconds, so a transport may run them on its event loop.

Slow turns render charts (progress, predictions), build or erase a runner's whole history (export,
delete), read files, look up a place, or serve a group (team summaries). They run on the transport's
dialog thread instead. The choice is made before the turn from cheap signals (command names, the
progress and prediction lexicons of the NLU); a slow turn taken for a quick one only delays other chats
by its own duration, and a quick one taken for slow loses nothing but the thread hand-off.
"""

from __future__ import annotations

from bot.dialog.types import Identity, Incoming
from bot.nlu.entities import mentions, normalise

#: Commands whose turns draw charts or walk a runner's whole history.
SLOW_COMMANDS = frozenset({"progress", "predict", "export", "delete"})
#: Button prefixes of quick turns (feedback, workout status, onboarding); others may re-run an intent.
QUICK_BUTTONS = frozenset({"rpe", "feel", "wk", "ob"})
#: Free-text subjects whose answers carry a chart.
SLOW_SUBJECTS = ("progress", "predict")


def is_quick(identity: Identity, incoming: Incoming) -> bool:
    """True for a private text, button or media turn that draws no chart and touches no whole history."""
    if identity.chat_type != "private" or incoming.event is not None or incoming.location is not None:
        return False
    if incoming.file_name is not None or incoming.file_data is not None:
        return False
    if incoming.button is not None:
        return incoming.button.split(":", 1)[0] in QUICK_BUTTONS
    if incoming.media is not None:
        return True
    text = (incoming.text or "").strip()
    if text.startswith("/"):
        words = text[1:].split(maxsplit=1)
        return not words or words[0].split("@", 1)[0].lower() not in SLOW_COMMANDS
    norm = normalise(text[:500])
    return not any(mentions(norm, subject) for subject in SLOW_SUBJECTS)
