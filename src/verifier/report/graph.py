"""Decision graphs: facts → terms → rules → alternatives of one decision or action, with
priority declarations (stronger rules → declaration → weaker rules) and discretions, laid out by grandalf (Sugiyama) and drawn as SVG.

``decision_graph(policy, target)`` builds the nodes and edges (plain data);
``graph_svg(graph, link)`` lays them out and returns an SVG string in which every node
is a ``<g class="node" data-kind=… data-id=…>`` (a link when ``link`` gives a target).
Output is deterministic: nodes and edges are added in a fixed order and grandalf's layout
depends only on that order.
"""
from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field

from ..evaluate import Atom, index
from ..model.nodes import DECIDE, MAY, MUST, MUST_NOT, Deontic, Is, Ref, leaves

FACT, TERM_NODE, RULE, OUTCOME, DISCRETION, PRIORITY = ("fact", "term", "rule", "outcome", "discretion",
                                                         "priority")
_MODAL = {MUST: "应当", MAY: "可以", MUST_NOT: "不得"}


@dataclass
class DecisionGraph:
    """Nodes ``{id: (kind, label)}`` in insertion order; edges (source, target, kind)
    with kind ``reads`` / ``unless`` / ``concludes`` / ``prevails`` (stronger rule →
    priority declaration) / ``outranks`` (declaration → weaker rule) / ``discretion``."""

    target: str
    nodes: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)

    def node(self, nid: str, kind: str, label: str) -> str:
        self.nodes.setdefault(nid, (kind, label))
        return nid

    def edge(self, a: str, b: str, kind: str) -> None:
        if (a, b, kind) not in self.edges and a != b:
            self.edges.append((a, b, kind))

    def rule_ids(self) -> list[str]:
        return [nid[5:] for nid, (kind, _) in self.nodes.items() if kind == RULE]


def targets(policy) -> list[str]:
    """Every decision and every action some rule concludes, in declaration order."""
    ix = index(policy)
    out = list(policy.decisions)
    out += [x for x in policy.actions if any(ix.concluding.get(Atom(m, x)) for m in (MUST, MAY, MUST_NOT))]
    return out


def _atoms(policy, target: str) -> list[Atom]:
    if target in policy.decisions:
        return [Atom(DECIDE, target, v) for v in policy.decisions[target].alternatives]
    return [Atom(m, target) for m in (MUST, MAY, MUST_NOT)]


def _atom_label(a: Atom) -> str:
    return f"{a.target} = {a.value}" if a.kind == DECIDE else f"{_MODAL[a.kind]} {a.target}"


def decision_graph(policy, target: str) -> DecisionGraph:
    """The graph of one decision or action (see the module docstring)."""
    ix = index(policy)
    g = DecisionGraph(target)
    rules = []
    for a in _atoms(policy, target):
        for rid in ix.concluding.get(a, ()):
            rules.append(rid)
            g.edge(g.node(f"rule:{rid}", RULE, rid), g.node(f"atom:{a}", OUTCOME, _atom_label(a)), "concludes")
    for rid in rules:
        r = policy.rules[rid]
        _inputs(policy, g, r.condition, f"rule:{rid}", "reads", set())
        _inputs(policy, g, r.unless, f"rule:{rid}", "unless", set())
    _priorities(policy, g, rules, ix)
    for i, d in enumerate(policy.discretions):
        if d.target == target:
            nid = g.node(f"disc:{i}", DISCRETION, f"裁量:{d.maker}")
            for a in _atoms(policy, target)[:1]:
                g.edge(nid, g.node(f"atom:{a}", OUTCOME, _atom_label(a)), "discretion")
            _inputs(policy, g, d.condition, nid, "reads", set())
    return g


def _priorities(policy, g: DecisionGraph, rules: list[str], ix) -> None:
    """One node per priority declaration that resolves some pair of this graph's rules
    (stronger → declaration → weaker), so a group priority is 1 node and |H| + |L|
    edges, not |H| × |L| arcs."""
    for p in policy.priorities:
        highs = [r for r in policy.members(p.higher) if r in rules]
        lows = [r for r in policy.members(p.lower) if r in rules]
        pairs = [(h, low) for h in highs for low in lows if h in ix.defeaters.get(low, ())]
        if not pairs:
            continue
        nid = g.node(f"prio:{p.higher}>{p.lower}", PRIORITY, f"{p.higher} 高于 {p.lower}")
        for h in dict.fromkeys(h for h, _ in pairs):
            g.edge(f"rule:{h}", nid, "prevails")
        for low in dict.fromkeys(low for _, low in pairs):
            g.edge(nid, f"rule:{low}", "outranks")


