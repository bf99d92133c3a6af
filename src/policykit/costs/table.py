"""Every rule value an estimate for one region on one day can use, resolved once, for a
program that settles the stay itself (the site's estimator page settles in the browser
from this table with the same corners and rounding; tests compare it case by case with
`estimate`). The lookups are those of `estimate._rules` with each role's own facts."""

from __future__ import annotations

import json
from typing import Any

from policykit.costs.estimate import (
    ADMISSION_ORDER,
    NOT_MODELLED,
    NOTICE_ZH,
    Lookup,
    critical_illness_rules,
    trace_of,
)
from policykit.costs.rules import RuleValue, missing_zh
from policykit.model.policyset import PolicySet

LEVELS = ("", "level1", "level2", "level3")
PERSONS = {"resident": ("",), "employee": ("in_service", "retiree")}


def _plain(look: Lookup, key: str, rv: RuleValue, effect: str) -> dict[str, Any]:
    return {"key": key, "lo": str(rv.lo), "hi": None if rv.hi is None else str(rv.hi),
            "exact": rv.exact, "missing_zh": missing_zh(rv, effect),
            "trace": trace_of(look.ps, rv, look.day) if rv.parameter else None}


def _one(ps: PolicySet, code: str, day: str, facts: dict[str, str], key: str, role: str,
         parameter: str, kind: str, effect: str) -> dict[str, Any]:
    look = Lookup(ps, code, day, facts)
    return _plain(look, key, look(role, parameter, kind, effect), effect)


def estimate_table(ps: PolicySet, code: str, day: str) -> dict[str, Any]:
    """`rule_table` with each distinct rule written once, in `rules`, and referred to by
    its index wherever it is used (most keys resolve to the same few rules)."""
    table = rule_table(ps, code, day)
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}

    def ref(rule: dict[str, Any]) -> int:
        key = json.dumps(rule, ensure_ascii=False, sort_keys=True)
        if key not in index:
            index[key] = len(rules)
            rules.append(rule)
        return index[key]

    for part in ("deductible", "ratio", "cap"):
        table[part] = {k: ref(r) for k, r in table[part].items()}
    table["ci"] = [ref(r) for r in table["ci"]]
    table["maf"] = {k: [ref(r) for r in rs] for k, rs in table["maf"].items()}
    table["rules"] = rules
    return table


def rule_table(ps: PolicySet, code: str, day: str) -> dict[str, Any]:
    """{"deductible": {"scheme|level|person|admission": rule}, "ratio": {"scheme|level|person":
    rule}, "cap": {scheme: rule}, "ci": [rule…], "maf": {category: [rule…]}} with each rule's
    interval as decimal strings (hi None: no upper limit), its missing_zh and its trace."""
    out: dict[str, Any] = {"region": code, "region_name": ps.regions[code].name.zh, "day": day,
                           "deductible": {}, "ratio": {}, "cap": {}, "maf": {},
                           "not_modelled_zh": list(NOT_MODELLED), "notice_zh": NOTICE_ZH}
    for scheme, persons in PERSONS.items():
        out["cap"][scheme] = _one(ps, code, day, {}, "cap", "年度最高支付限额（封顶线）",
                                  f"{scheme}.annual_cap", "amount",
                                  "所以无法判断是否封顶，统筹基金支付的上限按不封顶计算")
        for level in LEVELS:
            for person in persons:
                facts = {k: v for k, v in (("hospital_level", level), ("person_type", person))
                         if v}
                out["ratio"][f"{scheme}|{level}|{person}"] = _one(
                    ps, code, day, facts, "ratio", "报销比例", f"{scheme}.inpatient.ratio",
                    "ratio", "所以统筹基金支付只能给出区间")
                for admission in ADMISSION_ORDER:
                    out["deductible"][f"{scheme}|{level}|{person}|{admission}"] = _one(
                        ps, code, day, {**facts, "admission": admission}, "deductible", "起付线",
                        f"{scheme}.inpatient.deductible", "amount", "所以统筹基金支付只能给出上限")
    look = Lookup(ps, code, day, {})
    ci = critical_illness_rules(look)
    effects = {id(rv): eff for rv, eff in look.used}
    out["ci"] = [{**_plain(look, key, rv, effects.get(id(rv), "")),
                  **({} if id(rv) in effects else {"missing_zh": None})} for key, rv in ci]
    # in the order the estimate names them (the order of the lookups)
    out["ci_missing_zh"] = [m for rv, eff in look.used if (m := missing_zh(rv, eff)) is not None]
    categories = ps.catalogue.dimensions.get("assistance_category")
    for cat in (categories.value_ids() if categories is not None else ()):
        look = Lookup(ps, code, day, {"assistance_category": cat})
        out["maf"][cat] = [
            _plain(look, "maf_deductible", look("医疗救助起付线", "assistance.deductible", "amount",
                                                "所以医疗救助只能给出上限"), "所以医疗救助只能给出上限"),
            _plain(look, "maf_ratio", look("医疗救助比例", "assistance.ratio", "ratio",
                                           "所以医疗救助只能给出区间"), "所以医疗救助只能给出区间"),
            _plain(look, "maf_cap", look("医疗救助年度限额", "assistance.annual_cap", "amount",
                                         "所以医疗救助的上限按不封顶计算"),
                   "所以医疗救助的上限按不封顶计算")]
    return out
