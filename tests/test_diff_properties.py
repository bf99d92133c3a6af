"""Properties of the semantic diff over small PolicySets made in memory (hypothesis).

* diff(a, a) is empty, and so is a diff against the same data written in another
  order or with equal decimals written differently (0.6 and 0.60);
* diff(b, a) is the mirror image of diff(a, b): added ↔ removed, old ↔ new;
* applying the changes of diff(a, b) to a's rules gives b's rules;
* the rules in force on one date compared with themselves do not change;
* every renderer accepts every change list.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.diff.compare import (
    Change,
    apply,
    canonical_rules,
    canonical_text,
    diff,
    diff_at,
    match_entries,
)
from policykit.diff.render import RENDERERS, SideInfo, Sides
from policykit.model.entities import (
    Catalogue,
    Dimension,
    Entry,
    Label,
    Parameter,
    Region,
    Source,
    Value,
)
from policykit.model.policyset import PolicySet

D = Decimal
LEVELS = (("level1", Label("一级医院")), ("level3", Label("三级医院")))
REGIONS = {
    "440000": ("广东省", "province", None, None),
    "441800": ("清远市", "prefecture", "440000", None),
    "441821": ("佛冈县", "county", "441800", "441800"),
}
SOURCE_IDS = ("s1", "s2", "s3")
DATES = (None, "2020", "2021-07", "2022-01-01")


def parameter(pid: str, label: str, type_: str, dims: tuple[str, ...] = (),
              aliases: tuple[str, ...] = ()) -> Parameter:
    return Parameter(pid, Label(label), "reimbursement", "resident", type_, dimensions=dims,
                     aliases=aliases)


@st.composite
def catalogues(draw: st.DrawFn) -> Catalogue:
    params = {
        "r.ratio": parameter("r.ratio", draw(st.sampled_from(["住院报销比例", "报销比例"])),
                             "ratio", ("hospital_level",)),
        "r.amount": parameter("r.amount", "起付标准", "amount"),
    }
    # A renamed parameter: "w.new" lists the old id "w.old" as an alias.
    if draw(st.booleans()):
        params["w.new"] = parameter("w.new", "等待期", "amount", aliases=("w.old",))
    else:
        params["w.old"] = parameter("w.old", "等待期", "amount")
    if draw(st.booleans()):
        params["r.extra"] = parameter("r.extra", draw(st.sampled_from(["甲", "乙"])), "amount")
    values = LEVELS if draw(st.booleans()) else (*LEVELS, ("level2", Label("二级医院")))
    dims = {"hospital_level": Dimension("hospital_level", Label("医院等级"), values, True)}
    return Catalogue((("reimbursement", Label("待遇与报销")),),
                     (("resident", Label(draw(st.sampled_from(["城乡居民医保", "居民医保"])))),),
                     dims, params)


def values_for(type_: str) -> st.SearchStrategy[Value]:
    unknown = st.builds(Value, st.just("unknown"), text=st.sampled_from(["未公布", "模板"]))
    if type_ == "ratio":
        nums = st.sampled_from([D("0.6"), D("0.60"), D("0.65"), D("0.9")])
        return st.one_of(st.builds(Value, st.just("ratio"), number=nums), unknown)
    nums = st.sampled_from([D(500), D("500.0"), D(600)])
    return st.one_of(st.builds(Value, st.just("amount"), number=nums), unknown)


@st.composite
def entries(draw: st.DrawFn, region: str, pid: str, bk: tuple[tuple[str, str], ...],
            type_: str) -> Entry:
    status = draw(st.sampled_from(["in_force", "temporary", "planned", "draft", "unknown"]))
    return Entry(
        region=region, parameter=pid, breakdown_items=bk, status=status,
        value=draw(values_for(type_)), source=draw(st.sampled_from(SOURCE_IDS)),
        quote=draw(st.sampled_from(["原文甲", "原文乙"])), start=draw(st.sampled_from(DATES)),
        end=draw(st.sampled_from([None, "2023", "2024-06"])),
        observed=draw(st.sampled_from([None, "2021-08-24"])),
        note=draw(st.sampled_from([None, "备注"])),
        checked_on=draw(st.sampled_from([None, "2024-05-01"])),
    )


@st.composite
def policysets(draw: st.DrawFn) -> PolicySet:
    cat = draw(catalogues())
    codes = draw(st.sets(st.sampled_from(sorted(REGIONS)), min_size=1))
    regions = {}
    for code in sorted(codes):
        zh, level, parent, pooling = REGIONS[code]
        en = draw(st.sampled_from([None, "City"]))
        regions[code] = Region(code, Label(zh, en), level,
                               parent if parent in codes else None,
                               pooling if pooling in codes else None)
    sources = {
        sid: Source(sid, draw(st.sampled_from(["通知", "工作报告"])), "医保局", "notice",
                    url=draw(st.sampled_from([None, "https://example.org/a|b"])))
        for sid in draw(st.sets(st.sampled_from(SOURCE_IDS)))
    }
    rules: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[Entry, ...]] = {}
    keys = []
    for code in sorted(codes):
        for p in cat.parameters.values():
            bks = [()] + ([(("hospital_level", v),) for v, _ in LEVELS]
                          if p.dimensions else [])
            keys += [(code, p.id, bk) for bk in bks]
    for key in draw(st.lists(st.sampled_from(keys), unique=True, max_size=5)):
        code, pid, bk = key
        history = draw(st.lists(entries(code, pid, bk, cat.parameters[pid].type),
                                min_size=1, max_size=3))
        rules[key] = tuple(history)
    return PolicySet(cat, regions, sources, dict(sorted(rules.items())))


@st.composite
def edited(draw: st.DrawFn, a: PolicySet) -> PolicySet:
    """a with some history entries edited, dropped or added: an officer's pull request."""
    rules = {}
    for key, history in a.rules.items():
        out = []
        ptype = a.catalogue.parameters[key[1]].type
        for e in history:
            op = draw(st.sampled_from(["keep", "value", "start", "status", "source", "note",
                                       "drop"]))
            if op == "value":
                e = replace(e, value=draw(values_for(ptype)))
            elif op == "start":
                e = replace(e, start=draw(st.sampled_from(DATES)))
            elif op == "status":
                e = replace(e, status=draw(st.sampled_from(["in_force", "repealed", "planned"])),
                            end=draw(st.sampled_from([None, "2025"])))
            elif op == "source":
                e = replace(e, source=draw(st.sampled_from(SOURCE_IDS)), quote="新原文")
            elif op == "note":
                e = replace(e, note=draw(st.sampled_from([None, "改过的备注"])))
            if op != "drop":
                out.append(e)
        if draw(st.booleans()):
            out.append(draw(entries(*key, ptype)))
        if out:
            rules[key] = tuple(out)
    return PolicySet(a.catalogue, a.regions, a.sources, rules)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[PolicySet, PolicySet]:
    """Two unrelated PolicySets, or one and an edited copy of it (either way round)."""
    a = draw(policysets())
    b = draw(st.one_of(policysets(), edited(a)))
    return (b, a) if draw(st.booleans()) else (a, b)


