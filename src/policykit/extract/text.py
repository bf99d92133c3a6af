"""Reading a policy document and cleaning its text without losing the original.

Every later step works on a *cleaned, simplified* text, but every quote it
proposes must be a verbatim substring of the file the officer gave us. So each
step here produces a `MappedText`: a string plus, for each of its characters,
the span of the original text it came from. A span of cleaned text maps back to
one contiguous slice of the original (artefacts inside that slice included),
which is exactly what a verbatim quote needs.

Steps: read bytes (bounded) → decode (UTF-8, a declared or detected Chinese
encoding) → for HTML, the text BeautifulSoup finds, aligned to the source →
remove conversion artefacts (pinyin glosses like `醫(yī)`, zero-width marks,
stray spaces inside numbers), fold full-width digits and punctuation → convert
traditional characters to simplified with OpenCC (for matching only).
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
import warnings
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from policykit.extract.errors import fail

DocKind = Literal["text", "markdown", "html"]

# Policy notices are a few to a few hundred KB. 4 MB leaves ample room and keeps a
# run bounded: measured here, about 2 s and 120 MB per MB of Chinese text.
DEFAULT_MAX_BYTES = 4 * 1024 * 1024

_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_MARKDOWN_SUFFIXES = {".md", ".markdown"}


@dataclass(frozen=True)
class MappedText:
    """`text[i]` came from `original[starts[i]:ends[i]]` (an empty span for inserted text)."""

    text: str
    # Machine-integer arrays, not tuples of ints: a few bytes per character
    # instead of ~70, which is what keeps an 8 MB document inside a few hundred MB.
    starts: array[int]
    ends: array[int]

    @staticmethod
    def identity(original: str) -> MappedText:
        n = len(original)
        return MappedText(original, array("q", range(n)), array("q", range(1, n + 1)))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original slice covered by text[start:end] (start < end)."""
        return self.starts[start], self.ends[end - 1]


@dataclass(frozen=True)
class Document:
    path: str
    kind: DocKind
    encoding: str
    original: str        # the decoded file: every quote is a substring of this
    clean: MappedText    # artefacts removed, full-width folded (still traditional if it was)
    simple: MappedText   # `clean` converted to simplified Chinese; same length, same map
    gloss_count: int     # pinyin glosses removed, reported to the officer

    def quote(self, start: int, end: int) -> str:
        """The verbatim original text behind simple[start:end]."""
        a, b = self.simple.span(start, end)
        return self.original[a:b]


# --------------------------------------------------------------------------- reading


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise fail("E_EXTRACT_READ", path=path, reason="不是普通文件 not a regular file")
        if size > max_bytes:
            raise fail("E_EXTRACT_TOO_LARGE", path=path, size=size, limit=max_bytes)
        with path.open("rb") as f:
            # Read one byte past the limit: the file may have grown since stat().
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise fail("E_EXTRACT_READ", path=path, reason=e.strerror or type(e).__name__) from e
    if len(data) > max_bytes:
        raise fail("E_EXTRACT_TOO_LARGE", path=path, size=len(data), limit=max_bytes)
    if not data.strip():
        raise fail("E_EXTRACT_EMPTY", path=path)
    return data


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
# Control characters other than tab/newline/carriage return/form feed never occur
# in a text document; a few per mille are tolerated (stray mojibake bytes).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _plausible(text: str) -> bool:
    if not text:
        return False
    bad = len(_CONTROL.findall(text)) + text.count("\ufffd")
    return bad <= max(2, len(text) // 200)


# Frequent characters of Chinese prose and of medical-insurance notices, in both
# scripts; a wrong legacy decoding produces rare characters instead.
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也"
    "能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实"
    "加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样"
    "与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情"
    "者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级"
    "少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色"
    "光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再"
    "采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马"
    "节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须"
    "际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准"
    "精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火"
    "住调满县局照参红细引听该铁价严医险费缴报销助救疗险醫險費繳報銷療險國會說對實員與個這為過"
)


def _common_share(text: str) -> float:
    cjk = [c for c in text if "一" <= c <= "鿿"]
    if not cjk:
        return 0.0
    return sum(c in _COMMON for c in cjk) / len(cjk)


