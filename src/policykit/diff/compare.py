"""PolicySet × PolicySet → a list of semantic changes (models compared, never text).

Moving a rule to another file, re-ordering keys or history entries, or writing
0.60 for 0.6 is not a change. What is compared (docs/diff.md):

* rules, entry by entry: within one rule (region, parameter, breakdown) the old and
  new history entries are paired in passes, each pass taking only what the earlier
  ones left: (1) identical entries (unchanged); (2) the same identity
  (start, observed, status class); (3) the same first day (start or observed);
  (4) the one entry left on each side, when they share the value or the source.
  Within a pass, entries with the same key pair up in history order. Unpaired old
  entries are "removed", unpaired new ones "added", pairs that differ "changed";
* region metadata, the catalogue (parameters, dimensions, areas, schemes) and the
  source registry, item by item and field by field;
* a renamed parameter (the new id lists the old one in `aliases`) is one "renamed"
  change, and its rules are compared under the new id.

`diff_at` compares the rules in force on two dates instead (inheritance resolved).
Every change carries the file and line of both sides (`PolicySet.locate`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass, replace
from decimal import Decimal
from itertools import groupby
from typing import Any

from policykit.diagnostics import shown_path
from policykit.loader.positions import source_pointers
from policykit.model.entities import (
    IN_FORCE_STATUSES,
    Breakdown,
    Catalogue,
    Dimension,
    Entry,
    Label,
    Region,
    Source,
    parameter_to_plain,
    value_to_plain,
)
from policykit.model.policyset import PolicySet, RuleKey

SCOPES = ("region", "rule", "parameter", "dimension", "area", "scheme", "source")
ACTIONS = ("removed", "renamed", "changed", "added")
MIRROR_ACTION = {"added": "removed", "removed": "added", "changed": "changed",
                 "renamed": "renamed"}

# Which entry fields make up which aspect of a rule change.
VALUE_FIELDS = ("value", "bound")
PERIOD_FIELDS = ("start", "end", "observed", "status")
SOURCE_FIELDS = ("source", "quote", "obtained", "derivation")
ASPECTS = ("value", "period", "source", "metadata")
_ENTRY_KEY_FIELDS = {"region", "parameter", "breakdown_items"}


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    line: int
    col: int

    def text(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that differs, with both sides as plain (JSON) data; None = absent."""

    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    """One semantic change.

    scope  region | rule | parameter | dimension | area | scheme | source
    action added | removed | changed | renamed (parameters only)
    key    the region code (region, rule) or the item's id (catalogue, source)
    old/new  the model objects on each side (Entry, Region, Parameter, Dimension,
           Label, Source), None on the side where the item does not exist.
    old_origin/new_origin  with `diff_at`: the region the value in force comes from.
    """

    scope: str
    action: str
    key: str
    parameter: str = ""
    breakdown: Breakdown = ()
    fields: tuple[FieldChange, ...] = ()
    old: Any = None
    new: Any = None
    old_at: Location | None = None
    new_at: Location | None = None
    old_origin: str | None = None
    new_origin: str | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def aspects(self) -> tuple[str, ...]:
        """For a changed rule entry: which of value / period / source / metadata changed."""
        if self.scope != "rule" or self.action != "changed":
            return ()
        names = set(self.field_names)
        out = []
        for aspect, group in (("value", VALUE_FIELDS), ("period", PERIOD_FIELDS),
                              ("source", SOURCE_FIELDS)):
            if names & set(group):
                out.append(aspect)
        if names - set(VALUE_FIELDS) - set(PERIOD_FIELDS) - set(SOURCE_FIELDS):
            out.append("metadata")
        return tuple(out)

    def mirror(self) -> Change:
        """The same change seen from the other side (diff(b, a) for diff(a, b))."""
        return replace(
            self, action=MIRROR_ACTION[self.action],
            fields=tuple(FieldChange(f.name, f.new, f.old) for f in self.fields),
            old=self.new, new=self.old, old_at=self.new_at, new_at=self.old_at,
            old_origin=self.new_origin, new_origin=self.old_origin)


