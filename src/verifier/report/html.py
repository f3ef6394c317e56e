"""reports/html/: the analysis as self-contained HTML pages (no network, no external files).

``html_pages(ri)`` returns ``{relative path: text}``: ``index.html`` (the findings in
tiers and groups, with filters by severity, document, clause and reading), one page per
clause (``clause/ID.html``: its text, rules, facts and the findings citing it) and one
per decision or action (``graph/NN.html``: its decision graph as SVG, nodes linking to
the clause pages). Every page inlines its CSS (and the index its script); output is
deterministic.
"""
from __future__ import annotations

import json
import re
from html import escape

from ..analysis.groups import ACT, REST, TIER_TITLES, TIERS, group_findings, tally_properties
from ..printer import print_expr
from .base import ReportInput, has_location, value_text
from .graph import FACT, RULE, decision_graph, graph_svg, targets
from .story import story_zh

CSS = """body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:1.5em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc}
.finding{border-left:4px solid #999;padding:.3em .8em;margin:.5em 0;background:#fafafa}
.sev-error{border-color:#c62828}.sev-warning{border-color:#ef8f00}.sev-info{border-color:#1565c0}
.code{font-family:monospace;font-weight:bold}.story{margin:.3em 0}.muted{color:#666;font-size:.9em}
details.group{margin:.4em 0}details.group>summary{cursor:pointer}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}
#filters{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #ddd}
#filters label{margin-right:1em}.hidden{display:none}
svg.graph{border:1px solid #ddd;background:#fff}
.node rect{fill:#eef;stroke:#557}.node.fact rect{fill:#f3f3f3;stroke:#888}
.node.term rect{fill:#eaf6ea;stroke:#4a4}.node.rule rect{fill:#e8f0ff;stroke:#36c}
.node.outcome rect{fill:#fff3e0;stroke:#e65100}.node.discretion rect{fill:#fce4ec;stroke:#ad1457}
.node text{font-size:12px;text-anchor:middle}.edge{fill:none;stroke:#888;stroke-width:1.2}
.edge.unless{stroke-dasharray:4 3;stroke:#a33}.edge.prevails{stroke:#c62828;stroke-width:1.5}
.edge.outranks{stroke:#c62828;stroke-width:1.5;stroke-dasharray:6 3}.node.priority rect{fill:#ffebee;stroke:#c62828}
.edge.discretion{stroke:#ad1457}.edge.concludes{stroke:#36c}"""

SCRIPT = """function applyFilters(){
 var sev=document.getElementById('f-severity').value, doc=document.getElementById('f-document').value,
     cl=document.getElementById('f-clause').value.trim(), rd=document.getElementById('f-reading').value;
 var shown=0;
 document.querySelectorAll('.finding').forEach(function(f){
  var ok=(!sev||f.dataset.severity===sev)&&(!doc||(' '+f.dataset.docs+' ').indexOf(' '+doc+' ')>=0)
   &&(!cl||(' '+f.dataset.clauses+' ').indexOf(' '+cl+' ')>=0);
  if(ok&&rd){var p=rd.split('='),name=p[0],val=p[1]==='true';
   ok=JSON.parse(f.dataset.readings).some(function(r){return !(name in r)||r[name]===val;});}
  f.classList.toggle('hidden',!ok); if(ok)shown++;});
 document.querySelectorAll('details.group').forEach(function(g){
  g.classList.toggle('hidden',!g.querySelector('.finding:not(.hidden)'));});
 document.getElementById('shown').textContent=shown;}
document.addEventListener('DOMContentLoaded',function(){
 document.querySelectorAll('#filters select,#filters input').forEach(function(x){
  x.addEventListener('input',applyFilters);x.addEventListener('change',applyFilters);});applyFilters();});"""


def slug(text: str) -> str:
    """A file-name-safe form of a clause id (non-ASCII as hex)."""
    return re.sub(r"[^A-Za-z0-9_.-]", lambda m: f"_{ord(m.group()):x}", text)


