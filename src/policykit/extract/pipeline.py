"""Document → figures → readings → proposals: the library side of `policykit extract`.

A `Proposal` is one draft history entry (plus its parameter and breakdown) or,
for statistics, targets and figures the tables cannot place, a record of the
figure and why it is not a rule. Proposals never write anything; `render` turns
them into YAML, JSON or a table and `write` appends confirmed-to-be-drafts.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from policykit.diagnostics import Diagnostic
from policykit.extract.classify import Match, Reading, Role, clauses, read_figure
from policykit.extract.enumeration import enumeration_texts
from policykit.extract.errors import fail
from policykit.extract.figures import Figure, document_date, find_figures, link_changes, tidy
from policykit.extract.text import Document, sentences
from policykit.loader.readfile import load_as
from policykit.model.entities import Catalogue, catalogue_from_plain

Confidence = Literal["high", "medium", "low"]

# Parameters whose value is itself a limit: "不超10个月" is the value, not a bound on it.
LIMIT_PARAMETERS = re.compile(r"max_|annual_cap|processing_time|threshold|waiting_period")
# Words that say a figure belongs to a draft or a plan, not a rule in force.
PLAN_WORDS = re.compile(r"起草|草案|征求意见|拟|争取|力争|计划|将于|部署|探索")
# Words after a date that make it the start of the rule in the same sentence.
START_AFTER = re.compile(r"^(?:起|开始|起施行|起执行|起实施|施行|启用)")
# How long a quote may grow before it is cut back to the figure's own clause.
MAX_QUOTE = 120

NOTE_ZH: Mapping[str, str] = {
    "adjustment_mode_unknown": "原文只写“{text}”，未说明是百分点还是相对比例：mode 记为 unknown，"
                               "请勿自行换算",
    "range": "原文为区间“{text}”，未说明按什么分档（医院等级或费用段），不要拆到各等级",
    "parent_level": "原文是上级（省/国家）的规定，应录入上级地区，不是本地区的数值",
    "year_from_context": "原文日期未写年份，年份取自上下文",
    "several_parameters": "也可能是：{alternatives}；请人工判断",
    "delta_computed": "原值 {old}，变化量由新旧两值算出（原文未直接写变化量）",
    "typical": "原文另写“一般 {lo}–{hi}”，为通常办理时间，不是规定时限",
    "per_level": "原文为“对应等级医院”，即各等级分别调整；未拆分到各等级",
    "plan": "原文用语（{word}）表明是草案或计划，不一定已生效",
    "qualifier": "原文带限定词（{word}），已记为 bound: {bound}",
    "list_partial": "原文只列出部分病种名称（共 {count} 种）",
    "not_full_date": "原文日期只精确到 {date}，date 类型需要完整日期，请核对",
    "start_from_lead_in": "生效日期 {start} 取自上文的引导语（“自……起……：”），请核对是否适用于本条",
    "year_mentioned": "原文说的是 {year} 年的数值（年份可能是待遇年度或文件年度，请核对后填写 "
                      "start、coverage_year 或 notice_year）",
}


@dataclass(frozen=True)
class Proposal:
    role: Role
    figure: str                        # the figure as it reads in the cleaned text
    kind: str
    quote: str                         # verbatim slice of the original file
    quote_start: int                   # character offsets of the quote in the original
    quote_end: int
    line: int                          # 1-based line of the figure in the original
    figure_start: int                  # the figure's offsets in the original
    figure_end: int
    parameter: str | None = None
    breakdown: tuple[tuple[str, str], ...] = ()
    value_key: str | None = None       # ratio, amount, number, count, duration, date, …
    value: Any = None                  # plain data with Decimals, as written in YAML
    delta: Mapping[str, Any] | None = None
    bound: str | None = None
    start: str | None = None
    observed: str | None = None
    confidence: Confidence = "low"
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    reason: str = ""                   # for non-rules: the word that decided the role
    parent_level: bool = False
    word_figure: bool = False          # the figure is a word (全额), not digits

    @property
    def is_rule(self) -> bool:
        return self.role == "rule" and self.parameter is not None and not self.parent_level


@dataclass(frozen=True)
class Extraction:
    document: Document
    source_id: str
    document_date: str | None
    proposals: tuple[Proposal, ...]

    @property
    def rules(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if p.role == "rule" and p.parameter)


def load_catalogue(path: Path) -> Catalogue:
    """The catalogue as the loader reads it (YAML 1.2, schema-validated): a value
    reads the same here as in `policykit validate`."""
    fr = load_as(path, "catalogue")
    if fr.data is None:
        raise fail("E_EXTRACT_CATALOGUE", path=path, reason=problems_text(fr.diagnostics))
    return catalogue_from_plain(fr.data, str(path))


def problems_text(diags: Sequence[Diagnostic]) -> str:
    """The first of a file's problems, as the reason in an extract error."""
    d = diags[0]
    more = f"（另有 {len(diags) - 1} 处 and {len(diags) - 1} more）" if len(diags) > 1 else ""
    return f"{d.code} {d.line}:{d.col} {d.message_zh} ({d.message_en}){more}"


