"""The policy model: frozen values built from validated plain data.

Numbers are exact `Decimal`s. YAML floats are converted through `repr`, which
is the shortest text that round-trips, so `0.9` in a file is `Decimal("0.9")`
and 2.8 - 0.7 == 2.1 holds (file values have far fewer than 15 digits).
Each object keeps the file and JSON pointer it came from; line numbers are
looked up on demand (`PolicySet.locate`) and never take part in equality.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import lru_cache
from sys import intern
from typing import Any, TypeVar

T = TypeVar("T")

VALUE_KINDS = ("ratio", "amount", "number", "count", "duration", "date", "flag",
               "adjustment", "diseases", "unknown")
IN_FORCE_STATUSES = frozenset({"in_force", "temporary", "repealed"})
NATIONAL = "000000"
# A region code (GB/T 2260): six ASCII digits, the whole string. Use it with
# `fullmatch`: `match` with `$` lets a trailing newline through, and `\d` takes
# any script's digits. The JSON Schemas derive their pattern from this one.
CODE_RE = re.compile(r"[0-9]{6}")
# how a source's archived text may be normalised before its quotes are sought in it
# (docs/format.md §4; implemented in check/quotes.py)
QUOTE_NORMALISATIONS = ("strip-pinyin-glosses",)


# The same few thousand numbers recur across 480,000 values: one Decimal each.
# Zero is not memoised (0.0 and -0.0 are equal keys), nor NaN (never equal).
_FLOATS: dict[float, Decimal] = {}
_INTS: dict[int, Decimal] = {}
_MEMO_MAX = 1 << 16


def dec(x: Any) -> Decimal:
    t = type(x)
    if t is float:
        d = _FLOATS.get(x)
        if d is None:
            d = Decimal(repr(x))
            if x and x == x and len(_FLOATS) < _MEMO_MAX:
                _FLOATS[x] = d
        return d
    if t is int:
        d = _INTS.get(x)
        if d is None:
            d = Decimal(x)
            if len(_INTS) < _MEMO_MAX:
                _INTS[x] = d
        return d
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise TypeError("boolean is not a number")
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, float):
        return Decimal(repr(x))
    return Decimal(str(x))


def _opt(x: Any) -> str | None:
    """An optional short string, interned: statuses, dates and source ids recur."""
    return None if x is None else intern(str(x))


@lru_cache(maxsize=1 << 16)
def plain_number(d: Decimal) -> int | float:
    """The JSON/YAML number for a Decimal (int when integral). Cached: the same few
    thousand numbers recur across a million values, and equal Decimals (1 and 1.0)
    give equal results."""
    if d == d.to_integral_value() and abs(d) <= _MAX_JSON_INT:
        return int(d)  # an integer stays an integer, exactly, up to 64 bits
    return float(d)


# The integers orjson writes (the loader refuses larger ones: E_NUMBER).
_MAX_JSON_INT = (1 << 63) - 1


def code_str(x: Any) -> str:
    return f"{x:06d}" if isinstance(x, int) else str(x)


def date_str(x: Any) -> str:
    return str(x)


def first_day(partial: str) -> str:
    """The first day a partial date covers: 2020 → 2020-01-01, 2020-07 → 2020-07-01."""
    if len(partial) == 4:
        return partial + "-01-01"
    if len(partial) == 7:
        return partial + "-01"
    return partial


@dataclass(frozen=True, slots=True)
class Label:
    zh: str
    en: str | None = None

    @staticmethod
    def of(d: dict[str, Any] | None) -> Label | None:
        return None if d is None else Label(d["zh"], d.get("en"))

    def to_plain(self) -> dict[str, str]:
        return {"zh": self.zh, **({"en": self.en} if self.en else {})}


@dataclass(frozen=True, slots=True)
class Disease:
    name: str
    normalized: str | None = None
    nhsa_code: str | None = None
    mapping: str | None = None
    annual_limit: Decimal | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DiseaseList:
    complete: bool
    items: tuple[Disease, ...]
    declared_count: int | None = None


@dataclass(frozen=True, slots=True)
class Value:
    """A typed value. Exactly the fields of its kind are set.

    ratio/amount/number: `number`, or `low`+`high` for a range;
    count: `number` (integral); duration: `number` or range, plus `unit`;
    date: `text`; flag: `flag`; adjustment: `number`, `mode`, `direction`;
    diseases: `diseases`; unknown: `text` (the reason).
    """

    kind: str
    number: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None
    mode: str | None = None
    direction: str | None = None
    flag: bool | None = None
    text: str | None = None
    diseases: DiseaseList | None = None

    @property
    def is_range(self) -> bool:
        return self.low is not None

    @property
    def is_unknown(self) -> bool:
        return self.kind == "unknown"

    def numbers(self) -> tuple[Decimal, ...]:
        if self.number is not None:
            return (self.number,)
        if self.low is not None and self.high is not None:
            return (self.low, self.high)
        return ()


def positional(cls: type[T]) -> Callable[..., T]:
    """A constructor for a frozen, slotted dataclass taking every field, in
    declaration order, with no defaults, that sets each slot directly.

    The __init__ a frozen dataclass gets routes each field through
    object.__setattr__; at 480,000 entries (3,000 regions) that alone costs about
    a second. Used only on the loading hot path; tests compare its objects with
    the ones __init__ makes.
    """
    setters = tuple(getattr(cls, f.name).__set__ for f in fields(cls))  # type: ignore[arg-type]
    new = object.__new__

    def make(*values: Any) -> T:
        obj = new(cls)
        for put, v in zip(setters, values, strict=True):
            put(obj, v)
        return obj

    return make


_new_value = positional(Value)


def _ranged(kind: str, raw: Any, unit: str | None = None) -> Value:
    # fields: kind number low high unit mode direction flag text diseases
    if isinstance(raw, dict):
        return _new_value(kind, None, dec(raw["min"]), dec(raw["max"]), unit,
                          None, None, None, None, None)
    return _new_value(kind, dec(raw), None, None, unit, None, None, None, None, None)


def value_from_plain(entry: dict[str, Any]) -> Value:
    for kind in VALUE_KINDS:
        if kind in entry:
            raw = entry[kind]
            break
    else:  # schema guarantees one
        raise ValueError("no value key")
    if kind in ("ratio", "amount", "number"):
        return _ranged(kind, raw)
    if kind == "count":
        return Value(kind, number=dec(raw))
    if kind == "duration":
        return _ranged(kind, raw["value"], raw["unit"])
    if kind == "date":
        return Value(kind, text=date_str(raw))
    if kind == "flag":
        return Value(kind, flag=bool(raw))
    if kind == "adjustment":
        return Value(kind, number=dec(raw["value"]), mode=raw["mode"],
                     direction=raw.get("direction"))
    if kind == "diseases":
        items = tuple(
            Disease(
                name=i["name"], normalized=i.get("normalized"), nhsa_code=i.get("nhsa_code"),
                mapping=i.get("mapping"),
                annual_limit=None if i.get("annual_limit") is None else dec(i["annual_limit"]),
                note=i.get("note"),
            )
            for i in raw["items"]
        )
        return Value(kind, diseases=DiseaseList(raw["complete"], items, raw.get("declared_count")))
    return Value("unknown", text=str(raw))


def _ranged_plain(v: Value) -> Any:
    if v.is_range:
        assert v.low is not None and v.high is not None
        return {"min": plain_number(v.low), "max": plain_number(v.high)}
    assert v.number is not None
    return plain_number(v.number)


def value_to_plain(v: Value) -> dict[str, Any]:
    """The value key and its data, exactly as the YAML format writes it."""
    if v.kind in ("ratio", "amount", "number", "count"):
        return {v.kind: _ranged_plain(v)}
    if v.kind == "duration":
        return {"duration": {"value": _ranged_plain(v), "unit": v.unit}}
    if v.kind == "flag":
        return {"flag": v.flag}
    if v.kind == "adjustment":
        assert v.number is not None
        adj: dict[str, Any] = {"value": plain_number(v.number), "mode": v.mode}
        if v.direction:
            adj["direction"] = v.direction
        return {"adjustment": adj}
    if v.kind == "diseases":
        assert v.diseases is not None
        dl = v.diseases
        items = []
        for d in dl.items:
            item: dict[str, Any] = {"name": d.name}
            for k in ("normalized", "nhsa_code", "mapping", "note"):
                if getattr(d, k) is not None:
                    item[k] = getattr(d, k)
            if d.annual_limit is not None:
                item["annual_limit"] = plain_number(d.annual_limit)
            items.append(item)
        out: dict[str, Any] = {"complete": dl.complete, "items": items}
        if dl.declared_count is not None:
            out["declared_count"] = dl.declared_count
        return {"diseases": out}
    return {v.kind: v.text}


@dataclass(frozen=True, slots=True)
class Delta:
    old: Decimal
    by: Decimal
    mode: str


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    check: str
    reason: str


Breakdown = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated value of a rule, with its provenance."""

    region: str
    parameter: str
    breakdown_items: Breakdown
    status: str
    value: Value
    source: str
    quote: str
    start: str | None = None
    end: str | None = None
    observed: str | None = None
    bound: str = "exact"
    coverage_year: int | None = None
    notice_year: int | None = None
    obtained: str = "stated"
    derivation: str | None = None
    confidence: str | None = None
    checked_on: str | None = None
    note: str | None = None
    delta: Delta | None = None
    acknowledge: tuple[Acknowledgement, ...] = ()
    file: str = field(default="", compare=False)
    pointer: str = field(default="", compare=False)

    @property
    def breakdown(self) -> dict[str, str]:
        return dict(self.breakdown_items)

    @property
    def rule_key(self) -> tuple[str, str, Breakdown]:
        return (self.region, self.parameter, self.breakdown_items)

    @property
    def begins(self) -> str | None:
        """First day of the interval in which the entry may be in force."""
        if self.start is not None:
            return first_day(self.start)
        return self.observed

    @property
    def ends(self) -> str | None:
        return None if self.end is None else first_day(self.end)

    @property
    def can_be_in_force(self) -> bool:
        """In force on some day (docs/format.md §3.3 rules 1, 2 and 5)."""
        return ((self.status in IN_FORCE_STATUSES
                 or (self.status == "planned" and self.start is not None))
                and self.begins is not None)

    def value_pointer(self) -> str:
        return f"{self.pointer}/{self.value.kind}"


