"""YAML text → plain data, two ways that must agree.

* `parse_fast`: the Rust `yaml_rs` parser (YAML 1.2 core schema, duplicate keys
  rejected, alias replay bounded). It gives no positions, so it is used only to
  get the data of files that turn out to be fine.
* `parse_exact`: PyYAML's composer (libyaml when present) with a YAML 1.2 core
  resolver, our own duplicate-key and alias checks, and a map from every JSON
  pointer to its line and column. Every diagnostic comes from this path.

Both keep dates as strings (no timestamp resolver) and `no`/`yes` as strings.
Lexical checks that must hold for both (tabs in indentation, characters YAML does
not allow such as NUL) run first, in `lexical_problems`, so the two paths cannot
disagree on them. The fast path may accept only what the exact path accepts: text
where the two parsers are known to read differently (tags, `1_000`, `.nan`, `.inf`,
huge exponents, very long digit runs) is never given to it (`fast_safe`); the
exact path refuses what it cannot represent exactly (non-finite numbers, integers
beyond 64 bits, nesting deeper than `MAX_DEPTH`). tests/test_hardening_parse_paths.py
holds the two to that.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

import policykit.codes as codes
from policykit.diagnostics import Diagnostic
from policykit.loader.yamlhelp import explain

# A region file with 200 dated values is ~25 KB; 1 MiB leaves room for 40x that.
MAX_BYTES = 1 << 20
# Nodes visited while expanding one file: bounds alias bombs in the exact path.
MAX_NODES = 200_000
# Nesting of flow/block collections: a region file needs 6; far below the recursion limit.
MAX_DEPTH = 64
# Integers the JSON caches and exports keep exactly (orjson's 64-bit range).
MAX_INT = (1 << 63) - 1

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
# Characters outside YAML 1.2's c-printable set (NUL, C0/C1 controls, DEL, surrogates,
# U+FFFE/U+FFFF): PyYAML refuses them, yaml_rs stops at a NUL; both must refuse them.
# NEL, LS and PS are printable but line breaks in YAML 1.1 (PyYAML) and not in 1.2
# (yaml_rs): refused too, so that the two cannot read a line differently.
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_LEXICAL = 10  # diagnostics of one kind per file: the first few say enough
# Text the two parsers read differently; such a file goes to the exact path.
# (yaml_rs reads `1_000`, `_1`, `1_`, `0x1_F`, `.1_0`, `0b11`, `0X1F` and `-0x1F` as
# numbers, PyYAML's core schema as text: any digit beside an underscore or a 0b/0o/0x
# prefix in any case sends the file to the exact path, a file name `000_8df7.txt` too.)
_FAST_UNSAFE = re.compile(
    r"!|\d_|_\d|(?<![0-9a-z_.])0[box]|\.(?:nan|inf)|[eE][-+]?\d{3}|\d{16}"
    r"|^(?:---|\.\.\.|%)",  # document markers and directives: the parsers differ on them
    re.IGNORECASE | re.MULTILINE)


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
        if len(out) >= MAX_LEXICAL:
            break
    for n, m in enumerate(_NOT_PRINTABLE.finditer(text)):
        if n >= MAX_LEXICAL:
            break
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - text.rfind("\n", 0, m.start())
        char = f"U+{ord(m.group()):04X}"
        out.append(codes.make("E_YAML_CONTROL", file, "", line=line, char=char).at(line, col))
    return out


def fast_safe(text: str) -> bool:
    """Whether the fast parser reads this text as the exact one does."""
    return _FAST_UNSAFE.search(text) is None


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
        return _int(value)
    if tag == "tag:yaml.org,2002:float":
        low = value.lower()
        if low.endswith(("nan", "inf")):
            raise _NumberError(value)
        f = float(value)
        if not math.isfinite(f):
            raise _NumberError(value)
        return f
    raise _TagError(tag)


def _int(value: str) -> int:
    if value.startswith("0o"):
        n = int(value[2:], 8)
    elif value.startswith("0x"):
        n = int(value[2:], 16)
    else:
        n = int(value)
    if abs(n) > MAX_INT:
        raise _NumberError(value)
    return n


class _NumberError(Exception):
    def __init__(self, value: str, where: tuple[int, int] = (1, 1)) -> None:
        self.value = value
        self.where = where


class _KeyError(Exception):
    def __init__(self, key: str, where: tuple[int, int]) -> None:
        self.key = key
        self.where = where


class _DepthError(Exception):
    def __init__(self, where: tuple[int, int]) -> None:
        self.where = where


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

    def build(node: yaml.Node, ptr: str, depth: int = 0) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise _AliasError(_pos(node))
        if depth > MAX_DEPTH:
            raise _DepthError(_pos(node))
        positions.setdefault(ptr, _pos(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                return _scalar(node)
            except ValueError:  # an explicit tag on a value not of its form (`!!int x`)
                raise _TagError(node.tag, _pos(node)) from None
            except _TagError as exc:
                raise _TagError(exc.tag, _pos(node)) from None
            except _NumberError as exc:
                raise _NumberError(exc.value, _pos(node)) from None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise _TagError(node.tag, _pos(node))
            return [build(child, pointer_join(ptr, i), depth + 1)
                    for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise _TagError(node.tag, _pos(node))
            out: dict[Any, Any] = {}
            first_line: dict[Any, int] = {}
            for knode, vnode in node.value:
                if not isinstance(knode, yaml.ScalarNode):
                    shape = "[…]" if isinstance(knode, yaml.SequenceNode) else "{…}"
                    raise _KeyError(shape, _pos(knode))
                try:
                    key = _scalar(knode)
                except ValueError:
                    raise _TagError(knode.tag, _pos(knode)) from None
                if not isinstance(key, str):
                    raise _KeyError(repr(key), _pos(knode))
                kptr = pointer_join(ptr, key)
                if key in out:
                    kl, kc = _pos(knode)
                    dup.append(codes.make(
                        "E_YAML_DUPLICATE_KEY", file, kptr, key=key, first=first_line[key],
                    ).at(kl, kc))
                    continue
                first_line[key] = _pos(knode)[0]
                positions.setdefault(kptr + "#key", _pos(knode))
                out[key] = build(vnode, kptr, depth + 1)
            return out
        raise _TagError(str(node.tag), _pos(node))

    try:
        data = build(nodes[0], "")
    except _AliasError as exc:
        result.diagnostics.append(
            codes.make("E_YAML_ALIAS", file, "", limit=MAX_NODES).at(*exc.where))
        return result
    except _TagError as exc:
        tag = exc.tag.replace("tag:yaml.org,2002:", "!!")
        result.diagnostics.append(codes.make("E_YAML_TAG", file, "", tag=tag).at(*exc.where))
        return result
    except _NumberError as exc:
        result.diagnostics.append(
            codes.make("E_NUMBER", file, "", value=exc.value, limit=MAX_INT).at(*exc.where))
        return result
    except _DepthError as exc:
        result.diagnostics.append(
            codes.make("E_YAML_DEPTH", file, "", limit=MAX_DEPTH).at(*exc.where))
        return result
    except _KeyError as exc:
        result.diagnostics.append(
            codes.make("E_YAML_KEY", file, "", key=exc.key).at(*exc.where))
        return result
    result.positions = positions
    if dup:
        result.diagnostics.extend(dup)
        return result
    result.data = data
    return result

