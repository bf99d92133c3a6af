"""Enumerations: several subjects matched to several figures in order.

    城乡居民医保人均财政补助和个人缴费标准分别不低于610元和350元
    三级、二级、一级医院起付标准依次为1000元、600元、300元
    一级、二级、三级医院报销比例为90%、80%、65%

Without this, every figure of such a sentence is read against the whole subject and
all go to the first parameter (or the nearest hospital level). Here the subject before
分别 / 依次 (or before a 、-list of figures) is split into its items, and for the i-th
figure of a run of as many figures the other items are masked out of the text the
classifier reads: the positions stay the same, so quotes are still cut from the
original document.

An item that carries the words the others share ("三级医院住院报销比例" after "一级、
二级、") is masked only over the length of its parallel part, so the shared words
keep counting for every figure; scheme words (居民, 职工) are never masked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from policykit.extract.classify import SCHEME_WORDS
from policykit.extract.figures import Figure

ENUM_WORDS = re.compile(r"分别|依次")
_ITEM_SEP = re.compile(r"以及|和|与|及|、")
_VALUE_SEP = re.compile(r"^\s*(?:以及|和|与|及|、|,|，)\s*$")
_LIST_SEP = re.compile(r"^\s*、\s*$")
_CLAUSE_BREAK = "，,；;：:。！？"
_NOT_VALUES = {"year", "date", "doc_number"}
_SCHEMES = re.compile("|".join(SCHEME_WORDS.values()))
MASK = "□"


def _clause_start(text: str, s0: int, at: int) -> int:
    return max([s0] + [text.rfind(ch, s0, at) + 1 for ch in _CLAUSE_BREAK])


def _items(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out, start = [], a
    for m in _ITEM_SEP.finditer(text, a, b):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, b))
    return [(x, y) for x, y in out if y > x]


def _runs(text: str, figures: Sequence[Figure], sep: re.Pattern[str]) -> list[list[Figure]]:
    runs: list[list[Figure]] = []
    for f in figures:
        if runs and sep.match(text[runs[-1][-1].end:f.start]):
            runs[-1].append(f)
        else:
            runs.append([f])
    return [r for r in runs if len(r) >= 2]


def _masked(text: str, items: list[tuple[int, int]], keep: int) -> str:
    chars = list(text)
    last = len(items) - 1
    for j, (a, b) in enumerate(items):
        if j == keep:
            continue
        typical = min(y - x for k, (x, y) in enumerate(items) if k != j)
        if b - a >= 1.5 * typical and j == last:
            b = a + typical           # "三级医院住院报销比例": only "三级"
        elif b - a >= 1.5 * typical and j == 0:
            a = b - typical           # "城乡居民医保人均财政补助": only "人均财政补助"
        kept = {i for m in _SCHEMES.finditer(text, a, b) for i in range(m.start(), m.end())}
        for i in range(a, b):
            if i not in kept:
                chars[i] = MASK
    return "".join(chars)


def enumeration_texts(text: str, sentence: tuple[int, int], figures: Sequence[Figure]
                      ) -> dict[tuple[int, int], str]:
    """For each figure of an enumeration in `sentence`: the text to classify it in,
    with the subjects of the other figures masked. Figures outside one: absent."""
    s0, s1 = sentence
    values = sorted((f for f in figures if s0 <= f.start < s1 and f.kind not in _NOT_VALUES),
                    key=lambda f: f.start)
    out: dict[tuple[int, int], str] = {}
    marks = [m.start() for m in ENUM_WORDS.finditer(text, s0, s1)]
    earlier: list[tuple[int, int]] = []
    for n, k in enumerate(marks):
        end = marks[n + 1] if n + 1 < len(marks) else s1
        items = _items(text, _clause_start(text, s0, k), k)
        if len(items) < 2:
            # "A和B分别增加30元和20元，每人每年分别不低于670元和400元": the second
            # 分别 has no list of its own and goes on with the sentence's earlier one.
            items = earlier
        if len(items) < 2:
            continue
        earlier = items
        for run in _runs(text, [f for f in values if k < f.start < end], _VALUE_SEP):
            if len(run) == len(items):
                for i, f in enumerate(run):
                    out.setdefault((f.start, f.end), _masked(text, items, i))
    # A 、-list of figures after a 、-list of as many subjects, without 分别.
    for run in _runs(text, values, _LIST_SEP):
        head = _clause_start(text, s0, run[0].start)
        items = _items(text, head, run[0].start)
        if len(items) == len(run) and "、" in text[head:run[0].start]:
            for i, f in enumerate(run):
                out.setdefault((f.start, f.end), _masked(text, items, i))
    return out