# --------------------------------------------------------------------------- values


def _plain(d: Decimal) -> Decimal:
    return tidy(d)


def _ratio(v: Decimal) -> Decimal:
    return tidy(v / 100)


def _value_for(ptype: str, parameter: str, f: Figure, text: str, s0: int
               ) -> tuple[str, Any, list[str]] | None:
    """The typed value key and value for `parameter` from figure `f`, with flags."""
    flags: list[str] = []
    lo, hi = f.value, f.high
    if ptype == "ratio" and f.kind == "percent" and lo is not None:
        if (hi or lo) > 100:
            return None
        if f.is_range and hi is not None:
            flags.append("range")
            return "ratio", {"min": _ratio(lo), "max": _ratio(hi)}, flags
        return "ratio", _ratio(lo), flags
    if ptype == "amount" and f.kind == "money" and lo is not None:
        if f.is_range and hi is not None:
            flags.append("range")
            return "amount", {"min": _plain(lo), "max": _plain(hi)}, flags
        return "amount", _plain(lo), flags
    if ptype == "number" and f.kind == "ratio" and lo is not None:
        return "number", _plain(lo), flags
    if ptype == "count" and f.kind == "count" and lo is not None:
        if lo != lo.to_integral_value():
            return None
        return "count", int(lo), flags
    if ptype == "duration" and f.kind == "duration" and lo is not None:
        value: Any = _plain(lo)
        if f.is_range and hi is not None:
            flags.append("range")
            value = {"min": _plain(lo), "max": _plain(hi)}
        if f.typical:
            flags.append("typical")
        return "duration", {"value": value, "unit": f.unit}, flags
    if ptype == "adjustment" and f.adjustment and lo is not None:
        mode = "pp" if f.kind == "pp" else ("absolute" if f.kind == "money" else "unknown")
        if mode == "unknown":
            flags.append("adjustment_mode_unknown")
        if re.search("对应等级", text[s0:f.start]):
            flags.append("per_level")
        return "adjustment", {"value": _plain(lo), "mode": mode, "direction": f.adjustment}, flags
    if ptype == "date" and f.kind in ("date_range", "date"):
        day = f.date_end if parameter.endswith(".end") and f.kind == "date_range" else f.date
        if day is None:
            return None
        if len(day) != 10:
            flags.append("not_full_date")
            return None
        if f.year_from_context:
            flags.append("year_from_context")
        return "date", day, flags
    if ptype == "diseases" and f.kind == "count" and lo is not None:
        names = _disease_names(text, s0, f.start)
        flags.append("list_partial")
        return "diseases", {"declared_count": int(lo), "complete": False,
                            "items": [{"name": n} for n in names]}, flags
    return None


