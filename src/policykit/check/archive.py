"""`check --sources DIR`: every quote in the policy set against the archived text it was
verified against (S1), or an explicit finding that there is none (S2).

A quote is checked against the archived text (`seed`, a file in DIR) of the source it was
verified against: the source's `via` when it has one (e.g. a third-party copy of an
official text), else the cited source itself. That text is normalised exactly as that
source declares (`quote_normalisation`, see `check.quotes.NORMALISERS`) and nothing more;
the quote must then occur in it verbatim. Codes of the checker run only on request, so
not in the rule catalogue (docs/format.md §4)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from policykit.check.context import Context
from policykit.check.quotes import NORMALISERS, quote_in_text
from policykit.check.rule import MetaCode
from policykit.diagnostics import Diagnostic
from policykit.loader.positions import source_pointers
from policykit.model.entities import Entry, Source

QUOTE_IN_SOURCE = MetaCode(
    "S1", "error", "摘录见于存档原文", "Quote found in the archived source",
    "仅在 `policykit check --sources DIR` 时运行：每条摘录在它核对过的原文中查找——来源写了 `via` 时是 `via` "
    "所指来源的存档原文（如官方文件的第三方转录），否则是所引来源本身的存档原文（`seed`，DIR 下的文件名）。"
    "存档原文只按该来源声明的 `quote_normalisation` 处理（`strip-pinyin-glosses`：去掉 醫(yī) 这类拼音注音），"
    "此外不做任何转换（不繁转简、不忽略空白、不统一全角）：摘录须逐字出现。存档文件缺失、`via` 指向不存在的来源也报告。")
QUOTE_UNVERIFIED = MetaCode(
    "S2", "warning", "摘录没有存档原文可核对", "No archived text to check the quote against",
    "仅在 `policykit check --sources DIR` 时运行：摘录所核对的来源（见 S1）没有存档原文（没有 `seed`），"
    "这条摘录无法核对。每条这样的摘录都单独报告，不会被悄悄跳过；取得原文后存入 DIR 并在来源登记中写 `seed`。")


class _Archive:
    """The archived texts, read once each and normalised as their source declares."""

    def __init__(self, ctx: Context, folder: Path) -> None:
        self.ctx = ctx
        self.folder = folder
        self.texts: dict[str, str | None] = {}
        self.reported: set[str] = set()

    def text(self, src: Source) -> str | None:
        if src.id not in self.texts:
            text: str | None
            try:
                text = (self.folder / str(src.seed)).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = None
            if text is not None and src.quote_normalisation is not None:
                text = NORMALISERS[src.quote_normalisation](text)
            self.texts[src.id] = text
        return self.texts[src.id]

    def at_source(self, src: Source, field: str, zh: str, en: str) -> Diagnostic:
        ptr = source_pointers(self.ctx.ps.root, src.file).get(src.id, "") + "/" + field
        line, col = self.ctx.ps.locate(src.file, ptr)
        return QUOTE_IN_SOURCE.at(self.ctx.shown(src.file), line, col, ptr, zh, en)

    def at_quote(self, code: MetaCode, e: Entry, zh: str, en: str) -> Diagnostic:
        ptr = f"{e.pointer}/quote"
        line, col = self.ctx.ps.locate(e.file, ptr)
        return code.at(self.ctx.shown(e.file), line, col, ptr, zh, en)


def _how(src: Source) -> tuple[str, str]:
    if src.quote_normalisation is None:
        return "逐字比较", "compared verbatim"
    return (f"已按 {src.quote_normalisation} 处理存档原文",
            f"archived text normalised by {src.quote_normalisation}")


def check_quotes_in_sources(ctx: Context, folder: Path) -> Iterator[Diagnostic]:
    ps = ctx.ps
    archive = _Archive(ctx, folder)
    for key in sorted(ps.rules):
        for e in ps.rules[key]:
            cited = ps.sources.get(e.source)
            if cited is None:
                continue  # E_UNKNOWN_SOURCE, reported by the loader
            src = cited
            if cited.via is not None:
                via = ps.sources.get(cited.via)
                if via is None or via.via is not None or via.id == cited.id:
                    if cited.id not in archive.reported:
                        archive.reported.add(cited.id)
                        yield archive.at_source(
                            cited, "via",
                            f"来源 {cited.id} 的 via “{cited.via}” 应是来源登记中另一个来源的 id"
                            "（该来源本身不能再写 via）",
                            f"source {cited.id}: via '{cited.via}' must be the id of another "
                            "registered source (one without a via of its own)")
                    continue
                src = via
            shown_via = "" if src is cited else f"（经由 {src.id}）"
            shown_via_en = "" if src is cited else f" (via {src.id})"
            if not src.seed:
                yield archive.at_quote(
                    QUOTE_UNVERIFIED, e,
                    f"摘录未核对：来源 {src.id}{shown_via} 没有存档原文（seed），无法核对“{e.quote}”",
                    f"quote not verified: source {src.id}{shown_via_en} has no archived text "
                    f"(seed) to check '{e.quote}' against")
                continue
            text = archive.text(src)
            if text is None:
                if src.id not in archive.reported:
                    archive.reported.add(src.id)
                    yield archive.at_source(
                        src, "seed",
                        f"来源 {src.id} 的存档文件 {folder / src.seed} 不存在或无法读取",
                        f"the archived text {folder / src.seed} of source {src.id} is "
                        "missing or unreadable")
                continue
            if quote_in_text(e.quote, text):
                continue
            hz, he = _how(src)
            yield archive.at_quote(
                QUOTE_IN_SOURCE, e,
                f"摘录在来源 {src.id}{shown_via} 的存档原文 {src.seed} 中找不到（{hz}）：“{e.quote}”",
                f"the quote is not in {src.seed}, the archived text of source {src.id}"
                f"{shown_via_en} ({he}): '{e.quote}'")
