"""How R13 finds a value's number in its quote, and how S1 normalises archived texts."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from policykit.check.quotes import number_in_quote, percent_written_as_ratio
from policykit.check.rules.floors import _days, _month_days


@pytest.mark.parametrize(("kind", "n", "quote"), [
    ("ratio", D("0.9"), "我市给予90%的比例救助"),
    ("ratio", D("0.9"), "给予９０％的比例"),                      # full-width digits and sign
    ("ratio", D("0.021"), "总费率从2.8%下调0.7个百分点至 2.1%"),
    ("ratio", D("0.6"), "should not be lower than 60 percent"),
    ("ratio", D("0.05"), "提高5个百分点"),
    ("ratio", D("1"), "对他们参保给与全额资助"),
    ("amount", D(2_000_000), "专项预算资金200万元"),
    ("amount", D(1_160_000_000), "基金支出11.6亿元"),
    ("amount", D(1100), "funding is 1,100 yuan"),
    ("duration", D(3), "固定待遇等待期三个月"),                   # Chinese numeral
    ("duration", D(15), "十五个工作日"),
    ("count", D(2), "两个病种"),
])
def test_number_found(kind: str, n: D, quote: str) -> None:
    assert number_in_quote(kind, n, quote)


@pytest.mark.parametrize(("kind", "n", "quote"), [
    ("amount", D(5), "人均15元"),                # inside a longer number
    ("amount", D(15), "人均15.5元"),
    ("ratio", D("0.6"), "第6项"),                 # 6 is not 60%
    ("ratio", D("0.65"), "报销比例有所提高"),
    ("duration", D(3), "三十个月"),               # 三 inside 三十
])
def test_number_not_found(kind: str, n: D, quote: str) -> None:
    assert not number_in_quote(kind, n, quote)


def test_percent_written_as_ratio() -> None:
    assert percent_written_as_ratio(D(1), "生育保险费率按1%执行")
    assert percent_written_as_ratio(D("0.7"), "按0.7%执行")
    assert not percent_written_as_ratio(D("0.007"), "按0.7%执行")
    assert not percent_written_as_ratio(D(1), "100%报销，另有1%的调剂")  # both spellings: unclear


def test_months_in_days() -> None:
    assert _month_days(1) == (28, 31)
    assert _month_days(3) == (89, 92)
    assert _month_days(12) == (365, 366)
    assert _days(D(1), "year") == (D(365), D(366))
    assert _days(D(10), "working_day") == (D(10), None)
    assert _days(D(90), "day") == (D(90), D(90))


def test_archived_text_normalisations() -> None:
    from policykit.check.quotes import NORMALISERS
    from policykit.model.entities import QUOTE_NORMALISATIONS

    # every name the schema accepts has exactly one implementation
    assert tuple(NORMALISERS) == QUOTE_NORMALISATIONS
    strip = NORMALISERS["strip-pinyin-glosses"]
    assert strip("醫(yī)療保險(xiǎn)費率按０．７%執(zhí)行,\n較省規(guī)定") == "醫療保險費率按０．７%執行,\n較省規定"
    # only lower-case pinyin in ASCII brackets is a gloss: other brackets stay
    assert strip("乘车(船)凭证 (Ab) (2021)") == "乘车(船)凭证 (Ab) (2021)"
