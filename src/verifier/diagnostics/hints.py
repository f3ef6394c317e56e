"""Hints and message arguments in one language (issue 14: one language per run).

Diagnostics are built where the problem is found, with an English hint and English words
in some message arguments (V111 says what it found and what it expected: "a name",
keywords as "文档 / document"). This module gives them in the language of the run, from
one table: every hint the project produces is matched here against its English form and
rewritten in Chinese (``zh``) or cleaned of Chinese (``en``), so a ``--lang zh`` run prints
no English hint and a ``--lang en`` run no "English / 中文" pair. ``both`` prints the
English hint, then the Chinese one when it differs.

A hint that matches no pattern is shown as it is (tests/test_one_language.py renders
the hints of the golden mistakes and of bad case files in both languages, so a new hint
without its translation is noticed).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Optional, Union

_CJK = re.compile(r"[\u3400-\u9fff]")

# (English pattern, Chinese template, English template or None: the hint unchanged).
# A template is a str.format string over the pattern's named groups, or a function of
# the match. Groups named ``dym`` hold a case-file "; did you mean 「a」 or 「b」?" suffix.
Template = Union[str, Callable[[re.Match], str], None]
_DYM = r"(?P<dym>; did you mean .+\?)?"


def _dym_zh(text: Optional[str]) -> str:
    """"; did you mean 「a」 or 「b」?" -> ";是否指「a」或「b」?"."""
    if not text:
        return ""
    names = text[len("; did you mean "):-1].replace(" or ", "或")
    return f";是否指{names}?"


def _kind_zh(kind: str) -> str:
    return {"term": "术语", "action": "动作", "decision": "决定项", "interpretation": "解释"}.get(kind, kind)


_TABLE: tuple[tuple[str, Template, Template], ...] = (
    # ---- syntax (verifier.syntax)
    (r"split the document into several files", "把文档拆成几个文件", None),
    (r"save the file as UTF-8", "请以 UTF-8 编码保存文件", None),
    (r"this looks like a binary file, not a policy", "这看来是二进制文件,不是策略文件", None),
    (r"start the file with a header: 文档 ID / document ID", "文件须以文档头开始:文档 ID",
     "start the file with a header: document ID"),
    (r"fix these first; the rest of the file was not parsed", "请先改正这些错误;文件其余部分未作解析", None),
    (r"split the expression with derived terms \(术语 / term\)", "用派生术语(术语)拆分表达式",
     "split the expression with derived terms (term)"),
    (r'close it on the same line with " or 」', '请在同一行用 " 或 」 闭合', None),
    (r'strings use ASCII double quotes "…"; names may be quoted with 「…」',
     '字符串使用 ASCII 双引号 "…";名称可用「…」括起', None),
    (r'remove it, or put it inside a string "…" or a quoted name 「…」',
     '删去它,或把它放进字符串 "…" 或引用名称「…」中', None),
    (r"finish the declaration", "请写完这条声明", None),
    (r"«(?P<tok>.+?)» is a keyword; a name that contains it must be quoted: 「(?P<word>.*?)」 / .*",
     "名称中含有关键字 «{tok}» 时须用「」括起:「{word}」",
     "«{tok}» is a keyword; a name that contains it must be quoted: 「{word}」"),
    (r"a keyword is missing before this name, or the previous declaration is unfinished",
     "此名称前缺少关键字,或上一条声明没有写完", None),
    (r"see docs/language\.md for the form of this declaration", "这条声明的写法见 docs/language.md", None),
    (r"integers in a policy have at most (?P<n>\d+) digits", "策略中的整数至多 {n} 位", None),
    (r"keep one; remove the other", "保留一个,删去另一个", None),
    (r"title/source/uses belong to the document header", "标题、来源、引用只能写在文档头", None),
    (r"write NAME 属于 \{a, b\} with an enumeration or decision", "枚举或决定项请写成 NAME 属于 {{a, b}}",
     "write NAME in {{a, b}} with an enumeration or decision"),
    # ---- names and types (verifier.checker)
    (r"rename one of them", "将其中一个改名", None),
    (r"load that document too", "请同时加载该文档", None),
    (r"cite a clause ID declared with 条款 / clause", "请引用以 条款 声明的条款编号",
     "cite a clause ID declared with clause"),
    (r"write \[low\.\.high\]", "请写成 [下界..上界]", None),
    (r"add 依据 CLAUSE-ID / cites CLAUSE-ID", "请加上 依据 条款编号", "add cites CLAUSE-ID"),
    (r"drop the definition \(当且仅当\) or the rule", "删去定义(当且仅当)或该规则",
     "drop the definition (iff) or the rule"),
    (r"use it in a rule or remove it", "在规则中使用它,或删去它", None),
    (r"a term or outcome may not depend on itself; break the cycle", "术语或结论不能依赖自身;请打破循环", None),
    (r"remove one of the priorities", "删去其中一条优先关系", None),
    (r"add 引用 (?P<doc>\S+) / uses \S+ to the header", "请在文档头加上 引用 {doc}", "add uses {doc} to the header"),
    (r"multiply by a number: 3 \* x", "只能乘以数字:3 * x", None),
    (r"declare it first \((?P<what>.+)\)", lambda mt: f"请先声明它({_arg_zh(mt['what'])})", None),
    (r"did you mean 「(?P<n>.+?)」\? A name containing a keyword must be quoted / .*",
     "是否指「{n}」?含关键字的名称须加「」", "did you mean 「{n}」? A name containing a keyword must be quoted"),
    (r"did you mean (?P<en>.+?)\? / 是否指 (?P<zh>.+)", "是否指 {zh}?", "did you mean {en}?"),
    # ---- loading (verifier.load, commands)
    (r"give a \.policy file or a folder that holds some", "请给出 .policy 文件,或包含 .policy 文件的文件夹", None),
    (r"policy files end in \.policy", "策略文件以 .policy 结尾", None),
    (r"(?P<opt>\S+) takes a folder that can be written; nothing was done", "{opt} 须为可写入的文件夹;未做任何操作", None),
    (r"(?P<opt>\S+) takes a file that can be written; nothing was done", "{opt} 须为可写入的文件;未做任何操作", None),
    (r"check the path and its permissions", "请检查路径及其权限", None),
    (r"run `verifier baseline` to produce one", "运行 `verifier baseline` 生成基线", None),
    # ---- case files (verifier.cases, verifier.rulings, verifier.diff)
    (r"give a \.yaml, \.yml or \.json case file, or a folder / \.jsonl file of cases",
     "请给出 .yaml、.yml 或 .json 案例文件,或案例文件夹、.jsonl 文件", None),
    (r"the case must be a (?P<fmt>\w+) mapping with a `facts:` section", "案例须为含 `facts:` 部分的 {fmt} 映射", None),
    (r"write `facts:` followed by `name: value` lines \(`facts: \{\}` for a case with no facts\)",
     "先写 `facts:`,再逐行写 `名称: 值`(没有事实的案例写 `facts: {{}}`)", None),
    (r"write `facts:` followed by `name: value` lines", "先写 `facts:`,再逐行写 `名称: 值`", None),
    (r"write `(?P<key>[^`]+):` followed by a string or a number", "`{key}:` 之后应为字符串或数字", None),
    (r"first given on line (?P<line>\d+); keep one of them", "已在第 {line} 行给出;只保留一处", None),
    (r"facts go under `facts:` — write `facts:` then `  (?P<name>.+): …`",
     "事实应写在 `facts:` 之下:先写 `facts:`,再写 `  {name}: …`", None),
    (r"a case has the keys (?P<keys>.+?)" + _DYM, lambda mt: f"案例的键为 {mt['keys']}{_dym_zh(mt['dym'])}", None),
    (r"write one `name: value` per line under `facts:`", "在 `facts:` 下每行写一个 `名称: 值`", None),
    (r"write `interpretation: true` or `interpretation: false` under `readings:`",
     "在 `readings:` 下写 `解释名: true` 或 `解释名: false`", None),
    (r"not an interpretation; readings name interpretations \(the policy declares none\)" + _DYM,
     lambda mt: f"不是解释;readings 下写的是解释的名称(本策略没有声明解释){_dym_zh(mt['dym'])}", None),
    (r"not an interpretation; readings name interpretations \((?P<known>.+?)\)" + _DYM,
     lambda mt: f"不是解释;readings 下写的是解释的名称({mt['known']}){_dym_zh(mt['dym'])}", None),
    (r"a reading is true or false", "读法只能是 true 或 false", None),
    (r"(?P<name>.+) is a interpretation; put it under `readings:`", "{name} 是解释;请写在 `readings:` 之下",
     "{name} is an interpretation; put it under `readings:`"),
    (r"(?P<name>.+) is a (?P<kind>term|action|decision); it is computed from the facts, not given",
     lambda mt: f"{mt['name']} 是{_kind_zh(mt['kind'])};它由事实推出,不能直接给出", None),
    (r"that is the label of the fact (?P<fact>.+); name facts by their declared name",
     "这是事实 {fact} 的标签;请用事实声明的名称", None),
    (r"not a declared fact" + _DYM, lambda mt: f"不是已声明的事实{_dym_zh(mt['dym'])}", None),
    (r"write true or false \(without quotes\)", "请写 true 或 false(不加引号)", None),
    (r"write true or false", "请写 true 或 false", None),
    (r"(?P<name>.+) ranges over \[(?P<lo>-?\d+)\.\.(?P<hi>-?\d+)\]", "{name} 的取值范围是 [{lo}..{hi}]", None),
    (r"write an integer in \[(?P<lo>-?\d+)\.\.(?P<hi>-?\d+)\] without quotes", "请写 [{lo}..{hi}] 中的整数(不加引号)", None),
    (r"write an integer in \[(?P<lo>-?\d+)\.\.(?P<hi>-?\d+)\]", "请写 [{lo}..{hi}] 中的整数", None),
    (r"write one of the labels (?P<labels>.+)", "请写以下取值之一:{labels}", None),
    (r"the labels are (?P<labels>.+?)" + _DYM, lambda mt: f"取值为 {mt['labels']}{_dym_zh(mt['dym'])}", None),
    (r"assumption (?P<name>.+?) holds in no case \(given the facts' declared ranges(?P<others> and the other assumptions)?\);"
     r" no case is admissible under this policy — fix the assumption",
     lambda mt: f"假设 {mt['name']} 在任何情形下都不成立(考虑到事实声明的取值范围"
                f"{'及其他假设' if mt['others'] else ''});本策略下没有可接受的案例——请修正该假设", None),
    (r"the readings cannot hold together with assumption (?P<name>\S+)(?: — (?P<quotes>.+))?",
     lambda mt: f"这些读法与假设 {mt['name']} 不能同时成立" + (f"——{mt['quotes']}" if mt["quotes"] else ""), None),
    (r"(?P<given>.+) cannot hold together with assumption (?P<name>\S+)(?: — (?P<quotes>.+))?",
     lambda mt: f"{mt['given']} 与假设 {mt['name']} 不能同时成立" + (f"——{mt['quotes']}" if mt["quotes"] else ""), None),
    (r"the readings admit no reading of the interpretations", "这些读法使各解释没有可取的读法", None),
    (r"(?P<given>.+) admit no reading of the interpretations", "{given} 使各解释没有可取的读法", None),
    (r"the record is not a decision the text allows here; deciding rules: (?P<rules>.+)",
     "该记录不是文本在此允许的决定;起决定作用的规则:{rules}", None),
    (r"deciding rules: (?P<rules>.+)", "起决定作用的规则:{rules}", None),
    (r"an encoder disagrees with the certificate printer; this is a bug", "编码器与证书打印器不一致;这是程序错误", None),
    (r"save the case as UTF-8 in a regular file", "请把案例以 UTF-8 编码存为普通文件", None),
    (r"each entry of `cases:` is a mapping with facts", "`cases:` 的每一项都是含事实的映射", None),
    (r"a test case has the keys (?P<keys>.+)", "测试案例的键为 {keys}", None),
)


@lru_cache(maxsize=1)
def _compiled():
    return tuple((re.compile(p, re.S), zh, en) for p, zh, en in _TABLE)


def _apply(template: Template, mt: re.Match, default: str) -> str:
    if template is None:
        return default
    if callable(template):
        return template(mt)
    return template.format(**{k: v or "" for k, v in mt.groupdict().items()})


@lru_cache(maxsize=4096)
def translate_hint(hint: str, lang: str) -> str:
    """``hint`` (as built, in English, perhaps with a Chinese half) in ``lang``: ``zh``,
    ``en`` or ``both`` (English, then " / " and the Chinese when it differs)."""
    if lang == "both":
        en, zh = translate_hint(hint, "en"), translate_hint(hint, "zh")
        return en if zh == en else f"{en} / {zh}"
    for pattern, zh, en in _compiled():
        mt = pattern.fullmatch(hint)
        if mt is not None:
            return _apply(zh if lang == "zh" else en, mt, hint)
    return hint


def hint_text(d, lang: str = "both") -> str:
    """The hint of diagnostic ``d`` in ``lang`` ("" when it has none)."""
    return translate_hint(d.hint, lang) if d.hint else ""


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


# ---------------------------------------------------------------- message arguments

_TOKEN_WORDS_ZH = {"a name": "名称", "a quoted name 「…」": "引用名称「…」",
                   "an id such as RC-C0 or R-C1": "编号(如 RC-C0、R-C1)", 'a string "…"': '字符串 "…"',
                   "a number": "数字", "the end of the file": "文件末尾", "the end": "文件末尾",
                   "keyword": "关键字", "nothing": "无"}


@lru_cache(maxsize=1)
def _keyword_pairs() -> tuple[tuple[str, str, str], ...]:
    """(``"zh / en"``, zh, en) for every keyword, longest first."""
    from ..syntax.keywords import keywords
    pairs = [(f"{k['zh']} / {k['en']}", k["zh"], k["en"]) for k in keywords().values()]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _one_language(text: str, lang: str) -> str:
    """V111/V112 argument text with its keyword pairs ("文档 / document") in one language
    and, in Chinese, the English words for tokens ("a name" -> "名称")."""
    for pair, zh, en in _keyword_pairs():
        text = text.replace(pair, zh if lang == "zh" else en)
    if lang == "zh":
        for en, zh in sorted(_TOKEN_WORDS_ZH.items(), key=lambda kv: -len(kv[0])):
            text = re.sub(rf"(?<![\w]){re.escape(en)}(?![\w])", zh, text)
    return text


_LOCALISED_ARGS = {"V111": ("token", "expected"), "V112": ("expected",)}

# Words in the arguments of file and case-file diagnostics (the reason a file cannot be
# read, what a fact expects, what was found): (English pattern, Chinese template).
_ARG_TABLE: tuple[tuple[str, str], ...] = (
    (r"no such file or folder", "没有这个文件或文件夹"),
    (r"no such file", "没有这个文件"),
    (r"no \.policy files found", "没有找到 .policy 文件"),
    (r"a folder", "这是文件夹"),
    (r"not a regular file", "不是普通文件"),
    (r"the case is empty", "案例是空的"),
    (r"the case is not a mapping", "案例不是映射"),
    (r"`facts` is not a mapping", "`facts` 不是映射"),
    (r"`readings` is not a mapping", "`readings` 不是映射"),
    (r"unknown key (?P<name>.+)", "未知的键 {name}"),
    (r"not valid UTF-8 \(byte (?P<b>\S+)\)", "不是有效的 UTF-8 编码(字节 {b})"),
    (r"`(?P<key>[^`]+)` is (?P<what>.+)", "`{key}` 是 {what}"),
    (r"it exists and is not a folder", "它已存在且不是文件夹"),
    (r"the folder is not writable", "文件夹不可写"),
    (r"it is a folder; give a file name", "它是文件夹;请给出文件名"),
    (r"it exists and is not a regular file", "它已存在且不是普通文件"),
    (r"the file is not writable", "文件不可写"),
    (r"(?P<p>.+) is a broken link", "{p} 是失效的链接"),
    (r"(?P<p>.+) is a file, not a folder", "{p} 是文件,不是文件夹"),
    (r"cannot create files in (?P<p>.+)", "无法在 {p} 中创建文件"),
    (r"Permission denied", "没有权限"),
    (r"No such file or directory", "没有这个文件或文件夹"),
    (r"Is a directory", "这是文件夹"),
    (r"true or false \(为真/为假\)", "true 或 false(为真/为假)"),
    (r"true or false", "true 或 false"),
    (r"an integer in \[(?P<lo>-?\d+)\.\.(?P<hi>-?\d+)\]", "[{lo}..{hi}] 中的整数"),
    (r"one of (?P<labels>.+)", "以下之一:{labels}"),
    # names and types (V202, V203): what an expression or a name should be
    (r"a boolean fact, term or interpretation", "布尔事实、术语或解释"),
    (r"an integer fact", "整数事实"),
    (r"an enumeration fact or a decision", "枚举事实或决定项"),
    (r"an enumeration fact", "枚举事实"),
    (r"a boolean", "布尔值"),
    (r"an integer", "整数"),
    (r"a name", "名称"),
    (r"an expression", "表达式"),
    (r"expression", "表达式"),
    (r"(?P<name>.+) \((?P<type>bool|int|enum)\)", "{name}({type})"),
)
_TYPES_ZH = {"bool": "布尔", "int": "整数", "enum": "枚举"}
_KIND_WORDS_ZH = {"fact": "事实", "term": "术语", "action": "动作", "decision": "决定项",
                  "interpretation": "解释", "assumption": "假设", "group": "规则组", "property": "命题"}
_KINDS_ZH = {"a boolean": "布尔值", "an integer": "整数", "a number": "数", "a string": "字符串",
             "a list or mapping": "列表或映射", "null": "空值"}
_CASE_ARGS = {"V100": ("reason",), "V104": ("reason",), "C500": ("reason",), "C502": ("expected", "found"),
              "V202": ("kind", "expected"), "V203": ("what", "expected", "found")}


@lru_cache(maxsize=1)
def _arg_patterns():
    return tuple((re.compile(p, re.S), zh) for p, zh in _ARG_TABLE)


def _arg_zh(text: str) -> str:
    """A file or case-file argument in Chinese (unchanged when no pattern matches)."""
    for pattern, zh in _arg_patterns():
        mt = pattern.fullmatch(text)
        if mt is not None:
            groups = {k: _arg_zh(v) if k == "what" else _TYPES_ZH.get(v, v) if k == "type" else v
                      for k, v in mt.groupdict().items()}
            return zh.format(**groups)
    kinds = text.split(" or ")                  # "fact or term" (the kinds a name may be)
    if all(k in _KIND_WORDS_ZH for k in kinds):
        return "或".join(_KIND_WORDS_ZH[k] for k in kinds)
    for en, zh in _KINDS_ZH.items():            # a described value: "\"x\" (a string)", "a list or mapping"
        if text == en:
            return zh
        if text.endswith(f" ({en})"):
            return text[:-len(en) - 3] + f"({zh})"
    return text


def localise_args(code: str, args: dict, lang: str) -> dict:
    """The message arguments of a diagnostic in ``lang`` (``en`` / ``zh``)."""
    if lang not in ("en", "zh"):
        return args
    names = _LOCALISED_ARGS.get(code)
    if names:
        return {k: _one_language(v, lang) if k in names else v for k, v in args.items()}
    names = _CASE_ARGS.get(code)
    if names and lang == "zh":
        return {k: _arg_zh(v) if k in names else v for k, v in args.items()}
    return args