def page(title: str, body: list[str], script: str = "", up: str = "") -> str:
    head = (f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<style>{CSS}</style>' + (f"<script>{script}</script>" if script else "") + "</head><body>")
    nav = f'<p><a href="{up}index.html">← 总览 / overview</a></p>' if up else ""
    return "\n".join([head, nav, *body, "</body></html>"]) + "\n"


# ---------------------------------------------------------------- index

def _docs_of(ri: ReportInput, f) -> list[str]:
    docs = []
    for cid in ri.clauses_of(f):
        doc = ri.policy.document_of(cid) if ri.policy is not None else None
        if doc is not None and doc.id not in docs:
            docs.append(doc.id)
    return docs


def _clause_links(ri: ReportInput, ids, up: str = "") -> str:
    known = ri.policy.clauses if ri.policy is not None else {}
    return ", ".join(f'<a href="{up}clause/{slug(c)}.html">{escape(c)}</a>' if c in known else escape(c)
                     for c in ids)


def finding_html(ri: ReportInput, f, up: str = "") -> str:
    """One finding as a filterable block."""
    loc = ri.location(f)
    where = f'<span class="muted">{escape(loc.file)}:{loc.line}</span> ' if has_location(loc) else ""
    readings = json.dumps([dict(r) for r in f.readings] or [{}], ensure_ascii=False, sort_keys=True)
    attrs = (f'data-severity="{f.severity}" data-code="{f.code}" data-docs="{escape(" ".join(_docs_of(ri, f)))}" '
             f'data-clauses="{escape(" ".join(ri.clauses_of(f)))}" data-readings="{escape(readings)}" '
             f'data-fingerprint="{f.fingerprint}"')
    parts = [f'<div class="finding sev-{f.severity}" {attrs}>',
             f'<div>{where}<span class="code">{f.code}</span> {escape(f.message("zh"))} / {escape(f.message("en"))}</div>',
             f'<div class="story">{escape(story_zh(ri, f))}</div>']
    clauses = ri.clauses_of(f)
    if clauses:
        parts.append(f'<div class="muted">条款 / clauses: {_clause_links(ri, clauses, up)}</div>')
    if f.witness is not None:
        shown, hidden = ri.witness_split(f)
        cells = "".join(f"<tr><td>{escape(n)}</td><td>{escape(value_text(v))}</td></tr>" for n, v in shown)
        cells += "".join(f"<tr><td>{escape(n)}</td><td>{escape(value_text(v))} (解读 / reading)</td></tr>"
                         for n, v in ri.decisive_readings(f))
        parts.append(f'<table class="witness">{cells}</table><div class="muted">{hidden} 项相关事实取中性值,'
                     f'{ri.not_relevant(f)} 项无关 / relevant facts at neutral: {hidden}; not relevant: '
                     f'{ri.not_relevant(f)}</div>')
    parts.append(f'<div class="muted">解读 / readings: {escape(ri.readings_text(f))}</div></div>')
    return "\n".join(parts)


def _filters(ri: ReportInput) -> list[str]:
    docs = "".join(f'<option value="{escape(d.id)}">{escape(d.id)}</option>' for d in ri.documents)
    interps = sorted(ri.policy.interpretations) if ri.policy is not None else []
    reads = "".join(f'<option value="{escape(n)}={v}">{escape(n)} = {v}</option>'
                    for n in interps for v in ("true", "false"))
    clauses = "".join(f'<option value="{escape(c)}">' for c in (ri.policy.clauses if ri.policy else ()))
    return ['<div id="filters">',
            '<label>严重性 / severity <select id="f-severity"><option value="">all</option>'
            '<option value="error">error</option><option value="warning">warning</option>'
            '<option value="info">info</option></select></label>',
            f'<label>文档 / document <select id="f-document"><option value="">all</option>{docs}</select></label>',
            f'<label>条款 / clause <input id="f-clause" list="clause-ids" size="10"><datalist id="clause-ids">'
            f'{clauses}</datalist></label>',
            f'<label>解读 / reading <select id="f-reading"><option value="">any</option>{reads}</select></label>',
            '<span class="muted"><span id="shown"></span> shown</span></div>']


def index_html(ri: ReportInput, graphs: list[tuple[str, str]]) -> str:
    c = ri.counts()
    body = ["<h1>分析报告 / Analysis</h1>",
            f"<p>{len(ri.findings)} findings: {c['error']} errors, {c['warning']} warnings, {c['info']} notes.</p>"]
    if ri.policy is not None and ri.policy.properties:
        t = tally_properties(ri.findings, ri.policy.properties)
        body.append(f"<p>{escape(t.text_zh())}<br>{escape(t.text())}</p>")
    body += _filters(ri)
    groups = group_findings(ri.findings, ri.policy)
    for tier in TIERS:
        mine = [g for g in groups if g.tier == tier]
        if not mine:
            continue
        en, zh = TIER_TITLES[tier]
        body.append(f'<h2 id="tier-{tier}">{escape(zh)} / {escape(en)} ({sum(len(g.members) for g in mine)})</h2>')
        for g in mine:
            if len(g.members) == 1 and tier != REST:
                body.append(finding_html(ri, g.first))
                continue
            title = f"[{g.code}] {len(g.members)} × " + escape(g.about or g.first.name)
            items = "\n".join(finding_html(ri, f) for f in g.members)
            body.append(f'<details class="group" data-group="{g.id}"{" open" if tier == ACT else ""}>'
                        f'<summary>{title}</summary>\n{items}\n</details>')
    body.append("<h2>决策图 / Decision graphs</h2><ul>")
    body += [f'<li><a href="{href}">{escape(name)}</a></li>' for name, href in graphs]
    body.append("</ul><h2>条款 / Clauses</h2><p>")
    body.append(" ".join(f'<a href="clause/{slug(cid)}.html">{escape(cid)}</a>'
                         for cid in (ri.policy.clauses if ri.policy else ())))
    body.append("</p>")
    return page("分析报告 / Analysis", body, SCRIPT)


# ---------------------------------------------------------------- clause and graph pages

def clause_html(ri: ReportInput, cid: str) -> str:
    p = ri.policy
    clause = p.clauses[cid]
    rules = [r for r in p.rules.values() if cid in r.meta.cites]
    facts = [f for f in p.facts.values() if cid in f.meta.cites]
    body = [f"<h1>{escape(cid)}</h1>", f"<blockquote>{escape(clause.text)}</blockquote>",
            f'<p class="muted">status: {escape(clause.status)}{": " + escape(clause.reason) if clause.reason else ""}</p>',
            "<h2>规则 / Rules</h2>"]
    if rules:
        rows = "".join(f"<tr><td id=\"{escape(r.id)}\">{escape(r.id)}</td><td>{escape(print_expr(r.condition, 'zh'))}"
                       + (f" 除非 {escape(print_expr(r.unless, 'zh'))}" if r.unless is not None else "")
                       + f"</td><td>{escape(ri.conclusion(r.id, 'zh'))}</td></tr>" for r in rules)
        body.append(f"<table><tr><th>rule</th><th>如果 / if</th><th>那么 / then</th></tr>{rows}</table>")
    else:
        body.append('<p class="muted">no rule cites this clause</p>')
    body.append("<h2>事实 / Facts</h2>")
    body.append("<ul>" + "".join(f"<li>{escape(f.name)} — {escape(f.meta.label or '')}</li>" for f in facts)
                + "</ul>" if facts else '<p class="muted">no fact cites this clause</p>')
    mine = [f for f in ri.findings if cid in ri.clauses_of(f)]
    body.append(f"<h2>发现 / Findings ({len(mine)})</h2>")
    body += [finding_html(ri, f, "../") for f in mine]
    return page(cid, body, up="../")


def graph_html(ri: ReportInput, target: str) -> str:
    p = ri.policy
    g = decision_graph(p, target)
    first_clause = {}
    for r in p.rules.values():
        if r.meta.cites:
            first_clause[r.id] = r.meta.cites[0]
    for f in p.facts.values():
        if f.meta.cites:
            first_clause.setdefault(f.name, f.meta.cites[0])

    def link(kind, label):
        cid = first_clause.get(label) if kind in (RULE, FACT) else None
        return f"../clause/{slug(cid)}.html" if cid else None
    decl = p.decisions.get(target) or p.actions.get(target)
    body = [f"<h1>{escape(target)}</h1>",
            f'<p class="muted">{escape(decl.meta.label or "") if decl is not None else ""} — facts → terms → rules → '
            f'alternatives; red: priority declarations (stronger rules → declaration, dashed → weaker rules); pink: discretion; dashed grey-red: unless.</p>',
            graph_svg(g, link)]
    return page(target, body, up="../")


def html_pages(ri: ReportInput) -> dict[str, str]:
    """{path relative to reports/html/: text} of every page."""
    if ri.policy is None:
        return {"index.html": index_html(ri, [])}
    graphs = [(t, f"graph/{i:02d}.html") for i, t in enumerate(targets(ri.policy), 1)]
    files = {"index.html": index_html(ri, graphs)}
    files.update({f"clause/{slug(cid)}.html": clause_html(ri, cid) for cid in ri.policy.clauses})
    files.update({href: graph_html(ri, t) for t, href in graphs})
    return files


__all__ = ["html_pages", "slug"]