def entry_from_plain(region: str, parameter: str, breakdown: Breakdown, raw: dict[str, Any],
                     file: str = "", pointer: str = "") -> Entry:
    get = raw.get
    delta = get("delta")
    start = get("start")
    end = get("end")
    ack = get("acknowledge")
    # Repeated short strings are interned: at 3,000 regions that saves ~100 MB.
    return _new_entry(  # Entry's fields in declaration order (see `positional`)
        region, parameter, breakdown, intern(raw["status"]), value_from_plain(raw),
        intern(raw["source"]), raw["quote"],
        None if start is None else intern(date_str(start)),
        None if end is None else intern(date_str(end)),
        _opt(get("observed")), intern(get("bound", "exact")), get("coverage_year"),
        get("notice_year"), intern(get("obtained", "stated")), get("derivation"),
        _opt(get("confidence")), _opt(get("checked_on")), get("note"),
        None if delta is None else Delta(dec(delta["from"]), dec(delta["by"]), delta["mode"]),
        () if not ack else tuple(Acknowledgement(a["check"], a["reason"]) for a in ack),
        file, pointer,
    )


_new_entry = positional(Entry)


def entry_to_plain(e: Entry) -> dict[str, Any]:
    """The history entry as the YAML format writes it (without region/parameter)."""
    out: dict[str, Any] = {"status": e.status, **value_to_plain(e.value),
                           "source": e.source, "quote": e.quote}
    for k in ("start", "end", "observed", "coverage_year", "notice_year", "derivation",
              "confidence", "checked_on", "note"):
        v = getattr(e, k)
        if v is not None:
            out[k] = v
    if e.bound != "exact":
        out["bound"] = e.bound
    if e.obtained != "stated":
        out["obtained"] = e.obtained
    if e.delta is not None:
        out["delta"] = {"from": plain_number(e.delta.old), "by": plain_number(e.delta.by),
                        "mode": e.delta.mode}
    if e.acknowledge:
        out["acknowledge"] = [{"check": a.check, "reason": a.reason} for a in e.acknowledge]
    return out


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: Label
    level: str
    parent: str | None
    pooling_region: str | None
    valid_from: str | None = None
    valid_to: str | None = None
    checked_on: str | None = None
    note: str | None = None
    file: str = field(default="", compare=False)
    # Known only from the division registry: no region file, no rules of its own.
    registry_only: bool = False

    @property
    def pooling(self) -> str:
        return self.pooling_region or self.code

    def to_plain(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "name": self.name.to_plain(),
                               "level": self.level}
        for k in ("parent", "pooling_region", "valid_from", "valid_to", "checked_on", "note"):
            v = getattr(self, k)
            if v is not None:
                out[k] = v
        return out


