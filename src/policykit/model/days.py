"""The one reader of a day typed as text: `show --at`, `diff --at`, `--as-of`.

Days are ISO strings throughout policykit and are compared as strings, so a day
must be exactly YYYY-MM-DD: `datetime.date.fromisoformat` alone also takes
"20210824" and "2021-W34-2", which would then compare wrongly against the data's
days. Only ASCII digits count (a full-width "２０２１" is a typing slip, not a day).
"""

from __future__ import annotations

import datetime as dt
import re

from policykit.errors import EXIT_USAGE, PolicykitError

_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DayError(PolicykitError):
    """A day that is not YYYY-MM-DD or not on the calendar (a usage error)."""

    code = "E_DAY"
    exit_code = EXIT_USAGE


def is_day(text: str) -> bool:
    """Whether `text` is a real calendar day written YYYY-MM-DD in ASCII digits."""
    if not _SHAPE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_day(text: str, option: str = "") -> str:
    """`text` if it is a day (`is_day`), else a DayError naming `option` (e.g. "--at")."""
    if is_day(text):
        return text
    named = f"{option} " if option else ""
    raise DayError(f"日期 {text} 无效，应为 YYYY-MM-DD 格式的真实日期（如 2021-08-24）",
                   f"invalid {named}date {text}; expected a real calendar date "
                   "written YYYY-MM-DD (e.g. 2021-08-24)")


def today() -> str:
    return dt.date.today().isoformat()


def add_years(day: str, years: int) -> str:
    """The same day `years` later (29 February → 28 February in a common year)."""
    d = dt.date.fromisoformat(day)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:
        return d.replace(year=d.year + years, day=28).isoformat()


def whole_months(a: str, b: str) -> int:
    """Whole calendar months from day `a` to day `b` (0 if b is not later)."""
    x, y = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    months = (y.year - x.year) * 12 + y.month - x.month - (y.day < x.day)
    return max(months, 0)
