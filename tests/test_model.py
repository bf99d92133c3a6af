"""The loading fast path (`model.positional`, used by `entry_from_plain` and ranged
values) builds exactly the objects the dataclasses' own __init__ builds, field by field."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

from policykit.model.entities import (
    Acknowledgement,
    Delta,
    Entry,
    Value,
    entry_from_plain,
    plain_number,
    value_from_plain,
)

RAW = {
    "status": "temporary", "ratio": {"min": 0.55, "max": 0.6}, "source": "src-1",
    "quote": "报销比例55%-60%", "start": "2021-08", "end": "2023", "observed": "2021-09-01",
    "bound": "min", "coverage_year": 2022, "notice_year": 2021, "obtained": "inferred",
    "derivation": "由原文推算", "confidence": "medium", "checked_on": "2024-05-06",
    "note": "备注", "delta": {"from": 0.5, "by": 0.05, "mode": "points"},
    "acknowledge": [{"check": "R18", "reason": "理由"}],
}


def test_entry_from_plain_sets_every_field_to_its_own_value() -> None:
    e = entry_from_plain("441800", "resident.inpatient.ratio", (("hospital_level", "level3"),),
                         RAW, "regions/x/region.yaml", "/rules/0/history/1")
    expected = Entry(
        region="441800", parameter="resident.inpatient.ratio",
        breakdown_items=(("hospital_level", "level3"),), status="temporary",
        value=Value("ratio", low=Decimal("0.55"), high=Decimal("0.6")), source="src-1",
        quote="报销比例55%-60%", start="2021-08", end="2023", observed="2021-09-01",
        bound="min", coverage_year=2022, notice_year=2021, obtained="inferred",
        derivation="由原文推算", confidence="medium", checked_on="2024-05-06", note="备注",
        delta=Delta(Decimal("0.5"), Decimal("0.05"), "points"),
        acknowledge=(Acknowledgement("R18", "理由"),),
        file="regions/x/region.yaml", pointer="/rules/0/history/1")
    for f in fields(Entry):  # each field, so a swapped pair of same-typed fields shows
        assert getattr(e, f.name) == getattr(expected, f.name), f.name
    assert e == expected and hash(e) == hash(expected)


def test_defaults_and_single_values_match_init() -> None:
    raw = {"status": "in_force", "amount": 380, "source": "s", "quote": "380元"}
    e = entry_from_plain("000000", "p", (), raw)
    assert e == Entry("000000", "p", (), "in_force", Value("amount", number=Decimal(380)),
                      "s", "380元")
    assert (e.bound, e.obtained, e.acknowledge, e.delta) == ("exact", "stated", (), None)
    d = value_from_plain({"duration": {"value": {"min": 3, "max": 6}, "unit": "months"}})
    assert d == Value("duration", low=Decimal(3), high=Decimal(6), unit="months")
    for f in fields(Value):
        assert getattr(d, f.name) == getattr(
            Value("duration", low=Decimal(3), high=Decimal(6), unit="months"), f.name)


def test_plain_number_is_the_same_for_equal_decimals_whatever_came_first() -> None:
    """plain_number is cached by value: equal Decimals written differently (1, 1.0,
    1E+0) must give the same JSON number, integral ones as int, others as float."""
    plain_number.cache_clear()
    cases = [("1.0", "1", 1), ("2.50", "2.5", 2.5), ("1E+2", "100", 100),
             ("0.070", "0.07", 0.07), ("-3.00", "-3", -3)]
    for first, second, expected in cases:
        a, b = plain_number(Decimal(first)), plain_number(Decimal(second))
        assert a == b == expected and type(a) is type(b) is type(expected), (first, second)
    # Integral values stay integers up to 64 bits (issue 17: no float above 2^53).
    assert plain_number(Decimal("1e15")) == 10**15 and type(plain_number(Decimal("1e15"))) is int
    assert type(plain_number(Decimal("1e19"))) is float
