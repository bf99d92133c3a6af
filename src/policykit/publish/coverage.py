"""How far the data is from "every region": the figures of the 数据覆盖 page and of
`index.json` (`coverage`), computed once from the policy set so the two always agree.

- by level: how many regions there are and how many have rules of their own;
- by province (the province and every region under it) and policy area: how many regions
  have local rules in that area, and the newest day on which one of their own values in
  force was confirmed (timeline rule 6);
- by parameter: how many regions have no value in force at all on the as-of day, neither
  their own nor inherited ("most often missing");
- the newest confirmation day over all regions' own values in force.

Withdrawn division codes (published so that old links work) are counted apart
(`withdrawn`), not as regions.

"Local rules" of a region are rule keys in its own file (any entry); a value inherited
from a province, pooling region or the nation is not local.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from policykit.model.entities import NATIONAL, Breakdown
from policykit.model.policyset import PolicySet
from policykit.model.timeline import Resolved

LEVELS = ("province", "prefecture", "county")
InForce = Callable[[str], Mapping[tuple[str, Breakdown], Resolved]]


def province_of(ps: PolicySet, code: str) -> str | None:
    seen: set[str] = set()
    cur: str | None = code
    while cur is not None and cur in ps.regions and cur not in seen:
        seen.add(cur)
        r = ps.regions[cur]
        if r.level == "province":
            return cur
        cur = r.parent
    return None


def coverage(ps: PolicySet, day: str, in_force: InForce) -> dict[str, Any]:
    """The coverage figures as plain data (sorted, deterministic). `in_force(code)` is
    the region's rules in force on `day` (callers pass their cached lookup)."""
    cat = ps.catalogue
    areas = [a for a, _ in cat.areas]
    area_of = {pid: p.area for pid, p in cat.parameters.items()}
    own_areas: dict[str, set[str]] = {}
    for code, pid, _ in ps.rules:
        own_areas.setdefault(code, set()).add(area_of.get(pid, "other"))
    listed = sorted(c for c, r in ps.regions.items() if c != NATIONAL and r.level != "national")
    # A withdrawn code (replaced by a successor since the older dataset) keeps its page so
    # old links work, but it is not one more region to cover.
    withdrawn = {c for c in listed if ps.regions[c].registry_only and ps.registry is not None
                 and (d := ps.registry.get(c)) is not None and d.withdrawn}
    codes = [c for c in listed if c not in withdrawn]

    by_level = {lv: {"regions": 0, "local": 0} for lv in LEVELS}
    provinces: dict[str, dict[str, Any]] = {}
    missing = {pid: 0 for pid in cat.parameters}
    newest_all: str | None = None
    for code in codes:
        r = ps.regions[code]
        local = code in own_areas
        if r.level in by_level:
            by_level[r.level]["regions"] += 1
            by_level[r.level]["local"] += int(local)
        rows = in_force(code)
        have = {pid for pid, _ in rows}
        for pid in missing:
            if pid not in have:
                missing[pid] += 1
        prov = province_of(ps, code)
        if prov is None:
            continue
        p = provinces.setdefault(prov, {
            "code": prov, "name": ps.regions[prov].name.zh, "regions": 0, "local": 0,
            "areas": {a: 0 for a in areas}, "newest_confirmation": None})
        p["regions"] += 1
        p["local"] += int(local)
        for a in own_areas.get(code, ()):
            if a in p["areas"]:
                p["areas"][a] += 1
        for res in rows.values():
            if res.origin != code:
                continue
            confirmed = ps.confirmation(res, day).confirmed_on
            if p["newest_confirmation"] is None or confirmed > p["newest_confirmation"]:
                p["newest_confirmation"] = confirmed
            if newest_all is None or confirmed > newest_all:
                newest_all = confirmed
    total = len(codes)
    return {
        "as_of": day,
        "regions": total,
        "local": sum(1 for c in codes if c in own_areas),
        "by_level": by_level,
        "areas": areas,
        "provinces": [provinces[c] for c in sorted(provinces)],
        "missing": [{"parameter": pid, "regions_without_value": n}
                    for pid, n in sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))],
        "newest_confirmation": newest_all,
        "withdrawn": len(withdrawn),
    }
