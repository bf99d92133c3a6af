"""The catalogue of loader diagnostic codes, with Chinese and English text.

Every diagnostic the loader emits is made here, from a code in CODES, so that
the docs page (`policykit codes --markdown`) and the tests see one list.
Consistency-rule codes (R1, R2, ...) live in `check/rules/` beside their functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from policykit.diagnostics import Diagnostic, Severity


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Severity
    zh: str
    en: str
    title_zh: str
    title_en: str
    # What in a policy folder gives this code (shown in docs/codes.md).
    example: str = ""


def _c(code: str, title_zh: str, title_en: str, zh: str, en: str,
       severity: Severity = "error", example: str = "") -> Code:
    return Code(code, severity, zh, en, title_zh, title_en, example)


CODES: dict[str, Code] = {c.code: c for c in [
    _c("E_READ", "无法读取文件", "Unreadable file",
       "无法读取文件：{reason}", "cannot read the file: {reason}"),
    _c("E_ENCODING", "不是 UTF-8 编码", "Not UTF-8",
       "文件不是 UTF-8 编码（第 {byte} 字节无法解码），请另存为 UTF-8",
       "the file is not UTF-8 (byte {byte} cannot be decoded); save it as UTF-8"),
    _c("E_BOM", "文件带 BOM", "Byte-order mark",
       "文件以 UTF-8 BOM 开头，请去掉 BOM 后保存",
       "the file starts with a UTF-8 byte-order mark; save it without the BOM"),
    _c("E_EMPTY", "空文件", "Empty file",
       "文件为空，至少应包含 {expected}", "the file is empty; expected at least {expected}"),
    _c("E_TOO_LARGE", "文件过大", "File too large",
       "文件大小 {size} 字节，超过上限 {limit} 字节；请把地区拆分为更小的文件",
       "the file is {size} bytes, over the limit of {limit}; split it into smaller files"),
    _c("E_SYMLINK", "链接指向 policies/ 之外", "Symlink outside policies/",
       "符号链接指向 policies/ 之外（{target}），已拒绝读取",
       "symbolic link points outside policies/ ({target}); refused"),
    _c("E_SYMLINK_BROKEN", "链接无效", "Broken symlink",
       "符号链接无法跟随（{target}）：{why_zh}；该文件未读取",
       "symbolic link cannot be followed ({target}): {why_en}; the file was not read",
       example="`region.yaml -> region.yaml.old`（目标已删除 the target was deleted）；`region.yaml -> region.yaml`（成环 a loop）"),
    _c("E_FOLDER", "无法读取文件夹", "Unreadable folder",
       "无法列出或进入文件夹：{reason}；其中的政策文件未读取",
       "cannot list or enter the folder: {reason}; the policy files in it were not read",
       example="无权限列出的文件夹 a folder that cannot be listed: `chmod 000 policies/regions/440000`（非 root 用户 as a non-root user）"),
    _c("E_SPECIAL_FILE", "不是普通文件", "Not a regular file",
       "这是{what_zh}，不是普通文件，已拒绝读取", "this is {what_en}, not a regular file; refused",
       example="`mkfifo policies/regions/440000/region.yaml`（命名管道 a named pipe；套接字、设备同理 sockets and devices alike）"),
    _c("E_PATH_ENCODING", "路径不是 UTF-8", "Path not UTF-8",
       "文件或文件夹名不是 UTF-8 编码，已跳过；请重命名",
       "the file or folder name is not UTF-8; skipped, rename it",
       example="GBK 编码的文件夹名 a folder name in GBK bytes, e.g. `regions/44\\xff/`"),
    _c("E_YAML_CONTROL", "含有控制字符", "Control character",
       "第 {line} 行含有不允许的控制字符 {char}（YAML 只允许可打印字符）；请删除它",
       "line {line} holds the control character {char}, which YAML does not allow; remove it",
       example="`level: prefecture  # 地级<NUL>市`（注释中的 NUL 字节 a NUL byte, even in a comment）；`name: {zh: 清远<ESC>市}`"),
    _c("E_FILE_KIND", "无法识别的文件", "Unrecognised file",
       "无法识别的 YAML 文件名 {name}：应为 region.yaml、sources.yaml 或 catalogue.yaml",
       "unrecognised YAML file name {name}: expected region.yaml, sources.yaml or catalogue.yaml"),
    _c("E_YAML_SYNTAX", "YAML 语法错误", "YAML syntax error",
       "YAML 语法错误：{problem_zh}", "YAML syntax error: {problem_en}"),
    _c("E_YAML_TAB", "使用了制表符缩进", "Tab indentation",
       "第 {line} 行用制表符（Tab）缩进；YAML 只能用空格缩进",
       "line {line} is indented with a tab; YAML indentation must use spaces"),
    _c("E_YAML_DUPLICATE_KEY", "重复的键", "Duplicate key",
       "键 “{key}” 重复出现（上一次在第 {first} 行）",
       "key '{key}' appears twice (first on line {first})"),
    _c("E_YAML_ALIAS", "别名展开过多", "Alias expansion limit",
       "YAML 别名（*alias）展开后超过 {limit} 个节点，已拒绝（可能是“别名炸弹”）",
       "YAML aliases expand to more than {limit} nodes; refused (possible alias bomb)"),
    _c("E_YAML_TAG", "不支持的 YAML 标签", "Unsupported YAML tag",
       "不支持的 YAML 标签 {tag}", "unsupported YAML tag {tag}"),
    _c("E_NUMBER", "数值无法精确表示", "Number not exact",
       "数值 {value} 不是有限的精确数（不允许 .nan、.inf、溢出的指数，整数绝对值不超过 {limit}）",
       "the number {value} is not finite and exact (no .nan, .inf or overflowing exponent; "
       "integers up to {limit} in absolute value)",
       example="`ratio: .nan`、`amount: .inf`、`amount: 1e400`、`amount: 123456789012345678901234`"),
    _c("E_YAML_DEPTH", "嵌套过深", "Nesting too deep",
       "YAML 列表或映射嵌套超过 {limit} 层，已拒绝", "YAML nesting deeper than {limit} levels; refused",
       example="`extra: [[[[ … ]]]]`（超过 64 层 nested deeper than 64 levels）"),
    _c("E_YAML_KEY", "键不是文本", "Key is not text",
       "映射的键 {key} 不是文本；键必须是文本（数字或 null 请加引号）",
       "the mapping key {key} is not text; keys must be text (quote numbers and null)",
       example="`2021: x`、`null: x`、`[a, b]: c`（键必须是文本 keys must be text）"),
    _c("E_YAML_DOCUMENTS", "多个 YAML 文档", "Several YAML documents",
       "一个文件只能包含一个 YAML 文档", "a file must hold exactly one YAML document"),
    _c("E_TYPE", "类型错误", "Wrong type",
       "字段 {field} 应为{expected_zh}，实际为 {actual}",
       "field {field} should be {expected_en}, got {actual}"),
    _c("E_PERCENT_TEXT", "比例写成了文本", "Percentage written as text",
       "字段 {field} 的值 “{actual}” 是文本；比例请写成小数，如 {hint}",
       "field {field} is the text '{actual}'; write a ratio as a decimal such as {hint}"),
    _c("E_NUMBER_TEXT", "数字写成了文本", "Number written as text",
       "字段 {field} 的值 “{actual}” 是文本；数字请去掉引号直接写，如 {hint}",
       "field {field} is the text '{actual}'; write the number without quotes, such as {hint}",
       example="`amount: \"1070\"`（应为 should be `amount: 1070`）"),
    _c("E_RATIO_RANGE", "比例超出 0–1", "Ratio out of range",
       "字段 {field} 的值 {actual} 不在 0 到 1 之间；比例写成小数，{hint}",
       "field {field} is {actual}, not between 0 and 1; write ratios as decimals, {hint_en}"),
    _c("E_RANGE", "数值超出范围", "Value out of range",
       "字段 {field} 的值 {actual} {rule_zh}", "field {field} is {actual}; {rule_en}"),
    _c("E_REQUIRED", "缺少必填字段", "Missing field",
       "{where}缺少必填字段 {field}", "{where_en}missing required field {field}"),
    _c("E_UNKNOWN_KEY", "未知字段", "Unknown field",
       "未知字段 {field}{hint_zh}", "unknown field {field}{hint_en}"),
    _c("E_ENUM", "取值不在允许范围", "Value not allowed",
       "字段 {field} 的值 “{actual}” 不被允许；可选：{allowed}{hint_zh}",
       "field {field} is '{actual}', not allowed; choose one of: {allowed}{hint_en}"),
    _c("E_DATE", "日期无效", "Invalid date",
       "字段 {field} 的值 “{actual}” 不是有效日期；应为 {expected_zh}",
       "field {field} is '{actual}', not a valid date; expected {expected_en}"),
    _c("E_PATTERN", "格式错误", "Wrong format",
       "字段 {field} 的值 “{actual}” 格式不对：{expected_zh}",
       "field {field} is '{actual}', wrong format: {expected_en}"),
    _c("E_VALUE_KEYS", "数值键数量错误", "Value key count",
       "每个历史条目必须恰好有一个数值键（{keys}），这里有 {count} 个{found}",
       "each history entry needs exactly one value key ({keys}); found {count}{found_en}"),
    _c("E_SCHEMA", "不符合结构定义", "Schema violation",
       "字段 {field} 不符合结构定义：{detail}", "field {field} violates the schema: {detail}"),
    _c("E_UNKNOWN_PARAMETER", "未知参数", "Unknown parameter",
       "参数 {parameter} 不在参数目录中{hint_zh}",
       "parameter {parameter} is not in the catalogue{hint_en}"),
    _c("E_VALUE_KIND", "数值类型与参数不符", "Value kind mismatch",
       "参数 {parameter} 的类型是 {expected}，这里写了 {actual}",
       "parameter {parameter} has type {expected}, but the entry gives {actual}"),
    _c("E_UNKNOWN_DIMENSION", "未知细分维度", "Unknown dimension",
       "参数 {parameter} 没有维度 {dimension}；可用：{allowed}",
       "parameter {parameter} has no dimension {dimension}; available: {allowed}"),
    _c("E_UNKNOWN_DIMENSION_VALUE", "未知维度取值", "Unknown dimension value",
       "维度 {dimension} 没有取值 {value}；可选：{allowed}{hint_zh}",
       "dimension {dimension} has no value {value}; choose one of: {allowed}{hint_en}"),
    _c("E_CATALOGUE_REF", "参数目录引用错误", "Catalogue reference",
       "参数目录中 {parameter} 引用了未声明的{what_zh} {name}",
       "catalogue entry {parameter} refers to undeclared {what_en} {name}"),
    _c("E_DUPLICATE_RULE", "规则重复", "Duplicate rule",
       "同一地区的规则 {parameter}{breakdown} 出现两次（另一处：{other}）；请合并历史",
       "rule {parameter}{breakdown} appears twice in the region (other: {other}); merge the histories"),
    _c("E_UNKNOWN_SOURCE", "来源未登记", "Unknown source",
       "来源 {source} 不在来源登记中{hint_zh}", "source {source} is not in the registry{hint_en}"),
    _c("E_DUPLICATE_SOURCE", "来源 id 重复", "Duplicate source id",
       "来源 id {source} 重复（另一处：{other}）", "source id {source} is defined twice (other: {other})"),
    _c("E_DUPLICATE_CATALOGUE", "参数目录重复", "Duplicate catalogue",
       "参数目录 catalogue.yaml 重复（另一处：{other}）；一个政策文件夹只能有一个参数目录",
       "a second catalogue.yaml (other: {other}); a policy folder has exactly one catalogue"),
    _c("E_DUPLICATE_REGION", "地区代码重复", "Duplicate region",
       "地区代码 {code} 重复（另一处：{other}）", "region code {code} is defined twice (other: {other})"),
    _c("E_UNKNOWN_REGION", "未知地区", "Unknown region",
       "{field} 引用的地区代码 {code} 不存在", "{field} refers to region code {code}, which does not exist"),
    _c("E_REGISTRY", "区划登记表有误", "Registry problem",
       "区划登记表（policies/registry/）：{what_zh}", "division registry (policies/registry/): {what_en}"),
    _c("E_NOT_IN_REGISTRY", "区划代码不存在", "Code not in the registry",
       "地区代码 {code}（{name}）不在区划登记表中{hint_zh}",
       "region code {code} ({name}) is not in the division registry{hint_en}"),
    _c("E_REGISTRY_MISMATCH", "与区划登记表不一致", "Disagrees with the registry",
       "地区 {code} 的 {field} 为 {actual}，区划登记表（{registry_file}:{registry_line}）为 {expected}",
       "region {code}: {field} is {actual}, the division registry ({registry_file}:{registry_line}) "
       "says {expected}"),
    _c("E_REGION_HIERARCHY", "地区层级错误", "Region hierarchy",
       "地区 {code}：{problem_zh}", "region {code}: {problem_en}"),
    _c("E_END_BEFORE_START", "结束早于开始", "End before start",
       "结束日期 {end} 不晚于开始日期 {start}", "end {end} is not after start {start}"),
    _c("E_REPEALED_NO_END", "已废止但无结束日期", "Repealed without end",
       "状态为 repealed（已废止）的条目必须写 end", "a repealed entry needs an end date"),
    _c("E_DERIVATION", "缺少推导说明", "Missing derivation",
       "obtained 为 {obtained} 的条目必须写 derivation 说明如何得出",
       "an entry obtained as {obtained} needs a derivation saying how"),
    _c("E_NO_CATALOGUE", "缺少参数目录", "No catalogue",
       "在 {root} 下找不到 catalogue.yaml", "no catalogue.yaml found under {root}"),
    _c("E_DRAFT", "待确认的提取草稿", "Unconfirmed extract draft",
       "条目由 policykit extract 生成，尚待人工核对原文（核对后改写 status 并删去备注中的“{marker}”）",
       "entry proposed by policykit extract awaits review (then set its real status and remove "
       "'{marker}' from its note)", severity="warning"),
]}

# The note `policykit extract --write` puts on every draft it writes; `check` warns
# about such entries until a person confirms them and removes the marker.
EXTRACT_MARKER = "policykit extract 自动提取，待人工核对"


def make(code: str, file: str, pointer: str, /, **params: object) -> Diagnostic:
    """Build a Diagnostic from the catalogue; line/col are filled by the locator."""
    c = CODES[code]
    return Diagnostic(
        code=c.code,
        severity=c.severity,
        file=file,
        line=0,
        col=0,
        pointer=pointer,
        message_zh=c.zh.format(**params),
        message_en=c.en.format(**params),
    )


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> tuple[str, str]:
    """Chinese and English hint suffixes naming the closest choice, if any."""
    import difflib

    best = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not best:
        return "", ""
    return f"；是否应为 {best[0]}？", f"; did you mean {best[0]}?"