# -- canonical forms ------------------------------------------------------------------
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _compared_fields(cls: type) -> tuple[str, ...] | None:
    if cls not in _FIELDS:
        _FIELDS[cls] = (tuple(f.name for f in fields(cls) if f.compare)
                        if is_dataclass(cls) else None)
    return _FIELDS[cls]


def canonical(x: Any) -> Any:
    """Plain data equal exactly when the model objects are equal (file/pointer ignored;
    equal decimals written differently, 0.6 and 0.60, give the same text)."""
    if x is None or isinstance(x, (str, int, float)):
        return x
    if isinstance(x, Decimal):
        return "0" if x == 0 else format(x.normalize(), "f")
    names = _compared_fields(type(x))
    if names is not None:
        return {name: canonical(getattr(x, name)) for name in names}
    if isinstance(x, dict):
        return {str(k): canonical(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return [canonical(i) for i in x]
    return x


def canonical_text(x: Any) -> str:
    return json.dumps(canonical(x), ensure_ascii=False, sort_keys=True)


def canonical_rules(rules: Mapping[RuleKey, Iterable[Entry]]) -> dict[RuleKey, tuple[Entry, ...]]:
    """Rules with each history in a canonical order (history order is not data) and
    empty rules dropped: two rule sets are the same data exactly when these are equal."""
    out = {}
    for key in sorted(rules):
        entries = tuple(sorted(rules[key], key=canonical_text))
        if entries:
            out[key] = entries
    return out


# -- locations --------------------------------------------------------------------------
def _escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")



class _Locator:
    """File and line of model objects on one side, for the change list."""

    def __init__(self, ps: PolicySet, display: str) -> None:
        self.ps = ps
        self.display = display
        self._source_index: dict[str, dict[str, str]] = {}

    def at(self, file: str, pointer: str) -> Location | None:
        if not file:
            return None
        line, col = self.ps.locate(file, pointer)
        return Location(shown_path(self.display, file), line, col)

    def entry(self, e: Entry) -> Location | None:
        return self.at(e.file, e.pointer)

    def region(self, r: Region, field_name: str | None = None) -> Location | None:
        return self.at(r.file, "/region" + (f"/{field_name}" if field_name else ""))

    def catalogue_item(self, section: str, item: str) -> Location | None:
        return self.at(self.ps.catalogue.file, f"/{section}/{_escape_token(item)}")

    def source(self, s: Source) -> Location | None:
        if not s.file:
            return None
        index = self._source_index.get(s.file)
        if index is None:
            index = source_pointers(self.ps.root, s.file)
            self._source_index[s.file] = index
        return self.at(s.file, index.get(s.id, "/sources"))


# -- plain forms of model objects ---------------------------------------------------------
def _entry_field_plain(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "value":
        return value_to_plain(value)
    if name == "delta":
        return {"from": _num(value.old), "by": _num(value.by), "mode": value.mode}
    if name == "acknowledge":
        return [{"check": a.check, "reason": a.reason} for a in value] or None
    return value


def _num(d: Decimal) -> Any:
    from policykit.model.entities import plain_number

    return plain_number(d)


def _entry_fields(old: Entry, new: Entry) -> tuple[FieldChange, ...]:
    out = []
    for f in fields(Entry):
        if not f.compare or f.name in _ENTRY_KEY_FIELDS:
            continue
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a != b:
            out.append(FieldChange(f.name, _entry_field_plain(f.name, a),
                                   _entry_field_plain(f.name, b)))
    return tuple(out)


def _plain_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(k, old.get(k), new.get(k))
                 for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k))


def region_plain(r: Region) -> dict[str, Any]:
    return r.to_plain()


def dimension_plain(d: Dimension) -> dict[str, Any]:
    return {"label": d.label.to_plain(), "ordered": d.ordered,
            "values": {k: v.to_plain() for k, v in d.values}}


def label_plain(label: Label) -> dict[str, Any]:
    return dict(label.to_plain())


def source_plain(s: Source) -> dict[str, Any]:
    return s.to_plain()


# -- matching history entries ---------------------------------------------------------------
def status_class(status: str) -> str:
    """Statuses that may be in force form one class (an in-force entry that is later
    repealed stays the same entry); planned and draft form another; unknown its own."""
    if status in IN_FORCE_STATUSES:
        return "effective"
    if status in ("planned", "draft"):
        return "prospective"
    return status


def _identity(e: Entry) -> Any:
    return (e.start, e.observed, status_class(e.status))


def _first_day(e: Entry) -> Any:
    return e.begins


def match_entries(old: tuple[Entry, ...], new: tuple[Entry, ...]
                  ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs (old index, new index), unpaired old indices, unpaired new indices."""
    left_old = list(range(len(old)))
    left_new = list(range(len(new)))
    pairs: list[tuple[int, int]] = []
    passes: list[Callable[[Entry], Any]] = [canonical_text, _identity, _first_day]
    for keyfn in passes:
        by_key: dict[Any, list[int]] = {}
        for j in left_new:
            k = keyfn(new[j])
            if k is not None:
                by_key.setdefault(k, []).append(j)
        still_old = []
        taken: set[int] = set()
        for i in left_old:
            k = keyfn(old[i])
            bucket = by_key.get(k) if k is not None else None
            if bucket:
                j = bucket.pop(0)
                pairs.append((i, j))
                taken.add(j)
            else:
                still_old.append(i)
        left_old = still_old
        left_new = [j for j in left_new if j not in taken]
    if len(left_old) == 1 and len(left_new) == 1:
        a, b = old[left_old[0]], new[left_new[0]]
        if a.value == b.value or (a.source, a.quote) == (b.source, b.quote):
            pairs.append((left_old[0], left_new[0]))
            left_old, left_new = [], []
    return sorted(pairs), left_old, left_new


# -- the diff ---------------------------------------------------------------------------------
def renames(old: Catalogue, new: Catalogue) -> dict[str, str]:
    """Parameter id → canonical id, for parameters renamed between the sides: the
    canonical id is the one that lists the other as an alias."""
    out: dict[str, str] = {}
    for here, there in ((new, old), (old, new)):
        for p in here.parameters.values():
            if p.id in there.parameters:
                continue
            for alias in p.aliases:
                if alias in there.parameters and alias not in here.parameters:
                    out[alias] = p.id
    return out


def _rekey(rules: dict[RuleKey, tuple[Entry, ...]], rename: dict[str, str]
           ) -> dict[RuleKey, tuple[Entry, ...]]:
    if not rename:
        return rules
    out: dict[RuleKey, tuple[Entry, ...]] = {}
    for (region, pid, bk), entries in rules.items():
        key = (region, rename.get(pid, pid), bk)
        out[key] = out.get(key, ()) + entries
    return out


def _normalized(e: Entry, rename: dict[str, str]) -> Entry:
    pid = rename.get(e.parameter)
    return e if pid is None else replace(e, parameter=pid)


def diff(old: PolicySet, new: PolicySet, old_display: str = "",
         new_display: str = "") -> list[Change]:
    """Every semantic change from `old` to `new`, sorted. The displays prefix file names
    in locations (e.g. "policies")."""
    lo, ln = _Locator(old, old_display), _Locator(new, new_display)
    rename = renames(old.catalogue, new.catalogue)
    changes: list[Change] = []
    changes += _diff_regions(old, new, lo, ln)
    changes += _diff_rules(old, new, lo, ln, rename)
    changes += _diff_catalogue(old.catalogue, new.catalogue, lo, ln, rename)
    changes += _diff_sources(old, new, lo, ln)
    return sort_changes(changes)


def _diff_regions(old: PolicySet, new: PolicySet, lo: _Locator, ln: _Locator) -> list[Change]:
    out = []
    for code in sorted(set(old.regions) | set(new.regions)):
        a, b = old.regions.get(code), new.regions.get(code)
        if a is None and b is not None:
            out.append(Change("region", "added", code, new=b, new_at=ln.region(b)))
        elif b is None and a is not None:
            out.append(Change("region", "removed", code, old=a, old_at=lo.region(a)))
        elif a is not None and b is not None and a != b:
            fc = _plain_fields(region_plain(a), region_plain(b))
            first = fc[0].name if fc else None
            out.append(Change("region", "changed", code, fields=fc, old=a, new=b,
                              old_at=lo.region(a, first if first in region_plain(a) else None),
                              new_at=ln.region(b, first if first in region_plain(b) else None)))
    return out


def _diff_rules(old: PolicySet, new: PolicySet, lo: _Locator, ln: _Locator,
                rename: dict[str, str]) -> list[Change]:
    out = []
    old_rules, new_rules = _rekey(old.rules, rename), _rekey(new.rules, rename)
    for key in sorted(set(old_rules) | set(new_rules)):
        region, pid, bk = key
        a = old_rules.get(key, ())
        b = new_rules.get(key, ())
        if a == b:  # the common case: an untouched rule
            continue
        na = tuple(_normalized(e, rename) for e in a)
        nb = tuple(_normalized(e, rename) for e in b)
        pairs, removed, added = match_entries(na, nb)
        for i, j in pairs:
            fc = _entry_fields(na[i], nb[j])
            if fc:
                out.append(Change("rule", "changed", region, pid, bk, fc, a[i], b[j],
                                  lo.entry(a[i]), ln.entry(b[j])))
        for i in removed:
            out.append(Change("rule", "removed", region, pid, bk, old=a[i],
                              old_at=lo.entry(a[i])))
        for j in added:
            out.append(Change("rule", "added", region, pid, bk, new=b[j], new_at=ln.entry(b[j])))
    return out


def _diff_items(scope: str, section: str, old: dict[str, Any], new: dict[str, Any],
                plain: Callable[[Any], dict[str, Any]], lo: _Locator, ln: _Locator,
                skip: frozenset[str] = frozenset()) -> list[Change]:
    out = []
    for key in sorted(set(old) | set(new)):
        if key in skip:
            continue
        a, b = old.get(key), new.get(key)
        if a is None:
            out.append(Change(scope, "added", key, new=b, new_at=ln.catalogue_item(section, key)))
        elif b is None:
            out.append(Change(scope, "removed", key, old=a,
                              old_at=lo.catalogue_item(section, key)))
        elif a != b:
            out.append(Change(scope, "changed", key, fields=_plain_fields(plain(a), plain(b)),
                              old=a, new=b, old_at=lo.catalogue_item(section, key),
                              new_at=ln.catalogue_item(section, key)))
    return out


def _diff_catalogue(old: Catalogue, new: Catalogue, lo: _Locator, ln: _Locator,
                    rename: dict[str, str]) -> list[Change]:
    out: list[Change] = []
    renamed_ids = set(rename) | set(rename.values())
    out += _diff_items("parameter", "parameters", old.parameters, new.parameters,
                       parameter_to_plain, lo, ln, skip=frozenset(renamed_ids))
    for alias, canon in sorted(rename.items()):
        a = old.parameters.get(alias) or old.parameters.get(canon)
        b = new.parameters.get(alias) or new.parameters.get(canon)
        assert a is not None and b is not None
        plain_a = {"id": a.id, **parameter_to_plain(a)}
        plain_b = {"id": b.id, **parameter_to_plain(b)}
        out.append(Change("parameter", "renamed", canon, fields=_plain_fields(plain_a, plain_b),
                          old=a, new=b, old_at=lo.catalogue_item("parameters", a.id),
                          new_at=ln.catalogue_item("parameters", b.id)))
    out += _diff_items("dimension", "dimensions", old.dimensions, new.dimensions,
                       dimension_plain, lo, ln)
    out += _diff_items("area", "areas", dict(old.areas), dict(new.areas), label_plain, lo, ln)
    out += _diff_items("scheme", "schemes", dict(old.schemes), dict(new.schemes), label_plain,
                       lo, ln)
    return out


def _diff_sources(old: PolicySet, new: PolicySet, lo: _Locator, ln: _Locator) -> list[Change]:
    out = []
    for sid in sorted(set(old.sources) | set(new.sources)):
        a, b = old.sources.get(sid), new.sources.get(sid)
        if a is None and b is not None:
            out.append(Change("source", "added", sid, new=b, new_at=ln.source(b)))
        elif b is None and a is not None:
            out.append(Change("source", "removed", sid, old=a, old_at=lo.source(a)))
        elif a is not None and b is not None and a != b:
            out.append(Change("source", "changed", sid,
                              fields=_plain_fields(source_plain(a), source_plain(b)),
                              old=a, new=b, old_at=lo.source(a), new_at=ln.source(b)))
    return out


# -- rules in force on two dates --------------------------------------------------------------
def diff_at(ps: PolicySet, day_old: str, day_new: str, display: str = "") -> list[Change]:
    """For every region, the rules in force on `day_old` against those on `day_new`
    (inheritance resolved, `PolicySet.in_force`). Entries are compared whole: a
    different entry in force is a "changed" rule, with its fields."""
    loc = _Locator(ps, display)
    out = []
    for code in sorted(ps.regions):
        a = ps.in_force(code, day_old)
        b = ps.in_force(code, day_new)
        for pid, bk in sorted(set(a) | set(b)):
            ra, rb = a.get((pid, bk)), b.get((pid, bk))
            if ra is not None and rb is not None:
                if ra.entry == rb.entry and ra.origin == rb.origin:
                    continue
                fc = _entry_fields(ra.entry, rb.entry)
                if ra.origin != rb.origin:
                    fc = (*fc, FieldChange("origin", ra.origin, rb.origin))
                out.append(Change("rule", "changed", code, pid, bk, fc, ra.entry, rb.entry,
                                  loc.entry(ra.entry), loc.entry(rb.entry),
                                  ra.origin, rb.origin))
            elif rb is not None:
                out.append(Change("rule", "added", code, pid, bk, new=rb.entry,
                                  new_at=loc.entry(rb.entry), new_origin=rb.origin))
            elif ra is not None:
                out.append(Change("rule", "removed", code, pid, bk, old=ra.entry,
                                  old_at=loc.entry(ra.entry), old_origin=ra.origin))
    return sort_changes(out)


# -- order, counts, apply -----------------------------------------------------------------------
def _sort_key(c: Change) -> tuple[Any, ...]:
    entry = c.new if c.new is not None else c.old
    anchor = ""
    if isinstance(entry, Entry):
        anchor = entry.begins or entry.end or ""
    return (SCOPES.index(c.scope), c.key, c.parameter, c.breakdown, anchor,
            ACTIONS.index(c.action))


def _tie_key(c: Change) -> tuple[str, str]:
    return (canonical_text(c.old), canonical_text(c.new))


def sort_changes(changes: Iterable[Change]) -> list[Change]:
    """A total, deterministic order. The full content breaks the (rare) ties of the
    cheap key, so it is computed only for them."""
    out: list[Change] = []
    for _, group in groupby(sorted(changes, key=_sort_key), key=_sort_key):
        items = list(group)
        out.extend(sorted(items, key=_tie_key) if len(items) > 1 else items)
    return out


def counts(changes: Iterable[Change]) -> dict[str, dict[str, int]]:
    """{scope: {action: n}} for every scope and action (zeros included)."""
    out = {s: dict.fromkeys(ACTIONS, 0) for s in SCOPES}
    for c in changes:
        out[c.scope][c.action] += 1
    return out


def apply(old: PolicySet, changes: Iterable[Change]) -> dict[RuleKey, tuple[Entry, ...]]:
    """The old side's rules with the changes' new entries applied (canonical form).
    For a history diff, `apply(a, diff(a, b)) == canonical_rules(b.rules)`."""
    changes = list(changes)
    rename = {c.old.id: c.new.id for c in changes
              if c.scope == "parameter" and c.action == "renamed"}
    rules: dict[RuleKey, list[Entry]] = {}
    for (region, pid, bk), entries in old.rules.items():
        new_pid = rename.get(pid, pid)
        rules.setdefault((region, new_pid, bk), []).extend(
            replace(e, parameter=new_pid) if new_pid != pid else e for e in entries)
    for c in changes:
        if c.scope != "rule":
            continue
        if c.old is not None:
            gone = c.old if c.old.parameter not in rename else replace(
                c.old, parameter=rename[c.old.parameter])
            rules[gone.rule_key].remove(gone)
        if c.new is not None:
            rules.setdefault(c.new.rule_key, []).append(c.new)
    return canonical_rules(rules)


__all__ = ["ACTIONS", "ASPECTS", "SCOPES", "Change", "FieldChange", "Location", "apply",
           "canonical_rules", "counts", "diff", "diff_at", "match_entries", "renames",
           "sort_changes"]
