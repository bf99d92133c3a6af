"""`PolicySet.value` (tabulated fast path) answers exactly what the timeline rule
(`PolicySet.resolve`, untabulated) answers, on the bundled data and a synthetic corpus."""

from __future__ import annotations

import gc
import inspect
import json
import random
import subprocess
import sys
import weakref
from collections.abc import Callable
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

import pytest

import policykit
from policykit.model.entities import NATIONAL
from policykit.model.policyset import PolicySet

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=["bundled", "synthetic"])
def ps(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> PolicySet:
    if request.param == "bundled":
        return policykit.load(REPO / "policies")
    out = tmp_path_factory.mktemp("synth") / "corpus"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), "--regions", "40",
                    "--out", str(out)], check=True, capture_output=True)
    return policykit.load(out)


def break_days(ps: PolicySet) -> list[str]:
    """Every day an entry begins or ends, and the day before each."""
    days: set[str] = set()
    for entries in ps.rules.values():
        for e in entries:
            for d in (e.begins, e.ends):
                if d:
                    days.add(d)
    before = {(date.fromisoformat(d) - timedelta(days=1)).isoformat() for d in days}
    return sorted(days | before)


def breakdowns(ps: PolicySet) -> dict[str, list[tuple[tuple[str, str], ...]]]:
    """Per parameter: its breakdowns, plus ones no rule has (fallback to fewer keys),
    made of the parameter's own dimensions and their values (any other name or value
    is refused: tests/test_hardening_api_args.py)."""
    by_param: dict[str, set[tuple[tuple[str, str], ...]]] = {}
    for _, pid, bk in ps.rules:
        by_param.setdefault(pid, set()).add(bk)
    out = {}
    for pid, bks in by_param.items():
        cat = ps.catalogue
        extra = sorted((d, v) for d in cat.parameters[pid].dimensions
                       for v in cat.dimensions[d].value_ids())[:6]
        more = set(bks) | {(x,) for x in extra}
        more |= {tuple(sorted(pair)) for pair in combinations(extra, 2)
                 if pair[0][0] != pair[1][0]}
        out[pid] = sorted(more)
    return out


