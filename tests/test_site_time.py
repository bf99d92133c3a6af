"""The site says how each value is known on the build day (docs/format.md §3.3 rules 5-7):
清远's 2021 ratios carry their date and a not-confirmed-since marker; open-ended
temporary measures are not listed as ordinary rules."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import policykit
from conftest import POLICIES
from policykit.model.days import today
from policykit.publish import site
from policykit.publish.site import SiteInput, generate


def _text(md: str) -> str:
    return re.sub(r"<[^>]+>", "", md)


@pytest.fixture(scope="module")
def content() -> site.SiteContent:
    ps = policykit.load(POLICIES)
    return generate(ps, SiteInput(as_of=today(), site_url="http://x/", changes=ps.changes()))




def test_qingyuan_2021_ratios_show_their_date_and_age(content: site.SiteContent) -> None:
    page = content.files["regions/441800.md"]
    rows = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", page.split("## 历史记录")[0])
            if "一级医院" in r and "居民" in r]
    assert rows, "清远's resident level-1 ratio is listed"
    text = _text(rows[0])
    assert "90%" in text
    assert "据 2021-08-24 资料，此后未核实" in text and "可能已过时" in text
    assert 'data-confirmed-on="2021-08-24"' in rows[0]
    assert "现行数值" not in page


def test_a_day_a_source_states_is_not_marked() -> None:
    ps = policykit.load(POLICIES)
    out = generate(ps, SiteInput(as_of="2021-08-24", site_url="http://x/", changes=()))
    rows = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", out.files["regions/441800.md"]
                                  .split("## 历史记录")[0]) if "一级医院" in r and "居民" in r]
    assert rows and "90%" in _text(rows[0]) and "此后未核实" not in rows[0]


def test_open_ended_temporary_measure_has_its_own_section(content: site.SiteContent) -> None:
    ps = policykit.load(POLICIES)
    temp = [e for e in ps.entries() if e.status == "temporary" and e.end is None
            and e.can_be_in_force and e.bound == "exact"]
    assert temp, "the seed data has an open-ended temporary measure"
    e = temp[0]
    page = content.files[f"regions/{e.region}.md"]
    head, _, rest = page.partition("## 阶段性措施（结束时间不详）")
    assert rest, "the section is there"
    since = e.start or e.observed
    assert f"阶段性措施，自 {since} 起，结束时间不详" in rest.split("## 历史记录")[0]
    assert "阶段性措施，自" not in head


def test_staleness_horizon_is_configurable() -> None:
    ps = policykit.load(POLICIES)
    out = generate(ps, SiteInput(as_of="2026-12-04", site_url="http://x/", changes=(),
                                 stale_years=10))
    page = out.files["regions/441800.md"].split("## 历史记录")[0]
    assert "据 2021-08-24 资料，此后未核实（已 5 年 3 个月）" in page
    assert "pk-outdated" not in page and "超过 10 年未核实" in page
    default = generate(ps, SiteInput(as_of="2026-12-04", site_url="http://x/", changes=()))
    assert "pk-outdated" in default.files["regions/441800.md"]


def test_build_rejects_a_bad_horizon() -> None:
    from conftest import run_cli

    res = run_cli("build", str(POLICIES), "--stale-after-years", "0")
    assert res.returncode == 2 and "--stale-after-years" in res.stderr


def test_planned_entry_without_a_date_reads_as_not_yet_in_force() -> None:
    from policykit.model import display
    from policykit.model.entities import entry_from_plain

    e = entry_from_plain("441900", "p", (), {"status": "planned", "observed": "2019-08-09",
                                             "flag": True, "source": "s", "quote": "q"})
    assert display.period_zh(e) == "计划，生效日期未定（据 2019-08-09 资料）"
    dated = entry_from_plain("441900", "p", (), {"status": "planned", "start": "2027",
                                                 "flag": True, "source": "s", "quote": "q"})
    assert display.period_zh(dated) == "自 2027 起"


def _sections(page: str) -> dict[str, str]:
    """Page text by level-2 heading."""
    parts = re.split(r"^## (.+)$", page, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_values_past_the_horizon_are_not_listed_as_current(content: site.SiteContent) -> None:
    qy = _sections(content.files["regions/441800.md"])
    stale = next(v for k, v in qy.items() if k.startswith("超过 3 年未核实的规定"))
    current = "".join(v for k, v in qy.items()
                      if not k.startswith(("超过", "阶段性", "计划", "历史记录")))
    assert "生育保险费率" in _text(stale) and "继承自" in _text(stale)
    assert "生育保险费率" not in _text(current)
    dz = _sections(content.files["regions/371400.md"])
    current = "".join(v for k, v in dz.items()
                      if not k.startswith(("超过", "阶段性", "计划", "历史记录")))
    for label in ("康复", "疫情", "处方"):
        assert label not in _text(current), label
    assert any("1,000" in _text(v) or "1000" in _text(v)
               for k, v in dz.items() if k.startswith("超过"))


def test_recent_values_stay_in_the_main_tables() -> None:
    ps = policykit.load(POLICIES)
    out = generate(ps, SiteInput(as_of="2022-01-01", site_url="http://x/", changes=()))
    qy = _sections(out.files["regions/441800.md"])
    assert not any(k.startswith("超过") for k in qy)
    assert any("一级医院" in _text(v) and "据 2021-08-24 资料，此后未核实（已 4 个月）" in _text(v)
               for k, v in qy.items() if not k.startswith("历史记录"))


def test_coverage_year_values_show_their_year(content: site.SiteContent) -> None:
    page = content.files["regions/431223.md"].split("## 历史记录")[0]
    rows = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", page) if "1,070" in _text(r)]
    assert rows and "2025 年度" in _text(rows[0])


@pytest.mark.parametrize(("day", "year", "subsidy"), [
    ("2024-06-01", 2024, "670"), ("2025-06-01", 2025, "700")])
def test_national_floors_show_their_coverage_year(day: str, year: int, subsidy: str) -> None:
    """The national resident subsidy and contribution floors are dated by the year the
    notice names (2024 年度, 2025 年度), on the national page and where 辰溪 inherits them."""
    ps = policykit.load(POLICIES)
    out = generate(ps, SiteInput(as_of=day, site_url="http://x/", changes=()))
    for page in ("regions/000000.md", "regions/431223.md"):
        current = out.files[page].split("## 历史记录")[0]
        rows = [_text(r) for r in re.findall(r"<tr[^>]*>.*?</tr>", current)
                if "居民医保人均财政补助标准" in _text(r) or "居民医保个人缴费标准" in _text(r)]
        assert rows, page
        assert all(f"{year} 年度" in r for r in rows), (page, rows)
        assert any(subsidy in r for r in rows if "财政补助" in r), (page, rows)


def test_show_gives_the_national_floors_by_coverage_year() -> None:
    from conftest import run_cli

    for day, year in (("2024-06-01", 2024), ("2025-06-01", 2025)):
        res = run_cli("show", "000000", str(POLICIES), "--at", day)
        assert res.returncode == 0, res.stderr
        lines = [ln for ln in res.stdout.splitlines() if ln.startswith("- ") and (
            "居民医保人均财政补助标准" in ln or "居民医保个人缴费标准" in ln)]
        assert len(lines) == 2 and all(f"{year} 年度" in ln for ln in lines), lines


def test_disease_pages_say_how_each_list_is_known(tmp_path: Path) -> None:
    from conftest import REPO

    root = tmp_path / "policies"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"), "--regions", "20",
                    "--out", str(root)], check=True, capture_output=True)
    ps = policykit.load(root)
    out = generate(ps, SiteInput(as_of="2026-01-01", site_url="http://x/", changes=()))
    pages = [t for p, t in out.files.items()
             if p.startswith("diseases/") and p != "diseases/index.md"]
    rows = [r for t in pages for r in re.findall(r"<tr>.*?</tr>", t)]
    known = [r for r in rows if "此后未核实" in r]
    assert known and all('data-confirmed-on="' in r for r in known)
    day = re.search(r'data-confirmed-on="([0-9-]+)"', known[0])
    assert day is not None and f"据 {day.group(1)} 资料" in _text(known[0])


def test_a_quote_verified_against_a_copy_says_so(content: site.SiteContent) -> None:
    """国办发〔2021〕42号's quotes were verified against a third-party record (`via`): the
    source note on the page says where, and that the copy is not official; a source checked
    against its own archived text says only that."""
    page = content.files["regions/000000.md"]
    block = page[page.index("国务院办公厅关于健全重特大疾病医疗保险和救助制度的意见"):]
    block = block[:block.index("</details>")]
    assert "摘录核对自：第 7 节来源核实记录（HowToLiveBetter 项目）（非官方转录）" in block
    # the news quotes were checked against this project's record of stored page copies
    news = page[page.index("Over 11 million"):].split("</details>")[0]
    assert "摘录核对自：全国新闻来源摘录核实记录（网页副本）（非官方转录）" in news
    # a source checked against its own archived text names no other copy
    qy = content.files["regions/441800.md"]
    own = qy[qy.index("努力提高医疗保障水平"):].split("</details>")[0]
    assert "项目存档原文：" in own and "摘录核对自" not in own
