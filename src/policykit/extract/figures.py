"""Recognising figures in cleaned, simplified text.

A figure is a number with what makes it meaningful: its kind (percentage,
percentage points, money, duration, count, ratio, date, date range, document
number), its exact value (Decimal, 万/亿 multiplied exactly), its unit as
written (90 天 stays 90 days), a qualifier (不低于 → min, 以下 → max) and, when
the sentence states a change ("从2.8%下调0.7个百分点至2.1%"), the old value.

Patterns run in priority order over the whole text; a later pattern never takes
characters an earlier one claimed, so "2023年9月1日-2024年2月29日" is one date
range and not two dates and a stray "-".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Literal

FigureKind = Literal[
    "percent", "pp", "money", "duration", "count", "ratio", "date", "date_range",
    "year", "doc_number",
]
Qualifier = Literal["", "min", "max"]
DeltaMode = Literal["pp", "relative", "absolute", "unknown"]


@dataclass(frozen=True)
class Change:
    """A stated change: the figure's old value and the step, in the figure's own unit."""

    old: Decimal
    by: Decimal
    mode: DeltaMode
    old_start: int  # span of the old value in the text (for quotes and the officer)
    old_end: int
    by_stated: bool  # the step is printed (下调0.7个百分点), not computed from old/new


@dataclass(frozen=True)
class Figure:
    kind: FigureKind
    start: int
    end: int
    text: str
    value: Decimal | None = None     # percent in percent (90 for 90%), money in yuan
    high: Decimal | None = None      # upper end of a range ("87%至95%"); value is the lower
    unit: str = ""                   # "%", "pp", "yuan", day/working_day/month/year, a noun
    date: str | None = None          # ISO, precision as written: 2021, 2021-07, 2021-07-25
    date_end: str | None = None
    year_from_context: bool = False  # the year was not printed next to the date
    qualifier: Qualifier = ""
    qualifier_word: str = ""         # the words that set it: 不低于, 以下
    adjustment: Literal["", "decrease", "increase"] = ""  # "降低20%": a step, not a level
    change: Change | None = None
    word: bool = False               # the figure is a word (全额 = 100%), not digits
    typical: tuple[Decimal, Decimal] | None = None  # "一般5-7个工作日" beside a limit

    @property
    def is_range(self) -> bool:
        return self.high is not None and self.high != self.value


_NUM = r"(?:\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?)"
_N = rf"(?<![\d.])({_NUM})"
_CN = r"[零〇一二两三四五六七八九十百千]+"
_DASH = r"\s*(?:-|~|至|到)\s*"
_PERSON_UNITS = "人次|人|户|名|家次|例|位"
_THING_UNITS = "个病种|个|种|家|项|类|所|批|张|次|册|份|款|条|类别"


def tidy(d: Decimal) -> Decimal:
    """Exact value without trailing zeros and without exponent form: 6039900.00 → 6039900."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def cn_number(text: str) -> Decimal | None:
    import cn2an

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


_MULTIPLIER = {"": Decimal(1), "千": Decimal(1000), "万": Decimal(10000),
               "亿": Decimal(100000000)}