def _queries(ps: PolicySet, n: int, seed: int) -> list[tuple[str, str, str, dict[str, str]]]:
    """Random lookups: half a rule's own region, parameter and breakdown, half any region
    with any parameter and breakdown (some no rule has); days on and around break days,
    and any day."""
    rng = random.Random(seed)
    codes = sorted(ps.regions)
    params = breakdowns(ps)
    pids = sorted(params)
    days = [*break_days(ps), "1900-01-01", "2999-12-31"]
    keys = sorted(ps.rules)
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            code, pid, bk = rng.choice(keys)
        else:
            code, pid = rng.choice(codes), rng.choice(pids)
            bk = rng.choice(params[pid])
        day = rng.choice(days) if rng.random() < 0.5 else (
            f"{rng.randint(2008, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        out.append((code, pid, day, dict(bk)))
    return out


def test_value_equals_resolve_random(ps: PolicySet) -> None:
    checked = found = 0
    for code, pid, day, bk in _queries(ps, 20_000, seed=7):
        expected = ps.resolve(code, pid, day, tuple(sorted(bk.items())))
        assert ps.value(code, pid, day, **bk) == expected, (code, pid, day, bk)
        checked += 1
        found += expected is not None
    assert found > checked // 8  # enough queries hit values


def test_every_break_day_of_every_rule(ps: PolicySet) -> None:
    """Exact break days, the day before each, and days before any entry."""
    rng = random.Random(3)
    days = break_days(ps)
    keys = sorted(ps.rules)
    for region, pid, bk in rng.sample(keys, min(len(keys), 60)):
        for code in {region, *(c for c in ps.regions if region in ps.chain(c)[1:2])}:
            for day in ["1900-01-01", *days]:
                assert ps.value(code, pid, day, **dict(bk)) == ps.resolve(code, pid, day, bk)


def test_breakdown_fallback_and_order(ps: PolicySet) -> None:
    keyed = sorted(k for k in ps.rules if k[2])
    region, pid, bk = keyed[0]
    (name, value), = bk
    day = max(e.begins or "" for e in ps.rules[keyed[0]])
    # A value of the dimension that no rule of the region has falls back to the rule
    # without a breakdown (an unknown value is refused: test_hardening_api_args.py).
    others = [v for v in ps.catalogue.dimensions[name].value_ids()
              if (region, pid, ((name, v),)) not in ps.rules]
    if others:
        assert (ps.value(region, pid, day, **{name: others[0]})
                == ps.resolve(region, pid, day, ((name, others[0]),)))
    # Two keys: the keyword order does not matter.
    second = [d for d in ps.catalogue.parameters[pid].dimensions if d != name]
    if second:
        v2 = ps.catalogue.dimensions[second[0]].value_ids()[0]
        a = ps.value(region, pid, day, **{name: value, second[0]: v2})
        b = ps.value(region, pid, day, **{second[0]: v2, name: value})
        assert a == b == ps.resolve(region, pid, day,
                                    tuple(sorted({name: value, second[0]: v2}.items())))


def test_unknown_region_and_parameter_are_refused(ps: PolicySet) -> None:
    from policykit.model.arguments import UnknownParameterError, UnknownRegionError

    national = sorted(k for k in ps.rules if k[0] == NATIONAL)
    _, pid, bk = national[0]
    day = max(e.begins or "" for e in ps.rules[national[0]])
    with pytest.raises(UnknownRegionError):
        ps.value("999999", pid, day, **dict(bk))
    with pytest.raises(UnknownParameterError):
        ps.value(sorted(ps.regions)[-1], "no.such.parameter", day)


def test_before_any_entry_is_none(ps: PolicySet) -> None:
    for code, pid, bk in sorted(ps.rules)[:50]:
        assert ps.value(code, pid, "1000-01-01", **dict(bk)) is None


def test_repeated_lookups_are_stable(ps: PolicySet) -> None:
    rng = random.Random(11)
    keys = sorted(ps.rules)
    qs = [(*rng.choice(keys), f"{rng.randint(2010, 2027)}-06-15") for _ in range(500)]
    first = [ps.value(c, p, d, **dict(bk)) for c, p, bk, d in qs]
    assert [ps.value(c, p, d, **dict(bk)) for c, p, bk, d in qs] == first
    fresh = policykit.load(ps.root) if ps.root is not None else ps
    assert [fresh.value(c, p, d, **dict(bk)) for c, p, bk, d in reversed(qs)] == first[::-1]


def test_segments_are_the_days_the_answer_changes(ps: PolicySet) -> None:
    """`segments` (what the consistency checks walk) lists exactly the days on which
    the answer of `resolve` changes, with the answer from that day on."""
    days = break_days(ps)
    for code, pid, bk in sorted(ps.rules)[:400]:
        for region in {code, *ps.children(code)[:2]} - {None}:
            rcode = region if isinstance(region, str) else region.code
            seg_days, answers = ps.segments(rcode, pid, bk)
            assert list(seg_days) == sorted(seg_days)
            expected: list[tuple[str, object]] = []
            prev: object = None
            for d in days:
                r = _state(ps.resolve(rcode, pid, d, bk))
                if r != prev:
                    expected.append((d, r))
                prev = r
            got = [(d, _state(a)) for d, a in zip(seg_days, answers, strict=True)]
            assert got == expected


def _state(r: policykit.Resolved | None) -> object:
    if r is None:
        return None
    return (id(r.entry), r.origin, tuple((id(f.entry), f.origin) for f in r.floors))


def test_layered_tables_equal_full_tabulation(ps: PolicySet) -> None:
    """A region's table built over the table of the region it inherits from next
    (`_layered`) answers exactly what tabulating all its candidates answers, on the
    same break days; and the layered path is the one taken for most regions."""
    layered = 0
    for pid, bks in sorted(breakdowns(ps).items()):
        for bk in bks:
            for code in sorted(ps.regions):
                full = PolicySet._tabulate(ps.candidates(code, pid, bk))
                table = ps._layered(code, pid, bk)
                if table is None:
                    continue
                layered += 1
                h = table[0]
                assert table[:h + 1] == full[:h + 1], (code, pid, bk)
                assert [_state(a) for a in table[h + 1:]] == [_state(a) for a in full[h + 1:]]
    assert layered > len(ps.regions)


# -- the C fast path (policykit.model._lookup) ------------------------------------------

def test_the_c_lookup_is_built_and_used(ps: PolicySet) -> None:
    """setup.py builds the extension wherever a C compiler is found, as on CI; if
    this fails, `pip install .` fell back to pure Python (see its build log)."""
    from policykit.model import _lookup

    assert isinstance(ps.value, _lookup.Lookup)
    assert ps.value is ps.value  # made once per policy set
    names = list(inspect.signature(ps.value).parameters)
    assert names == ["code", "parameter", "day", "breakdown"]


def test_c_path_returns_the_python_objects(ps: PolicySet) -> None:
    """On a fresh policy set the C path meets every table unbuilt first (and asks
    Python to build it), then finds it: either way it returns the very object the
    Python `_value` returns, for no, one and two breakdown keywords."""
    fresh = policykit.load(ps.root) if ps.root is not None else ps
    qs = _queries(fresh, 6_000, seed=5)
    assert {len(bk) for *_, bk in qs} >= {0, 1, 2}
    first = [fresh.value(c, p, d, **bk) for c, p, d, bk in qs]
    again = [fresh.value(c, p, d, **bk) for c, p, d, bk in qs]
    python = [fresh._value(c, p, d, **bk) for c, p, d, bk in qs]
    assert all(a is b is c for a, b, c in zip(first, again, python, strict=True))
    assert sum(a is not None for a in first) > len(qs) // 8


def _outcome(fn: Callable[..., object], *args: object, **kwargs: object) -> object:
    try:
        return ("returned", fn(*args, **kwargs))
    except Exception as exc:  # the outcome itself is what is compared
        return ("raised", type(exc), str(exc))


def test_odd_calls_behave_as_in_python(ps: PolicySet) -> None:
    """Calls the C path does not answer itself go to Python unchanged: the same value
    or the same error, whatever the arguments."""
    code, pid, bk = next(k for k in sorted(ps.rules) if k[2])
    (name, val), = bk
    day = max(e.begins or "" for e in ps.rules[code, pid, bk])
    ps.value(code, pid, day, **{name: val})  # the table exists now
    # A breakdown named like a positional parameter has a table (rules may name a
    # breakdown "day"), but value() cannot take it as a keyword: Python refuses.
    ps.segments(code, pid, (("day", val),))

    class Day(str):
        pass

    calls: list[tuple[tuple[object, ...], dict[str, object]]] = [
        ((code, pid, day), {name: val}),
        ((code, pid), {"day": day}),
        ((code,), {"parameter": pid, "day": day}),
        ((code, pid, day), {"day": val}),
        ((code, pid, day, "extra"), {}),
        ((code, pid, Day(day)), {name: val}),
        ((code, pid, date(2020, 1, 1)), {name: val}),
        ((code, [pid], day), {}),
        ((code, pid, day), {name: 1}),
        ((code, pid, day), {name: val, "zz": "x"}),
        ((), {}),
    ]
    for args, kwargs in calls:
        assert _outcome(ps.value, *args, **kwargs) == _outcome(ps._value, *args, **kwargs), \
            (args, kwargs)


def test_a_policy_set_is_freed_with_its_lookup() -> None:
    """The lookup refers back to its policy set (a cycle): the garbage collector must
    see through it, or every loaded policy set would stay in memory."""
    ps = policykit.load(REPO / "policies")
    code, pid, bk = sorted(ps.rules)[0]
    assert ps.value(code, pid, "2024-01-01", **dict(bk)) is not None
    ref = weakref.ref(ps)
    del ps
    gc.collect()
    assert ref() is None


def test_lookup_benchmark_runs(tmp_path: Path) -> None:
    """`nox -s bench` reads `value_per_s` from benchmarks/bench_lookup.py: the script
    runs and reports every rate (the speed itself is the benchmark's business)."""
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), "--regions", "40",
                    "--out", str(corpus)], check=True, capture_output=True)
    out = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_lookup.py"),
                          str(corpus), "--queries", "2000"], check=True, capture_output=True,
                         text=True)
    result = json.loads(out.stdout)
    assert result["regions"] == len(policykit.load(corpus).regions)
    for key in ("value_per_s", "value_python_per_s", "resolve_per_s", "call_floor_per_s"):
        assert result[key] > 0, key


