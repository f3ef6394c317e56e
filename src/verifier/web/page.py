"""The ruling page as server-rendered HTML.

Every name and text from the policy or a request is escaped with ``html.escape`` (``h``)
before it is written; the data the script needs travels as JSON inside a
``<script type="application/json">`` element with ``<``, ``>`` and ``&`` escaped, so no text
can close the element or run. There is no template engine: nothing is evaluated.
"""
from __future__ import annotations

import json
from html import escape

from .service import fact_kind, form_groups

UI = {
    "zh": {
        "title": "政策裁定", "subtitle": "填写已知事实,查看文本证明了什么、哪些未定、下一步应查明什么",
        "switch": "English", "goal": "裁定目标", "readings": "解释(两种读法)",
        "readings_note": "每项解释默认未指定:两种读法都考虑,结论若因读法而异会标明。",
        "open": "未指定(两种读法均考虑)", "true": "为真", "false": "为假", "yes": "是", "no": "否",
        "unknown": "未知", "phrase": "原文", "gloss": "英文", "clause_text": "条款原文",
        "cites": "依据", "verdict": "结论", "outcome": "结果", "next": "下一个最具决定性的问题", "decided": "目标已判定,无需再问。",
        "proof": "查看证明", "dl_case": "下载案例(YAML)", "dl_ruling": "下载裁定(Markdown)",
        "dl_certs": "下载证书(zip)", "clear": "清空", "load": "打开案例文件", "working": "计算中…",
        "depends": "取决于的解释", "clauses": "依据条款", "jump": "跳到该问题", "none": "(无)",
        "facts": "事实", "doc_facts": "项事实", "cert": "证书", "recheck": "复核命令",
        "inadmissible": "案例事实与假设矛盾", "error": "错误", "warnings": "警告", "known": "已知事实",
        "by_reading": "各读法下", "int_hint": "整数", "search": "筛选事实…", "maker": "由 {m} 裁量决定", "no_maker": "文本允许但未指定决定者", "nojs": "本页需要 JavaScript 才能更新结论。",
    },
    "en": {
        "title": "Policy ruling", "subtitle": "Fill in what is known; see what the text proves, what is open, and what to find out next",
        "switch": "中文", "goal": "Goal", "readings": "Interpretations (two readings each)",
        "readings_note": "Each interpretation is open by default: both readings are considered, and a verdict "
                         "that differs between them says so.",
        "open": "open (both readings considered)", "true": "true", "false": "false", "yes": "yes", "no": "no",
        "unknown": "unknown", "phrase": "source", "gloss": "gloss", "clause_text": "clause text",
        "cites": "cites", "verdict": "Verdict", "outcome": "outcome", "next": "Most decisive next question",
        "decided": "The goal is decided; nothing more to ask.", "proof": "Show the proof",
        "dl_case": "Download case (YAML)", "dl_ruling": "Download ruling (Markdown)",
        "dl_certs": "Download certificates (zip)", "clear": "Clear", "load": "Open a case file",
        "working": "working…", "depends": "depends on", "clauses": "clauses", "jump": "Go to the question",
        "none": "(none)", "facts": "facts", "doc_facts": "facts", "cert": "certificate",
        "recheck": "re-check", "inadmissible": "the facts contradict the assumptions", "error": "Error",
        "warnings": "Warnings", "known": "known", "by_reading": "by reading", "int_hint": "integer",
        "search": "filter facts…", "maker": "left to {m}", "no_maker": "permitted; no decision-maker is named", "nojs": "This page needs JavaScript to update the verdict.",
    },
}


def h(value) -> str:
    """Escape for HTML text and attribute values (quotes too)."""
    return escape("" if value is None else str(value), quote=True)


