"""Property tests over generated small policy sets (hypothesis).

- export → load_api gives back an equal PolicySet, and every file validates;
- the JSON bytes depend only on the data and the as-of date;
- `PolicySet.value` (tabulated fast path) answers exactly what the timeline rule
  (`PolicySet.resolve`) answers, on every day where an answer could change;
- changes are newest first and name the value in force the day before;
- the CSV tables read back with one row per value, whatever the text holds.

The generator builds plain data in the YAML format's shape and turns it into the
model with the model's own `*_from_plain` functions, so generated sets look like
loaded ones: arbitrary Unicode text, exact decimals, partial dates, ranges,
disease lists, unknowns, floors, aliases.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykit import PolicySet
from policykit.client import load_api
from policykit.model.changes import day_before, restates
from policykit.model.entities import (
    Entry,
    catalogue_from_plain,
    entry_from_plain,
    region_from_plain,
    source_from_plain,
)
from policykit.model.policyset import breakdown_key
from policykit.publish.api.export import api_documents, document_bytes, export_api
from policykit.publish.tables import csv_bytes, long_table

AS_OF = "2024-07-01"
TEXT = st.text(min_size=1, max_size=12)
LOWER = "abcdefghijklmnopqrstuvwxyz"
WORD = LOWER + "0123456789_"


def word(first: str, rest: str, max_size: int) -> st.SearchStrategy[str]:
    # Built from characters rather than st.from_regex: generation is most of the run time.
    return st.builds(str.__add__, st.sampled_from(first), st.text(rest, max_size=max_size))


IDENT = word(LOWER, WORD, 5)
VALUE_ID = word(WORD, WORD, 4)
PARAM_ID = st.lists(word(WORD, WORD, 3), min_size=0, max_size=2).flatmap(
    lambda parts: word(LOWER, WORD, 4).map(lambda head: ".".join([head, *parts])))
SOURCE_ID = word(LOWER + "0123456789", WORD + ".-", 8)
DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
FULL_DATE = DAYS.map(dt.date.isoformat)
PARTIAL_DATE = st.one_of(
    FULL_DATE, FULL_DATE.map(lambda d: d[:7]), FULL_DATE.map(lambda d: d[:4]))
KINDS = ["ratio", "amount", "number", "count", "duration", "date", "flag", "adjustment",
         "diseases"]


def label() -> st.SearchStrategy[dict[str, str]]:
    return st.builds(lambda zh, en: {"zh": zh, **({"en": en} if en else {})},
                     TEXT, st.none() | TEXT)


def scaled(lo: int, hi: int, places: int) -> st.SearchStrategy[Decimal]:
    return st.integers(lo, hi).map(lambda i: Decimal(i) / (10 ** places))


def ranged(scalar: st.SearchStrategy[Decimal]) -> st.SearchStrategy[Any]:
    return scalar | st.tuples(scalar, scalar).map(
        lambda t: {"min": min(t), "max": max(t)})


def value_for(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    if kind == "ratio":
        v: st.SearchStrategy[Any] = ranged(scaled(0, 10_000, 4))
    elif kind == "amount":
        v = ranged(scaled(0, 10**9, 2))
    elif kind == "number":
        v = ranged(scaled(-10**6, 10**6, 3))
    elif kind == "count":
        v = st.integers(0, 10**4)
    elif kind == "duration":
        v = st.fixed_dictionaries({"value": ranged(scaled(0, 400, 0)),
                                   "unit": st.sampled_from(["day", "working_day", "month",
                                                            "year"])})
    elif kind == "date":
        v = FULL_DATE
    elif kind == "flag":
        v = st.booleans()
    elif kind == "adjustment":
        v = st.fixed_dictionaries(
            {"value": scaled(0, 10_000, 2),
             "mode": st.sampled_from(["pp", "relative", "absolute", "unknown"])},
            optional={"direction": st.sampled_from(["decrease", "increase"])})
    elif kind == "diseases":
        item = st.fixed_dictionaries({"name": TEXT}, optional={
            "normalized": TEXT, "nhsa_code": st.integers(0, 99999).map(lambda i: f"M{i:05d}"),
            "mapping": st.sampled_from(["confirmed", "inferred", "none"]),
            "annual_limit": scaled(0, 10**7, 0), "note": TEXT})
        v = st.fixed_dictionaries(
            {"complete": st.booleans(), "items": st.lists(item, max_size=3)},
            optional={"declared_count": st.integers(0, 500)})
    else:
        v = TEXT
    return v.map(lambda x: {kind: x})


@st.composite
def entries(draw: st.DrawFn, kind: str, sources: list[str]) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "status": draw(st.sampled_from(["in_force", "in_force", "temporary", "repealed",
                                        "planned", "draft", "unknown"])),
        "source": draw(st.sampled_from(sources)),
        "quote": draw(TEXT),
        **draw(st.sampled_from([kind, kind, kind, "unknown"]).flatmap(value_for)),
    }
    optional = {
        "start": PARTIAL_DATE, "end": PARTIAL_DATE, "observed": FULL_DATE,
        "bound": st.sampled_from(["exact", "min", "max"]),
        "coverage_year": st.integers(1990, 2030), "notice_year": st.integers(1990, 2030),
        "obtained": st.sampled_from(["stated", "inferred", "derived"]),
        "derivation": TEXT, "confidence": st.sampled_from(["high", "medium", "low"]),
        "checked_on": FULL_DATE, "note": TEXT,
        "delta": st.fixed_dictionaries({
            "from": scaled(-1000, 1000, 3), "by": scaled(-1000, 1000, 3),
            "mode": st.sampled_from(["pp", "relative", "absolute", "unknown"])}),
        "acknowledge": st.lists(st.fixed_dictionaries({
            "check": st.integers(1, 30).map(lambda i: f"R{i}"), "reason": TEXT}),
            min_size=1, max_size=2),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            raw[key] = draw(strategy)
    return raw


@st.composite
def policy_sets(draw: st.DrawFn) -> PolicySet:
    dims = draw(st.dictionaries(IDENT, st.fixed_dictionaries({
        "label": label(), "ordered": st.booleans(),
        "values": st.dictionaries(VALUE_ID, label(), min_size=1, max_size=3)}), max_size=2))
    areas = draw(st.dictionaries(IDENT, label(), min_size=1, max_size=3))
    schemes = draw(st.dictionaries(IDENT, label(), min_size=1, max_size=2))
    pids = draw(st.lists(PARAM_ID, min_size=1, max_size=4, unique=True))
    params = {}
    for pid in pids:
        params[pid] = draw(st.fixed_dictionaries(
            {"label": label(), "area": st.sampled_from(sorted(areas)),
             "scheme": st.sampled_from(sorted(schemes)), "type": st.sampled_from(KINDS),
             "dimensions": st.lists(st.sampled_from(sorted(dims)), unique=True,
                                    max_size=len(dims)) if dims else st.just([]),
             "comparable": st.booleans(),
             "higher_is": st.sampled_from(["better", "worse", "neutral"]),
             "aliases": st.lists(st.just("old_" + pid.replace(".", "_")), max_size=1)},
            optional={"description": label(), "unit": label()}))
    catalogue = catalogue_from_plain({"areas": areas, "schemes": schemes, "dimensions": dims,
                                      "parameters": params})

    source_ids = draw(st.lists(SOURCE_ID, min_size=1, max_size=3, unique=True))
    sources = {}
    for sid in source_ids:
        raw = draw(st.fixed_dictionaries(
            {"id": st.just(sid), "title": TEXT, "issuer": TEXT,
             "kind": st.sampled_from(["notice", "work_report", "news", "template"])},
            optional={"doc_number": TEXT, "date": PARTIAL_DATE,
                      "url": st.just("https://example.org/") | st.just("http://x.cn/a?b=1"),
                      "seed": word(WORD, WORD, 7).map(lambda w: w + ".txt"),
                      "official": st.booleans(), "note": TEXT,
                      "via": st.sampled_from(source_ids),
                      "quote_normalisation": st.just("strip-pinyin-glosses"),
                      "region": st.sampled_from(["000000", "441900"])}))
        sources[sid] = source_from_plain(raw)

    region_rows: list[dict[str, Any]] = [
        {"code": "000000", "name": draw(label()), "level": "national"}]
    for i in range(draw(st.integers(0, 2))):
        province = f"{11 + i}0000"
        region_rows.append({"code": province, "name": draw(label()), "level": "province",
                            "parent": "000000"})
        for j in range(draw(st.integers(0, 2))):
            city = f"{11 + i}{j + 1:02d}00"
            row = {"code": city, "name": draw(label()), "level": "prefecture",
                   "parent": province}
            if draw(st.booleans()):
                row["pooling_region"] = draw(st.sampled_from([city, province]))
            region_rows.append(row)
            if draw(st.booleans()):
                region_rows.append({"code": f"{11 + i}{j + 1:02d}23", "name": draw(label()),
                                    "level": "county", "parent": city, "pooling_region": city})
    for row in region_rows:
        for key, strategy in {"valid_from": PARTIAL_DATE, "valid_to": PARTIAL_DATE,
                              "checked_on": FULL_DATE, "note": TEXT}.items():
            if draw(st.booleans()):
                row[key] = draw(strategy)
    regions = {r["code"]: region_from_plain(r) for r in region_rows}

    rules: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[Entry, ...]] = {}
    for _ in range(draw(st.integers(0, 8))):
        code = draw(st.sampled_from(sorted(regions)))
        pid = draw(st.sampled_from(pids))
        bk_raw = {}
        for dim in params[pid]["dimensions"]:
            if draw(st.booleans()):
                bk_raw[dim] = draw(st.sampled_from(sorted(dims[dim]["values"])))
        bk = breakdown_key(bk_raw)
        history = draw(st.lists(entries(params[pid]["type"], source_ids), min_size=1,
                                max_size=4))
        rules[(code, pid, bk)] = tuple(entry_from_plain(code, pid, bk, raw) for raw in history)
    return PolicySet(catalogue, dict(sorted(regions.items())), dict(sorted(sources.items())),
                     dict(sorted(rules.items())))


PROPERTY = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(policy_sets())
def test_export_then_load_api_is_the_identity(ps: PolicySet) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        export_api(ps, tmp, AS_OF)
        back = load_api(Path(tmp) / "api" / "v1", validate=True)
    assert back == ps


@PROPERTY
@given(policy_sets())
def test_json_bytes_depend_only_on_data_and_date(ps: PolicySet) -> None:
    first = [(p, document_bytes(d)) for p, d in api_documents(ps, AS_OF)]
    rebuilt = PolicySet(ps.catalogue, dict(reversed(ps.regions.items())),
                        dict(reversed(ps.sources.items())), dict(reversed(ps.rules.items())))
    second = [(p, document_bytes(d)) for p, d in api_documents(rebuilt, AS_OF)]
    assert first == second


def interesting_days(ps: PolicySet) -> list[str]:
    days = {"1999-12-31", "2031-01-01", AS_OF}
    for es in ps.rules.values():
        for e in es:
            for d in (e.begins, e.ends):
                if d is not None:
                    days.add(d)
                    before = day_before(d)
                    if before is not None:
                        days.add(before)
    return sorted(days)


@PROPERTY
@given(policy_sets())
def test_value_fast_path_agrees_with_the_timeline_rule(ps: PolicySet) -> None:
    days = interesting_days(ps)
    for (_, pid, bk) in ps.rules:
        for code in ps.regions:
            for day in days:
                assert ps.value(code, pid, day, **dict(bk)) == ps.resolve(code, pid, day, bk)


@PROPERTY
@given(policy_sets())
def test_changes_are_newest_first_with_the_value_before(ps: PolicySet) -> None:
    found = ps.changes()
    assert [c.date for c in found] == sorted((c.date for c in found), reverse=True)
    # Every dated entry is a change unless it restates the value in force the day before
    # (issue 20: a new source or date for the same value is not a change).
    kept = 0
    for (code, pid, bk), es in ps.rules.items():
        for e in es:
            if e.start is None:
                continue
            day = day_before(e.begins) if e.begins is not None else None
            before = None if day is None else ps.resolve(code, pid, day, bk)
            kept += before is None or not restates(before.entry, e)
    assert len(found) == kept
    for c in found:
        assert c.entry.start is not None and c.date == c.entry.begins
        before = day_before(c.date)
        assert before is not None
        assert c.previous == ps.resolve(c.region, c.parameter, before, c.breakdown)


@PROPERTY
@given(policy_sets())
def test_csv_reads_back_one_row_per_value(ps: PolicySet) -> None:
    import io

    data = csv_bytes(long_table(ps))
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    n = sum(len(es) for es in ps.rules.values())
    assert len(frame) == n
    if n:
        expected = [e.quote for key in sorted(ps.rules) for e in ps.rules[key]]
        got = [q[1:] if q.startswith("'") and not e.startswith("'") else q
               for q, e in zip(frame["quote"], expected, strict=True)]
        assert got == expected
