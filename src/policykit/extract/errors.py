"""Errors of `policykit extract`: one code, a Chinese and an English message, an exit code.

Bad input is an expected outcome, not a crash: every reading problem becomes an
`ExtractError` that the CLI prints as one line and turns into its exit code.
"""

from __future__ import annotations

# Exit codes follow the CLI contract of DESIGN.md §4: 1 = bad data, 2 = bad usage.
from policykit.errors import EXIT_DATA, EXIT_USAGE, PolicykitError

__all__ = ["EXIT_DATA", "EXIT_USAGE", "MESSAGES", "ExtractError", "fail"]

# code -> (Chinese template, English template, exit code)
MESSAGES: dict[str, tuple[str, str, int]] = {
    "E_EXTRACT_READ": (
        "无法读取文件 {path}：{reason}", "cannot read {path}: {reason}", EXIT_USAGE),
    "E_EXTRACT_EMPTY": (
        "文件 {path} 为空，没有可提取的文字", "{path} is empty: there is no text to extract",
        EXIT_DATA),
    "E_EXTRACT_NO_TEXT": (
        "文件 {path} 中没有可提取的文字（只有空白或标记）",
        "{path} holds no text to extract (only whitespace or markup)", EXIT_DATA),
    "E_EXTRACT_BINARY": (
        "文件 {path} 像是二进制文件（{reason}），请提供纯文本、Markdown 或 HTML",
        "{path} looks like binary data ({reason}); give plain text, Markdown or HTML",
        EXIT_DATA),
    "E_EXTRACT_ENCODING": (
        "无法识别文件 {path} 的编码（已尝试 {tried}）；请另存为 UTF-8，或用 --encoding 指定",
        "cannot tell the encoding of {path} (tried {tried}); save it as UTF-8 or pass --encoding",
        EXIT_DATA),
    "E_EXTRACT_BAD_ENCODING_NAME": (
        "不认识的编码名称 {name}", "unknown encoding name {name}", EXIT_USAGE),
    "E_EXTRACT_TOO_LARGE": (
        "文件 {path} 有 {size} 字节，超过上限 {limit} 字节；政策文件通常不到 1 MB，"
        "请只提供正文，或用 --max-bytes 放宽上限",
        "{path} is {size} bytes, over the limit of {limit}; policy documents are usually "
        "under 1 MB: give the body text only, or raise the limit with --max-bytes",
        EXIT_DATA),
    "E_EXTRACT_CATALOGUE": (
        "无法读取参数目录 {path}：{reason}", "cannot read the parameter catalogue {path}: {reason}",
        EXIT_USAGE),
    "E_EXTRACT_REGION": (
        "在 {root} 下找不到地区代码为 {code} 的 region.yaml",
        "no region.yaml with code {code} under {root}", EXIT_USAGE),
    "E_EXTRACT_WRITE": (
        "无法写入 {path}：{reason}；文件未改动", "cannot write {path}: {reason}; file left unchanged",
        EXIT_DATA),
    "E_EXTRACT_INPUT": (
        "文件 {path} {zh}", "{path}: {en}", EXIT_DATA),
    "E_EXTRACT_USAGE": ("{zh}", "{en}", EXIT_USAGE),
}


class ExtractError(PolicykitError):
    """Its codes are catalogued (MESSAGES, docs/extract.md), so its message names one."""

    def __init__(self, code: str, message_zh: str, message_en: str, exit_code: int) -> None:
        super().__init__(message_zh, message_en, code=code, exit_code=exit_code)

    @property
    def message_zh(self) -> str:
        return self.zh

    @property
    def message_en(self) -> str:
        return self.en

    def __str__(self) -> str:
        return f"{self.code} {self.zh} ({self.en})"


def fail(error_code: str, /, **params: object) -> ExtractError:
    """The error for `error_code`, its messages filled from `params`."""
    zh, en, exit_code = MESSAGES[error_code]
    return ExtractError(error_code, zh.format(**params), en.format(**params), exit_code)
