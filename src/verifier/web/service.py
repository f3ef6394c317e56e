"""What the ruling page asks of the library, as plain data (no web framework here).

Everything goes through what exists: cases through ``cases.loader.read_case_text`` (the
case file's own checks and C5xx diagnostics), goals through ``rulings.select.parse_asked``,
verdicts through ``RulingEngine.rule``, the next question through ``rulings.interview.step``,
and the ruling's words through ``rulings.render``. This module only packs their answers for
the page. Nothing here opens a file named by a request.
"""
from __future__ import annotations

import io
import json
import time
import zipfile

from ..cases import Case
from ..cases.loader import read_case_text
from ..diagnostics import has_errors
from ..diagnostics.render import as_json
from ..model import BoolType, EnumType
from ..rulings.model import DEPENDS, DISCRETION, OPEN, PROVEN, REFUTED, outcome_text
from ..rulings.render import deciding_clauses

SOURCE = "<web>"          # the case's "file name" in diagnostics: never a path

STATUS_WORDS = {
    "zh": {PROVEN: "成立", REFUTED: "不成立", OPEN: "未定", DISCRETION: "裁量", DEPENDS: "因解释而异"},
    "en": {PROVEN: "PROVEN", REFUTED: "REFUTED", OPEN: "OPEN", DISCRETION: "DISCRETION",
           DEPENDS: "DEPENDS ON READING"},
}
RECHECK = "python -m verifier.certificates certificates/*.smt2"
MAX_DIAGNOSTICS = 50      # diagnostics listed in one answer (the message gives the total)