def _iso(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    import datetime as dt

    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


# --------------------------------------------------------------------------- patterns

Maker = Callable[["re.Match[str]", "Context"], Figure | None]


@dataclass
class Context:
    """What a date needs from the text around it: the year in force at a position."""

    text: str
    doc_year: int | None
    years: list[tuple[int, int]]  # (position, year) of every explicit year, in order
    sentence_of: Callable[[int], tuple[int, int]]

    def year_at(self, pos: int) -> int | None:
        # The year printed nearest in the same sentence, else the last one before,
        # else the document's own date. "今年/去年/明年" count from the document year.
        s0, s1 = self.sentence_of(pos)
        window = self.text[max(s0, pos - 4):pos]
        base = self.doc_year
        if base is not None:
            if "今年" in window or "本年" in window:
                return base
            if "去年" in window or "上年" in window:
                return base - 1
            if "明年" in window:
                return base + 1
        positions = [p for p, _ in self.years]
        lo, hi = bisect.bisect_left(positions, s0), bisect.bisect_left(positions, s1)
        same = [(abs(p - pos), y) for p, y in self.years[lo:hi]]
        if same:
            return min(same)[1]
        k = bisect.bisect_left(positions, pos)
        if k > 0:
            return self.years[k - 1][1]
        return base


def _date_parts(prefix: str, m: re.Match[str]) -> tuple[int | None, int | None, int | None]:
    def g(name: str) -> int | None:
        v = m.group(prefix + name)
        return int(v) if v else None

    return g("y"), g("m"), g("d")


def _date_re(p: str, need_day: bool = False) -> str:
    day = rf"(?P<{p}d>\d{{1,2}})[日号]" if need_day else rf"(?:(?P<{p}d>\d{{1,2}})[日号])?"
    return (
        rf"(?:(?P<{p}y>(?:19|20)\d\d)年)?(?<!\d)(?P<{p}m>\d{{1,2}})月份?{day}"
    )


def _mk_date_range(m: re.Match[str], ctx: Context) -> Figure | None:
    y1, m1, d1 = _date_parts("a", m)
    y2, m2, d2 = _date_parts("b", m)
    from_ctx = y1 is None
    if y1 is None:
        y1 = ctx.year_at(m.start())
    if y2 is None:
        y2 = y1 if (m2 or 0) >= (m1 or 0) else (y1 + 1 if y1 else None)
    a, b = _iso(y1, m1, d1), _iso(y2, m2, d2)
    if a is None or b is None:
        return None
    return Figure("date_range", m.start(), m.end(), m.group(), unit="date", date=a,
                  date_end=b, year_from_context=from_ctx)


def _mk_month_range(m: re.Match[str], ctx: Context) -> Figure | None:
    y = int(m.group("y"))
    a, b = _iso(y, int(m.group("m1"))), _iso(y, int(m.group("m2")))
    if a is None or b is None:
        return None
    return Figure("date_range", m.start(), m.end(), m.group(), unit="date", date=a, date_end=b)


def _mk_date(m: re.Match[str], ctx: Context) -> Figure | None:
    y, mo, d = _date_parts("a", m)
    from_ctx = y is None
    if y is None:
        y = ctx.year_at(m.start())
        if y is None:
            return None  # no year anywhere: a date we cannot write down
    iso = _iso(y, mo, d)
    if iso is None:
        return None
    return Figure("date", m.start(), m.end(), m.group(), unit="date", date=iso,
                  year_from_context=from_ctx)


def _mk_iso_date(m: re.Match[str], ctx: Context) -> Figure | None:
    iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if iso is None:
        return None
    return Figure("date", m.start(), m.end(), m.group(), unit="date", date=iso)


def _mk_year(m: re.Match[str], ctx: Context) -> Figure | None:
    return Figure("year", m.start(), m.end(), m.group(), value=Decimal(m.group(1)),
                  unit="coverage_year" if m.group(2) else "year", date=m.group(1))


def _mk_doc(m: re.Match[str], ctx: Context) -> Figure | None:
    text = f"{m.group('org')}〔{m.group('y')}〕{m.group('n')}号"
    return Figure("doc_number", m.start(), m.end(), m.group(), unit=text)


def _mk_ratio(m: re.Match[str], ctx: Context) -> Figure | None:
    a, b = m.group(1), m.group(2)
    if len(b) == 2 and (a.startswith("0") or len(a) == 2):
        return None  # a clock time such as 04:40, not a ratio
    if dec(b) == 0:
        return None
    return Figure("ratio", m.start(), m.end(), m.group(), value=dec(a) / dec(b), unit=f":{b}")


def _mk_percent_range(m: re.Match[str], ctx: Context) -> Figure | None:
    lo, hi = dec(m.group(1)), dec(m.group(2))
    if lo > hi:
        return None
    return Figure("percent", m.start(), m.end(), m.group(), value=lo, high=hi, unit="%")


def _mk_percent(m: re.Match[str], ctx: Context) -> Figure | None:
    return Figure("percent", m.start(), m.end(), m.group(), value=dec(m.group(1)), unit="%")


def _mk_cn_percent(m: re.Match[str], ctx: Context) -> Figure | None:
    v = cn_number(m.group(1)) if m.group(1) else dec(m.group(2))
    if v is None:
        return None
    return Figure("percent", m.start(), m.end(), m.group(), value=v, unit="%")


def _mk_full(m: re.Match[str], ctx: Context) -> Figure | None:
    return Figure("percent", m.start(), m.end(), m.group(), value=Decimal(100), unit="%",
                  word=True)


def _num_or_cn(m: re.Match[str], num: int, cn: int) -> Decimal | None:
    if m.group(num):
        return dec(m.group(num))
    return cn_number(m.group(cn)) if m.group(cn) else None


def _mk_pp(m: re.Match[str], ctx: Context) -> Figure | None:
    v = _num_or_cn(m, 1, 2)
    if v is None:
        return None
    return Figure("pp", m.start(), m.end(), m.group(), value=v, unit="pp")


def _mk_money_range(m: re.Match[str], ctx: Context) -> Figure | None:
    k = _MULTIPLIER[m.group(3) or ""]
    lo, hi = tidy(dec(m.group(1)) * k), tidy(dec(m.group(2)) * k)
    if lo > hi:
        return None
    return Figure("money", m.start(), m.end(), m.group(), value=lo, high=hi, unit="yuan")


def _mk_money(m: re.Match[str], ctx: Context) -> Figure | None:
    v = _num_or_cn(m, 1, 2)
    if v is None:
        return None
    return Figure("money", m.start(), m.end(), m.group(),
                  value=tidy(v * _MULTIPLIER[m.group(3) or ""]), unit="yuan")


_DURATION_UNITS = {"工作日": "working_day", "个工作日": "working_day", "天": "day",
                   "日": "day", "个月": "month", "年": "year", "周年": "year"}


def _mk_duration_range(m: re.Match[str], ctx: Context) -> Figure | None:
    lo, hi = dec(m.group(1)), dec(m.group(2))
    if lo > hi:
        return None
    return Figure("duration", m.start(), m.end(), m.group(), value=lo, high=hi,
                  unit=_DURATION_UNITS[m.group(3)])


def _mk_duration(m: re.Match[str], ctx: Context) -> Figure | None:
    v = _num_or_cn(m, 1, 2)
    if v is None:
        return None
    unit = _DURATION_UNITS[m.group("u")]
    if unit == "year" and v >= 100:
        return None  # 2020年 is a year, handled as a date
    return Figure("duration", m.start(), m.end(), m.group(), value=v, unit=unit)


def _mk_count(m: re.Match[str], ctx: Context) -> Figure | None:
    v = _num_or_cn(m, 1, 2)
    if v is None:
        return None
    k = _MULTIPLIER[m.group("k") or ""]
    return Figure("count", m.start(), m.end(), m.group(), value=tidy(v * k), unit=m.group("u"))


_DATE_A = _date_re("a")
_DATE_B = _date_re("b")
PATTERNS: list[tuple[str, re.Pattern[str], Maker]] = [
    ("doc_number", re.compile(
        r"(?P<org>[\u4e00-\u9fff]{1,12})[〔\[(【]\s*(?P<y>(?:19|20)\d\d)\s*[〕\])】]"
        r"\s*第?(?P<n>\d{1,4})\s*号"), _mk_doc),
    ("month_range", re.compile(
        r"(?P<y>(?:19|20)\d\d)年(?P<m1>\d{1,2})\s*-\s*(?P<m2>\d{1,2})月份?"), _mk_month_range),
    ("date_range", re.compile(
        rf"(?:(?<=从)|(?<=自))?{_DATE_A}\s*(?:-|~|至|到)\s*{_DATE_B}"), _mk_date_range),
    ("iso_date", re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})(?!\d)"), _mk_iso_date),
    ("date", re.compile(
        r"(?:(?P<ay>(?:19|20)\d\d)年)?(?<!\d)(?P<am>\d{1,2})月(?P<ad>\d{1,2})[日号]"),
     _mk_date),
    ("year_month", re.compile(
        r"(?P<ay>(?:19|20)\d\d)年(?P<am>\d{1,2})月份?(?P<ad>)"), _mk_date),
    ("month_from", re.compile(
        r"(?<![\d年])(?P<ay>)(?P<am>\d{1,2})月份?(?P<ad>)(?=起|开始)"), _mk_date),
    ("year", re.compile(r"(?<!\d)((?:19|20)\d\d)年(度)?"), _mk_year),
    ("ratio", re.compile(rf"{_N}\s*:\s*({_NUM})(?![\d:])"), _mk_ratio),
    ("percent_range", re.compile(rf"{_N}%?{_DASH}({_NUM})%"), _mk_percent_range),
    ("percent", re.compile(rf"{_N}\s*%"), _mk_percent),
    ("cn_percent", re.compile(rf"百分之(?:({_CN}(?:点[零〇一二三四五六七八九]+)?)|({_NUM}))"),
     _mk_cn_percent),
    ("full", re.compile(r"全额(?=资助|报销|补助|救助|保障|支付|承担|代缴)"), _mk_full),
    ("pp", re.compile(rf"(?:{_N}|({_CN}))\s*个?百分点"), _mk_pp),
    ("money_range", re.compile(rf"{_N}{_DASH}({_NUM})\s*(千|万|亿)?元"), _mk_money_range),
    ("money", re.compile(rf"(?:{_N}|({_CN}))\s*(千|万|亿)?元"), _mk_money),
    ("duration_range", re.compile(rf"{_N}{_DASH}({_NUM})\s*(个工作日|工作日|天|个月|年)"),
     _mk_duration_range),
    ("duration", re.compile(
        rf"(?:{_N}|({_CN}))\s*(?:个\s*)?(?:\(含\s*\d+\s*个?\)\s*)?"
        r"(?P<u>个工作日|工作日|天|个月|周年|年(?![度\d]))"), _mk_duration),
    ("count", re.compile(
        rf"(?:{_N}|({_CN}))\s*(?P<k>万)?(?P<u>{_PERSON_UNITS}|{_THING_UNITS})"), _mk_count),
]

