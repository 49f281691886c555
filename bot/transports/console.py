"""The local console chat: the same dialog core as Telegram, over stdin and stdout, no token needed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.dialog import Dialog, Identity, Incoming, Reply
from bot.transports.text import plain
from prompts import render


class ConsoleChat:
    """Reads one message per line; a number answers the last buttons; ``/send PATH`` uploads a file."""

    def __init__(self, dialog: Dialog, runner: str, out: TextIO = sys.stdout, exports_dir: Path | None = None) -> None:
        self.dialog = dialog
        self.identity = Identity(external_id=f"console:{runner}", name=runner)
        self.out = out
        self.exports_dir = exports_dir or Path.cwd()
        self.buttons: list[str] = []

    def run(self, lines: TextIO, prompt: bool = False) -> None:
        """Answer every line until end of input."""
        if prompt:
            self._print(render("console/welcome", runner=self.identity.name))
        while True:
            if prompt:
                self.out.write("you> ")
                self.out.flush()
            line = lines.readline()
            if not line:
                break
            text = line.rstrip("\n")
            if text.strip():
                self.show(self.send(text))

    def send(self, text: str) -> list[Reply]:
        """One line from the runner to the dialog."""
        stripped = text.strip()
        if stripped.isdigit() and self.buttons and 1 <= int(stripped) <= len(self.buttons):
            return self.dialog.handle(self.identity, Incoming(button=self.buttons[int(stripped) - 1]))
        if stripped.startswith("/send "):
            path = Path(stripped[6:].strip()).expanduser()
            if not path.is_file():
                return [Reply(text=render("console/no_file", path=str(path)))]
            data = path.read_bytes()
            return self.dialog.handle(self.identity, Incoming(file_name=path.name, file_data=data,
                                                             file_size=len(data)))
        return self.dialog.handle(self.identity, Incoming(text=text))

    def show(self, replies: list[Reply]) -> None:
        """Print replies; buttons become a numbered list."""
        self.buttons = []
        for reply in replies:
            self._print(plain(reply.text))
            labels = []
            for row in reply.buttons:
                for button in row:
                    self.buttons.append(button.data)
                    labels.append(f"[{len(self.buttons)}] {button.label}")
            if labels:
                self.out.write("   " + "  ".join(labels) + "\n")
            if reply.document is not None:
                target = self.exports_dir / reply.document[0]
                target.write_bytes(reply.document[1])
                self._print(render("console/saved_file", path=str(target)))
            if reply.image is not None:
                target = self.exports_dir / "runcoach-chart.png"
                target.write_bytes(reply.image)
                self._print(render("console/saved_file", path=str(target)))

    def _print(self, text: str) -> None:
        self.out.write("coach> " + text.replace("\n", "\n       ") + "\n")
        self.out.flush()