def _disease_names(text: str, s0: int, at: int) -> list[str]:
    """Names listed before "等38个……病种": 确定精神分裂症、肺结核等 → [精神分裂症, 肺结核]."""
    head = text[s0:at]
    m = re.search(r"([\u4e00-\u9fff、]+)等$", head)
    if not m:
        return []
    names = m.group(1).split("、")
    # The first item carries the verb before it (确定精神分裂症): keep what follows
    # the last verb-like character we know, else the item as is.
    first = re.sub(r"^.*?(?:确定|包括|将|对|有|为)", "", names[0])
    names[0] = first or names[0]
    return [n for n in names if 1 < len(n) <= 12]


def _delta(f: Figure, ptype: str) -> tuple[dict[str, Any] | None, list[str]]:
    ch = f.change
    if ch is None:
        return None, []
    scale = _ratio if ptype == "ratio" else _plain
    flags = [] if ch.by_stated else ["delta_computed"]
    return {"from": scale(ch.old), "by": scale(ch.by), "mode": ch.mode}, flags


# --------------------------------------------------------------------------- building


def _quote_span(doc: Document, f: Figure, sentence: tuple[int, int], start_hint: int | None
                ) -> tuple[int, int]:
    text = doc.simple.text
    s0, s1 = sentence
    own = [c for c in clauses(text, s0, s1) if c.start <= f.start < c.end]
    c0, c1 = (own[0].start, own[0].end) if own else (s0, s1)
    a = c0
    if start_hint is not None and s0 <= start_hint < c0:
        # Start at the clause holding the subject words, so the quote says what it is.
        prior = [c.start for c in clauses(text, s0, s1) if c.start <= start_hint]
        a = prior[-1] if prior else s0
    if f.change is not None and s0 <= f.change.old_start < a:
        prior = [c.start for c in clauses(text, s0, s1) if c.start <= f.change.old_start]
        a = prior[-1] if prior else s0
    b = c1
    if f.change is not None and f.change.old_end > b:
        # "按0.7%执行,较省规定的1%下调0.3个百分点": the old value and the step follow.
        later = [c.end for c in clauses(text, s0, s1) if c.start < f.change.old_end]
        b = later[-1] if later else s1
    if b - a > MAX_QUOTE:
        a = min(c0, f.start)
        b = max(f.end, min(c1, a + MAX_QUOTE))
    while a < f.start and text[a] in " \t\r\n\u2002\u3000•·-":
        a += 1
    while b > f.end and text[b - 1] in " \t\r\n":
        b -= 1
    return a, b


def _dates_in(figures: Sequence[Figure], s0: int, s1: int) -> list[Figure]:
    return [g for g in figures if s0 <= g.start < s1 and g.kind == "date"]


def _start_for(text: str, figures: Sequence[Figure], s0: int, s1: int, f: Figure
               ) -> tuple[str | None, bool]:
    """A start date stated in the sentence ("2021年7月25日起"), if any."""
    for g in _dates_in(figures, s0, s1):
        if g.start < f.start and START_AFTER.search(text[g.end:g.end + 4]) and g.date:
            return g.date, g.year_from_context
    return None, False


# A lead-in line that ends with a colon and starts the rules below it:
# "自2023年7月1日起，调整我市城乡居民基本医疗保险住院待遇：".
_LEAD_IN = re.compile(r"(?:^|\n)([^\n]*?(?:自|从|于)?((?:19|20)\d\d年\d{1,2}月(?:\d{1,2}日)?)"
                      r"(?:起|开始)[^\n]*:)[ \t]*\n")


def _lead_in_start(text: str, figures: Sequence[Figure], s0: int) -> str | None:
    """The start date of the lead-in line governing the line at s0, if it is near and
    no blank line or other lead-in comes between."""
    window = text[max(0, s0 - 300):s0]
    found = list(_LEAD_IN.finditer(window))
    if not found:
        return None
    m = found[-1]
    between = window[m.end():]
    if "\n\n" in between or re.search(r":[ \t]*\n", between):
        return None
    base = max(0, s0 - 300)
    for g in figures:
        if g.kind == "date" and base + m.start(2) <= g.start < base + m.end(2):
            return g.date
    return None


