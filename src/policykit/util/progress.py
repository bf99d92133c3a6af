"""A progress bar with counts for long commands, on a terminal only.

    bar = Progress("读取 reading", total=3033, enabled=show_progress(quiet))
    for f in files:
        ...
        bar.advance()
    bar.done()

It writes to stderr, redraws at most ten times a second, and is silent when
stderr is not a terminal (CI logs, pipes) or when `--quiet` is given, so
output that is captured or parsed never contains it.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

_WIDTH = 24


def show_progress(quiet: bool = False, stream: TextIO | None = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    return not quiet and stream.isatty()


class Progress:
    def __init__(self, label: str, total: int, enabled: bool,
                 stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 0)
        self.count = 0
        self.enabled = enabled and self.total > 0
        self.stream = stream if stream is not None else sys.stderr
        self._last = 0.0

    def advance(self, n: int = 1) -> None:
        self.count = min(self.count + n, self.total)
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last >= 0.1 or self.count == self.total:
            self._last = now
            self._draw()

    def line(self) -> str:
        filled = _WIDTH * self.count // self.total if self.total else _WIDTH
        bar = "█" * filled + "·" * (_WIDTH - filled)
        return f"{self.label} [{bar}] {self.count}/{self.total}"

    def _draw(self) -> None:
        cols = shutil.get_terminal_size((80, 20)).columns
        self.stream.write("\r" + self.line()[: cols - 1])
        self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            cols = shutil.get_terminal_size((80, 20)).columns
            self.stream.write("\r" + " " * (cols - 1) + "\r")
            self.stream.flush()
