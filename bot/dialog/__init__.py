"""The transport-agnostic dialog core: (runner identity, incoming message) -> replies."""

from bot.dialog.core import Dialog
from bot.dialog.types import Button, Identity, Incoming, Reply

__all__ = ["Button", "Dialog", "Identity", "Incoming", "Reply"]
