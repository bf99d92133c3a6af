"""Numbers in quotes, and quotes in archived source texts.

Two questions the checks ask of a `quote`:
* does it contain the entry's number (R13)? A source writes 0.9 as 90%, ９０％ or
  "90 percent", 2,000,000 yuan as 200万, 3 months as 3个月 or 三个月;
* does it appear in the archived text of its source (S1, `check --sources`)? Exactly,
  after the one normalisation the source declares (`quote_normalisation`, e.g. the
  pinyin glosses some archived pages carry removed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

PINYIN_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_FULLWIDTH_DIGIT = re.compile("[０-９]")
_CN_DIGITS = "零一二三四五六七八九"
_CN_CHARS = set(_CN_DIGITS) | set("十百千万两")
_PERCENT_AFTER = ("%", "percent", "per cent", "个百分点", "個百分點", "百分点", "百分點")


@lru_cache(maxsize=65536)
def plain(d: Decimal) -> str:
    """Shortest decimal text: 60.0 → '60', 2.10 → '2.1', 2E+6 → '2000000'."""
    return format(d.normalize(), "f")


@lru_cache(maxsize=65536)
def normalise_numbers(quote: str) -> str:
    """Full-width forms to ASCII (NFKC) and thousands separators removed."""
    return _THOUSANDS.sub("", unicodedata.normalize("NFKC", quote))


def has_fullwidth_digits(text: str) -> bool:
    return _FULLWIDTH_DIGIT.search(text) is not None


def _cn_number(n: int) -> list[str]:
    """Chinese numerals for 1–99 (三, 十五, 二十, 两)."""
    if not 0 < n < 100:
        return []
    tens, ones = divmod(n, 10)
    text = ("" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")) + (
        _CN_DIGITS[ones] if ones else "")
    out = [text]
    if n == 2:
        out.append("两")
    return out


def _standalone(spelled: str, text: str, after: tuple[str, ...] = ()) -> bool:
    """`spelled` occurs in text, not inside a longer number (and followed by one of `after`)."""
    start = text.find(spelled)
    while start >= 0:
        end = start + len(spelled)
        before_ok = start == 0 or not (text[start - 1].isdigit() or (
            text[start - 1] == "." and start >= 2 and text[start - 2].isdigit()))
        after_ok = end == len(text) or not (text[end].isdigit() or (
            text[end] == "." and end + 1 < len(text) and text[end + 1].isdigit()))
        if before_ok and after_ok:
            if not after:
                return True
            rest = text[end:].lstrip()
            if rest.startswith(after):
                return True
        start = text.find(spelled, start + 1)
    return False


def _cn_standalone(spelled: str, text: str) -> bool:
    start = text.find(spelled)
    while start >= 0:
        end = start + len(spelled)
        if (start == 0 or text[start - 1] not in _CN_CHARS) and (
                end == len(text) or text[end] not in _CN_CHARS):
            return True
        start = text.find(spelled, start + 1)
    return False


def number_in_quote(kind: str, n: Decimal, quote: str) -> bool:
    """Whether a quote states the number n of a value of this kind.

    ratio 0.9: "90%", "90 percent", "90个百分点" or "0.9"; amount 2000000: "2000000",
    "2,000,000" or "200万"; 1.16e9: "11.6亿"; small integers also as Chinese numerals.
    """
    return _number_in_quote(kind, n, quote)


@lru_cache(maxsize=262144)
def _number_in_quote(kind: str, n: Decimal, quote: str) -> bool:
    text = normalise_numbers(quote)
    base = plain(n)
    if kind == "ratio":
        if _standalone(plain(n * 100), text, _PERCENT_AFTER):
            return True
        if _standalone(base, text):
            return True
        return n == 1 and ("全额" in text or "全額" in text)
    if _standalone(base, text):
        return True
    if kind == "amount" and n >= 10_000:
        if _standalone(plain(n / 10_000), text, ("万", "萬")):
            return True
        if n >= 100_000_000 and _standalone(plain(n / 100_000_000), text, ("亿", "億")):
            return True
    if n == n.to_integral_value():
        return any(_cn_standalone(s, text) for s in _cn_number(int(n)))
    return False


@lru_cache(maxsize=262144)
def percent_written_as_ratio(n: Decimal, quote: str) -> bool:
    """A ratio n whose quote says "n%" but not "(100·n)%": 1 where 0.01 (1%) was meant."""
    text = normalise_numbers(quote)
    return (_standalone(plain(n), text, ("%",))
            and not _standalone(plain(n * 100), text, _PERCENT_AFTER))


# -- archived source texts -------------------------------------------------------------
def strip_pinyin_glosses(text: str) -> str:
    """醫(yī)療 → 醫療: the conversion glosses of some archived pages, and nothing else."""
    return PINYIN_GLOSS.sub("", text)


# Every normalisation a source may declare (`quote_normalisation`), by name: what is
# removed from the archived text before its quotes are sought in it. The quote itself
# is never changed, and nothing else is folded (no traditional → simplified, no
# whitespace, no full-width forms): a quote is a verbatim copy.
NORMALISERS: dict[str, Callable[[str], str]] = {
    "strip-pinyin-glosses": strip_pinyin_glosses,
}


def quote_in_text(quote: str, archived: str) -> bool:
    """Whether a quote occurs in an archived text (already normalised as declared)."""
    return bool(quote) and quote in archived