_QUAL_BEFORE = re.compile(
    r"(?P<min>不低于|不得低于|不少于|至少|最低)$|(?P<max>不高于|不得高于|不超过|不超|最高)$")
_QUAL_AFTER = re.compile(r"^(?:(?P<min>及?以上)|(?P<max>及?以下|以内))")
_ADJUST_BEFORE = re.compile(
    r"(?P<dec>降低|下调|下降|下浮|减少|压减|降)了?约?$|(?P<inc>提高|上调|增加|上浮|提升)了?约?$")
_TYPICAL = re.compile(rf"^[,，]?\s*一般{_N}{_DASH}({_NUM})个?工作日")


def _qualify(f: Figure, text: str) -> Figure:
    before = text[max(0, f.start - 5):f.start]
    after = text[f.end:f.end + 3]
    qualifier: Qualifier = ""
    word = ""
    m = _QUAL_BEFORE.search(before)
    if m:
        qualifier = "min" if m.group("min") else "max"
        word = m.group()
    m2 = _QUAL_AFTER.search(after)
    if m2:
        qualifier = "min" if m2.group("min") else "max"
        word = m2.group()
    adjustment: Literal["", "decrease", "increase"] = ""
    if f.kind in ("percent", "pp", "money"):
        m3 = _ADJUST_BEFORE.search(before)
        if m3:
            adjustment = "decrease" if m3.group("dec") else "increase"
    typical = None
    if f.kind == "duration":
        m4 = _TYPICAL.search(text, f.end, min(len(text), f.end + 20))
        if m4:
            typical = (dec(m4.group(1)), dec(m4.group(2)))
    return replace(f, qualifier=qualifier, qualifier_word=word, adjustment=adjustment,
                   typical=typical)