def _inputs(policy, g: DecisionGraph, e, into: str, kind: str, seen: set) -> None:
    """Edges from what ``e`` reads into node ``into``: facts, terms (defined terms expanded
    down to their facts), other outcomes."""
    for x in leaves(e):
        if isinstance(x, Ref) and x.name in policy.facts or isinstance(x, Is) and x.subject in policy.facts:
            name = x.name if isinstance(x, Ref) else x.subject
            g.edge(g.node(f"fact:{name}", FACT, name), into, kind)
        elif isinstance(x, Ref) and x.name in policy.terms:
            nid = g.node(f"term:{x.name}", TERM_NODE, x.name)
            g.edge(nid, into, kind)
            t = policy.terms[x.name]
            if t.definition is not None and x.name not in seen:
                seen.add(x.name)
                _inputs(policy, g, t.definition, nid, "reads", seen)
        elif isinstance(x, Ref) and x.name in policy.interpretations:
            g.edge(g.node(f"interp:{x.name}", TERM_NODE, f"解读:{x.name}"), into, kind)
        elif isinstance(x, (Deontic, Is)):
            label = f"{_MODAL[x.modality]} {x.action}" if isinstance(x, Deontic) else f"{x.subject} = {'/'.join(x.labels)}"
            g.edge(g.node(f"out:{label}", OUTCOME, label), into, kind)


# ---------------------------------------------------------------- layout and SVG

def _width(text: str) -> int:
    return 16 + sum(13 if unicodedata.east_asian_width(ch) in "WF" else 7 for ch in text)


class _View:
    def __init__(self, w: int, h: int):
        self.w, self.h, self.xy = w, h, None


class _EdgeView:
    def setpath(self, pts):
        self.pts = pts


def layout(g: DecisionGraph) -> tuple[dict, dict, float, float]:
    """Node centres and edge polylines, and the drawing's width and height: grandalf's
    Sugiyama layout per connected component, ranks running left to right (a rank of 60
    facts is a column, not a 9,000-pixel row), components stacked top to bottom."""
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout
    from grandalf.routing import route_with_lines
    class V(Vertex):
        """A vertex hashed by its insertion index: grandalf keeps vertices and edges in sets,
        and the default (address-based) hash made set order, hence the layout, change from
        one run to the next."""
        __hash__ = lambda self: self.order  # noqa: E731

    class E(Edge):
        __hash__ = lambda self: self.order  # noqa: E731

    vs = {}
    for i, nid in enumerate(g.nodes):
        v = vs[nid] = V(nid)
        v.order = i
        v.view = _View(30, _width(g.nodes[nid][1]))   # laid out top-down with w and h swapped
    es = []
    for i, (a, b, kind) in enumerate(g.edges):
        e = E(vs[a], vs[b], data=kind)
        e.order = i
        e.view = _EdgeView()
        es.append(e)
    pos, paths, y0, width = {}, {}, 20.0, 0.0
    for comp in Graph(list(vs.values()), es).C:
        sug = SugiyamaLayout(comp)
        sug.route_edge = route_with_lines
        sug.xspace, sug.yspace = 8, 60
        sug.init_all()
        sug.draw()
        cv = list(comp.sV)
        lo = min(v.view.xy[0] - v.view.w / 2 for v in cv)
        hi = max(v.view.xy[0] + v.view.w / 2 for v in cv)
        top = min(v.view.xy[1] - v.view.h / 2 for v in cv)

        def turn(x, y):
            return (y - top + 20, x - lo + y0)
        for v in cv:
            pos[v.data] = turn(*v.view.xy)
            width = max(width, pos[v.data][0] + v.view.h / 2 + 20)
        for e in comp.sE:
            pts = getattr(e.view, "pts", None) or [e.v[0].view.xy, e.v[1].view.xy]
            paths[(e.v[0].data, e.v[1].data, e.data)] = [turn(x, y) for x, y in pts]
        y0 += hi - lo + 30
    return pos, paths, width, y0


def graph_svg(g: DecisionGraph, link=lambda kind, label: None) -> str:
    """The graph as an SVG document fragment; ``link(kind, label)`` gives an href or None."""
    pos, paths, width, height = layout(g)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" data-target="{html.escape(g.target)}">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>']
    for a, b, kind in g.edges:                 # in insertion order (grandalf's sets are not)
        pts = paths[(a, b, kind)]
        d = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        out.append(f'<polyline class="edge {kind}" points="{d}" marker-end="url(#arrow)"/>')
    for nid, (kind, label) in g.nodes.items():
        x, y = pos[nid]
        w = _width(label)
        body = (f'<rect x="{x - w / 2:.1f}" y="{y - 13:.1f}" width="{w}" height="26" rx="5"/>'
                f'<text x="{x:.1f}" y="{y + 5:.1f}">{html.escape(label)}</text>')
        href = link(kind, label)
        if href:
            body = f'<a href="{html.escape(href)}">{body}</a>'
        out.append(f'<g class="node {kind}" data-kind="{kind}" data-id="{html.escape(label)}">{body}</g>')
    out.append("</svg>")
    return "\n".join(out)