def script_json(data) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def render_page(service, lang: str = "zh", goal: list[str] | None = None) -> str:
    policy = service.policy
    t = UI[lang]
    other = "en" if lang == "zh" else "zh"
    goal_texts = goal or service.default_goal
    index = {name: i for i, name in enumerate(policy.facts)}
    parts = [
        "<!doctype html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(t['title'])} — {h(', '.join(d.id for d in policy.documents))}</title>",
        '<link rel="stylesheet" href="static/app.css">',
        '<script src="static/app.js" defer></script>',
        "</head>",
        f'<body data-lang="{h(lang)}">',
        '<header class="top">',
        f"<h1>{h(t['title'])}</h1>",
        f'<p class="subtitle">{h(t["subtitle"])}</p>',
        f'<p class="meta">{h(" · ".join(f"{d.id} {d.title}" for d in policy.documents))}'
        f' <a id="lang-switch" href="?lang={h(other)}">{h(t["switch"])}</a></p>',
        f'<noscript><p class="error">{h(t["nojs"])}</p></noscript>',
        "</header>",
        '<main class="layout">',
        '<section id="form" class="form">',
        _toolbar(service, t, goal_texts),
        _readings(policy, t, lang),
    ]
    first = _goal_docs(service, goal_texts)
    docs = sorted(form_groups(policy), key=lambda d: d["doc"] not in first)
    for doc in docs:
        parts.append(_document(doc, policy, t, lang, index, not first or doc["doc"] in first))
    parts += [
        "</section>",
        _panel(t),
        "</main>",
        f'<script type="application/json" id="page-data">{script_json(_page_data(service, lang, index))}</script>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _toolbar(service, t: dict, goal_texts: list[str]) -> str:
    options = []
    current = json.dumps(goal_texts, ensure_ascii=False)
    docs = {}
    for g in service.goals:
        docs.setdefault(g["doc"], []).append(g)
    found = False
    for doc_id, goals in docs.items():
        options.append(f'<optgroup label="{h(doc_id)}">')
        for g in goals:
            value = json.dumps(g["texts"], ensure_ascii=False)
            selected = value == current and not found
            found = found or selected
            options.append(f'<option value="{h(value)}" data-doc="{h(doc_id)}"{" selected" if selected else ""}>'
                           f'{h(g["label"])}</option>')
        options.append("</optgroup>")
    if not found:
        options.insert(0, f'<option value="{h(current)}" selected>{h(" + ".join(goal_texts))}</option>')
    return (
        '<div class="toolbar">'
        f'<label for="goal">{h(t["goal"])}</label> <select id="goal">{"".join(options)}</select> '
        f'<input id="filter" type="search" placeholder="{h(t["search"])}" autocomplete="off"> '
        f'<button type="button" id="clear">{h(t["clear"])}</button> '
        f'<label class="button" for="load-file">{h(t["load"])}</label>'
        '<input id="load-file" type="file" accept=".yaml,.yml,.json" hidden>'
        "</div>")


def _readings(policy, t: dict, lang: str) -> str:
    out = [f'<details id="readings" class="readings"><summary><h2>{h(t["readings"])}'
           f' <span class="count">({len(policy.interpretations)})</span></h2></summary>',
           f'<p class="note">{h(t["readings_note"])}</p>']
    for i, (name, interp) in enumerate(sorted(policy.interpretations.items())):
        meta = interp.meta
        title = (meta.gloss or meta.label) if lang == "en" else (meta.label or meta.gloss)
        cites = ", ".join(meta.cites)
        out.append(
            f'<fieldset class="reading" id="reading-{i}" data-reading="{h(name)}">'
            f'<legend><span class="label">{h(title or name)}</span> <code class="name">{h(name)}</code>'
            + (f' <span class="cites">{h(cites)}</span>' if cites else "") + "</legend>"
            f'<label><input type="radio" name="reading-{i}" value="" checked> {h(t["open"])}</label>'
            f'<label><input type="radio" name="reading-{i}" value="true"> <b>{h(t["true"])}</b>:{h(interp.if_true)}</label>'
            f'<label><input type="radio" name="reading-{i}" value="false"> <b>{h(t["false"])}</b>:{h(interp.if_false)}</label>'
            "</fieldset>")
    out.append("</details>")
    return "\n".join(out)


def _goal_docs(service, goal_texts: list[str]) -> set[str]:
    """The documents declaring what the goal names (their facts are shown first, open)."""
    policy = service.policy
    names = {t.split("=")[0].split()[-1] for t in goal_texts if t.split()}
    return {doc.id for doc in policy.documents for item in doc.items if getattr(item, "name", None) in names}


def _document(doc: dict, policy, t: dict, lang: str, index: dict, open_: bool = True) -> str:
    n = sum(len(g["facts"]) for g in doc["groups"])
    out = [f'<details class="doc" data-doc="{h(doc["doc"])}"{" open" if open_ else ""}><summary><h2>{h(doc["doc"])} {h(doc["title"])}'
           f' <span class="count">({n} {h(t["doc_facts"])})</span></h2></summary>']
    for g in doc["groups"]:
        clause = g["clause"]
        out.append(f'<fieldset class="clause" data-clause="{h(clause)}"><legend>{h(clause or "—")}</legend>')
        if g["text"]:
            out.append(f'<details class="clause-text"><summary>{h(t["clause_text"])}</summary>'
                       f'<blockquote>{h(g["text"])}</blockquote></details>')
        for name in g["facts"]:
            out.append(_fact(policy.facts[name], policy, t, lang, index[name]))
        out.append("</fieldset>")
    out.append("</details>")
    return "\n".join(out)


def _fact(fact, policy, t: dict, lang: str, i: int) -> str:
    meta = fact.meta
    kind, values = fact_kind(fact)
    title = (meta.gloss or meta.label) if lang == "en" else (meta.label or meta.gloss)
    second = meta.label if lang == "en" else meta.gloss
    head = (f'<div class="fact-head"><span class="label">{h(title or fact.name)}</span>'
            f' <code class="name">{h(fact.name)}</code></div>')
    lines = [head]
    if meta.phrase:
        lines.append(f'<div class="phrase">{h(t["phrase"])}「{h(meta.phrase)}」</div>')
    if second and second != title:
        lines.append(f'<div class="gloss">{h(second)}</div>')
    field = f"fact-{i}"
    if kind == "bool":
        inputs = (f'<label><input type="radio" name="{field}" value="true"> {h(t["yes"])}</label>'
                  f'<label><input type="radio" name="{field}" value="false"> {h(t["no"])}</label>'
                  f'<label><input type="radio" name="{field}" value="" checked> {h(t["unknown"])}</label>')
    elif kind == "enum":
        opts = [f'<option value="">{h(t["unknown"])}</option>']
        opts += [f'<option value="{h(v)}">{h(v)}</option>' for v in values]
        inputs = f'<select name="{field}" aria-label="{h(fact.name)}">{"".join(opts)}</select>'
    else:
        lo, hi = values
        inputs = (f'<input type="number" name="{field}" min="{lo}" max="{hi}" step="1" '
                  f'placeholder="{h(t["unknown"])} ({lo}..{hi})" aria-label="{h(fact.name)}">')
    lines.append(f'<div class="input">{inputs}</div>')
    cites = [c for c in meta.cites if c in policy.clauses]
    if cites:
        quotes = "".join(f'<p><b>{h(c)}</b> {h(policy.clauses[c].text)}</p>' for c in cites)
        lines.append(f'<details class="cites"><summary>{h(t["cites"])} {h(", ".join(meta.cites))}</summary>'
                     f"{quotes}</details>")
    return (f'<div class="fact" id="{field}" data-fact="{h(fact.name)}" data-kind="{kind}">'
            + "".join(lines) + "</div>")


def _panel(t: dict) -> str:
    return (
        '<aside id="panel" class="panel">'
        f'<h2>{h(t["verdict"])} <span id="busy" class="busy" hidden>{h(t["working"])}</span></h2>'
        '<div id="problems" class="problems" role="alert"></div>'
        '<div id="verdict" class="verdict" aria-live="polite"></div>'
        f'<div id="next" class="next"><h3>{h(t["next"])}</h3><div id="next-body"></div></div>'
        '<div class="actions">'
        f'<button type="button" id="show-proof">{h(t["proof"])}</button>'
        f'<button type="button" id="dl-case">{h(t["dl_case"])}</button>'
        f'<button type="button" id="dl-ruling">{h(t["dl_ruling"])}</button>'
        f'<button type="button" id="dl-certs">{h(t["dl_certs"])}</button>'
        "</div>"
        '<div id="proof" class="proof"></div>'
        "</aside>")


def _page_data(service, lang: str, index: dict) -> dict:
    policy = service.policy
    facts = {}
    for name, fact in policy.facts.items():
        kind, values = fact_kind(fact)
        facts[name] = {"i": index[name], "kind": kind, "values": values,
                       "label": (fact.meta.gloss or fact.meta.label) if lang == "en" else (fact.meta.label or name)}
    interps = {name: {"i": i, "label": ((it.meta.gloss or it.meta.label) if lang == "en" else it.meta.label) or name,
                      "if_true": it.if_true, "if_false": it.if_false}
               for i, (name, it) in enumerate(sorted(policy.interpretations.items()))}
    return {"lang": lang, "ui": UI[lang], "facts": facts, "readings": interps,
            "clauses": {c: cl.text for c, cl in policy.clauses.items()}}


def error_page(status: int, message: str, lang: str = "zh") -> str:
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>"
            f"{status}</title></head><body><h1>{status}</h1><p>{h(message)}</p>"
            '<p><a href="./">←</a></p></body></html>\n')