def find_figures(text: str, doc_year: int | None,
                 sentence_spans: Sequence[tuple[int, int]]) -> list[Figure]:
    """Every figure in `text`, in order, qualifiers set, changes not yet linked."""
    starts = [s for s, _ in sentence_spans]

    def sentence_of(pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, pos) - 1
        return sentence_spans[i] if i >= 0 else (0, len(text))

    years = [(m.start(), int(m.group(1)))
             for m in re.finditer(r"(?<!\d)((?:19|20)\d\d)(?:年|-\d{1,2}-\d{1,2})", text)]
    ctx = Context(text, doc_year, years, sentence_of)
    claimed = bytearray(len(text))
    found: list[Figure] = []
    for _name, pattern, make in PATTERNS:
        for m in pattern.finditer(text):
            if any(claimed[m.start():m.end()]):
                continue
            fig = make(m, ctx)
            if fig is None:
                continue
            claimed[fig.start:fig.end] = b"\x01" * (fig.end - fig.start)
            found.append(fig)
    found.sort(key=lambda f: f.start)
    return [_qualify(f, text) for f in found]


# --------------------------------------------------------------------------- changes

_FROM = re.compile(r"(?:从|由)(?:原来?的?|原)?(?:每[月年人次])?\s*$")
_TO = re.compile(r"(?:降低|下调|下降|提高|上调|调整|增加|降|增|升|改|放宽|延长|缩短)?"
                 r"(?:至|到|为)(?:每[月年人次])?\s*$")
