"""The site says how each value is known on the build day (docs/format.md §3.3 rules 5-7):
清远's 2021 ratios carry their date and a not-confirmed-since marker; open-ended
temporary measures are not listed as ordinary rules."""

from __future__ import annotations

import re

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
