"""Acknowledged warnings.

Data files may acknowledge a warning on a specific value (`acknowledge: [{check: R5,
reason: …}]`); the acknowledgement is shown in the report and the warning is no
longer fatal under `--strict`. Acknowledging an error, or a check that did not fire,
is itself reported.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import replace

from policykit.check.context import Context
from policykit.check.rule import MetaCode
from policykit.diagnostics import Diagnostic

ACK_ERROR = MetaCode(
    "W_ACK_ERROR", "warning", "错误不能被确认", "An error cannot be acknowledged",
    "acknowledge 只能确认警告（或提示）；被确认的检查在该数值上报的是错误，错误仍然有效。")
ACK_UNUSED = MetaCode(
    "W_ACK_UNUSED", "warning", "确认的检查没有触发", "Acknowledged check did not fire",
    "acknowledge 确认的检查在该数值上没有报告任何问题（或没有这条检查）：数据已改正时请删除这条确认。")


def _entry_pointer(pointer: str) -> str | None:
    parts = pointer.split("/")
    if len(parts) >= 5 and parts[1] == "rules" and parts[3] == "history":
        return "/".join(parts[:5])
    return None


def acknowledge(ctx: Context, diags: list[Diagnostic], checks: Container[str],
                ) -> list[Diagnostic]:
    """Mark acknowledged warnings; report acknowledgements of errors and unused ones.
    `checks`: the ids of the rules (an acknowledgement of anything else names no check)."""
    at_entry: dict[tuple[str, str], list[int]] = {}
    for i, d in enumerate(diags):
        ep = _entry_pointer(d.pointer)
        if ep is not None:
            at_entry.setdefault((d.file, ep), []).append(i)
    out = list(diags)
    extra: list[Diagnostic] = []
    for e in ctx.acknowledged:
        rel, ep = e.file, e.pointer
        for k, ack in enumerate(e.acknowledge):
            ptr = f"{ep}/acknowledge/{k}/check"
            line, col = ctx.ps.locate(rel, ptr)
            hits = [i for i in at_entry.get((ctx.shown(rel), ep), ()) if diags[i].code == ack.check]
            if not hits:
                known = ack.check in checks
                extra.append(ACK_UNUSED.at(
                    ctx.shown(rel), line, col, ptr,
                    (f"确认了检查 {ack.check}，但它在这个数值上没有报告问题；数据已改正时请删除这条确认"
                     if known else f"确认了不存在的检查 {ack.check}"),
                    (f"acknowledges {ack.check}, which reports nothing on this value; remove the "
                     "acknowledgement if the data was fixed" if known
                     else f"acknowledges {ack.check}, which is not a check")))
                continue
            errors = [i for i in hits if diags[i].severity == "error"]
            if errors:
                extra.append(ACK_ERROR.at(
                    ctx.shown(rel), line, col, ptr,
                    f"检查 {ack.check} 在这个数值上报告的是错误，错误不能被确认，须改正数据",
                    f"check {ack.check} reports an error on this value; errors cannot be "
                    "acknowledged, fix the data"))
            for i in hits:
                if diags[i].severity != "error":
                    out[i] = replace(diags[i], acknowledged=ack.reason)
    return out + extra
