"""model.changes: a restated value (same value and bound, new source or date) is not a change."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

import policykit
from conftest import POLICIES
from policykit.model.changes import changes
from policykit.model.entities import Breakdown, Entry, Value
from policykit.model.timeline import Resolved


def entry(value: Value, start: str, source: str, bound: str = "exact") -> Entry:
    return Entry(region="441800", parameter="resident.contribution", breakdown_items=(),
                 status="in_force", value=value, source=source, quote="q", start=start,
                 bound=bound)


class Fake:
    """A single rule whose value in force on a day is its latest entry begun by then."""

    def __init__(self, *entries: Entry) -> None:
        self.entries = entries

    @property
    def rules(self) -> Mapping[tuple[str, str, Breakdown], tuple[Entry, ...]]:
        return {("441800", "resident.contribution", ()): self.entries}

    def value_at(self, code: str, parameter: str, day: str,
                 bk: Breakdown = ()) -> Resolved | None:
        begun = [e for e in self.entries if e.begins is not None and e.begins <= day]
        return Resolved(begun[-1], code) if begun else None


def amount(n: str) -> Value:
    return Value(kind="amount", number=Decimal(n))


def test_same_value_with_a_new_source_and_date_is_not_a_change() -> None:
    a = entry(amount("380"), "2023-01-01", "s1", "min")
    b = entry(amount("400"), "2024-01-01", "s2", "min")
    c = entry(amount("400.0"), "2025-01-01", "s3", "min")
    found = changes(Fake(a, b, c))
    assert [(x.date, x.entry.source) for x in found] == [("2024-01-01", "s2"),
                                                        ("2023-01-01", "s1")]
    assert found[0].previous is not None and found[0].previous.entry is a


def test_same_number_with_another_bound_is_a_change() -> None:
    a = entry(amount("400"), "2024-01-01", "s1", "min")
    b = entry(amount("400"), "2025-01-01", "s2", "exact")
    assert [x.entry.source for x in changes(Fake(a, b))] == ["s2", "s1"]


def test_one_unknown_after_another_is_not_a_change() -> None:
    a = entry(Value(kind="unknown", text="未公布"), "2024-01-01", "s1")
    b = entry(Value(kind="unknown", text="通知未列出"), "2025-01-01", "s2")
    c = entry(amount("400"), "2026-01-01", "s3")
    assert [x.entry.source for x in changes(Fake(a, b, c))] == ["s3", "s1"]


def test_no_seed_change_restates_its_previous_value() -> None:
    ps = policykit.load(POLICIES)
    found = ps.changes()
    assert found
    for c in found:
        if c.previous is not None:
            p = c.previous.entry
            assert (p.value, p.bound) != (c.entry.value, c.entry.bound), c


def no_restatement(text: str) -> list[str]:
    """Every 'X（原为 X）' in a text (tags removed first)."""
    plain = re.sub(r"<[^>]+>", "", text)
    return [m.group(0) for m in re.finditer(r"([^：（）<>\n]+?)（原为 \1[，）]", plain)]


def test_the_pattern_finds_a_restatement() -> None:
    assert no_restatement("缴费：不低于 400 元/人·年（原为 不低于 400 元/人·年）")
    assert not no_restatement("缴费：不低于 400 元/人·年（原为 不低于 380 元/人·年）")
