"""One shape for every error policykit raises: a code, a Chinese and an English
message, and the exit code the command line turns it into.

Bad data is reported as diagnostics (values, `policykit.diagnostics`); an exception
is for what stops a command: a bad option, an unreadable revision, an output that
cannot be written. Every such exception derives from `PolicykitError`, so the one
place that prints errors (`policykit.cli.common.run_command`, run by `cli.main.main`)
needs no list of classes, and a forked child (`policykit.util.fork`) or a process
pool carries any of them back unchanged.

This is the lowest layer: it imports nothing from policykit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# The command line's exit codes (docs/checks.md): defined here, at the bottom, because
# every error states which one it means.
EXIT_OK = 0
EXIT_DATA = 1  # the data (or a file, or an output folder) has a problem
EXIT_USAGE = 2  # the command was called wrongly


class PolicykitError(Exception):
    """An error with a diagnostic-style `code`, `zh` and `en` messages and an
    `exit_code`. A subclass sets the class defaults; an instance may refine them."""

    code: str = "E_POLICYKIT"
    exit_code: int = EXIT_DATA

    def __init__(self, zh: str, en: str, *, code: str | None = None,
                 exit_code: int | None = None, details: Iterable[str] = ()) -> None:
        super().__init__(zh, en)
        self.zh = zh
        self.en = en
        if code is not None:
            self.code = code
        if exit_code is not None:
            self.exit_code = exit_code
        # Lines printed before the message (e.g. the warnings of a failed mkdocs run).
        self.details = tuple(details)

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})"

    @classmethod
    def rebuilt(cls, state: dict[str, Any]) -> PolicykitError:
        """An instance with the attributes `state` (from `vars()` of one, with at least
        zh and en), made without calling the subclass's constructor, whose arguments
        need not be among its attributes: for an error carried between processes."""
        exc = cls.__new__(cls)
        PolicykitError.__init__(exc, state["zh"], state["en"])
        vars(exc).update(state)
        return exc

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled by attributes (Exception pickles its args, which a subclass's
        # constructor may not take): a process pool hands it back whole.
        return (_rebuilt, (type(self), dict(vars(self))))


def _rebuilt(cls: type[PolicykitError], state: dict[str, Any]) -> PolicykitError:
    return cls.rebuilt(state)