def extract_document(doc: Document, catalogue: Catalogue, *, source_id: str,
                     include_parent: bool = True) -> Extraction:
    text = doc.simple.text
    spans = sentences(text)
    ddate = document_date(text)
    figures = link_changes(text, find_figures(text, int(ddate[:4]) if ddate else None, spans),
                           spans)
    # Old values and steps of a stated change live in the new value's delta.
    olds = {(g.change.old_start, g.change.old_end): g for g in figures if g.change}
    sentence_starts = [a for a, _ in spans]
    figures_by_sentence: dict[tuple[int, int], list[Figure]] = {}
    for g in figures:
        k = bisect.bisect_right(sentence_starts, g.start) - 1
        figures_by_sentence.setdefault(spans[k] if k >= 0 else (0, len(text)), []).append(g)
    steps = set()
    for group in figures_by_sentence.values():
        for g in group:
            if g.change and g.change.by_stated:
                steps |= {(p.start, p.end) for p in group if p.kind == "pp" and p.end <= g.start}
    types = {pid: p.type for pid, p in catalogue.parameters.items()}
    dims = {pid: p.dimensions for pid, p in catalogue.parameters.items()}
    dim_values = {d: dim.value_ids() for d, dim in catalogue.dimensions.items()}
    schemes = {pid: p.scheme for pid, p in catalogue.parameters.items()}
    out: list[Proposal] = []
    starts = [a for a, _ in spans]
    newlines = [m.start() for m in re.finditer("\n", doc.original)]
    enumerated: dict[tuple[int, int], dict[tuple[int, int], str]] = {}
    for f in figures:
        i = bisect.bisect_right(starts, f.start) - 1
        sentence = spans[i] if i >= 0 else (0, len(text))
        previous = spans[i - 1] if i > 0 else (0, 0)
        if sentence not in enumerated:
            enumerated[sentence] = enumeration_texts(
                text, sentence, figures_by_sentence.get(sentence, []))
        # In an enumeration the figure is read with the other items' subjects masked.
        seen = enumerated[sentence].get((f.start, f.end), text)
        reading = read_figure(f, seen, sentence, previous, types, dims, dim_values, schemes)
        if (f.start, f.end) in steps:
            reading = Reading("context", reason="变化量 step of a change")
        elif (f.start, f.end) in olds:
            if not reading.parent_level:
                reading = Reading("context", reason="原值 old value of a change")
            else:
                # A higher level's value that this region's value is compared with
                # ("按0.7%执行,较省规定的1%下调"): same parameter as the new value.
                new = olds[(f.start, f.end)]
                partner = read_figure(new, text, sentence, previous, types, dims, dim_values,
                                      schemes)
                if partner.role == "rule":
                    reading = replace(partner, parent_level=True, subject_start=None)
        line = bisect.bisect_left(newlines, doc.simple.starts[f.start]) + 1
        near = figures_by_sentence.get(sentence, [])
        out.extend(_proposals(doc, f, reading, sentence, near, types, ddate, line, figures))
    if not include_parent:
        out = [p for p in out if not p.parent_level]
    return Extraction(doc, source_id, ddate, tuple(out))