def decode(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The text of `data` and the encoding used. Never guesses silently into garbage:
    a candidate decoding must be strict and plausible, else E_EXTRACT_ENCODING."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as e:
            raise fail("E_EXTRACT_BAD_ENCODING_NAME", name=encoding) from e
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as e:
            raise fail("E_EXTRACT_ENCODING", path=path, tried=encoding) from e
    candidates: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        candidates.append("utf-8-sig")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates.append("utf-16")
    else:
        if b"\x00" in data:
            raise fail("E_EXTRACT_BINARY", path=path, reason="含 NUL 字节 contains NUL bytes")
        candidates.append("utf-8")
        m = _META_CHARSET.search(data[:4096])
        if m:
            declared = m.group(1).decode("ascii").lower()
            # GB2312 and GBK pages routinely use characters only GB18030 names.
            if declared in {"gb2312", "gbk", "gb_2312-80", "x-gbk"}:
                declared = "gb18030"
            candidates.append(declared)
        candidates += ["gb18030", "big5"]
    tried: list[str] = []
    legacy: list[tuple[float, str, str]] = []
    for enc in dict.fromkeys(candidates):
        tried.append(enc)
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if not _plausible(text):
            continue
        if enc in ("gb18030", "big5"):
            # Big5 bytes also decode as GB18030 (into nonsense): choose the reading
            # that looks most like Chinese prose.
            legacy.append((_common_share(text), enc, text))
            continue
        return text, enc
    if legacy:
        _, enc, text = max(legacy)
        return text, enc
    if len(_CONTROL.findall(data[:4096].decode("latin-1"))) > 40:
        raise fail("E_EXTRACT_BINARY", path=path, reason="控制字符过多 too many control bytes")
    raise fail("E_EXTRACT_ENCODING", path=path, tried=", ".join(tried))


def detect_kind(path: Path, text: str) -> DocKind:
    suffix = path.suffix.lower()
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(body|p|div)[\s>]", head):
        return "html"
    return "text"


# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul "
    "title".split()
)
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "head"})
# Used only to locate BeautifulSoup's text in the source (never to decide what is
# text): markup is a comment, CDATA, declaration or a tag that starts with a letter.
_MARKUP = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[!?/]?[A-Za-z][^>]*>", re.S)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")


