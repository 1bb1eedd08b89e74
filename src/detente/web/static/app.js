/* detente workbench: small progressive enhancements (no build step, no dependencies).
   - editor: validation on every change (POST /api/validate), line numbers, error line;
   - run page: progress polling (GET /api/runs/{id});
   - confirmations for deletes. Every page works without this file. */
"use strict";

(function () {
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (k === "class") node.className = v;
        else if (k === "text") node.textContent = v;
        else node.setAttribute(k, v);
      }
    }
    for (const c of children || []) {
      node.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  /* -- confirmations ------------------------------------------------------------------- */
  document.addEventListener("submit", function (ev) {
    const form = ev.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      ev.preventDefault();
    }
  });

  /* -- editor -------------------------------------------------------------------------- */
  function setupEditor() {
    const text = document.getElementById("text");
    const gutter = document.getElementById("gutter");
    const box = document.getElementById("validation");
    const structure = document.getElementById("structure");
    if (!text || !gutter || !box) return;
    const url = text.dataset.validateUrl;
    let errorLine = parseInt(box.dataset.line || "", 10) || null;
    let lineCount = -1;
    let seq = 0;
    let timer = null;
    let inflight = null;

    function drawGutter(force) {
      const n = text.value.split("\n").length;
      if (n === lineCount && !force) return;
      lineCount = n;
      gutter.textContent = "";
      const frag = document.createDocumentFragment();
      for (let i = 1; i <= n; i++) {
        const span = el("span", { text: String(i) + "\n" });
        if (i === errorLine) span.className = "err";
        frag.append(span);
      }
      gutter.append(frag);
      gutter.scrollTop = text.scrollTop;
    }

    function gotoLine(line) {
      const lines = text.value.split("\n");
      let start = 0;
      for (let i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
      const end = start + (lines[line - 1] || "").length;
      text.focus();
      text.setSelectionRange(start, end);
      const lh = parseFloat(getComputedStyle(text).lineHeight) || 18;
      text.scrollTop = Math.max(0, (line - 5) * lh);
    }

    function showResult(res) {
      box.textContent = "";
      errorLine = res.valid ? null : (res.line || null);
      box.dataset.line = errorLine || "";
      box.className = res.valid ? "valid" : "invalid";
      if (res.valid) {
        box.append(el("div", { class: "notice ok" }, [el("span", { id: "validation-message", text: "Valid scenario." })]));
      } else {
        const parts = [el("span", { id: "validation-message", text: res.error || "invalid scenario" })];
        if (res.line) {
          const a = el("a", { href: "#", class: "goto", "data-line": String(res.line), text: "go to line " + res.line });
          parts.push(" ", a);
        }
        box.append(el("div", { class: "notice error" }, parts));
      }
      drawGutter(true);
      if (!structure) return;
      if (res.structure) {
        renderStructure(structure, res.structure);
      } else if (!structure.querySelector(".stale-note")) {
        structure.prepend(el("div", { class: "notice info stale-note", text: "Shown for the last valid text; fix the error to update it." }));
      }
    }

    function validate() {
      const mine = ++seq;
      if (inflight) inflight.abort();
      inflight = new AbortController();
      box.classList.add("checking");
      fetch(url, { method: "POST", body: text.value, headers: { "Content-Type": "text/plain; charset=utf-8" }, signal: inflight.signal })
        .then(function (r) {
          return r.json().then(function (body) { return { ok: r.ok, body: body }; });
        })
        .then(function (r) {
          if (mine !== seq) return;
          if (r.ok) showResult(r.body);
          else showResult({ valid: false, error: r.body.detail || "could not check the text", line: null });
        })
        .catch(function (err) {
          if (err && err.name === "AbortError") return;
          if (mine === seq) showResult({ valid: false, error: "could not reach the server to check the text", line: null });
        });
    }

    text.addEventListener("input", function () {
      drawGutter(false);
      box.classList.add("checking");
      if (timer) clearTimeout(timer);
      timer = setTimeout(validate, 250);
    });
    text.addEventListener("scroll", function () { gutter.scrollTop = text.scrollTop; });
    text.addEventListener("keydown", function (ev) {
      if (ev.key === "Tab" && !ev.shiftKey && !ev.ctrlKey && !ev.metaKey) {
        ev.preventDefault();
        const s = text.selectionStart;
        text.setRangeText("  ", s, text.selectionEnd, "end");
        text.dispatchEvent(new Event("input"));
      }
    });
    box.addEventListener("click", function (ev) {
      const a = ev.target.closest("a.goto");
      if (a) { ev.preventDefault(); gotoLine(parseInt(a.dataset.line, 10)); }
    });
    drawGutter(true);
  }

  function renderStructure(root, st) {
    root.textContent = "";
    root.append(el("h3", null, ["Actors and options ", el("span", { class: "muted small", text: "(" + st.n_options + " options; a state has one Y/N per option, in this order)" })]));
    const t = el("table");
    t.append(el("tr", null, [el("th", { text: "actor" }), el("th", { text: "options" })]));
    for (const a of st.actors) {
      const ol = el("ol");
      for (const o of a.options) {
        const li = el("li", null, [el("span", { class: "mono small", text: o.id }), " — " + o.name]);
        if (o.reversible !== "both") li.append(" ", el("span", { class: "badge", text: o.reversible === "forward" ? "only taken" : "only withdrawn" }));
        ol.append(li);
      }
      t.append(el("tr", null, [el("td", null, [el("b", { text: a.id }), el("br"), el("span", { class: "small muted", text: a.name })]), el("td", null, [ol])]));
    }
    root.append(t);
    root.append(el("h3", null, ["Preferences ", el("span", { class: "muted small", text: "(most important first)" })]));
    const p = el("table");
    for (const pref of st.preferences) {
      let cell;
      if (pref.kind === "statements") {
        cell = el("ol");
        for (const s of pref.statements) cell.append(el("li", { class: "mono small", text: s }));
      } else if (pref.kind === "ranking") {
        cell = document.createTextNode("an explicit ranking of " + pref.groups + " groups of states");
      } else {
        cell = el("span", { class: "muted", text: "none" });
      }
      p.append(el("tr", null, [el("td", null, [el("b", { text: pref.actor })]), el("td", null, [cell])]));
    }
    root.append(p);
    if (st.status_quo) root.append(el("p", null, ["Status quo: ", el("span", { class: "mono", text: st.status_quo })]));
    function list(title, items, fmt) {
      if (!items || !items.length) return;
      root.append(el("h3", { text: title }));
      const ul = el("ul");
      for (const x of items) ul.append(fmt(x));
      root.append(ul);
    }
    list("Infeasible", st.infeasible, function (c) { return el("li", { class: "mono small", text: c }); });
    list("Variants", st.variants, function (v) { return el("li", null, [el("b", { text: v.id }), " — " + v.name]); });
    list("Interests", st.interests, function (i) { return el("li", null, [el("b", { text: i.id }), " — " + i.name + " ", el("span", { class: "muted small", text: "(weight " + i.weight + ")" })]); });
  }

  /* -- run progress -------------------------------------------------------------------- */
  function setupRun() {
    const box = document.getElementById("run-status");
    if (!box) return;
    const status = box.dataset.status;
    if (status !== "queued" && status !== "running") return;
    const bar = document.getElementById("progress");
    const stage = document.getElementById("stage");
    const badge = document.getElementById("status-badge");
    const elapsed = document.getElementById("elapsed");
    function poll() {
      fetch(box.dataset.api, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (run) {
          if (run.status !== "queued" && run.status !== "running") {
            window.location.reload();
            return;
          }
          if (bar) bar.value = run.progress;
          if (stage) stage.textContent = run.stage || "";
          if (badge) { badge.textContent = run.status; badge.className = "badge " + run.status; }
          if (elapsed) elapsed.textContent = run.elapsed == null ? "waiting" : Math.round(run.elapsed) + " s";
          setTimeout(poll, 400);
        })
        .catch(function () { setTimeout(poll, 1500); });
    }
    setTimeout(poll, 300);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupEditor();
    setupRun();
  });
})();
