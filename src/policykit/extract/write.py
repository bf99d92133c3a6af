"""`--write`: append draft entries to a region's region.yaml, and nothing else.

The file is edited as text, not re-dumped, so the officer's comments, key order
and formatting survive: the new `- parameter:` items go at the end of the
`rules:` block. Before the file is replaced (atomically) the result must parse,
hold exactly the old rules plus the new ones, and pass the region schema;
otherwise nothing is written.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from policykit.extract.errors import fail
from policykit.extract.pipeline import Proposal, problems_text
from policykit.extract.render import dedupe, entry_lines, rules_items
from policykit.loader import schema
from policykit.loader.discover import discover, kind_of
from policykit.loader.positions import place
from policykit.loader.readfile import load_as
from policykit.loader.yamlsrc import compose, parse_exact
from policykit.model.entities import code_str


def find_region_file(root: Path, code: str) -> Path:
    """The region file of `code`, among the files the loader finds under root."""
    rels, _ = discover(root, str(root))
    for rel in rels:
        if kind_of(rel) != "region":
            continue
        try:
            data = parse_exact((root / rel).read_text(encoding="utf-8"), rel).data
        except (OSError, UnicodeDecodeError):
            continue
        region = data.get("region") if isinstance(data, dict) else None
        if isinstance(region, dict) and code_str(region.get("code", "")) == code:
            return root / rel
    raise fail("E_EXTRACT_REGION", root=root, code=code)


_VALUE_KEYS = ("ratio", "amount", "number", "count", "duration", "date", "flag", "adjustment",
               "diseases", "unknown")


def _canon(v: Any) -> str:
    """A value's identity regardless of int/float/Decimal spelling (0.9 == 0.90)."""
    def norm(x: Any) -> Any:
        if isinstance(x, bool) or x is None or isinstance(x, str):
            return x
        if isinstance(x, (int, float, Decimal)):
            return format(Decimal(str(x)).normalize(), "f")
        if isinstance(x, dict):
            return {str(k): norm(y) for k, y in x.items()}
        if isinstance(x, (list, tuple)):
            return [norm(y) for y in x]
        return str(x)
    return json.dumps(norm(v), sort_keys=True, ensure_ascii=False)


_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7}\)")


def _quote_key(quote: str) -> str:
    # The project writes quotes without the pinyin glosses of the archived seeds.
    return "quote:" + _GLOSS.sub("", quote)


def _value_key(key: str, value: Any) -> str:
    if key == "diseases" and isinstance(value, dict):
        # A list is "the same" when it declares the same count; names are curated by hand.
        value = {"declared_count": value.get("declared_count")}
    return f"value:{key}:{_canon(value)}"


def _existing(data: Any) -> set[tuple[str, str, str]]:
    """What the file already says, per rule: each entry's quote and each entry's value.
    A draft that repeats either adds nothing (and re-runs add nothing)."""
    out = set()
    for rule in (data or {}).get("rules") or []:
        if not isinstance(rule, dict):
            continue
        bd = json.dumps(rule.get("breakdown") or {}, sort_keys=True)
        for e in rule.get("history") or []:
            if isinstance(e, dict):
                out.add((str(rule.get("parameter")), bd, _quote_key(str(e.get("quote")))))
                key = next((k for k in _VALUE_KEYS if k in e), None)
                if key:
                    out.add((str(rule.get("parameter")), bd, _value_key(key, e[key])))
    return out


