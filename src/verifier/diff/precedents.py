"""Precedents (``verifier diff OLD NEW --cases PATH``): recorded cases re-ruled under both
versions, and the cases whose verdict changes, grouped by kind of change.

A corpus is a folder of case files, a JSON Lines file, or policy test suites (a YAML file
with ``cases:``, as ``verifier test`` reads them: each entry is one recorded case, and the
outcomes of its ``expect:`` are asked for too). Each case is read against each version:
a fact (or reading) the other version declares but this one does not is left out on this
side and reported (``ignored``); any other problem makes the case unreadable on that side.

Kinds of change, per case:

* ``readable → unreadable`` / ``unreadable → readable``: the case fits one version's
  vocabulary only (a value no longer of its fact's type, ...);
* ``admissible → inadmissible`` / ``inadmissible → admissible``: the assumptions of one
  version exclude it;
* ``OLD → NEW`` per asked outcome (``PROVEN → OPEN``, ``REFUTED → PROVEN``, ...; ``—``: the
  outcome does not exist in that version; a DEPENDS verdict compares reading by reading).

Only for a changed outcome of a changed case is the full ruling (proofs) computed, on both
sides, to give the clauses its verdict rests on (``policytests.cited_clauses``).

The work per case is ``Precedents.rule(item) -> record`` (a JSON-ready dict): a worker of
the local process pool or of a Dask cluster builds one ``Precedents`` and rules items.
With ``--records FILE`` the records are kept in FILE, one JSON line per case, by the
machinery of the ``verifier case -o`` batch (``rulings.batch``: ``pending``,
``ResultsWriter``, ``results_problem``), so an interrupted run resumes where it stopped.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..cases.loader import CASE_KEYS, case_from_node
from ..cases.located import Mapping, Node, ReadError, read_json, read_yaml
from ..diagnostics import diag
from ..diagnostics.render import as_json
from ..model import Span

ABSENT = "—"                       # the outcome does not exist in this version
UNREADABLE, INADMISSIBLE = "unreadable", "inadmissible"
SUITE_KEYS = set(CASE_KEYS) | {"name", "expect", "reasons", "clauses", "note"}
_ARROW = " → "


# ---------------------------------------------------------------- the corpus

def iter_corpus(paths) -> list[tuple[str, str, str, int, str]]:
    """``batch.iter_inputs`` items, with every policy test suite expanded into one item per
    case (format ``suite``: the text is the suite's, the line the case's)."""
    from ..rulings.batch import iter_inputs

    out = []
    for item in iter_inputs(paths):
        key, text, fmt, line, source = item
        nodes = _suite_cases(text) if fmt == "yaml" else None
        if nodes is None:
            out.append(item)
            continue
        for node in nodes:
            out.append((f"{key}:{node.line}", text, "suite", node.line, source))
    return out


def _suite_cases(text: str):
    """The case nodes of a policy test suite, or None when the text is not one."""
    try:
        root = read_yaml(text)
    except ReadError:
        return None
    if root is None or not root.is_mapping:
        return None
    top = {k: v for k, _, v in root.value}
    if "cases" not in top or "facts" in top or not top["cases"].is_sequence:
        return None
    return list(top["cases"].value)


# ---------------------------------------------------------------- ruling one case

class Precedents:
    """Both versions compiled once; ``rule(item)`` re-rules one recorded case."""

    def __init__(self, old, new, asked: list[str] | None = None):
        from ..rulings import RulingEngine

        self.policies = {"old": old, "new": new}
        self.engines = {side: RulingEngine(p, certify=False) for side, p in self.policies.items()}
        self.asked = list(asked) if asked else None
        self._suite: tuple[str, dict] = ("", {})

    # ------------------------------------------------------------ reading
    def _node(self, item):
        """(case node, display name, expect texts) or a located C500 diagnostic."""
        key, text, fmt, line, source = item
        if fmt == "error":
            column, _, reason = text.partition(":") if text[:1].isdigit() else ("1", "", text)
            return diag("C500", Span(source, line, int(column)), reason=reason,
                        hint="save the case as UTF-8 in a regular file")
        if fmt == "suite":
            digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
            if self._suite[0] != digest:
                self._suite = (digest, {n.line: n for n in _suite_cases(text) or ()})
            node = self._suite[1].get(line)
            if node is None or not node.is_mapping:
                return diag("C500", Span(source, line, 1), reason="a test case is not a mapping",
                            hint="each entry of `cases:` is a mapping with facts")
            entries = {k: v for k, _, v in node.value}
            unknown = sorted(set(entries) - SUITE_KEYS)
            if unknown:
                return diag("C500", Span(source, line, 1), reason=f"unknown key(s) {', '.join(unknown)}",
                            hint="a test case has the keys " + ", ".join(sorted(SUITE_KEYS)))
            expect = entries.get("expect")
            texts = [str(k) for k, _, _ in expect.value] if expect is not None and expect.is_mapping else []
            name = str(entries["name"].value) if "name" in entries else None
            case_node = Node(Mapping(t for t in node.value if t[0] in CASE_KEYS), node.line, node.column)
            return case_node, name, texts
        try:
            root = read_json(text, line) if fmt == "json" else read_yaml(text)
        except ReadError as exc:
            return diag("C500", Span(source, exc.line, exc.column), reason=exc.reason,
                        hint=f"the case must be a {fmt.upper()} mapping with a `facts:` section")
        if root is None:
            return diag("C500", Span(source, line, 1), reason="the case is empty",
                        hint="write `facts:` followed by `name: value` lines")
        name = None
        if root.is_mapping:
            d = {k: v for k, _, v in root.value}
            for k in ("id", "description"):
                if k in d and isinstance(d[k].value, (str, int)) and not isinstance(d[k].value, bool):
                    name = str(d[k].value) if name is None else name
        return root, name, []

    def _side_case(self, side: str, root: Node, source: str, key: str):
        """(case or None, diagnostics, names left out because only the other version has them)."""
        policy, other = self.policies[side], self.policies["old" if side == "new" else "new"]
        ignored: list[str] = []
        if root.is_mapping:
            entries = []
            for k, key_node, value in root.value:
                known, theirs = ((policy.facts, other.facts) if k == "facts" else
                                 (policy.interpretations, other.interpretations) if k == "readings" else
                                 (None, None))
                if known is not None and value.is_mapping:
                    kept = []
                    for t in value.value:
                        if str(t[0]) not in known and str(t[0]) in theirs:
                            ignored.append(str(t[0]))
                        else:
                            kept.append(t)
                    value = Node(Mapping(kept), value.line, value.column)
                entries.append((k, key_node, value))
            root = Node(Mapping(entries), root.line, root.column)
        case, diags = case_from_node(root, policy, source, key)
        return case, diags, sorted(set(ignored))

    # ------------------------------------------------------------ ruling
    def _outcomes(self, side: str, case, expect: list[str]) -> list[tuple]:
        from ..rulings.model import parse_outcome
        from ..rulings.select import default_outcomes, parse_asked

        policy, engine = self.policies[side], self.engines[side]
        if self.asked is not None:
            return parse_asked(self.asked, policy)[0]
        out = default_outcomes(case, policy, engine.outcomes)
        out += [o for o in (parse_outcome(t, policy) for t in expect) if o is not None]
        return out

    def rule(self, item) -> dict:
        from ..rulings.model import outcome_sort_key, outcome_text

        key, _text, _fmt, line, source = item
        record: dict = {"key": key, "source": source, "line": line}
        got = self._node(item)
        if not isinstance(got, tuple):
            return {**record, "status": "error", "kinds": [], "diagnostics": [as_json(got)]}
        root, name, expect = got
        if name is not None:
            record["name"] = name
        sides, cases, diags = {}, {}, {}
        for side in ("old", "new"):
            case, ds, ignored = self._side_case(side, root, source, key)
            cases[side], diags[side] = case, ds
            sides[side] = {"status": "ok" if case is not None else UNREADABLE, **({"ignored": ignored} if ignored else {})}
            if case is None:
                sides[side]["diagnostics"] = [as_json(d) for d in ds[:20]]
        record["sides"] = sides
        if cases["old"] is None and cases["new"] is None:
            seen, both = set(), []
            for d in diags["old"] + diags["new"]:
                j = as_json(d)
                sig = json.dumps(j, sort_keys=True)
                if sig not in seen:
                    seen.add(sig)
                    both.append(j)
            return {**record, "status": "error", "kinds": [], "diagnostics": both[:20]}
        if cases["old"] is None or cases["new"] is None:
            kind = f"unreadable{_ARROW}readable" if cases["old"] is None else f"readable{_ARROW}unreadable"
            return {**record, "status": "changed", "kinds": [kind], "outcomes": []}
        wanted = {s: self._outcomes(s, cases[s], expect) for s in ("old", "new")}
        union = sorted(set(wanted["old"]) | set(wanted["new"]), key=outcome_sort_key)
        rulings = {}
        for side in ("old", "new"):
            engine = self.engines[side]
            mine = {o for o in union if o in engine.outcomes}
            rulings[side] = engine.rule(cases[side], only=mine, explain=False)
            if not rulings[side].admissible:
                sides[side]["status"] = INADMISSIBLE
                sides[side]["diagnostics"] = [as_json(d) for d in rulings[side].diagnostics[:20]]
        record["asked"] = len(union)
        adm = {s: rulings[s].admissible for s in ("old", "new")}
        if not adm["old"] and not adm["new"]:
            return {**record, "status": "same", "kinds": [], "outcomes": []}
        if adm["old"] != adm["new"]:
            kind = f"admissible{_ARROW}inadmissible" if adm["old"] else f"inadmissible{_ARROW}admissible"
            return {**record, "status": "changed", "kinds": [kind], "outcomes": []}
        changed = []
        for o in union:
            v = {s: _verdict(rulings[s].get(o)) for s in ("old", "new")}
            if v["old"] != v["new"]:
                changed.append((o, v))
        outcomes = []
        if changed:
            clauses = {s: self._clauses(s, cases[s], [o for o, _ in changed]) for s in ("old", "new")}
            for o, v in changed:
                entry = {"outcome": outcome_text(o), "old": v["old"][0], "new": v["new"][0],
                         "kind": f"{v['old'][0]}{_ARROW}{v['new'][0]}",
                         "old_clauses": clauses["old"].get(o, []), "new_clauses": clauses["new"].get(o, [])}
                for s in ("old", "new"):
                    if v[s][1]:
                        entry[f"{s}_readings"] = v[s][1]
                outcomes.append(entry)
        kinds = sorted({e["kind"] for e in outcomes})
        return {**record, "status": "changed" if outcomes else "same", "kinds": kinds, "outcomes": outcomes}

    def _clauses(self, side: str, case, outcomes: list[tuple]) -> dict[tuple, list[str]]:
        """The clauses each outcome's verdict rests on (its proofs' rules and assumptions, or
        its discretion declarations)."""
        from ..rulings.policytests import cited_clauses

        engine, policy = self.engines[side], self.policies[side]
        mine = {o for o in outcomes if o in engine.outcomes}
        if not mine:
            return {}
        ruling = engine.rule(case, only=mine, explain=True)
        return {o.outcome: sorted(cited_clauses(policy, o)) for o in ruling.outcomes}


def _verdict(outcome_ruling) -> tuple[str, dict]:
    """(status, {reading: status} when it depends on the readings)."""
    if outcome_ruling is None:
        return ABSENT, {}
    status = outcome_ruling.status
    if status != "DEPENDS":
        return status, {}
    per = {",".join(f"{n}={str(b).lower()}" for n, b in v.reading) or "-": v.status
           for v in outcome_ruling.verdicts}
    return status, dict(sorted(per.items()))


# ---------------------------------------------------------------- many cases

_STATE: Precedents | None = None


def _init(old, new, asked, worker: bool = False) -> None:
    global _STATE
    if worker:
        from ..rulings.batch import _worker_signals

        _worker_signals()
    _STATE = Precedents(old, new, asked)


def _one(item) -> dict:
    return _STATE.rule(item)


def run_id(old_sources, new_sources, asked=None) -> str:
    """What a records file's lines are the records of: a hash of both versions' texts (file
    names without their folders: a git revision is read from a fresh temporary folder each
    run) and the outcomes asked. A records file of another run is refused, not resumed."""
    from ..rulings.distributed import policy_texts

    h = hashlib.sha256()
    for sources in (old_sources, new_sources):
        for path, text in sorted((os.path.basename(p), t) for p, t in policy_texts(sources)[1]):
            h.update(path.encode("utf-8", "surrogatepass") + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
        h.update(b"\1")
    h.update(json.dumps(sorted(asked or []), ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()[:16]


def records_problem(path, run: str) -> str | None:
    """Why ``path`` cannot be the records file (``--records``) of this run, or None: as for a
    results file of ``verifier case`` (``batch.results_problem``), and it must hold the
    records of these two versions and asked outcomes."""
    from ..rulings.batch import DIFF_RUN, results_problem

    def check(record: dict) -> str | None:
        if DIFF_RUN not in record:
            return ("it is not a records file of `verifier diff --cases` (its first line is a "
                    "`verifier case` result); give a new file name")
        if record[DIFF_RUN] != run:
            return ("it holds the records of another `verifier diff --cases` run (other versions or "
                    "--ask); give a new file name, or remove it to start over")
        return None
    return results_problem(Path(path), "`verifier diff --cases`", check,
                           torn=(b'{"asked": ', b'{"diagnostics": [', b'{"key": '))


def rule_corpus(old, new, items, asked: list[str] | None = None, jobs: int = 0,
                progress: bool | None = None, scheduler: str | None = None, texts=None,
                records=None, run: str | None = None) -> list[dict]:
    """One record per item, in input order: on a Dask cluster (``scheduler``; ``texts``: both
    versions' ``distributed.policy_texts``), else on all cores (one process per core, each
    compiling both versions once).

    With ``records`` (a path) and ``run`` (``run_id``) the records are also kept there, one
    JSON line per case, exactly as the batch of ``verifier case -o`` keeps its results:
    written in input order, each line with one write, the cases already in the file (a
    record of this run) skipped, so an interrupted run given the same file resumes where it
    stopped and ends with the same file as an uninterrupted one. The records returned are
    then read back from the file.
    """
    from ..rulings.batch import DIFF_RUN, ResultsWriter, dump_record, iter_records, pending

    if records is None:
        out: list[dict] = []
        _rule(old, new, items, asked, jobs, progress, scheduler, texts, out.append)
        return out
    records = Path(records)
    accept = lambda r: r.get(DIFF_RUN) == run  # noqa: E731
    todo, skipped, statuses = pending(items, records, accept)
    seen = {item[0] for item in items} - {item[0] for item in todo}
    with ResultsWriter(records, len(todo), seen, statuses, progress) as writer:
        _rule(old, new, todo, asked, jobs, False, scheduler, texts,
              lambda r: writer.add(r["key"], dump_record({**r, DIFF_RUN: run}), r["status"]), bar=False)
    wanted = {item[0] for item in items}
    by_key = {}
    for r in iter_records(records, accept):
        if r["key"] in wanted and r["key"] not in by_key:
            del r[DIFF_RUN]
            by_key[r["key"]] = r
    return [by_key[item[0]] for item in items]


def _rule(old, new, items, asked, jobs, progress, scheduler, texts, each, bar: bool = True) -> None:
    """``each(record)`` for every item, in input order (``bar``: draw the progress bar here)."""
    from ..rulings.batch import Progress, imap_in_order

    if scheduler:
        from ..rulings.distributed import rule_precedents

        rule_precedents(scheduler, texts[0], texts[1], items, asked, progress=progress if bar else False,
                        each=each)
        return None
    jobs = jobs or os.cpu_count() or 1
    counter = Progress(len(items), progress if bar else False)
    results = imap_in_order(_one, items, jobs, _init, (old, new, asked), chunk_cap=16)
    try:
        for record in results:
            each(record)
            counter.step()
    finally:
        results.close()
        counter.close()
    return None


# ---------------------------------------------------------------- the impact

@dataclass(frozen=True)
class CasesImpact:
    """Every record, and what they add up to."""

    corpus: str
    asked: tuple[str, ...]            # empty: the documents' decisions (and a suite's expect:)
    records: tuple[dict, ...]

    @property
    def changed(self) -> list[dict]:
        return [r for r in self.records if r["status"] == "changed"]

    @property
    def errors(self) -> list[dict]:
        return [r for r in self.records if r["status"] == "error"]

    @property
    def ignored(self) -> list[dict]:
        return [r for r in self.records if any(s.get("ignored") for s in r.get("sides", {}).values())]

    def groups(self) -> list[tuple[str, list[tuple[dict, list[dict]]]]]:
        """[(kind, [(record, its outcome entries of that kind)])], case-level kinds first."""
        groups: dict[str, dict[str, tuple]] = {}
        for r in self.changed:
            if not r["outcomes"]:
                groups.setdefault(r["kinds"][0], {})[r["key"]] = (r, [])
            for e in r["outcomes"]:
                groups.setdefault(e["kind"], {}).setdefault(r["key"], (r, []))[1].append(e)
        level = lambda k: (0 if ("readable" in k or "admissible" in k) else 1, k)  # noqa: E731
        return [(k, list(groups[k].values())) for k in sorted(groups, key=level)]

    def exit_code(self) -> int:
        return 1 if self.changed else 0

    def as_dict(self) -> dict:
        counts: dict[str, int] = {}
        for r in self.records:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        return {"corpus": self.corpus, "asked": list(self.asked) or None,
                "ruled": len(self.records), "counts": dict(sorted(counts.items())),
                "kinds": {k: len(v) for k, v in self.groups()},
                "changed": self.changed, "errors": self.errors,
                "ignored": [{"key": r["key"], **{s: r["sides"][s].get("ignored", []) for s in ("old", "new")}}
                            for r in self.ignored]}


def _n_cases(n: int) -> str:
    return f"{n} case" + ("" if n == 1 else "s")


def _who(r: dict) -> str:
    where = f"{r['source']}:{r['line']}"
    return where + (f" {r['name']}" if r.get("name") else "")


def _ignored_text(r: dict) -> str:
    parts = []
    for side, label in (("old", "before"), ("new", "after")):
        names = r.get("sides", {}).get(side, {}).get("ignored")
        if names:
            parts.append(f"{', '.join(names)} left out {label} (not a fact of that version)")
    return "; ".join(parts)


def _clauses_text(cs: list[str]) -> str:
    return f" [{', '.join(cs)}]" if cs else ""


def _side_verdict(e: dict, side: str) -> str:
    text = e[side] + _clauses_text(e[f"{side}_clauses"])
    per = e.get(f"{side}_readings")
    if per:
        text += " (" + "; ".join(f"{k}: {v}" for k, v in per.items()) + ")"
    return text


def _scope(impact: CasesImpact) -> str:
    return ("outcomes compared: " + ", ".join(impact.asked)) if impact.asked else \
        "outcomes compared: each case's documents' decisions and actions, and a test case's expect:"


def render_text(impact: CasesImpact) -> str:
    n = len(impact.records)
    lines = ["", f"Recorded cases: {n} ruled from {impact.corpus}; {len(impact.changed)} change, "
             f"{len(impact.errors)} unreadable under both versions",
             "  " + _scope(impact)]
    for kind, members in impact.groups():
        lines.append(f"  {kind} ({_n_cases(len(members))})")
        for r, entries in members:
            lines.append(f"    {_who(r)}")
            for e in entries:
                lines.append(f"      {e['outcome']}: before {_side_verdict(e, 'old')}; after {_side_verdict(e, 'new')}")
            if not entries:
                for s, label in (("old", "before"), ("new", "after")):
                    for d in r["sides"][s].get("diagnostics", [])[:3]:
                        lines.append(f"      {label}: [{d['code']}] {d['message']}")
            if _ignored_text(r):
                lines.append(f"      {_ignored_text(r)}")
    shown = {r["key"] for r in impact.changed}
    for r in impact.ignored:
        if r["key"] not in shown:
            lines.append(f"  note: {_who(r)}: {_ignored_text(r)}; its verdicts do not change")
    for r in impact.errors:
        for d in r["diagnostics"][:3]:
            lines.append(f"  unreadable: {d['file']}:{d['line']}:{d['column']}: [{d['code']}] {d['message']}"
                         + (f" — hint: {d['hint']}" if d.get("hint") else ""))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def render_markdown(impact: CasesImpact, heading: str = "##") -> str:
    n = len(impact.records)
    out = [f"{heading} Cases that change", "",
           f"{n} recorded cases from `{impact.corpus}` re-ruled under both versions "
           f"— {_scope(impact)} — **{len(impact.changed)} change**"
           + (f", {len(impact.errors)} unreadable under both" if impact.errors else "") + ".", ""]
    for kind, members in impact.groups():
        out += [f"{heading}# {kind} ({_n_cases(len(members))})", ""]
        if members[0][1]:
            out += ["| case | outcome | before | after |", "|---|---|---|---|"]
            for r, e in ((r, e) for r, entries in members for e in entries):
                note = f" ({_ignored_text(r)})" if _ignored_text(r) else ""
                out.append(f"| `{_md(r['source'])}:{r['line']}` {_md(r.get('name', ''))}{_md(note)} | "
                           f"`{_md(e['outcome'])}` | {_md(_side_verdict(e, 'old'))} | {_md(_side_verdict(e, 'new'))} |")
        else:
            out += ["| case | why |", "|---|---|"]
            for r, _ in members:
                why = "; ".join(f"{'before' if s == 'old' else 'after'}: [{d['code']}] {d['message']}"
                                for s in ("old", "new") for d in r["sides"][s].get("diagnostics", [])[:2])
                out.append(f"| `{_md(r['source'])}:{r['line']}` {_md(r.get('name', ''))} | {_md(why)} |")
        out.append("")
    shown = {r["key"] for r in impact.changed}
    notes = [r for r in impact.ignored if r["key"] not in shown]
    if notes:
        out += ["Facts known to one version only (the verdicts do not change):", ""]
        out += [f"- `{_md(r['source'])}:{r['line']}`: {_md(_ignored_text(r))}" for r in notes]
        out.append("")
    if impact.errors:
        out += ["Unreadable cases:", ""]
        out += [f"- `{_md(d['file'])}:{d['line']}:{d['column']}` [{d['code']}] {_md(d['message'])}"
                for r in impact.errors for d in r["diagnostics"][:3]]
        out.append("")
    return "\n".join(out)
