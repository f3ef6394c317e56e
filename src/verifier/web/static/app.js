// The ruling page: collect the form as a case, ask the server for the verdict and the next
// question, show them. Every text is set with textContent (never innerHTML): nothing from
// the policy or the server is parsed as HTML. No network beyond this server.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const ui = data.ui;
  const lang = data.lang;
  const $ = (id) => document.getElementById(id);
  let seq = 0;          // the latest update; older answers are dropped
  let timer = null;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("data-")) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  // ------------------------------------------------------------------ the case
  function goalTexts() {
    try { return JSON.parse($("goal").value); } catch (e) { return []; }
  }

  function collect() {
    const facts = {}, readings = {};
    for (const [name, f] of Object.entries(data.facts)) {
      const box = $("fact-" + f.i);
      if (!box) continue;
      if (f.kind === "bool") {
        const on = box.querySelector("input[type=radio]:checked");
        if (on && on.value) facts[name] = on.value === "true";
      } else if (f.kind === "enum") {
        const v = box.querySelector("select").value;
        if (v) facts[name] = v;
      } else {
        const v = box.querySelector("input").value.trim();
        if (v !== "") facts[name] = /^-?\d+$/.test(v) ? parseInt(v, 10) : v;   // the loader says what is wrong
      }
    }
    for (const [name, r] of Object.entries(data.readings)) {
      const on = document.querySelector(`input[name="reading-${r.i}"]:checked`);
      if (on && on.value) readings[name] = on.value === "true";
    }
    return { id: "web", facts: facts, readings: readings };
  }

  function setFact(name, value) {
    const f = data.facts[name];
    if (!f) return;
    const box = $("fact-" + f.i);
    if (f.kind === "bool") {
      const v = value === true ? "true" : value === false ? "false" : "";
      for (const r of box.querySelectorAll("input[type=radio]")) r.checked = r.value === v;
    } else if (f.kind === "enum") {
      box.querySelector("select").value = value == null ? "" : String(value);
    } else {
      box.querySelector("input").value = value == null ? "" : String(value);
    }
  }

  function setReading(name, value) {
    const r = data.readings[name];
    if (!r) return;
    const v = value === true ? "true" : value === false ? "false" : "";
    for (const x of document.querySelectorAll(`input[name="reading-${r.i}"]`)) x.checked = x.value === v;
  }

  function query() {
    const p = new URLSearchParams();
    for (const g of goalTexts()) p.append("goal", g);
    p.set("lang", lang);
    return p.toString();
  }

  async function post(path, body) {
    const res = await fetch(path + "?" + query(), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    let payload = null;
    const type = res.headers.get("Content-Type") || "";
    if (type.startsWith("application/json")) payload = await res.json();
    if (!res.ok) {
      const err = new Error((payload && payload.message) || res.status + " " + res.statusText);
      err.payload = payload;
      throw err;
    }
    return payload;
  }

  // ------------------------------------------------------------------ problems
  function showProblems(err) {
    const box = $("problems");
    box.replaceChildren();
    for (const x of document.querySelectorAll(".invalid")) x.classList.remove("invalid");
    if (!err) return;
    for (const d of (err.payload && err.payload.diagnostics) || []) {
      const f = data.facts[d.subject], r = data.readings[d.subject];
      const target = f ? $("fact-" + f.i) : r ? $("reading-" + r.i) : null;
      if (target) target.classList.add("invalid");
    }
    box.append(el("p", { class: "error", text: ui.error + ": " + err.message }));
    const diags = (err.payload && err.payload.diagnostics) || [];
    const list = el("ul");
    for (const d of diags) {
      list.append(el("li", {}, el("code", { text: d.code }), " ",
        lang === "zh" ? d.message_zh : d.message, d.hint ? " — " + (lang === "zh" && d.hint_zh ? d.hint_zh : d.hint) : ""));
    }
    if (diags.length) box.append(list);
  }

  // ------------------------------------------------------------------ the verdict
  function clauseTip(c) {
    const t = data.clauses[c];
    return el("abbr", { class: "clause-ref", title: t || "", text: c, "data-clause": c });
  }

  function renderVerdict(v) {
    const box = $("verdict");
    box.replaceChildren();
    for (const x of document.querySelectorAll(".depends, .deciding")) x.classList.remove("depends", "deciding");
    box.setAttribute("data-decided", v.decided ? "true" : "false");
    if (!v.admissible) {
      box.append(el("p", { class: "error", text: ui.inadmissible }));
      const list = el("ul");
      for (const d of v.diagnostics || []) list.append(el("li", {}, el("code", { text: d.code }), " ",
        lang === "zh" ? d.message_zh : d.message, d.hint ? " — " + (lang === "zh" && d.hint_zh ? d.hint_zh : d.hint) : ""));
      box.append(list);
      return;
    }
    const table = el("table", { class: "outcomes" });
    table.append(el("tr", {}, el("th", { text: ui.outcome }), el("th", { text: ui.verdict }), el("th", { text: ui.depends }),
      el("th", { text: ui.clauses })));
    for (const o of v.outcomes) {
      const deps = el("td", { class: "deps" });
      o.depends_on.forEach((d, k) => {
        if (k) deps.append(", ");
        deps.append(el("a", { href: "#reading-" + data.readings[d.name].i, text: d.name, title: d.label }));
        const fs = $("reading-" + data.readings[d.name].i);
        if (fs) fs.classList.add("depends");
      });
      if (!o.depends_on.length) deps.append("—");
      const cl = el("td", { class: "clauses", "data-outcome": o.outcome, text: "…" });
      const status = el("td", {}, el("span", { class: "status status-" + o.status, text: o.word, "data-status": o.status }));
      const row = el("tr", { class: "outcome", "data-outcome": o.outcome }, el("td", { class: "name", text: o.shown }),
        status, deps, cl);
      table.append(row);
      if (o.status === "DEPENDS") {
        for (const r of o.by_reading) {
          const words = Object.entries(r.reading).map(([n, b]) => n + " = " + (b ? ui.true : ui.false)).join(", ");
          table.append(el("tr", { class: "by-reading" }, el("td", { text: "  " + words }),
            el("td", {}, el("span", { class: "status status-" + r.status, text: r.word })), el("td"), el("td")));
        }
      }
    }
    box.append(table);
  }

  function renderClauses(x) {
    for (const cell of document.querySelectorAll("#verdict td.clauses")) {
      const cs = (x.clauses || {})[cell.dataset.outcome] || [];
      cell.replaceChildren();
      cs.forEach((c, k) => {
        if (k) cell.append(", ");
        cell.append(clauseTip(c));
        for (const fs of document.querySelectorAll(".clause")) if (fs.dataset.clause === c) fs.classList.add("deciding");
      });
      if (!cs.length) cell.append("—");
    }
    const box = $("verdict");
    if ((x.warnings || []).length) {
      const list = el("ul", { class: "warnings" });
      for (const d of x.warnings) list.append(el("li", {}, "⚠ ", el("code", { text: d.code }), " ",
        lang === "zh" ? d.message_zh : d.message, d.hint ? " — " + (lang === "zh" && d.hint_zh ? d.hint_zh : d.hint) : ""));
      box.append(el("h3", { text: ui.warnings }), list);
    }
  }

  function renderNext(n) {
    const body = $("next-body");
    body.replaceChildren();
    for (const x of document.querySelectorAll(".fact.next")) x.classList.remove("next");
    $("next").hidden = !n || !n.admissible;
    if (!n) return;
    if (!n.admissible) return;
    if (!n.question) {
      body.append(el("p", { class: "decided", text: ui.decided }));
      return;
    }
    const q = n.question;
    const f = data.facts[q.fact];
    const box = f ? $("fact-" + f.i) : null;
    if (box) box.classList.add("next");
    body.setAttribute("data-fact", q.fact);
    body.append(el("p", { class: "q" }, el("b", { text: f ? f.label : q.label }), " ", el("code", { text: q.fact })));
    if (q.phrase) body.append(el("p", { class: "phrase", text: ui.phrase + "「" + q.phrase + "」" }));
    if (q.clause && q.clause.length) {
      const p = el("p", { class: "cites" }, ui.cites + " ");
      q.clause.forEach((c, k) => { if (k) p.append(", "); p.append(clauseTip(c)); });
      body.append(p);
    }
    const answers = el("div", { class: "answers" });
    const values = f && f.kind === "int" ? [] : q.values;
    for (const val of values) {
      const word = val === true ? ui.yes : val === false ? ui.no : String(val);
      answers.append(el("button", { type: "button", class: "answer", text: word, onclick: () => {
        setFact(q.fact, val); schedule(0);
      } }));
    }
    if (box) answers.append(el("button", { type: "button", class: "jump", text: ui.jump, onclick: () => {
      box.closest("details.doc").open = true; box.scrollIntoView({ block: "center" });
      const input = box.querySelector("input, select"); if (input) input.focus();
    } }));
    body.append(answers);
  }

  async function update() {
    const mine = ++seq;
    const c = collect();
    $("busy").hidden = false;
    $("proof").replaceChildren();
    try {
      const v = await post("api/verdict", c);
      if (mine !== seq) return;
      showProblems(null);
      renderVerdict(v);
      document.body.setAttribute("data-verdict-seq", String(mine));
      if (v.admissible) {
        const x = await post("api/explain", c);
        if (mine !== seq) return;
        renderClauses(x);
      }
      const n = await post("api/next", c);
      if (mine !== seq) return;
      renderNext(n);
      document.body.setAttribute("data-next-seq", String(mine));
    } catch (err) {
      if (mine !== seq) return;
      showProblems(err);
      $("verdict").replaceChildren();     // a rejected case has no verdict: never show the last one
      renderNext(null);
      document.body.setAttribute("data-verdict-seq", String(mine));
      document.body.setAttribute("data-next-seq", String(mine));
    } finally {
      if (mine === seq) {
        $("busy").hidden = true;
        document.body.setAttribute("data-ready", String(mine));
      }
    }
  }

  function schedule(delay) {
    clearTimeout(timer);
    document.body.removeAttribute("data-ready");
    timer = setTimeout(update, delay == null ? 200 : delay);
  }

  // ------------------------------------------------------------------ proof and downloads
  async function showProof() {
    const box = $("proof");
    box.replaceChildren(el("p", { class: "busy", text: ui.working }));
    try {
      const p = await post("api/proof", collect());
      box.replaceChildren();
      for (const o of p.outcomes) {
        const sec = el("section", { class: "proof-outcome" });
        sec.append(el("h4", {}, o.shown + ": ", el("span", { class: "status status-" + o.status, text: o.word })));
        for (const v of o.proofs || []) {
          const words = Object.entries(v.reading).filter(([n]) => o.depends_on.some((d) => d.name === n))
            .map(([n, b]) => n + " = " + (b ? ui.true : ui.false)).join(", ");
          const li = el("div", { class: "proof-verdict" });
          if (words) li.append(el("div", { class: "reading", text: words + ": " + v.word }));
          if (v.status === "DISCRETION") li.append(el("div", { class: "makers",
            text: v.makers.length ? ui.maker.replace("{m}", v.makers.join(lang === "zh" ? "、" : ", ")) : ui.no_maker }));
          for (const c of v.clauses) li.append(el("blockquote", {}, el("b", { text: c + " " }), data.clauses[c] || ""));
          if (v.certificate) li.append(el("div", { class: "cert" }, ui.cert + " ", el("code", { text: v.certificate }),
            " (z3: " + v.z3 + ", cvc5: " + v.cvc5 + ")"));
          sec.append(li);
        }
        box.append(sec);
      }
      box.append(el("pre", { class: "ruling-text", text: p.text }));
      if (p.certificates.length) box.append(el("p", {}, ui.recheck + ": ", el("code", { text: p.recheck })));
      box.setAttribute("data-ready", "true");
    } catch (err) {
      box.replaceChildren(el("p", { class: "error", text: ui.error + ": " + err.message }));
    }
  }

  async function download(what) {
    try {
      const res = await fetch("download/" + what + "?" + query(), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(collect()),
      });
      if (!res.ok) {
        let msg = res.status + " " + res.statusText;
        try { msg = (await res.json()).message; } catch (e) { /* not JSON */ }
        throw new Error(msg);
      }
      const blob = await res.blob();
      const a = el("a", { href: URL.createObjectURL(blob), download: what });
      document.body.append(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    } catch (err) {
      showProblems(err);
    }
  }

  async function loadFile(file) {
    const text = await file.text();
    const fmt = /\.json$/i.test(file.name) ? "json" : "yaml";
    try {
      const res = await fetch("api/load?fmt=" + fmt, { method: "POST", headers: { "Content-Type": "text/plain" }, body: text });
      const payload = await res.json();
      if (!res.ok) { const e = new Error(payload.message); e.payload = payload; throw e; }
      clearForm();
      for (const [n, v] of Object.entries(payload.facts)) setFact(n, v);
      for (const [n, v] of Object.entries(payload.readings)) setReading(n, v);
      schedule(0);
    } catch (err) {
      showProblems(err);
    }
  }

  function clearForm() {
    for (const n of Object.keys(data.facts)) setFact(n, null);
    for (const n of Object.keys(data.readings)) setReading(n, null);
  }

  function filter(text) {
    const t = text.trim().toLowerCase();
    for (const box of document.querySelectorAll(".fact")) {
      box.hidden = t !== "" && !box.textContent.toLowerCase().includes(t);
    }
    for (const fs of document.querySelectorAll("fieldset.clause")) {
      fs.hidden = t !== "" && !fs.querySelector(".fact:not([hidden])");
    }
  }

  // ------------------------------------------------------------------ wiring
  $("form").addEventListener("change", (e) => { if (e.target.id !== "load-file" && e.target.id !== "filter") schedule(); });
  $("form").addEventListener("input", (e) => { if (e.target.type === "number") schedule(400); });
  $("goal").addEventListener("change", () => {
    const opt = $("goal").selectedOptions[0];
    const doc = opt && opt.dataset.doc;
    if (doc) for (const d of document.querySelectorAll("details.doc")) if (d.dataset.doc === doc) d.open = true;
    schedule(0);
  });
  $("clear").addEventListener("click", () => { clearForm(); schedule(0); });
  $("filter").addEventListener("input", (e) => filter(e.target.value));
  $("load-file").addEventListener("change", (e) => { if (e.target.files[0]) loadFile(e.target.files[0]); e.target.value = ""; });
  $("show-proof").addEventListener("click", showProof);
  $("dl-case").addEventListener("click", () => download("case.yaml"));
  $("dl-ruling").addEventListener("click", () => download("ruling.md"));
  $("dl-certs").addEventListener("click", () => download("certificates.zip"));
  schedule(0);
})();