def _source_text_stream(original: str) -> tuple[str, list[int], list[int]]:
    """The source's character data with entities decoded, each char's source span."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0

    def add_text(a: int, b: int) -> None:
        i = a
        while i < b:
            if original[i] == "&":
                m = _ENTITY.match(original, i, b)
                if m:
                    decoded = html.unescape(m.group())
                    if decoded != m.group():
                        for ch in decoded:
                            chars.append(ch)
                            starts.append(m.start())
                            ends.append(m.end())
                        i = m.end()
                        continue
            chars.append(original[i])
            starts.append(i)
            ends.append(i + 1)
            i += 1

    for m in _MARKUP.finditer(original):
        add_text(pos, m.start())
        pos = m.end()
    add_text(pos, len(original))
    return "".join(chars), starts, ends


def html_text(original: str) -> MappedText:
    """The text of an HTML document as BeautifulSoup parses it, mapped to the source."""
    from bs4 import BeautifulSoup
    from bs4.element import NavigableString, PreformattedString, Tag

    with warnings.catch_warnings():
        # bs4 warns when a short document looks like a file name or URL; we know
        # it is markup, and warnings must not reach the officer (or fail tests).
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(original, "html.parser")
    stream, s_starts, s_ends = _source_text_stream(original)
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    cursor = 0

    def boundary() -> None:
        # A block boundary: a newline with an empty span, so it never enters a quote.
        if text and not (text[-1] == "\n" and starts[-1] == ends[-1]):
            pos = ends[-1]
            text.append("\n")
            starts.append(pos)
            ends.append(pos)

    for node in soup.descendants:
        if isinstance(node, Tag):
            if node.name in _BLOCK_TAGS:
                boundary()
            continue
        if not isinstance(node, NavigableString) or isinstance(node, PreformattedString):
            continue  # comments, CDATA, doctype, processing instructions
        if any(isinstance(p, Tag) and p.name in _SKIP_TAGS for p in node.parents):
            continue
        piece = str(node)
        if not piece:
            continue
        at = stream.find(piece, cursor)
        if at < 0:
            # Not locatable in the source (the parser repaired something): leave it
            # out rather than risk a quote that is not verbatim.
            boundary()
            continue
        for k in range(at, at + len(piece)):
            text.append(stream[k])
            starts.append(s_starts[k])
            ends.append(s_ends[k])
        cursor = at + len(piece)
    return MappedText("".join(text), array("q", starts), array("q", ends))


# --------------------------------------------------------------------------- cleaning

Edit = tuple[int, int, str]  # replace text[start:end] with the string


def apply_edits(mt: MappedText, edits: Iterable[Edit]) -> MappedText:
    """Apply non-overlapping edits, keeping the map: a replacement of the same
    length maps char to char; otherwise every new char maps to the whole old span."""
    out: list[str] = []
    starts = array("q")
    ends = array("q")
    pos = 0
    text = mt.text
    for a, b, rep in sorted(edits):
        if a < pos:
            continue  # overlapping edit: the earlier one wins
        out.append(text[pos:a])
        starts.extend(mt.starts[pos:a])
        ends.extend(mt.ends[pos:a])
        if rep:
            if len(rep) == b - a:
                starts.extend(mt.starts[a:b])
                ends.extend(mt.ends[a:b])
            else:
                lo = mt.starts[a] if b > a else (mt.ends[a - 1] if a else 0)
                hi = mt.ends[b - 1] if b > a else lo
                starts.extend(array("q", [lo]) * len(rep))
                ends.extend(array("q", [hi]) * len(rep))
            out.append(rep)
        pos = b
    out.append(text[pos:])
    starts.extend(mt.starts[pos:])
    ends.extend(mt.ends[pos:])
    return MappedText("".join(out), starts, ends)


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin gloss the conversion tool put after a character: 醫(yī), 擔(dān).
_GLOSS = re.compile(rf"(?<=[{_CJK}?])[(（]([a-zü{_TONED}]{{1,7}})[)）]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Spaces that split a number from its digits, unit or document-number brackets:
# "98 %", "40 号", "1 000", "〔2021〕 40号".
# Two digit runs are joined only as a thousands group ("1 000"): "2019-08-09 04:40"
# is a date and a time, not one number.
_SPLIT_NUMBER = re.compile(
    r"(?<=[〔〕\[\]［］])[ \t\u00a0\u3000]+(?=[0-9０-９])"
    r"|(?<=[0-9０-９])[ \t\u00a0\u3000]+(?=[%％号號.．万萬亿億元个個天年月日〔])"
    r"|(?<=[0-9０-９])[ \t\u00a0\u3000]+(?=[0-9０-９]{3}(?![0-9０-９:]))"
)
_DIGIT_RUN_BEFORE = re.compile(r"(?:^|[^-:./0-9０-９])[0-9０-９]{1,3}$")
_FOLD = {
    "％": "%", "．": ".", "＋": "+", "－": "-", "～": "~", "（": "(", "）": ")", "：": ":",
    "∶": ":", "，": ",", "；": ";", "！": "!", "？": "?", "［": "[", "］": "]",
    "\u3000": " ", "\u00a0": " ", "﹪": "%", "—": "-", "–": "-", "―": "-", "〜": "~",
}
# Conversion artefacts seen in the seeds (domain.md §0) that hide a keyword: the
# quote keeps them, matching reads through them. Same length, so the map is 1:1.
_ARTEFACTS = {"起村": "起付", "档案限额": "支付限额"}
_WS_RUN = re.compile(r"[ \t\r\n\f\v]+")


def _has_toned_glosses(text: str) -> bool:
    return any(set(m.group(1)) & set(_TONED) for m in _GLOSS.finditer(text))


def remove_artefacts(mt: MappedText, kind: DocKind) -> tuple[MappedText, int]:
    text = mt.text
    edits: list[Edit] = []
    # A gloss must carry a tone mark, unless the document is already known to be
    # glossed (then toneless syllables such as (de) go too): "(a)" in a plain
    # document is an enumeration, not pinyin.
    glossed = _has_toned_glosses(text)
    glosses = 0
    for m in _GLOSS.finditer(text):
        if glossed or set(m.group(1)) & set(_TONED):
            edits.append((m.start(), m.end(), ""))
            glosses += 1
    edits += [(m.start(), m.end(), "") for m in _ZERO_WIDTH.finditer(text)]
    mt = apply_edits(mt, edits)
    text = mt.text
    edits = [
        (m.start(), m.end(), "")
        for m in _SPLIT_NUMBER.finditer(text)
        # A thousands group needs a short number on its left ("1 000", not "2019-08-09 040").
        if not ("0" <= text[m.end()] <= "9" or "０" <= text[m.end()] <= "９")
        or _DIGIT_RUN_BEFORE.search(text, max(0, m.start() - 5), m.start())
    ]
    if kind == "html":
        # HTML source wraps lines anywhere; only block boundaries end a paragraph.
        # Block boundaries are newlines with an empty span (see html_text).
        for m in _WS_RUN.finditer(text):
            boundary = any(
                text[i] == "\n" and mt.starts[i] == mt.ends[i] for i in range(*m.span())
            )
            rep = "\n" if boundary else " "
            if m.group() != rep:
                edits.append((m.start(), m.end(), rep))
    mt = apply_edits(mt, edits)
    text = mt.text
    edits = []
    for i, ch in enumerate(text):
        if "０" <= ch <= "９" or "Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ":
            edits.append((i, i + 1, unicodedata.normalize("NFKC", ch)))
        elif ch in _FOLD:
            edits.append((i, i + 1, _FOLD[ch]))
    return apply_edits(mt, edits), glosses


@lru_cache(maxsize=1)
def _t2s() -> object:
    from opencc import OpenCC

    return OpenCC("t2s")


def _convert(s: str) -> str:
    return str(_t2s().convert(s))  # type: ignore[attr-defined]


def to_simplified(mt: MappedText) -> MappedText:
    """Traditional → simplified with OpenCC, keeping one char per char so the map
    is unchanged. OpenCC converts phrases, which can change the length; then that
    line is converted char by char (loses phrase context, keeps the offsets)."""
    text = mt.text
    if not re.search(f"[{_CJK}]", text):
        return mt
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        conv = _convert(line)
        if len(conv) != len(line):
            conv = "".join(c if len(c) == 1 else o for o, c in ((o, _convert(o)) for o in line))
        out.append(conv)
    simple = "\n".join(out)
    for bad, good in _ARTEFACTS.items():
        simple = simple.replace(bad, good)
    return MappedText(simple, mt.starts, mt.ends)


def load_document(
    path: Path, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
    kind: DocKind | None = None,
) -> Document:
    data = read_bytes(path, max_bytes)
    original, used = decode(data, path, encoding)
    return parse_document(original, path=str(path), encoding=used,
                          kind=kind or detect_kind(path, original))


def parse_document(original: str, *, path: str = "<text>", encoding: str = "utf-8",
                   kind: DocKind = "text") -> Document:
    base = html_text(original) if kind == "html" else MappedText.identity(original)
    if not base.text.strip():
        raise fail("E_EXTRACT_NO_TEXT", path=path)
    clean, glosses = remove_artefacts(base, kind)
    simple = to_simplified(clean)
    return Document(path, kind, encoding, original, clean, simple, glosses)


# A sentence longer than this is cut (at a comma if there is one): every figure is
# read against its sentence, so an unpunctuated megabyte must not be one sentence.
MAX_SENTENCE = 600


def sentences(text: str) -> Sequence[tuple[int, int]]:
    """Sentence spans: split at 。！？; and line ends (a heading or list item is a sentence)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[。!?;\n]", text):
        if m.start() > start:
            spans.extend(_bounded(text, start, m.start()))
        start = m.end()
    if start < len(text):
        spans.extend(_bounded(text, start, len(text)))
    return spans


def _bounded(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out = []
    while b - a > MAX_SENTENCE:
        cut = text.rfind(",", a + MAX_SENTENCE // 2, a + MAX_SENTENCE)
        cut = cut + 1 if cut > 0 else a + MAX_SENTENCE
        out.append((a, cut))
        a = cut
    out.append((a, b))
    return out