def shuffled(ps: PolicySet, seed: int) -> PolicySet:
    """The same data in another order, with equal decimals written differently."""
    rng = random.Random(seed)

    def rewrite(e: Entry) -> Entry:
        v = e.value
        if v.number is not None:
            v = Value(v.kind, number=v.number.quantize(D("0.0001")))
        return Entry(**{**{f: getattr(e, f) for f in e.__dataclass_fields__}, "value": v})

    items = list(ps.rules.items())
    rng.shuffle(items)
    rules = {k: tuple(rng.sample([rewrite(e) for e in v], len(v))) for k, v in items}
    regions = dict(rng.sample(list(ps.regions.items()), len(ps.regions)))
    return PolicySet(ps.catalogue, regions, ps.sources, rules)


def keyed(changes: list[Change]) -> list[str]:
    return sorted(canonical_text(c) for c in changes)


@settings(max_examples=200, deadline=None)
@given(policysets(), st.integers(0, 2**16))
def test_diff_with_itself_is_empty(a: PolicySet, seed: int) -> None:
    assert diff(a, a) == []
    assert diff(a, shuffled(a, seed)) == []


@settings(max_examples=200, deadline=None)
@given(pairs())
def test_diff_is_antisymmetric(ab: tuple[PolicySet, PolicySet]) -> None:
    a, b = ab
    forward = diff(a, b)
    backward = diff(b, a)
    assert keyed(backward) == keyed([c.mirror() for c in forward])
    assert sorted(c.action for c in forward if c.action in ("added", "removed")) == sorted(
        {"added": "removed", "removed": "added"}[c.action]
        for c in backward if c.action in ("added", "removed"))


@settings(max_examples=200, deadline=None)
@given(pairs())
def test_applying_the_changes_gives_the_new_rules(ab: tuple[PolicySet, PolicySet]) -> None:
    a, b = ab
    assert apply(a, diff(a, b)) == canonical_rules(b.rules)


@settings(max_examples=100, deadline=None)
@given(policysets(), st.sampled_from(["2019-12-31", "2021-08-24", "2022-06-01", "2024-01-01"]))
def test_rules_in_force_on_the_same_date_do_not_change(ps: PolicySet, day: str) -> None:
    assert diff_at(ps, day, day) == []


@settings(max_examples=100, deadline=None)
@given(pairs())
def test_every_renderer_accepts_every_diff(ab: tuple[PolicySet, PolicySet]) -> None:
    a, b = ab
    changes = diff(a, b)
    sides = Sides(a, b, SideInfo("a", "folder"), SideInfo("b", "folder"))
    for fmt, render in RENDERERS.items():
        out = render(changes, sides)
        assert out.endswith("\n"), fmt
    data = json.loads(RENDERERS["json"](changes, sides))
    assert data["total"] == len(changes) == len(data["changes"])


def test_matching_pairs_by_identity_before_first_day() -> None:
    def e(status: str, start: str | None, value: str, observed: str | None = None) -> Entry:
        return Entry("441800", "r.ratio", (), status, Value("ratio", number=D(value)), "s1",
                     "q", start=start, observed=observed)

    old = (e("in_force", "2021", "0.6"), e("planned", "2022", "0.7"))
    new = (e("in_force", "2022", "0.7"), e("in_force", "2021", "0.65"))
    pairs, removed, added = match_entries(old, new)
    # 2021 in force ↔ 2021 in force by identity; the 2022 plan ↔ the 2022 rule by first day.
    assert pairs == [(0, 1), (1, 0)] and removed == [] and added == []