class Problem(Exception):
    """A request the page cannot answer: an HTTP status, a code and a message (no stack)."""

    def __init__(self, status: int, code: str, message: str, diagnostics: list | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.diagnostics = diagnostics or []

    def as_json(self) -> dict:
        return {"ok": False, "error": self.code, "message": self.message, "diagnostics": self.diagnostics}


def diagnostics_json(diagnostics) -> list[dict]:
    """``as_json`` of each, with ``subject``: the fact or reading it names, if any (the page
    marks it in the form), and ``hint_zh``: the hint in Chinese (the page shows one language)."""
    return [{**as_json(d), "hint_zh": d.hint_in("zh") if d.hint else None,
             "subject": dict(d.args).get("name") or dict(d.args).get("fact")}
            for d in sorted(diagnostics, key=lambda d: d.sort_key())]


class Service:
    """One compiled policy set, shared by every request (the solver work runs on one worker
    thread, see ``web.app``): ``live`` answers verdict updates (z3 alone), ``certified``
    gives proofs re-checked by cvc5."""

    def __init__(self, policy, label: str = "policy/"):
        from ..rulings import RulingEngine

        self.policy = policy
        self.label = label
        self.live = RulingEngine(policy, certify=False)
        self.certified = RulingEngine(policy)
        self.goals = goal_choices(policy)
        self.default_goal = self.goals[0]["texts"] if self.goals else []
        self._recent: dict = {}

    # ------------------------------------------------------------ inputs
    def read_case(self, text: str, fmt: str = "json") -> Case:
        """The case in a request body, through the case loader; C5xx diagnostics as a Problem."""
        case, diagnostics = read_case_text(text, SOURCE, self.policy, fmt=fmt, key="web")
        if case is None or has_errors(diagnostics):
            codes = sorted({d.code for d in diagnostics}) or ["C500"]
            shown = diagnostics_json(diagnostics)
            more = f"; the first {MAX_DIAGNOSTICS} of {len(shown)} are listed" if len(shown) > MAX_DIAGNOSTICS else ""
            raise Problem(422, "case", f"the case was not accepted ({', '.join(codes)}){more}",
                          shown[:MAX_DIAGNOSTICS])
        return case

    def parse_goal(self, texts: list[str]) -> list[tuple]:
        from ..rulings.select import parse_asked, suggest

        texts = [t for t in texts if t.strip()] or self.default_goal
        if len(texts) > 40 or any(len(t) > 200 for t in texts):
            raise Problem(400, "goal", "too many or too long goal texts")
        goal, bad = parse_asked(texts, self.policy)
        if bad:
            raise Problem(422, "goal", f"{bad[0]!r} names no outcome — {suggest(bad[0], self.policy)}")
        if not goal:
            raise Problem(422, "goal", "no goal: name a decision, an action or a term")
        return goal

    # ------------------------------------------------------------ answers
    def verdict(self, case: Case, goal: list[tuple], lang: str = "zh") -> dict:
        """The live verdict: the status of each outcome, per reading of the interpretations
        it depends on (one ``rule`` call, no proofs)."""
        start = time.perf_counter()
        ruling = self._statuses(case, goal)
        out = self._base(ruling, goal, lang)
        out["elapsed_ms"] = round((time.perf_counter() - start) * 1000, 1)
        return out

    def _statuses(self, case: Case, goal: list[tuple]):
        """``rule(explain=False)`` on the goal, remembered for the requests that follow
        (the page asks for the verdict, then its clauses, of the same case)."""
        key = (case.facts, case.readings, tuple(goal))
        if key not in self._recent:
            self._recent[key] = self.live.rule(case, only=set(goal), explain=False)
            while len(self._recent) > 32:
                self._recent.pop(next(iter(self._recent)))
        return self._recent[key]

    def explain(self, case: Case, goal: list[tuple], lang: str = "zh") -> dict:
        """The deciding clauses of the outcomes decided in every reading (z3 cores sorted by
        ``rulings.explain``, as the ruling's bottom line shows them) and the ruling's
        warnings (e.g. C508: a recorded decision the text refuses)."""
        start = time.perf_counter()
        engine = self.live
        ruling = self._statuses(case, goal)
        out: dict = {"ok": True, "admissible": ruling.admissible, "clauses": {}, "warnings": [], "clause_text": {}}
        if ruling.admissible:
            decided = {o.outcome for o in ruling.outcomes if all(v.status != OPEN for v in o.verdicts)}
            explained = engine.rule(case, only=decided, explain=True) if decided else None
            for o in explained.outcomes if explained else ():
                out["clauses"][outcome_text(o.outcome, "zh")] = deciding_clauses(o.verdicts, self.policy)
            if explained:
                out["warnings"] = diagnostics_json(explained.diagnostics)
            out["clause_text"] = {c: self.policy.clauses[c].text for cs in out["clauses"].values()
                                  for c in cs if c in self.policy.clauses}
        out["elapsed_ms"] = round((time.perf_counter() - start) * 1000, 1)
        return out

    def next_question(self, case: Case, goal: list[tuple], lang: str = "zh") -> dict:
        """The interview's next step (``rulings.interview.step``): the most decisive question,
        or None once the goal is decided."""
        from ..rulings.interview import step

        start = time.perf_counter()
        s = step(self.live, case, goal)
        question = None if s.question is None else self.question_json(s.question.fact, lang)
        return {"ok": True, "admissible": s.ruling.admissible, "question": question,
                "decided": s.ruling.admissible and s.question is None,
                "elapsed_ms": round((time.perf_counter() - start) * 1000, 1)}

    def question_json(self, name: str, lang: str = "zh") -> dict:
        """A question about a fact, with the fields of ``interview.next_json``'s question."""
        from ..rulings.investigate import answer_values

        policy = self.policy
        fact = policy.facts[name]
        return {"fact": fact.name, "label": fact.meta.label or fact.name, "phrase": fact.meta.phrase,
                "gloss": fact.meta.gloss, "type": type(fact.type).__name__.replace("Type", "").lower(),
                "values": list(answer_values(policy, fact.name, self.live.investigator.limits)),
                "clause": list(fact.meta.cites),
                "clause_text": {c: policy.clauses[c].text for c in fact.meta.cites if c in policy.clauses}}

    def rule_certified(self, case: Case, goal: list[tuple]):
        return self.certified.rule(case, only=set(goal), explain=True)

    def proof(self, case: Case, goal: list[tuple], lang: str = "zh") -> dict:
        """The ruling with its proofs (cores re-checked by cvc5), in words and as data."""
        from ..rulings.render import render_text

        ruling = self.rule_certified(case, goal)
        out = self._base(ruling, goal, lang)
        if ruling.admissible:
            for item, o in zip(out["outcomes"], ruling.outcomes):
                proofs = []
                for v in o.verdicts:
                    p = v.proof
                    proofs.append({
                        "reading": dict(v.reading), "status": v.status, "word": STATUS_WORDS[lang][v.status],
                        "certificate": p.certificate if p else None, "z3": p.z3 if p else None,
                        "cvc5": p.cvc5 if p else None,
                        "clauses": deciding_clauses([v], self.policy),
                        "rules": list(v.reasons.deciding) if v.reasons else [],
                        "makers": list(v.makers)})
                item["proofs"] = proofs
            out["warnings"] = diagnostics_json(ruling.diagnostics)
        out["text"] = render_text(ruling, self.policy, lang)
        out["certificates"] = sorted({v.proof.certificate for o in ruling.outcomes for v in o.verdicts
                                      if v.proof and v.proof.certificate})
        out["recheck"] = RECHECK
        return out

    def _base(self, ruling, goal, lang: str) -> dict:
        words = STATUS_WORDS[lang]
        out: dict = {"ok": True, "admissible": ruling.admissible,
                     "goal": [outcome_text(o, lang) for o in goal], "outcomes": [], "warnings": []}
        if not ruling.admissible:
            out["diagnostics"] = diagnostics_json(ruling.diagnostics)
            return out
        for o in ruling.outcomes:
            interps = self.policy.interpretations
            out["outcomes"].append({
                "outcome": outcome_text(o.outcome, "zh"), "outcome_en": outcome_text(o.outcome, "en"),
                "shown": outcome_text(o.outcome, lang), "status": o.status, "word": _word(o, lang),
                "depends_on": [{"name": n, "label": _label(interps[n].meta, lang)} for n in o.depends_on],
                "by_reading": [{"reading": {n: x for n, x in v.reading if n in o.depends_on},
                                "status": v.status, "word": words[v.status]} for v in o.verdicts]})
        out["decided"] = all(v["status"] != OPEN for item in out["outcomes"] for v in item["by_reading"])
        return out

    # ------------------------------------------------------------ downloads
    def case_yaml(self, case: Case) -> str:
        import yaml

        data: dict = {"id": case.key, "facts": dict(case.facts)}
        if case.description:
            data["description"] = case.description
        if case.readings:
            data["readings"] = dict(case.readings)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    def markdown(self, case: Case, goal: list[tuple], lang: str = "zh") -> str:
        from ..rulings.render import render_markdown

        return render_markdown(self.rule_certified(case, goal), self.policy, lang, "certificates")

    def certificates_zip(self, case: Case, goal: list[tuple], lang: str = "zh") -> bytes:
        """case.yaml, ruling.md and certificates/<hash>.smt2, with the re-check command."""
        from ..rulings.render import render_markdown

        ruling = self.rule_certified(case, goal)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("case.yaml", self.case_yaml(case))
            z.writestr("ruling.md", render_markdown(ruling, self.policy, lang, "certificates"))
            seen = set()
            for o in ruling.outcomes:
                for v in o.verdicts:
                    if v.proof and v.proof.certificate and v.proof.certificate not in seen:
                        seen.add(v.proof.certificate)
                        z.writestr(f"certificates/{v.proof.certificate}.smt2", v.proof.smt2)
            z.writestr("README.txt", "Re-check every certificate with cvc5 (each must answer unsat):\n\n"
                                     f"    {RECHECK}\n\nRule on the case again:\n\n"
                                     "    verifier case --facts case.yaml "
                                     + " ".join(f"--ask {json.dumps(t, ensure_ascii=False)}"
                                                for t in sorted({_goal_text(o) for o in ruling_goal(ruling)}))
                                     + "\n")
        return buf.getvalue()


def ruling_goal(ruling) -> list[tuple]:
    return [o.outcome for o in ruling.outcomes]


def _goal_text(o) -> str:
    return outcome_text(o, "zh")


def _word(o, lang: str) -> str:
    return STATUS_WORDS[lang][o.status]


def _label(meta, lang: str) -> str:
    return (meta.gloss or meta.label) if lang == "en" else (meta.label or meta.gloss or "")


def goal_choices(policy) -> list[dict]:
    """The goals offered: the default first (容错决定 and 可以 予以容错 for RC, 记功嘉奖 for JL),
    then every decision and action of each document."""
    out: list[dict] = []
    preferred = [("RC", ["容错决定", "可以 予以容错"]), ("JL", ["记功嘉奖"])]
    docs = {d.id: d for d in policy.documents}
    for doc_id, texts in preferred:
        names = [t.split()[-1] for t in texts]
        if doc_id in docs and all(n in policy.decisions or n in policy.actions for n in names):
            out.append({"doc": doc_id, "texts": texts, "label": " + ".join(texts)})
    for doc in policy.documents:
        for item in doc.items:
            name = getattr(item, "name", None)
            if name in policy.decisions:
                texts = [name]
            elif name in policy.actions:
                texts = [f"可以 {name}", f"应当 {name}", f"不得 {name}"]
            else:
                continue
            if not any(g["texts"] == texts for g in out):
                out.append({"doc": doc.id, "texts": texts, "label": name})
    return out


def form_groups(policy) -> list[dict]:
    """[{doc, title, groups: [{clause, text, facts: [name...]}]}]: each fact under the first
    clause it cites, clauses in the document's order."""
    out = []
    for doc in policy.documents:
        order = [getattr(i, "id", None) for i in doc.items if type(i).__name__ == "Clause"]
        groups: dict = {}
        for item in doc.items:
            name = getattr(item, "name", None)
            if name in policy.facts and policy.facts[name] is item:
                cites = item.meta.cites
                key = cites[0] if cites else ""
                groups.setdefault(key, []).append(name)
        rank = {c: i for i, c in enumerate(order)}
        keys = sorted(groups, key=lambda c: (rank.get(c, len(rank)), c))
        out.append({"doc": doc.id, "title": doc.title,
                    "groups": [{"clause": c, "text": policy.clauses[c].text if c in policy.clauses else "",
                                "facts": groups[c]} for c in keys]})
    return out


def fact_kind(fact) -> tuple[str, list]:
    """("bool", []) / ("enum", labels) / ("int", [lo, hi])."""
    t = fact.type
    if isinstance(t, BoolType):
        return "bool", []
    if isinstance(t, EnumType):
        return "enum", list(t.labels)
    return "int", [t.lo, t.hi]
