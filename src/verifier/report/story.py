"""A finding's witness told as a short story, in Chinese with an English gloss.

The sentences are generic: they are built from the facts' 标签 / labels (English 英文 /
glosses for the gloss), the rules' clauses and conclusions, and the finding's code.
"""
from __future__ import annotations

from ..diagnostics.codes import REGISTRY

from ..model import nodes as m
from .base import ReportInput

ZH_TITLES = {c.code: c.title_zh for c in REGISTRY.values() if c.title_zh}  # from the one registry


def _name_zh(ri: ReportInput, name: str) -> str:
    label = ri.label(name)
    return label or name


def _name_en(ri: ReportInput, name: str) -> str:
    return ri.gloss(name) or ri.label(name) or name


def fact_phrases(ri: ReportInput, f, lang: str) -> tuple[list[str], int]:
    """Phrases for the facts away from their default, and how many stay at it."""
    shown, hidden = ri.witness_split(f)
    words = _name_zh if lang == "zh" else _name_en
    out = []
    for name, value in shown:
        if lang == "zh" and _is_subject_fact(ri, name):
            continue                            # told by subject_zh
        if value is True:
            out.append(words(ri, name))
        elif value is False:
            out.append(("并非" if lang == "zh" else "not ") + words(ri, name))
        elif isinstance(value, str):
            out.append(f"{words(ri, name)}为「{value}」" if lang == "zh" else f"{words(ri, name)} is {value}")
        else:
            out.append(f"{words(ri, name)}为 {value}" if lang == "zh" else f"{words(ri, name)} = {value}")
    return out, hidden


def reading_phrases(ri: ReportInput, f, lang: str) -> list[str]:
    out = []
    for name, value in ri.decisive_readings(f):
        decl = ri.policy.interpretations.get(name) if ri.policy is not None else None
        text = (decl.if_true if value else decl.if_false) if decl is not None else ""
        if lang == "zh":
            out.append(f"按「{name}」{'为真' if value else '为假'}的解读" + (f"({text})" if text else ""))
        else:
            out.append(f"reading {name} = {'true' if value else 'false'}" + (f" ({text})" if text else ""))
    return out


def _is_subject_fact(ri: ReportInput, name: str) -> bool:
    fact = ri.policy.facts.get(name) if ri.policy is not None else None
    return fact is not None and isinstance(fact.type, m.EnumType) and "主体" in name


def subject_zh(ri: ReportInput, f) -> str:
    """Who the story is about: the value of a subject-kind enumeration fact (a fact whose
    name says 主体, e.g. 激励主体类型 = 县市区) among the witness's relevant facts; when
    the finding's document has such a fact but the finding does not depend on it, any
    subject ("一个受评价主体(干部、领导班子、县市区或市直单位均可)"); else a cadre (干部),
    whom the 办法 without subject kinds are about."""
    for name, value in ri.witness_relevant(f):
        if _is_subject_fact(ri, name):
            return ("一名" if str(value).endswith(("干部", "员")) else "一个") + str(value)
    for name in _document_subject_facts(ri, f):
        labels = list(ri.policy.facts[name].type.labels)
        kinds = "、".join(labels[:-1]) + "或" + labels[-1] if len(labels) > 1 else labels[0]
        return f"一个受评价主体({kinds}均可)"
    return "一名干部"


def _document_subject_facts(ri: ReportInput, f) -> list[str]:
    """The subject-kind facts declared in the documents of the finding's rules (or of its
    subject)."""
    if ri.policy is None:
        return []
    names = {r.id for r in (*f.rules, *f.related)} | ({f.subject} if f.subject else set())
    out = []
    for doc in ri.documents:
        items = doc.items
        if any(getattr(d, "id", None) in names or getattr(d, "name", None) in names for d in items):
            out += [d.name for d in doc.of(m.Fact) if _is_subject_fact(ri, d.name)]
    return out


def setting_zh(ri: ReportInput, f) -> str:
    facts, hidden = fact_phrases(ri, f, "zh")
    readings = reading_phrases(ri, f, "zh")
    lead = ("".join(r + "," for r in readings)) + "设想" + subject_zh(ri, f)
    if not facts:
        return lead + "的情形中各项事实均不成立(均取默认值)"
    rest = "(其余相关事实均不成立或取中性值)" if hidden else ""
    return f"{lead}:{','.join(facts)}{rest}"


def setting_en(ri: ReportInput, f) -> str:
    facts, hidden = fact_phrases(ri, f, "en")
    readings = reading_phrases(ri, f, "en")
    lead = "".join(r + "; " for r in readings) + "a case where: "
    if not facts:
        return lead + "no fact holds (every fact at its default)"
    rest = " (every other fact false or at its default)" if hidden else ""
    return lead + "; ".join(facts) + rest


