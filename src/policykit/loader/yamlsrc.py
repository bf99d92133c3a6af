"""YAML text → plain data, two ways that must agree.

* `parse_fast`: the Rust `yaml_rs` parser (YAML 1.2 core schema, duplicate keys
  rejected, alias replay bounded). It gives no positions, so it is used only to
  get the data of files that turn out to be fine.
* `parse_exact`: PyYAML's composer (libyaml when present) with a YAML 1.2 core
  resolver, our own duplicate-key and alias checks, and a map from every JSON
  pointer to its line and column. Every diagnostic comes from this path.

Both keep dates as strings (no timestamp resolver) and `no`/`yes` as strings.
Lexical checks that must hold for both (tabs in indentation) run first, in
`lexical_problems`, so the two paths cannot disagree on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from policykit import codes
from policykit.diagnostics import Diagnostic
from policykit.loader.yamlhelp import explain

# A region file with 200 dated values is ~25 KB; 1 MiB leaves room for 40x that.
MAX_BYTES = 1 << 20
# Nodes visited while expanding one file: bounds alias bombs in the exact path.
MAX_NODES = 200_000

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CoreLoader(_BaseLoader):  # type: ignore[misc]
    """YAML 1.2 core schema: only true/false, null, ints and floats are implicit."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}


_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""],
)
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)

_STR = "tag:yaml.org,2002:str"
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)


@dataclass
class Parsed:
    data: Any
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def pointer_join(base: str, token: object) -> str:
    tok = str(token).replace("~", "~0").replace("/", "~1")
    return f"{base}/{tok}"


def lexical_problems(text: str, file: str) -> list[Diagnostic]:
    out = []
    for m in _TAB_INDENT.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        col = m.end() - m.start()
        out.append(codes.make("E_YAML_TAB", file, "", line=line).at(line, col))
    return out


def parse_fast(text: str) -> Any:
    """Parse with yaml_rs; raises on any problem (the caller then takes the exact path)."""
    import yaml_rs

    limits = yaml_rs.AliasLimits(max_total_replayed_events=MAX_NODES)
    return yaml_rs.loads(text, parse_datetime=False, alias_limits=limits)


def compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document, tags resolved as YAML 1.2 (for tools that
    need node positions, such as `extract --write`); raises yaml.YAMLError."""
    return yaml.compose(text, Loader=_CoreLoader)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        low = value.lower()
        if low.endswith("inf"):
            return float("-inf") if low.startswith("-") else float("inf")
        if low.endswith("nan"):
            return float("nan")
        return float(value)
    raise _TagError(tag)


class _TagError(Exception):
    def __init__(self, tag: str, where: tuple[int, int] = (1, 1)) -> None:
        self.tag = tag
        self.where = where


class _AliasError(Exception):
    def __init__(self, where: tuple[int, int]) -> None:
        self.where = where


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def parse_exact(text: str, file: str) -> Parsed:
    """Compose with PyYAML, then build data + pointer positions, collecting problems."""
    result = Parsed(data=None)
    result.diagnostics.extend(lexical_problems(text, file))
    if result.diagnostics:
        return result
    try:
        nodes = list(yaml.compose_all(text, Loader=_CoreLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        context_line = exc.context_mark.line + 1 if exc.context_mark else None
        zh, en = explain(problem, exc.context, text, line, col, context_line)
        result.diagnostics.append(
            codes.make("E_YAML_SYNTAX", file, "", problem_zh=zh, problem_en=en).at(line, col))
        return result
    except yaml.YAMLError as exc:
        zh, en = explain(str(exc), None, text, 1, 1, None)
        result.diagnostics.append(
            codes.make("E_YAML_SYNTAX", file, "", problem_zh=zh, problem_en=en).at(1, 1))
        return result
    if len(nodes) > 1:
        line, col = _pos(nodes[1])
        result.diagnostics.append(codes.make("E_YAML_DOCUMENTS", file, "").at(line, col))
        return result
    if not nodes:
        return result
    budget = [MAX_NODES]
    positions: dict[str, tuple[int, int]] = {}
    dup: list[Diagnostic] = []

    def build(node: yaml.Node, ptr: str) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise _AliasError(_pos(node))
        positions.setdefault(ptr, _pos(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                return _scalar(node)
            except _TagError as exc:
                raise _TagError(exc.tag, _pos(node)) from None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise _TagError(node.tag, _pos(node))
            return [build(child, pointer_join(ptr, i)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise _TagError(node.tag, _pos(node))
            out: dict[Any, Any] = {}
            first_line: dict[Any, int] = {}
            for knode, vnode in node.value:
                if not isinstance(knode, yaml.ScalarNode):
                    raise _TagError("complex-key", _pos(knode))
                key = _scalar(knode)
                kptr = pointer_join(ptr, key)
                if key in out:
                    kl, kc = _pos(knode)
                    dup.append(codes.make(
                        "E_YAML_DUPLICATE_KEY", file, kptr, key=key, first=first_line[key],
                    ).at(kl, kc))
                    continue
                first_line[key] = _pos(knode)[0]
                positions.setdefault(kptr + "#key", _pos(knode))
                out[key] = build(vnode, kptr)
            return out
        raise _TagError(str(node.tag), _pos(node))

    try:
        data = build(nodes[0], "")
    except _AliasError as exc:
        result.diagnostics.append(
            codes.make("E_YAML_ALIAS", file, "", limit=MAX_NODES).at(*exc.where))
        return result
    except _TagError as exc:
        result.diagnostics.append(codes.make("E_YAML_TAG", file, "", tag=exc.tag).at(*exc.where))
        return result
    result.positions = positions
    if dup:
        result.diagnostics.extend(dup)
        return result
    result.data = data
    return result

