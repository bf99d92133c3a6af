"""Hardening, class 2: the fast path (yaml_rs + jsonschema_rs) equals the exact path
(PyYAML compose + jsonschema). A differential property test mutates the real files of
policies/ (characters, tokens and raw bytes inserted, spans deleted or repeated) and
reads each result both ways: the same accept/reject and, when accepted, the same data,
types included. Bounded here (POLICYKIT_FUZZ_EXAMPLES, default 150); `nox -s fuzz`
runs it much longer. Plus the cases an adversarial run found, each pinned."""

from __future__ import annotations

import math
import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import POLICIES
from policykit.loader.discover import kind_of
from policykit.loader.readfile import FileResult, from_bytes

EXAMPLES_N = int(os.environ.get("POLICYKIT_FUZZ_EXAMPLES", "150"))
FILES = sorted(p for p in POLICIES.rglob("*.yaml") if kind_of(p.name))
SEEDS = [(p.relative_to(POLICIES).as_posix(), p.read_bytes()) for p in FILES]

TOKENS = [
    "\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufffe", "\ufeff", "\r", "\r\n",
    "\t", "\n", "  ", " ", "#", ":", ": ", "- ", "? ", "{", "}", "[", "]", ",", '"', "'",
    "&a ", "*a", "!custom ", "!!str ", "!!int ", "!!float ", "!!set ", "!!binary ", "!!timestamp ",
    "~", "null", "Null", "true", "yes", "no", "on", "NO", ".nan", ".NaN", ".inf", "-.inf",
    "1e400", "1e-400", "1_000", "0o17", "0x1F", "0b11", "010", "+1", "-0", "1.", ".5", "1e3",
    "12345678901234567890", "123456789012345678901234567890", "9007199254740993",
    "0x1_F", "0o1_7", "0B11", "0O17", "0X1F", "+0x1F", "-0x1F", "1.5E3", "+.5", "0.", "00",
    "nULL", "tRUE", "y", "~", ".Inf", "+.inf", "1_0.5", "1__0", "_1", "1_", "-1_0", "1_0e2", ".1_0", "000_8df.txt",
    "0000-01-01", "2021-02-30", "2021-13", "20210824", "2021", "1800", '\\n', '\\x1b', '\\0',
    '\\u0000', '\\t', "%YAML 1.1\n", "---\n", "...\n", "<<: *a\n", "|\n", ">-\n",
    "431223", '"431223\\n"', "0.6", "60%", "六成", "level3", "\u3000", "１２",
]
BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x00", b"\xe2\x80"]


def _typed(x: Any) -> Any:
    """Data with each scalar's type kept (1, 1.0 and True differ; NaN equals NaN)."""
    if isinstance(x, dict):
        return ("dict", sorted(((_typed(k), _typed(v)) for k, v in x.items()), key=repr))
    if isinstance(x, list):
        return ("list", [_typed(v) for v in x])
    if isinstance(x, float) and math.isnan(x):
        return ("float", "nan")
    return (type(x).__name__, x)


def both(raw: bytes, rel: str) -> tuple[FileResult, FileResult]:
    kind = kind_of(rel)
    assert kind is not None
    return (from_bytes(raw, rel, kind, rel, exact=False),
            from_bytes(raw, rel, kind, rel, exact=True))


def assert_same(raw: bytes, rel: str) -> None:
    fast, exact = both(raw, rel)
    assert (fast.data is None) == (exact.data is None), (rel, fast.diagnostics, exact.diagnostics)
    if fast.data is not None:
        assert _typed(fast.data) == _typed(exact.data), rel
    assert fast.diagnostics == exact.diagnostics


# One mutation: (what, where as a fraction of the file, an argument).
OPS = st.one_of(
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(TOKENS).map(str.encode)),
    st.tuples(st.just("insert"), st.floats(0, 1),
              st.text(max_size=4).map(lambda t: t.encode("utf-8", "surrogatepass"))),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(BYTES) | st.binary(max_size=3)),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 40)),
    st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(1, 80)),
    st.tuples(st.just("value"), st.floats(0, 1), st.sampled_from(TOKENS).map(str.encode)),
    st.tuples(st.just("number"), st.floats(0, 1), st.sampled_from(TOKENS).map(str.encode)),
)
# The values where a number is read: where the two parsers' number rules matter most.
NUMBER_LINE = re.compile(rb"^\s*-?\s*(?:ratio|amount|count|number|value|min|max|annual_limit|by"
                         rb"|from): ", re.MULTILINE)


