"""Conditions and facts in words an official reads: the facts' labels (英文 glosses in
English), not the policy language's keywords."""
from __future__ import annotations

from ..model import (And, Arith, AtLeast, BoolLit, Compare, Deontic, Implies, IntLit, Is, Not, Or,
                     Ref)
from .model import outcome_text

YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
_JOIN = {"zh": {"and": ",且", "or": ";或", "not": "并非", "implies": "则"},
         "en": {"and": ", and ", "or": "; or ", "not": "not ", "implies": " then "}}
_OPS = {"=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


def label(policy, name: str, lang: str = "zh") -> str:
    """A declared name's label (zh) or gloss (en), else the name itself."""
    decl = (policy.facts.get(name) or policy.terms.get(name) or policy.actions.get(name)
            or policy.decisions.get(name) or policy.interpretations.get(name))
    meta = getattr(decl, "meta", None)
    text = (meta.label if lang == "zh" else meta.gloss or meta.label) if meta else None
    return text or name


def value_text(v, lang: str = "zh") -> str:
    if isinstance(v, bool):
        return YES_NO[lang][0 if v else 1]
    return str(v)


def fact_text(policy, name: str, value, lang: str = "zh") -> str:
    """``「label」(name) = 是``."""
    return f"「{label(policy, name, lang)}」({name}) = {value_text(value, lang)}"


def sentence(e, policy, lang: str = "zh") -> str:
    """The expression in words."""
    j = _JOIN[lang]
    if isinstance(e, BoolLit):
        return value_text(e.value, lang)
    if isinstance(e, IntLit):
        return str(e.value)
    if isinstance(e, Ref):
        return f"「{label(policy, e.name, lang)}」"
    if isinstance(e, Not):
        return j["not"] + _wrap(e.operand, policy, lang)
    if isinstance(e, And):
        return j["and"].join(_wrap(o, policy, lang) for o in e.operands)
    if isinstance(e, Or):
        return j["or"].join(_wrap(o, policy, lang) for o in e.operands)
    if isinstance(e, Implies):
        lead = "若" if lang == "zh" else "if "
        return f"{lead}{_wrap(e.left, policy, lang)}{j['implies']}{_wrap(e.right, policy, lang)}"
    if isinstance(e, Compare):
        return f"{sentence(e.left, policy, lang)} {_OPS[e.op]} {sentence(e.right, policy, lang)}"
    if isinstance(e, Arith):
        return f"{sentence(e.left, policy, lang)} {e.op} {sentence(e.right, policy, lang)}"
    if isinstance(e, Is):
        sep = "、" if lang == "zh" else " or "
        rel = ("不是" if e.negated else "为") if lang == "zh" else (" is not " if e.negated else " is ")
        return f"「{label(policy, e.subject, lang)}」{rel}{sep.join(e.labels)}"
    if isinstance(e, AtLeast):
        parts = ("、" if lang == "zh" else ", ").join(_wrap(o, policy, lang) for o in e.operands)
        return f"下列至少 {e.k} 项:{parts}" if lang == "zh" else f"at least {e.k} of: {parts}"
    if isinstance(e, Deontic):
        return f"「{outcome_text((e.modality, e.action, None), lang)}」"
    return str(e)


def _wrap(e, policy, lang: str) -> str:
    text = sentence(e, policy, lang)
    return f"({text})" if isinstance(e, (And, Or, Implies)) else text