def _proposals(doc: Document, f: Figure, reading: Reading, sentence: tuple[int, int],
               figures: Sequence[Figure], types: Mapping[str, str], ddate: str | None,
               line: int, all_figures: Sequence[Figure] = ()) -> list[Proposal]:
    text = doc.simple.text
    s0, s1 = sentence
    qa, qb = _quote_span(doc, f, sentence, reading.subject_start)
    oa, ob = doc.simple.span(qa, qb)
    base = Proposal(
        reading.role, figure=text[f.start:f.end], kind=f.kind, quote=doc.original[oa:ob],
        quote_start=oa, quote_end=ob, line=line,
        figure_start=doc.simple.starts[f.start], figure_end=doc.simple.ends[f.end - 1],
        reason=reading.reason, word_figure=f.word,
    )
    if reading.role != "rule":
        return [base]
    out: list[Proposal] = []
    start, start_ctx = _start_for(text, figures, s0, s1, f)
    lead_in = None
    if start is None:
        lead_in = _lead_in_start(text, all_figures, s0)
        start = lead_in
    plan = PLAN_WORDS.search(text[s0:s1])
    for match in reading.matches:
        pid = match.concept.parameter
        typed = _value_for(types[pid], pid, f, text, s0)
        if typed is None:
            continue
        key, value, flags = typed
        delta, dflags = _delta(f, types[pid])
        flags = flags + dflags + list(reading.flags)
        bound = None
        if f.qualifier and not LIMIT_PARAMETERS.search(pid) and types[pid] != "adjustment":
            bound = f.qualifier
            flags.append("qualifier")
        if reading.parent_level:
            flags.append("parent_level")
        if start_ctx:
            flags.append("year_from_context")
        if lead_in:
            flags.append("start_from_lead_in")
        if plan:
            flags.append("plan")
        year = _year_mentioned(text, figures, own_clause_start(text, s0, s1, f), f, ddate)
        if year and not start:
            flags.append("year_mentioned")
        notes = _notes(flags, f, reading, plan.group() if plan else "", bound, value, text,
                       year, start)
        conf = _confidence(match, flags, reading)
        for bd in reading.breakdowns:
            out.append(replace(
                base, parameter=pid, breakdown=bd, value_key=key, value=value, delta=delta,
                bound=bound, start=start, observed=None if start else ddate, confidence=conf,
                flags=tuple(dict.fromkeys(flags)), notes=notes,
                alternatives=reading.ambiguous, parent_level=reading.parent_level,
            ))
    if not out:
        return [replace(base, role="unclassified", reason="类型不符 type mismatch")]
    return out


def own_clause_start(text: str, s0: int, s1: int, f: Figure) -> int:
    own = [c.start for c in clauses(text, s0, s1) if c.start <= f.start]
    return own[-1] if own else s0


def _year_mentioned(text: str, figures: Sequence[Figure], c0: int, f: Figure,
                    ddate: str | None) -> str | None:
    """A year named in the figure's clause ("在2018年……人均20元", "今年……人均15元")."""
    years = [g.date for g in figures if g.kind == "year" and c0 <= g.start < f.start and g.date]
    if years:
        return years[-1]
    if ddate and "今年" in text[c0:f.start]:
        return ddate[:4]
    return None


def _notes(flags: Sequence[str], f: Figure, reading: Reading, plan_word: str,
           bound: str | None, value: Any, text: str, year: str | None = None,
           start: str | None = None) -> tuple[str, ...]:
    notes = []
    for flag in dict.fromkeys(flags):
        tmpl = NOTE_ZH.get(flag)
        if tmpl is None:
            continue
        params: dict[str, Any] = {
            "text": text[f.start:f.end], "alternatives": "、".join(reading.ambiguous),
            "old": f.change.old if f.change else "", "word": plan_word, "bound": bound,
            "lo": f.typical[0] if f.typical else "", "hi": f.typical[1] if f.typical else "",
            "count": value.get("declared_count", "") if isinstance(value, dict) else "",
            "date": f.date or "", "year": year or "", "start": start or "",
        }
        if flag == "qualifier":
            params["word"] = f.qualifier_word
        notes.append(tmpl.format(**params))
    return tuple(notes)


def _confidence(match: Match, flags: Sequence[str], reading: Reading) -> Confidence:
    if reading.ambiguous or "parent_level" in flags or "not_full_date" in flags:
        return "low"
    if not match.all_near or {"adjustment_mode_unknown", "year_from_context", "range",
                              "per_level", "delta_computed", "start_from_lead_in"} & set(flags):
        return "medium"
    return "high"