def mutate(raw: bytes, ops: list[tuple[str, float, Any]]) -> bytes:
    for how, where, arg in ops:
        at = int(where * len(raw))
        if how == "insert":
            raw = raw[:at] + arg + raw[at:]
        elif how == "delete":
            raw = raw[:at] + raw[at + arg:]
        elif how == "repeat":
            raw = raw[:at + arg] + raw[at:at + arg] + raw[at + arg:]
        elif how == "number":  # replace one number's value with a token
            lines = list(NUMBER_LINE.finditer(raw))
            if lines:
                m = lines[int(where * len(lines)) % len(lines)]
                end = raw.find(b"\n", m.end())
                end = len(raw) if end < 0 else end
                raw = raw[:m.end()] + arg + raw[end:]
        else:  # replace the value of the line at `at` with a token
            end = raw.find(b"\n", at)
            end = len(raw) if end < 0 else end
            colon = raw.rfind(b": ", 0, end)
            if colon >= 0:
                raw = raw[:colon + 2] + arg + raw[end:]
    return raw


@settings(max_examples=EXAMPLES_N, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(0, len(SEEDS) - 1), st.lists(OPS, min_size=1, max_size=3))
def test_fast_path_equals_exact_path(seed: int, ops: list[tuple[str, float, Any]]) -> None:
    rel, raw = SEEDS[seed]
    assert_same(mutate(raw, ops), rel)


def test_seeds_are_accepted_by_both() -> None:
    assert SEEDS
    for rel, raw in SEEDS:
        fast, exact = both(raw, rel)
        assert fast.data is not None and _typed(fast.data) == _typed(exact.data), rel




def _region() -> tuple[str, str]:
    rel, raw = next((r, b) for r, b in SEEDS if r.endswith("/region.yaml") and b"history" in b)
    return rel, raw.decode("utf-8")


@pytest.mark.parametrize("insert, where", [
    ("\x01", "name"), ("\x7f", "name"), ("\x1b", "name"), ("\ufffe", "name"),
    ("!custom ", "level"), ("!!str ", "level"), ("1_000", "level"),
])
def test_found_disagreements_now_agree(insert: str, where: str) -> None:
    rel, text = _region()
    key = {"name": "zh: ", "level": "level: "}[where]
    i = text.index(key) + len(key)
    raw = (text[:i] + insert + text[i:]).encode("utf-8")
    assert_same(raw, rel)
    fast, _ = both(raw, rel)
    if insert.startswith("!!str") or insert == "1_000":
        return  # may be valid or not; only agreement matters
    assert fast.data is None and fast.diagnostics


@pytest.mark.parametrize("value", ['"0000-01-01"', '"0000"', '"0000-05"'])
def test_year_zero_is_refused_on_both_paths(value: str) -> None:
    rel, text = _region()
    i = text.index("observed: ") if "observed: " in text else text.index("start: ")
    j = text.index("\n", i)
    key = text[i:text.index(": ", i) + 2]
    raw = (text[:i] + key + value + text[j:]).encode("utf-8")
    fast, exact = both(raw, rel)
    assert fast.data is None and exact.data is None
    assert any(d.code == "E_DATE" for d in fast.diagnostics)


def test_trailing_newline_in_a_pattern_field_is_refused_on_both_paths() -> None:
    rel, text = _region()
    i = text.index("source: ") + len("source: ")
    j = text.index("\n", i)
    raw = (text[:i] + '"' + text[i:j].strip("\"'") + '\\n"' + text[j:]).encode("utf-8")
    fast, exact = both(raw, rel)
    assert fast.data is None and exact.data is None
    assert [d.code for d in fast.diagnostics] == ["E_PATTERN"]




@pytest.mark.parametrize("prefix", ["...\n", "---\n", "--- \n", "%YAML 1.2\n---\n", "%TAG ! x\n---\n"])
def test_document_markers_agree(prefix: str) -> None:
    for rel, raw in SEEDS:
        assert_same(prefix.encode() + raw, rel)
        assert_same(raw + prefix.encode(), rel)