def test_without_the_extension_value_is_the_python_lookup() -> None:
    """Where no C compiler was found, `pip install` goes on without the extension
    (setup.py: optional) and `value` is the Python lookup, with the same answers."""
    code = """
import sys
sys.modules["policykit.model._lookup"] = None  # as if it had not been built
import policykit
from policykit.model.policyset import PolicySet
ps = policykit.load(sys.argv[1])
assert ps.value.__func__ is PolicySet._value, ps.value
key = sorted(ps.rules)[0]
day = max(e.begins or "" for e in ps.rules[key])
print(repr(ps.value(key[0], key[1], day, **dict(key[2])).entry.value))
"""
    out = subprocess.run([sys.executable, "-c", code, str(REPO / "policies")], check=True,
                         capture_output=True, text=True)
    ps = policykit.load(REPO / "policies")
    key = sorted(ps.rules)[0]
    day = max(e.begins or "" for e in ps.rules[key])
    answer = ps.value(key[0], key[1], day, **dict(key[2]))
    assert answer is not None
    assert out.stdout.strip() == repr(answer.entry.value)


def test_repr_is_a_summary() -> None:
    """A REPL user sees what was loaded, not megabytes of data (the default dataclass
    repr printed every entry, also inside the repr of `value`)."""
    ps = policykit.load(REPO / "policies")
    values = sum(len(v) for v in ps.rules.values())
    assert repr(ps) == (f"<PolicySet: {len(ps.regions)} regions, {len(ps.rules)} rules, "
                        f"{values} values from {REPO / 'policies'}>")
    assert len(repr(ps.value)) < 300 and repr(ps) in repr(ps.value)


def test_children_are_the_regions_naming_the_parent(ps: PolicySet) -> None:
    """`children` (indexed once) lists exactly the regions whose parent is the code,
    by code; a caller changing the list it got does not change the index."""
    for code in [*sorted(ps.regions), "999999"]:
        expected = sorted((r for r in ps.regions.values() if r.parent == code),
                          key=lambda r: r.code)
        assert ps.children(code) == expected
    some = next(c for c in sorted(ps.regions) if ps.children(c))
    ps.children(some).clear()
    assert ps.children(some)
