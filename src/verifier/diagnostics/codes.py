"""The one registry of stable codes: every diagnostic, finding and case error.

Each code has a severity and a bilingual message template (``str.format`` fields).
Text, JSON, SARIF and Markdown output all read this table; docs/codes.md is generated
from it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_RANK = {INFO: 0, WARNING: 1, ERROR: 2}


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: str
    en: str
    zh: str
    title_zh: str = ""     # a short Chinese heading, for reports


_CODES = (
    # ---- input and syntax (V1xx)
    Code("V100", "unreadable-file", ERROR, "cannot read {path}: {reason}", "无法读取 {path}:{reason}"),
    Code("V101", "bad-encoding", ERROR, "the file is not valid UTF-8 (byte {byte} at offset {offset})",
         "文件不是有效的 UTF-8 编码(偏移 {offset} 处的字节 {byte})"),
    Code("V102", "file-too-large", ERROR, "the file is {size} bytes; the limit is {limit}",
         "文件大小 {size} 字节,超过上限 {limit}"),
    Code("V103", "empty-document", ERROR, "the file holds no document", "文件中没有文档"),
    Code("V104", "unwritable-output", ERROR, "cannot write the output {path}: {reason}",
         "无法写入输出 {path}:{reason}"),
    Code("V110", "unexpected-character", ERROR, "unexpected character {char}", "无法识别的字符 {char}"),
    Code("V111", "unexpected-token", ERROR, "unexpected {token}; expected {expected}",
         "此处不应出现 {token};应为 {expected}"),
    Code("V112", "unexpected-end", ERROR, "the file ends too early; expected {expected}",
         "文件意外结束;应为 {expected}"),
    Code("V113", "nesting-too-deep", ERROR, "expressions nest {depth} levels deep; the limit is {limit}",
         "表达式嵌套 {depth} 层,超过上限 {limit}"),
    Code("V114", "unterminated-string", ERROR, "a string or quoted name is not closed on its line",
         "字符串或引用名称在本行未闭合"),
    Code("V115", "duplicate-attribute", ERROR, "the attribute {attr} is given twice", "属性 {attr} 重复出现"),
    Code("V116", "misplaced-attribute", ERROR, "the attribute {attr} belongs to the document header",
         "属性 {attr} 只能用于文档头"),
    Code("V117", "number-too-long", ERROR, "the number has {digits} digits; the limit is {limit}",
         "数字有 {digits} 位,超过上限 {limit} 位"),
    Code("V118", "too-many-errors", ERROR, "stopped after {count} syntax errors", "语法错误已达 {count} 处,停止分析"),
    # ---- names and types (V2xx)
    Code("V200", "undeclared-name", ERROR, "{name} is not declared", "{name} 未声明"),
    Code("V201", "duplicate-name", ERROR, "{name} is already declared at {other}", "{name} 已在 {other} 声明"),
    Code("V202", "wrong-kind", ERROR, "{name} is a {kind}; {expected} expected here",
         "{name} 是{kind};此处应为{expected}"),
    Code("V203", "type-mismatch", ERROR, "{what}: expected {expected}, found {found}",
         "{what}:应为 {expected},实际为 {found}"),
    Code("V204", "unknown-label", ERROR, "{label} is not a label of {name} ({labels})",
         "{label} 不是 {name} 的取值({labels})"),
    Code("V205", "definition-cycle", ERROR, "definitions depend on each other in a cycle: {cycle}",
         "定义之间存在循环依赖:{cycle}"),
    Code("V206", "unknown-clause", ERROR, "clause {clause} does not exist", "条款 {clause} 不存在"),
    Code("V207", "unknown-rule", ERROR, "{name} is neither a rule nor a group", "{name} 既不是规则也不是规则组"),
    Code("V208", "bad-bounds", ERROR, "empty integer range [{lo}..{hi}]", "整数范围 [{lo}..{hi}] 为空"),
    Code("V209", "duplicate-label", ERROR, "the label {label} appears twice", "取值 {label} 重复出现"),
    Code("V210", "unknown-document", ERROR, "document {name} is not loaded", "未加载文档 {name}"),
    Code("V211", "not-used-document", ERROR, "{name} is declared in document {doc}, which this document does not use",
         "{name} 声明于文档 {doc},但本文档未引用该文档"),
    Code("V212", "priority-cycle", ERROR, "priorities form a cycle: {cycle}", "优先关系形成循环:{cycle}"),
    Code("V213", "nonlinear", ERROR, "multiplication needs a number on one side", "乘法的一侧必须是常数"),
    Code("V214", "term-defined-and-concluded", ERROR,
         "term {name} has a definition and is also concluded by rule {rule}",
         "术语 {name} 已有定义,又被规则 {rule} 推出"),
    Code("V215", "bad-decision-value", ERROR, "{label} is not an alternative of {name} ({labels})",
         "{label} 不是决定项 {name} 的选项({labels})"),
    Code("V300", "unused-fact", WARNING, "fact {name} is never used", "事实 {name} 从未被使用"),
    Code("V301", "uncited-rule", WARNING, "rule {name} cites no clause", "规则 {name} 未引用任何条款"),
    Code("V302", "cites-non-normative", WARNING, "{name} cites the non-normative clause {clause}",
         "{name} 引用了非规范性条款 {clause}"),
    # ---- analysis findings (A4xx)
    Code("A400", "inconsistent-assumptions", ERROR, "the assumptions contradict each other",
         "假设之间相互矛盾"),
    Code("A401", "unresolved-conflict", ERROR, "rules {rules} can apply together with incompatible conclusions and no priority",
         "规则 {rules} 可同时适用且结论冲突,而无优先关系"),
    Code("A402", "overlap-resolved", INFO, "rules {rules} overlap; priority resolves it in favour of {winner}",
         "规则 {rules} 重叠;按优先关系由 {winner} 决定"),
    Code("A403", "overlap-same", INFO, "rules {rules} can apply together with the same conclusion",
         "规则 {rules} 可同时适用且结论相同"),
    Code("A404", "gap", ERROR, "decision {name} is left unanswered in a case within its scope",
         "在适用范围内的情形中,决定项 {name} 无结论"),
    Code("A405", "discretion", INFO, "{name} is left to the decision-maker's discretion", "{name} 由决定者裁量"),
    Code("A406", "dead-rule", WARNING, "rule {name} can never apply", "规则 {name} 永远不会适用"),
    Code("A407", "shadowed-rule", WARNING, "rule {name} can apply but is always defeated",
         "规则 {name} 可适用,但总被更高优先的规则推翻"),
    Code("A408", "redundant-rule", INFO, "whenever rule {name} applies, another rule with the same conclusion applies",
         "规则 {name} 适用时,总有另一条结论相同的规则适用"),
    Code("A409", "property-refuted", ERROR, "property {name} does not hold", "命题 {name} 不成立"),
    Code("A410", "property-proven", INFO, "property {name} holds in every case", "命题 {name} 在所有情形下成立"),
    Code("A411", "solver-unknown", WARNING, "the solver could not decide: {question} ({reason})",
         "求解器未能判定:{question}({reason})"),
    Code("A412", "inert-fact", WARNING,
         "fact {name} is read by properties ({properties}) but by no rule, term or assumption: no outcome can depend on it",
         "事实 {name} 只被命题({properties})引用,没有规则、术语或假设引用它:任何结论都不取决于它"),
    Code("A413", "vacuous-property", WARNING, "property {name} is proven vacuously: {detail}",
         "命题 {name} 空洞成立:{detail_zh}"),
    Code("A414", "reading-sensitive", INFO, "the readings of {name} decide {outcomes}",
         "解读 {name} 的两种读法会改变以下结论:{outcomes}"),
    Code("A415", "reading-irrelevant", INFO, "the readings of {name} change no outcome",
         "解读 {name} 的两种读法不改变任何结论"),
    # ---- case files (C5xx)
    Code("C500", "case-unreadable", ERROR, "cannot read the case: {reason}", "无法读取案例:{reason}"),
    Code("C501", "case-unknown-fact", ERROR, "{name} is not a fact", "{name} 不是已声明的事实"),
    Code("C502", "case-wrong-type", ERROR, "{name} expects {expected}, got {found}", "{name} 应为 {expected},实际为 {found}"),
    Code("C503", "case-out-of-range", ERROR, "{name} = {value} is outside [{lo}..{hi}]", "{name} = {value} 超出范围 [{lo}..{hi}]"),
    Code("C504", "case-unknown-label", ERROR, "{value} is not a label of {name} ({labels})", "{value} 不是 {name} 的取值({labels})"),
    Code("C505", "case-duplicate-key", ERROR, "{name} is given twice", "{name} 重复给出"),
    Code("C506", "case-contradicts-assumption", ERROR, "the facts contradict assumption {name} ({clauses})",
         "案例事实与假设 {name} 矛盾({clauses})"),
    Code("C507", "certificate-disagreement", ERROR, "z3 and cvc5 disagree on {question}: {z3} vs {cvc5}",
         "z3 与 cvc5 对 {question} 的结论不一致:{z3} / {cvc5}"),
    Code("C508", "recorded-decision-not-allowed", WARNING,
         "the case records {fact} = {value}, which leads to {outcome}; the text does not allow it ({clauses})",
         "案例记录 {fact} = {value},对应 {outcome};但文本不允许这一结论({clauses})"),
    Code("C509", "case-flagged", WARNING, "this case is flagged: {label} ({term}; {clauses})",
         "本案中成立:{label}({term};{clauses})"),
    # ---- amendments: semantic diff (D6xx) and baselines (B7xx)
    Code("D600", "outcome-changed", WARNING, "{outcome} is decided differently after the change",
         "修改后 {outcome} 的结论发生变化"),
    Code("D601", "admissibility-changed", WARNING, "the set of admissible cases changed ({direction})",
         "可受理情形的集合发生变化({direction})"),
    Code("D602", "outcome-unknown", WARNING, "the solver could not compare {outcome} ({reason})",
         "求解器未能比较 {outcome}({reason})"),
    Code("B700", "bad-baseline", ERROR, "the baseline {path} is not valid: {reason}",
         "基线文件 {path} 无效:{reason}"),
)

_TITLES_ZH = {
    "A400": "假设相互矛盾", "A401": "无优先关系的冲突", "A402": "由优先关系解决的重叠",
    "A403": "结论相同的重叠", "A404": "空白(无结论)", "A405": "裁量", "A406": "永不适用的规则",
    "A407": "总被推翻的规则", "A408": "冗余规则", "A409": "命题不成立", "A410": "命题成立",
    "A411": "求解器未能判定", "A412": "无作用的事实", "A413": "空洞成立的命题",
    "A414": "影响结论的解读", "A415": "不影响结论的解读",
    "D600": "结论发生变化", "D601": "可受理情形发生变化", "D602": "未能比较", "B700": "基线文件无效",
}

REGISTRY: dict[str, Code] = {c.code: replace(c, title_zh=_TITLES_ZH.get(c.code, "")) for c in _CODES}


def lookup(code: str) -> Code:
    return REGISTRY[code]


class Coded:
    """Severity and name from the registry, for any value with a ``code`` (diagnostics,
    findings)."""

    code: str

    @property
    def severity(self) -> str:
        return lookup(self.code).severity

    @property
    def name(self) -> str:
        return lookup(self.code).name