def conclusion_zh(ri: ReportInput, rule_id: str) -> str:
    rule = ri.policy.rules.get(rule_id) if ri.policy is not None else None
    if rule is None:
        return ""
    c = rule.conclusion
    if c.kind == m.TERM:
        return f"认定「{_name_zh(ri, c.target)}」"
    if c.kind == m.DECIDE:
        return f"「{_name_zh(ri, c.target)}」为「{c.value}」"
    verb = {m.MUST: "应当", m.MAY: "可以", m.MUST_NOT: "不得"}[c.kind]
    return f"{verb}{_name_zh(ri, c.target)}"


def _rule_zh(ri: ReportInput, ref) -> str:
    basis = f"(依据 {'、'.join(ref.clauses)})" if ref.clauses else ""
    return f"规则 {ref.id}{basis}"


def _clauses_zh(ri: ReportInput, refs) -> str:
    ids = []
    for ref in refs:
        cid = ri.specific_clause(ref)
        if cid not in ids:
            ids.append(cid)
    return " 与 ".join(ids)


def _ids(refs) -> str:
    return "、".join(r.id for r in refs)


def story_zh(ri: ReportInput, f) -> str:
    """One or two Chinese sentences telling what the finding means, with its witness."""
    a = dict(f.args)
    rules = f.rules
    if f.code in ("A401", "A402", "A403") and len(rules) >= 2:
        r1, r2 = rules[0], rules[1]
        both = f"{setting_zh(ri, f)},则同时满足 {_clauses_zh(ri, rules)}"
        parts = f"{_rule_zh(ri, r1)}{conclusion_zh(ri, r1.id)},{_rule_zh(ri, r2)}{conclusion_zh(ri, r2.id)}"
        if f.code == "A401":
            return f"{both}:{parts},两者相互冲突,而办法没有规定何者优先。"
        if f.code == "A402":
            return f"{both}:{parts},两者冲突;按优先关系,以规则 {a.get('winner', '')} 为准。"
        return f"{both}:两条规则结论相同({conclusion_zh(ri, r1.id)}),只是重复规定。"
    subject = f.subject or ""
    if f.code == "A404":
        return (f"{setting_zh(ri, f)},此时属于「{_name_zh(ri, subject)}」的适用范围,但没有任何规则作出决定,"
                f"也没有裁量条款:办法在此留下空白。")
    if f.code == "A405":
        return f"{setting_zh(ri, f)},此时{_discretion_zh(ri, f)}。"
    if f.code == "A406":
        r = rules[0] if rules else None
        return f"{_rule_zh(ri, r) if r else '该规则'}在任何符合假设的情形下都不会适用,其条件不可能成立。"
    if f.code == "A407" and rules:
        return (f"{setting_zh(ri, f)},{_rule_zh(ri, rules[0])}虽然适用,却被更高优先的规则 "
                f"{_ids(f.related)} 推翻;它在任何情形下都不会真正生效。")
    if f.code == "A408" and rules:
        return (f"{setting_zh(ri, f)},{_rule_zh(ri, rules[0])}适用;而只要它适用,结论相同的规则 "
                f"{_ids(f.related)} 中总有一条同时适用,因此它是多余的。")
    if f.code == "A409":
        return f"反例:{setting_zh(ri, f)},此时命题 {subject} 不成立。"
    if f.code == "A410":
        return f"命题 {subject} 在所有符合假设的情形下都成立。"
    if f.code == "A400":
        return f"假设 {'、'.join(f.core) or '(若干)'} 相互矛盾,没有任何情形能同时满足它们。"
    return f.message("zh") + "。"


def _discretion_zh(ri: ReportInput, f) -> str:
    subject = f.subject or ""
    makers = sorted({d.maker for d in (ri.policy.discretions if ri.policy is not None else ())
                     if d.target == subject})
    who = "、".join(makers) or "决定者"
    if ri.policy is not None and subject in ri.policy.actions:
        x = _name_zh(ri, subject)
        return f"可以{x},但并非应当{x}:是否{x}由{who}裁量"
    return f"「{_name_zh(ri, subject)}」没有规则给出结论,由{who}裁量决定"


def story_en(ri: ReportInput, f) -> str:
    """The English gloss of :func:`story_zh` (fact glosses, the registry message)."""
    if f.code in ("A406", "A410", "A400", "A411") or f.witness is None:
        return f.message("en") + "."
    lead = "Counterexample: " if f.code == "A409" else ""
    setting = setting_en(ri, f)
    if not lead:
        setting = setting[0].upper() + setting[1:]
    return f"{lead}{setting} — {f.message('en')}."