def insert_rules(text: str, items_for_indent: Callable[[str], str]) -> str:
    """`text` with rule items appended to its top-level `rules:` block."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    at = next((i for i, ln in enumerate(lines) if re.match(r"^rules\s*:", ln)), None)
    if at is None:
        return "".join(lines) + "rules:\n" + items_for_indent("  ")
    if re.match(r"^rules\s*:\s*\[\s*\]\s*(#.*)?$", lines[at]):
        lines[at] = "rules:\n"
    end = len(lines)
    indent = None
    for i in range(at + 1, len(lines)):
        ln = lines[i]
        if ln.strip() and not ln[0].isspace() and not ln.startswith(("#", "-")):
            end = i
            break
        m = re.match(r"^(\s*)- ", ln)
        if indent is None and m:
            indent = m.group(1)
    # Trailing blank lines and comments after the last item stay after the new items.
    while end > at + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return "".join(lines[:end]) + items_for_indent(indent if indent is not None else "  ") + \
        "".join(lines[end:])


def _content_end(node: yaml.Node) -> Any:
    """Where a node's own text ends. A block collection's end mark points at the next
    token (possibly the next rule's "- parameter:"), so take the furthest scalar or
    flow collection inside it instead."""
    if isinstance(node, yaml.ScalarNode) or (
            isinstance(node, yaml.CollectionNode) and node.flow_style):
        return node.end_mark
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    marks = [_content_end(c) for c in children]
    return max(marks, key=lambda m: m.index) if marks else node.end_mark


def _history_ends(text: str) -> dict[tuple[str, str], tuple[int, str]]:
    """For each existing rule: the line after its last history entry and the entry indent.

    Appending to an existing rule (rather than adding a second rule with the same
    parameter and breakdown, which the loader rejects) needs node positions, which
    PyYAML's composer gives."""
    out: dict[tuple[str, str], tuple[int, str]] = {}
    try:
        root = compose(text)
    except yaml.YAMLError:
        return out
    data = parse_exact(text, "").data
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        return out
    rules = next((v for k, v in root.value if k.value == "rules"), None)
    if not isinstance(rules, yaml.SequenceNode):
        return out
    for rule, plain in zip(rules.value, data.get("rules") or (), strict=False):
        if not isinstance(rule, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in rule.value}
        history = fields.get("history")
        param = fields.get("parameter")
        if not isinstance(history, yaml.SequenceNode) or history.flow_style or not history.value:
            continue
        if not isinstance(param, yaml.ScalarNode):
            continue
        bd = plain.get("breakdown") if isinstance(plain, dict) else None
        mark = _content_end(history.value[-1])
        line = mark.line if mark.column == 0 else mark.line + 1
        indent = " " * max(0, history.value[0].start_mark.column - 2)
        out[(str(param.value), json.dumps(bd or {}, sort_keys=True))] = (line, indent)
    return out


def _extends(old: list[Any], new: list[Any]) -> bool:
    """`new` holds every old rule and history entry unchanged, in place, plus more."""
    if len(new) < len(old):
        return False
    for a, b in zip(old, new, strict=False):
        if not isinstance(a, dict) or not isinstance(b, dict):
            if a != b:
                return False
            continue
        ha, hb = a.get("history") or [], b.get("history") or []
        rest_a = {k: v for k, v in a.items() if k != "history"}
        rest_b = {k: v for k, v in b.items() if k != "history"}
        if rest_a != rest_b or hb[:len(ha)] != ha:
            return False
    return True


@dataclass(frozen=True)
class Skipped:
    """A draft that was not written, and why (Chinese, English)."""

    proposal: Proposal
    zh: str
    en: str


@dataclass(frozen=True)
class Appended:
    added: int
    skipped: tuple[Skipped, ...]


def _sorted_out(proposals: Sequence[Proposal], have: set[tuple[str, str, str]]
                ) -> tuple[list[Proposal], list[Skipped]]:
    """The drafts to write, and every other one with the reason it is left out."""
    kept = dedupe(proposals)
    kept_ids = {id(p) for p in kept}
    skipped = [Skipped(p, "与本文件中前面的一条草稿相同（同一参数、细分和数值）",
                       "same as an earlier draft of this document (parameter, breakdown, value)")
               for p in proposals if id(p) not in kept_ids]
    fresh = []
    for p in kept:
        rule = (p.parameter or "", json.dumps(dict(p.breakdown), sort_keys=True))
        if (*rule, _quote_key(p.quote)) in have:
            skipped.append(Skipped(p, "地区文件中该规则已有摘录相同的条目",
                                   "the region file already has an entry of this rule "
                                   "with the same quote"))
        elif (*rule, _value_key(p.value_key or "", p.value)) in have:
            skipped.append(Skipped(p, "地区文件中该规则已有数值相同的条目",
                                   "the region file already has an entry of this rule "
                                   "with the same value"))
        else:
            fresh.append(p)
    return fresh, skipped


def append_drafts(path: Path, proposals: Sequence[Proposal], source_id: str) -> int:
    """Append the drafts not yet in the file; returns how many entries were added."""
    return append_drafts_report(path, proposals, source_id).added


def append_drafts_report(path: Path, proposals: Sequence[Proposal], source_id: str
                         ) -> Appended:
    """Append the drafts not yet in the file: how many were added, and every draft
    left out with the reason (already in the file, or repeated in the document)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise fail("E_EXTRACT_WRITE", path=path, reason=f"无法读取 cannot read ({e})") from e
    parsed = parse_exact(text, str(path))
    if parsed.diagnostics:
        raise fail("E_EXTRACT_WRITE", path=path,
                   reason=f"无法读取 cannot read ({problems_text(parsed.diagnostics)})")
    before = parsed.data or {}
    fresh, skipped = _sorted_out(proposals, _existing(before))
    if not fresh:
        return Appended(0, tuple(skipped))
    ends = _history_ends(text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    to_existing: dict[int, list[str]] = {}
    new_rules_props = []
    for p in fresh:
        key = (p.parameter or "", json.dumps(dict(p.breakdown), sort_keys=True))
        if key in ends:
            line, indent = ends[key]
            to_existing.setdefault(line, []).extend(entry_lines(p, source_id, indent))
        else:
            new_rules_props.append(p)
    # Bottom-up, so earlier line numbers stay valid.
    for line in sorted(to_existing, reverse=True):
        lines[line:line] = [ln + "\n" for ln in to_existing[line]]
    new_text = "".join(lines)
    if new_rules_props:
        new_text = insert_rules(new_text,
                                lambda indent: rules_items(new_rules_props, source_id, indent))
    result = parse_exact(new_text, str(path))
    if result.diagnostics:
        raise fail("E_EXTRACT_WRITE", path=path,
                   reason=f"结果不是有效 YAML ({problems_text(result.diagnostics)})")
    after = result.data
    old_rules = before.get("rules") or [] if isinstance(before, dict) else []
    new_rules = after.get("rules") or [] if isinstance(after, dict) else []
    if not _extends(old_rules, new_rules):
        raise fail("E_EXTRACT_WRITE", path=path, reason="原有规则会被改动 existing rules would change")
    errors = place(schema.diagnose("region", after, str(path)), result.positions)
    if errors:
        raise fail("E_EXTRACT_WRITE", path=path,
                   reason=f"结果不符合结构定义 schema: {problems_text(errors)}")
    tmp = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                      prefix=".region.", suffix=".tmp")
    try:
        with tmp:
            tmp.write(new_text)
        os.replace(tmp.name, path)
    except OSError as e:
        Path(tmp.name).unlink(missing_ok=True)
        raise fail("E_EXTRACT_WRITE", path=path, reason=e.strerror or str(e)) from e
    return Appended(len(fresh), tuple(skipped))


def default_source_id(root: Path, file: Path) -> str:
    """The registered source whose `seed:` is this file's name, else draft-<name>.
    Sources files are read as the loader reads them (YAML 1.2); one that does not load
    is passed over here, since `check` reports it."""
    for path in sorted(root.rglob("sources.yaml")) if root.is_dir() else []:
        data = load_as(path, "sources").data
        sources = data.get("sources") if isinstance(data, dict) else None
        for src in sources if isinstance(sources, list) else []:
            if isinstance(src, dict) and src.get("seed") == file.name and src.get("id"):
                return str(src["id"])
    slug = re.sub(r"[^a-z0-9_.-]+", "-", file.stem.lower()).strip("-._")
    return f"draft-{slug}" if slug else "draft"
