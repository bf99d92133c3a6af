"""A change many regions inherit is shown once under its origin with the number of
regions it reaches, in every format; a new dated value that takes over from an earlier
one reads "旧值 → 新值，自 日期 起"; Markdown stays under GitHub's comment limit."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from conftest import REPO, run_cli
from policykit import load
from policykit.diff.compare import diff, diff_at
from policykit.diff.render import MD_MAX_CHARS, render_json, render_markdown, render_text
from policykit.diff.view import SideInfo, Sides, group_inherited
from policykit.model.entities import Catalogue, Entry, Label, Parameter, Region, Source, Value
from policykit.model.policyset import PolicySet

DAYS = ("2021-12-31", "2022-01-02")
NATIONAL = "000000"


@pytest.fixture(scope="module")
def bundled() -> PolicySet:
    return load(REPO / "policies")


def _reach(ps: PolicySet) -> dict[str, int]:
    """Independently of the diff: per parameter whose national value in force changes
    between the days, how many regions' rule in force changes with it."""
    out: dict[str, int] = {}
    for code in ps.regions:
        a, b = ps.in_force(code, DAYS[0]), ps.in_force(code, DAYS[1])
        for key in set(a) | set(b):
            ra, rb = a.get(key), b.get(key)
            origins = {r.origin for r in (ra, rb) if r is not None}
            if origins == {NATIONAL} and (ra is None or rb is None or ra.entry is not rb.entry):
                out[key[0]] = out.get(key[0], 0) + 1
    return out


def test_bundled_national_changes_are_listed_once_with_the_regions_affected(
        bundled: PolicySet) -> None:
    reach = _reach(bundled)
    assert reach and max(reach.values()) > 1  # the data has inherited national changes
    res = run_cli("diff", "--at", DAYS[0], "--at", DAYS[1], "-q")
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in res.stdout.splitlines() if " 全国 · " in ln]
    assert len(lines) == len(reach)
    for pid, n in reach.items():
        label = bundled.catalogue.parameters[pid].label.zh
        mine = [ln for ln in lines if f"· {label}: " in ln]
        assert len(mine) == 1, (pid, lines)
        assert f"影响 {n:,} 个地区" in mine[0]
    # no region repeats the national change
    assert "继承自 全国" not in res.stdout


def test_bundled_markdown_and_json_group_too(bundled: PolicySet) -> None:
    reach = _reach(bundled)
    md = run_cli("diff", "--at", DAYS[0], "--at", DAYS[1], "-q", "--format", "markdown").stdout
    rows = [ln for ln in md.splitlines() if ln.startswith("| ") and "全国 · " in ln]
    assert len(rows) == len(reach)
    assert all(re.search(r"影响 \d[\d,]* 个地区", r) for r in rows)
    assert "继承自 全国" not in md
    data = json.loads(run_cli("diff", "--at", DAYS[0], "--at", DAYS[1], "-q",
                              "--format", "json").stdout)
    got = {g["change"]["parameter"]: len(g["regions"]) for g in data["inherited"]}
    assert got == reach
    assert all(g["origin"] == NATIONAL and g["change"]["region"] == NATIONAL
               for g in data["inherited"])
    assert data["total"] == sum(reach.values())  # the full list is still there


def test_a_change_only_its_own_region_shows_is_not_grouped(bundled: PolicySet) -> None:
    changes = diff_at(bundled, DAYS[0], DAYS[1])
    groups, rest = group_inherited(changes)
    assert len(rest) + sum(len(g.regions) for g in groups) == len(changes)
    own = [c for c in changes if c.key == NATIONAL]
    # at the origin alone (the other regions left out) nothing is grouped
    assert group_inherited(own) == ([], own)


# -- synthetic sets -------------------------------------------------------------------------
def _ps(entries: list[tuple[str, int, str]], quote: str = "q") -> PolicySet:
    cat = Catalogue((("reimbursement", Label("待遇与报销")),), (("resident", Label("居民医保")),),
                    {}, {"r.amount": Parameter("r.amount", Label("起付标准"), "reimbursement",
                                               "resident", "amount", unit=Label("元"))})
    regions = {"441800": Region("441800", Label("清远市"), "prefecture", None, None)}
    sources = {"s1": Source("s1", "通知", "医保局", "notice")}
    rows = tuple(Entry("441800", "r.amount", (), "in_force",
                       Value("amount", number=Decimal(amount)), "s1", f"{quote}{i}", start=start)
                 for i, (_, amount, start) in enumerate(entries))
    return PolicySet(cat, regions, sources, {("441800", "r.amount", ()): rows} if rows else {})


def _sides(a: PolicySet, b: PolicySet) -> Sides:
    return Sides(a, b, SideInfo("main", "folder"), SideInfo("pr", "folder"))


def test_a_new_dated_value_reads_old_to_new_from_its_date() -> None:
    a = _ps([("441800", 800, "2020-01-01")])
    b = _ps([("441800", 800, "2020-01-01"), ("441800", 900, "2023-07-01")])
    changes = diff(a, b)
    assert [c.action for c in changes] == ["added"]
    text = render_text(changes, _sides(a, b))
    assert "更新 居民医保 · 起付标准: 800 元 → 900 元，自 2023-07-01 起" in text
    md = render_markdown(changes, _sides(a, b))
    assert "| 更新（自 2023-07-01 起） |" in md and "| — |" not in md
    data = json.loads(render_json(changes, _sides(a, b)))
    assert data["changes"][0]["replaces"]["amount"] == 800


def test_a_first_value_is_still_an_addition() -> None:
    a, b = _ps([]), _ps([("441800", 900, "2023-07-01")])
    text = render_text(diff(a, b), _sides(a, b))
    assert "新增 居民医保 · 起付标准: 900 元，自 2023-07-01 起" in text


def test_markdown_stays_under_the_comment_limit_with_summary_and_pointer() -> None:
    long = "很长的原文摘录" * 40
    a = _ps([])
    b = _ps([("441800", 100 + i, f"{1900 + i}-01-01") for i in range(400)], quote=long)
    changes = diff(a, b)
    md = render_markdown(changes, _sides(a, b), limit=100_000)
    assert len(md) <= MD_MAX_CHARS
    assert "**共 400 项变化" in md
    listed = md.count("| 新增 |") + md.count("| 更新")
    assert 0 < listed < 400
    assert md.rstrip().endswith("use `--format json` for all.)")
    assert f"另有 {400 - listed} 项变化未列出" in md