# 较/比 as "compared with"; not the 比 of 比例/比率.
_COMPARE = re.compile(r"(?:较|比)(?![例率重])[^,;。]{0,8}$")
_STEP_VERB = re.compile(r"(?P<dec>降低|下调|下降|下浮|减少|降)了?$|(?P<inc>提高|上调|增加|上浮|提升)了?$")
_COMPARABLE = {"percent", "money", "duration", "count", "ratio"}


def _same_unit(a: Figure, b: Figure) -> bool:
    return a.kind == b.kind and (a.kind != "duration" or a.unit == b.unit)


def link_changes(text: str, figures: list[Figure],
                 sentence_spans: Sequence[tuple[int, int]]) -> list[Figure]:
    """Set `change` on figures that a sentence states as new values of a change.

    Two shapes: "从/由 A ……(下调 P 个百分点)…… 至/为 B" (old values between the
    from-word and the to-word pair with new values after it, kind by kind, in
    order) and "B，较……A 下调 P 个百分点" (the old value follows a comparison).
    """
    out = list(figures)
    index = {id(f): i for i, f in enumerate(out)}
    starts = [a for a, _ in sentence_spans]
    grouped: dict[int, list[Figure]] = {}
    for f in out:
        grouped.setdefault(bisect.bisect_right(starts, f.start) - 1, []).append(f)
    for k, group in grouped.items():
        if len(group) < 2 or k < 0:
            continue
        s0, _ = sentence_spans[k]
        figs = [out[index[id(f)]] for f in group]
        # Shape 1: from ... to ...
        for i, a in enumerate(figs):
            if a.kind not in _COMPARABLE or not _FROM.search(text[max(s0, a.start - 6):a.start]):
                continue
            olds = [a]
            news: list[Figure] = []
            steps: list[Figure] = []
            to_seen = False
            for f in figs[i + 1:]:
                if not to_seen and f.kind in _COMPARABLE and _TO.search(
                        text[max(s0, f.start - 6):f.start]) and any(_same_unit(o, f)
                                                                    for o in olds):
                    to_seen = True
                if f.kind == "pp" and not to_seen:
                    steps.append(f)
                elif to_seen:
                    news.append(f)
                elif f.kind in _COMPARABLE:
                    olds.append(f)
            for old in olds:
                new = next((n for n in news if _same_unit(old, n) and n.change is None), None)
                if new is None or old.value is None or new.value is None:
                    continue
                ch = _change(old, new, steps, text)
                out[index[id(new)]] = replace(new, change=ch)
                news = [n for n in news if n is not new]
        # Shape 2: B ... 较 ... A 下调 P 个百分点
        for j, p in enumerate(figs):
            if p.kind != "pp" or not _STEP_VERB.search(text[max(s0, p.start - 3):p.start]):
                continue
            prev = [f for f in figs[:j] if f.kind == "percent"]
            if len(prev) < 2 or not _COMPARE.search(text[s0:prev[-1].start]):
                continue
            old, new = prev[-1], prev[-2]
            cur = out[index[id(new)]]
            if cur.change is None and old.value is not None and new.value is not None:
                out[index[id(new)]] = replace(cur, change=_change(old, new, [p], text))
    return out


def _change(old: Figure, new: Figure, steps: list[Figure], text: str) -> Change:
    assert old.value is not None and new.value is not None
    step = steps[0] if steps else None
    if step is not None and step.value is not None:
        m = _STEP_VERB.search(text[max(0, step.start - 3):step.start])
        down = bool(m and m.group("dec")) or (not m and new.value < old.value)
        by: Decimal = -step.value if down else step.value
        return Change(old.value, by, "pp", old.start, old.end, True)
    mode: DeltaMode = "pp" if new.kind == "percent" else "absolute"
    return Change(old.value, new.value - old.value, mode, old.start, old.end, False)


def document_date(text: str) -> str | None:
    """The publication date printed in the header, if any (发布时间:2021-08-24)."""
    head = text[:1500]
    m = re.search(r"(?:发布|发文|印发|成文)(?:时间|日期)\s*[:：]?\s*"
                  r"((?:19|20)\d\d)[-年/.](\d{1,2})[-月/.](\d{1,2})", head)
    if not m:
        m = re.search(r"(?<![\d])((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})(?:\s+\d{1,2}:\d{2})?", head)
    if not m:
        return None
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
