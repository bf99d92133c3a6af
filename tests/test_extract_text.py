"""Reading and cleaning documents for `policykit extract`: the offset map keeps quotes verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.extract.errors import ExtractError
from policykit.extract.text import decode, load_document, parse_document


def test_pinyin_glosses_are_removed_for_matching_and_kept_in_quotes() -> None:
    original = "醫(yī)療保險(xiǎn)總費(fèi)率從2.8%下調(diào)0.7個(gè)百分點(diǎn)至 2.1%"
    doc = parse_document(original)
    assert doc.gloss_count == 6
    assert doc.simple.text == "医疗保险总费率从2.8%下调0.7个百分点至 2.1%"
    i = doc.simple.text.index("总费率")
    assert doc.quote(i, len(doc.simple.text)) == "總費(fèi)率從2.8%下調(diào)0.7個(gè)百分點(diǎn)至 2.1%"


def test_enumerations_are_not_glosses() -> None:
    doc = parse_document("下列情形(a)和(b)适用")
    assert doc.simple.text == "下列情形(a)和(b)适用"
    assert doc.gloss_count == 0


def test_full_width_digits_and_stray_spaces() -> None:
    original = "报销比例为９０％，参保率达到98 %以上（清医保待〔2021〕40 号）"
    doc = parse_document(original)
    assert "90%" in doc.simple.text
    assert "98%以上" in doc.simple.text
    assert "〔2021〕40号" in doc.simple.text
    i = doc.simple.text.index("90%")
    assert doc.quote(i, i + 3) == "９０％"
    j = doc.simple.text.index("40号")
    assert doc.quote(j, j + 3) == "40 号"


def test_date_and_time_are_not_joined() -> None:
    assert "2019-08-09 04:40" in parse_document("• 2019-08-09 04:40").simple.text
    assert "共1000元" in parse_document("共1 000元").simple.text


def test_traditional_is_simplified_char_for_char() -> None:
    doc = parse_document("城鄉居民醫保住院報銷比例")
    assert doc.simple.text == "城乡居民医保住院报销比例"
    assert len(doc.simple.text) == len(doc.clean.text)


def test_html_text_comes_from_the_parser_and_maps_back_to_the_source() -> None:
    html = ("<html><head><title>x</title><script>var a = '50%';</script></head><body>"
            "<p>一级医院<b>90%</b>,二级&nbsp;医院75&#37;</p>\n<div>三级医院\n  60%</div>"
            "<!-- 40% --></body></html>")
    doc = parse_document(html, kind="html")
    text = doc.simple.text
    assert "50%" not in text and "40%" not in text   # script and comment are not text
    assert "一级医院90%,二级 医院75%" in text
    assert "\n三级医院 60%" in text                     # a block boundary, whitespace folded
    i = text.index("75%")
    assert doc.quote(i, i + 3) == "75&#37;"
    j = text.index("一级")
    assert doc.quote(j, j + 7) == "一级医院<b>90%"
    assert doc.quote(j, j + 7) in html


def test_encodings(tmp_path: Path) -> None:
    text = "城乡居民住院报销比例：一级医院90%"
    for enc in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        p = tmp_path / f"{enc}.txt"
        p.write_bytes(text.encode(enc))
        assert load_document(p).original == text
    p = tmp_path / "big5.txt"
    p.write_bytes("城鄉居民住院報銷比例：一級醫院90%".encode("big5"))
    assert load_document(p).encoding == "big5"


@pytest.mark.parametrize(("data", "code"), [
    (b"", "E_EXTRACT_EMPTY"),
    (b"  \n\t ", "E_EXTRACT_EMPTY"),
    (b"\x00\x01\x02binary\x00", "E_EXTRACT_BINARY"),
    (bytes(range(0x80, 0x100)) * 40, "E_EXTRACT_ENCODING"),
    (b"<html><body><script>1</script></body></html>", "E_EXTRACT_NO_TEXT"),
])
def test_bad_input_is_an_error_value(tmp_path: Path, data: bytes, code: str) -> None:
    p = tmp_path / ("doc.html" if b"<html>" in data else "doc.txt")
    p.write_bytes(data)
    with pytest.raises(ExtractError) as info:
        load_document(p)
    assert info.value.code == code
    assert info.value.message_zh and info.value.message_en


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    with p.open("wb") as f:
        f.truncate(50 * 1024 * 1024)   # sparse: nothing is read
    with pytest.raises(ExtractError) as info:
        load_document(p)
    assert info.value.code == "E_EXTRACT_TOO_LARGE"


def test_forced_encoding_errors() -> None:
    with pytest.raises(ExtractError) as info:
        decode(b"abc", Path("x"), "no-such-codec")
    assert info.value.code == "E_EXTRACT_BAD_ENCODING_NAME"
    with pytest.raises(ExtractError) as info:
        decode("汉字".encode("gb18030"), Path("x"), "utf-8")
    assert info.value.code == "E_EXTRACT_ENCODING"


# Fragments a converted document is made of: characters (some traditional), glosses,
# full-width digits, stray spaces, figures, punctuation and line breaks.
FRAGMENTS = st.sampled_from([
    "醫(yī)", "療(liáo)", "保", "險(xiǎn)", "报销比例", "為", "90%", "９０％", "98 %", "2.8%",
    "個(gè)百分點(diǎn)", "下调", "至 ", "〔2021〕40 号", "，", ",", "。", "\n", " ", "\u3000",
    "2021年7月25日", "一级医院", "三个月", "百分之七十", "200万元", "(a)", "&amp;", "?xùn)|",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(FRAGMENTS, min_size=1, max_size=40))
def test_every_span_maps_back_to_a_verbatim_slice(parts: list[str]) -> None:
    original = "".join(parts)
    if not original.strip():
        return
    doc = parse_document(original)
    n = len(doc.simple.text)
    assert len(doc.simple.starts) == len(doc.simple.ends) == n
    for i in range(n):
        a, b = doc.simple.span(i, i + 1)
        assert 0 <= a <= b <= len(original)
        for j in range(i + 1, min(n, i + 12) + 1):
            a2, b2 = doc.simple.span(i, j)
            assert a2 <= b2
            assert doc.quote(i, j) == original[a2:b2]


@settings(max_examples=100, deadline=None)
@given(st.lists(FRAGMENTS, min_size=1, max_size=40))
def test_every_proposal_quote_is_a_substring(parts: list[str]) -> None:
    from policykit.extract import extract, load_catalogue

    original = "".join(parts)
    if not original.strip():
        return
    cat = load_catalogue(Path(__file__).resolve().parents[1] / "policies" / "catalogue.yaml")
    for p in extract(original, cat):
        assert p.quote in original
        assert original[p.figure_start:p.figure_end] in p.quote