def region_from_plain(raw: dict[str, Any], file: str = "") -> Region:
    name = Label.of(raw["name"])
    assert name is not None
    return Region(
        code=code_str(raw["code"]),
        name=name,
        level=raw["level"],
        parent=None if raw.get("parent") is None else code_str(raw["parent"]),
        pooling_region=None if raw.get("pooling_region") is None
        else code_str(raw["pooling_region"]),
        valid_from=None if raw.get("valid_from") is None else date_str(raw["valid_from"]),
        valid_to=None if raw.get("valid_to") is None else date_str(raw["valid_to"]),
        checked_on=raw.get("checked_on"),
        note=raw.get("note"),
        file=file,
    )


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    issuer: str
    kind: str
    doc_number: str | None = None
    date: str | None = None
    url: str | None = None
    seed: str | None = None
    official: bool | None = None
    note: str | None = None
    # where the quotes were verified (another source's id, e.g. a third-party copy of an
    # official text) and how the archived text is normalised before a quote is sought
    via: str | None = None
    quote_normalisation: str | None = None
    region: str | None = None  # code of the region whose document it is (R30)
    file: str = field(default="", compare=False)

    def to_plain(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k in ("id", "title", "issuer", "kind", "doc_number", "date", "url", "seed",
                  "via", "quote_normalisation", "region", "official", "note"):
            v = getattr(self, k)
            if v is not None:
                out[k] = v
        return out


def source_from_plain(raw: dict[str, Any], file: str = "") -> Source:
    return Source(
        id=raw["id"], title=raw["title"], issuer=raw["issuer"], kind=raw["kind"],
        doc_number=raw.get("doc_number"),
        date=None if raw.get("date") is None else date_str(raw["date"]),
        url=raw.get("url"), seed=raw.get("seed"), official=raw.get("official"),
        note=raw.get("note"), via=raw.get("via"),
        quote_normalisation=raw.get("quote_normalisation"),
        region=None if raw.get("region") is None else code_str(raw["region"]), file=file,
    )


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    label: Label
    values: tuple[tuple[str, Label], ...]
    ordered: bool = False

    def value_ids(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.values)

    def value_label(self, value: str) -> Label:
        return dict(self.values).get(value, Label(value))


@dataclass(frozen=True, slots=True)
class Parameter:
    id: str
    label: Label
    area: str
    scheme: str
    type: str
    description: Label | None = None
    unit: Label | None = None
    dimensions: tuple[str, ...] = ()
    comparable: bool = False
    higher_is: str = "neutral"
    aliases: tuple[str, ...] = ()
    by_coverage_year: bool = False  # values belong to a coverage year (待遇年度)


@dataclass(frozen=True, slots=True)
class Catalogue:
    areas: tuple[tuple[str, Label], ...]
    schemes: tuple[tuple[str, Label], ...]
    dimensions: dict[str, Dimension]
    parameters: dict[str, Parameter]
    file: str = field(default="", compare=False)

    def area_label(self, area: str) -> Label:
        return dict(self.areas).get(area, Label(area))

    def scheme_label(self, scheme: str) -> Label:
        return dict(self.schemes).get(scheme, Label(scheme))

    def resolve_id(self, pid: str) -> str | None:
        """A parameter id, following aliases of renamed parameters."""
        if pid in self.parameters:
            return pid
        for p in self.parameters.values():
            if pid in p.aliases:
                return p.id
        return None

    def to_plain(self) -> dict[str, Any]:
        return {
            "areas": {k: v.to_plain() for k, v in self.areas},
            "schemes": {k: v.to_plain() for k, v in self.schemes},
            "dimensions": {
                d.id: {"label": d.label.to_plain(), "ordered": d.ordered,
                       "values": {k: v.to_plain() for k, v in d.values}}
                for d in self.dimensions.values()
            },
            "parameters": {p.id: parameter_to_plain(p) for p in self.parameters.values()},
        }


def parameter_to_plain(p: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {"label": p.label.to_plain(), "area": p.area, "scheme": p.scheme,
                           "type": p.type, "dimensions": list(p.dimensions),
                           "comparable": p.comparable, "higher_is": p.higher_is,
                           "aliases": list(p.aliases)}
    if p.description:
        out["description"] = p.description.to_plain()
    if p.unit:
        out["unit"] = p.unit.to_plain()
    if p.by_coverage_year:
        out["by_coverage_year"] = True
    return out


def catalogue_from_plain(raw: dict[str, Any], file: str = "") -> Catalogue:
    def labels(d: dict[str, Any]) -> tuple[tuple[str, Label], ...]:
        return tuple((k, Label(v["zh"], v.get("en"))) for k, v in d.items())

    dims = {
        k: Dimension(k, Label(v["label"]["zh"], v["label"].get("en")), labels(v["values"]),
                     bool(v.get("ordered", False)))
        for k, v in raw["dimensions"].items()
    }
    params = {}
    for pid, p in raw["parameters"].items():
        label = Label.of(p["label"])
        assert label is not None
        params[pid] = Parameter(
            id=pid, label=label, area=p["area"], scheme=p["scheme"], type=p["type"],
            description=Label.of(p.get("description")), unit=Label.of(p.get("unit")),
            dimensions=tuple(p.get("dimensions", ())), comparable=bool(p.get("comparable")),
            higher_is=p.get("higher_is", "neutral"), aliases=tuple(p.get("aliases", ())),
            by_coverage_year=bool(p.get("by_coverage_year")),
        )
    return Catalogue(labels(raw["areas"]), labels(raw["schemes"]), dims, params, file)
