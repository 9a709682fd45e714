/* Review page: clients' answers files, read locally (never sent) through the answers contract, in;
   a table of the cohort and each client's answers as text, with the coach notes, out. */
(() => {
  "use strict";
  const C = window.coursebook, say = C.say, lang = (window.coursebookCourse || {}).language;
  const own = (o, k) => o != null && Object.prototype.hasOwnProperty.call(o, k);
  const obj = (v) => v !== null && typeof v == "object" && !Array.isArray(v);
  const ISO = /^\d{4}-\d\d-\d\d$/;

  function el(tag, text, parent) {
    const node = document.createElement(tag);
    if (text != null) node.textContent = String(text); // the client's words: text only
    if (parent) parent.append(node);
    return node;
  }
  const when = (iso) => {
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString(lang, { dateStyle: "long", timeStyle: "short" });
  };
  const day = (iso) => (ISO.test(iso) ? new Date(iso + "T12:00:00").toLocaleDateString(lang, { dateStyle: "long" }) : say("review.as_written", { value: iso }));
  const filled = (v) =>
    Array.isArray(v) ? v.some(filled) : obj(v) ? Object.values(v).some(filled)
      : v === true || typeof v == "number" || (typeof v == "string" && !!v.trim());
  const optionLabel = (field, v) => ((field.options || []).find((o) => o[0] === v) || [v, v])[1];

  function showValue(field, v, dd) {
    const type = field.type;
    if (!filled(v)) return el("em", say("review.no_answer"), dd);
    if (type == "scale") dd.textContent = say("review.scale", { value: v, max: field.max });
    else if (type == "choice") dd.textContent = optionLabel(field, v);
    else if (type == "date") dd.textContent = day(v);
    else if ((type == "list" || type == "checklist") && Array.isArray(v)) {
      if (type == "checklist") {
        // the worksheet's option order, then values it no longer offers
        const known = field.options.map((o) => o[0]);
        v = known.filter((x) => v.includes(x)).concat(v.filter((x) => !known.includes(x)));
      }
      const ul = el("ul", null, dd);
      v.forEach((x) => el("li", type == "list" ? x || "" : optionLabel(field, x), ul));
    } else if (type == "table" && Array.isArray(v)) {
      const box = el("div", null, dd), table = el("table", null, box);
      box.className = "cb-review__scroll";
      table.className = "cb-review__table"; // a class: Material's own tables scroll themselves
      // a wide table scrolls: keyboard users must be able to reach it
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", field.label);
      const head = el("tr", null, el("thead", null, table)), body = el("tbody", null, table);
      field.columns.forEach((c) => (el("th", c[1], head).scope = "col"));
      v.forEach((row) => {
        const tr = el("tr", null, body);
        field.columns.forEach((c) => {
          const cell = obj(row) ? row[c[0]] : null;
          el("td", c[2] == "checkbox" ? say(cell === true ? "review.yes" : "review.no")
            : c[2] == "date" && cell ? day(cell) : cell == null ? "" : cell, tr);
        });
      });
    } else dd.textContent = typeof v == "object" ? JSON.stringify(v) : v;
  }

  // one client's answers, worksheet by worksheet in course order, with the coach notes
  function showClient(root, spec, client) {
    const out = root.querySelector("[data-review-output]"), stored = client.answers.worksheets;
    out.replaceChildren();
    const heading = el("h2", client.name, out);
    heading.tabIndex = -1;
    const about = [];
    if (client.answers.exported) about.push(say("review.exported", { date: when(client.answers.exported) }));
    if (client.answers.course && client.answers.course !== spec.course) about.push(say("review.other_course", { course: client.answers.course }));
    if (about.length) el("p", about.join(" "), out);
    if (client.notices.length) {
      const details = el("details", null, out);
      el("summary", say("review.notices"), details);
      const ul = el("ul", null, details);
      client.notices.forEach((n) => el("li", n.text, ul));
    }
    const known = Object.create(null); // ids from the file: "constructor" is a name like any
    for (const ws of spec.worksheets) {
      known[ws.id] = 1;
      const entry = own(stored, ws.id) ? stored[ws.id] : null;
      if (!entry) continue;
      const values = entry.values, article = el("article", null, out), here = Object.create(null);
      el("h3", ws.title, article);
      if (entry.updated) el("p", say("review.updated", { date: when(entry.updated) }), article);
      const notes = root.querySelector(`template[data-coach-notes="${ws.id}"]`);
      if (notes) {
        const aside = el("aside", null, article);
        aside.className = "cb-review__notes";
        el("h4", say("review.coach_notes"), aside);
        aside.append(notes.content.cloneNode(true));
      }
      for (const section of ws.sections) {
        if (!section.fields.length) continue;
        el("h4", section.title, article);
        const dl = el("dl", null, article);
        for (const field of section.fields) {
          here[field.id] = 1;
          el("dt", field.label, dl);
          showValue(field, own(values, field.id) ? values[field.id] : null, el("dd", null, dl));
        }
      }
      const kept = Object.keys(values).filter((k) => !here[k] && filled(values[k]));
      if (kept.length) {
        el("h4", say("review.kept"), article);
        const dl = el("dl", null, article);
        for (const k of kept) {
          const [base, version] = k.split("@v"), field = ws.sections.flatMap((s) => s.fields).find((f) => f.id == base);
          const label = field ? field.label : base;
          el("dt", version ? say("runtime.kept_label", { label, version: parseInt(version, 10) }) : label, dl);
          showValue({ type: "" }, values[k], el("dd", null, dl));
        }
      }
    }
    const other = Object.keys(stored).filter((id) => !known[id]);
    if (other.length) el("p", say("review.not_shown", { ids: other.join(", ") }), out);
    heading.focus();
  }

  // per worksheet, how many of its questions have an answer (as `coursebook answers summary`)
  function counts(spec, answers) {
    return spec.worksheets.map((ws) => {
      const entry = own(answers.worksheets, ws.id) ? answers.worksheets[ws.id] : { values: {} };
      const fields = ws.sections.flatMap((s) => s.fields);
      return { done: fields.filter((f) => own(entry.values, f.id) && filled(entry.values[f.id])).length, total: fields.length };
    });
  }
  const latest = (answers) =>
    Object.values(answers.worksheets).map((e) => (obj(e) && typeof e.updated == "string" ? e.updated : "")).sort().pop() || "";

  function showCohort(root, spec, clients) {
    const box = root.querySelector("[data-review-table]");
    box.replaceChildren();
    if (clients.length < 2) return;
    const scroll = el("div", null, box), table = el("table", null, scroll);
    scroll.className = "cb-review__scroll";
    table.className = "cb-review__table";
    scroll.tabIndex = 0;
    scroll.setAttribute("role", "region");
    scroll.setAttribute("aria-label", say("review.cohort"));
    el("caption", say("review.cohort"), table);
    const head = el("tr", null, el("thead", null, table)), body = el("tbody", null, table);
    el("th", say("review.client_column"), head).scope = "col";
    spec.worksheets.forEach((ws) => (el("th", ws.title, head).scope = "col"));
    el("th", say("review.updated_column"), head).scope = "col";
    for (const client of clients) {
      const tr = el("tr", null, body), th = el("th", null, tr), open = el("button", client.name, th);
      th.scope = "row";
      open.type = "button";
      open.className = "cb-button cb-review__open";
      open.addEventListener("click", () => showClient(root, spec, client));
      counts(spec, client.answers).forEach((c) => el("td", say("review.count", { count: c.done, total: c.total }), tr));
      const last = latest(client.answers);
      el("td", last ? when(last) : "", tr);
    }
  }

  async function open(root, spec, files) {
    const status = root.querySelector("[data-review-status]"), alert = root.querySelector("[data-review-alert]");
    const clients = [], refused = [];
    for (const file of files) {
      const r = await C.read(file).catch(() => ({ error: say("review.unreadable", { file: file.name }) }));
      if (r.error) refused.push(r.error);
      else clients.push({ name: r.answers.client || file.name.replace(/\.json$/i, ""), answers: r.answers, notices: r.notices });
    }
    alert.replaceChildren(...refused.map((m) => el("p", m)));
    status.textContent = say("review.read", { count: clients.length }) + (refused.length ? " " + say("review.refused", { count: refused.length }) : "");
    showCohort(root, spec, clients);
    const out = root.querySelector("[data-review-output]");
    if (clients.length) showClient(root, spec, clients[0]);
    else out.replaceChildren();
  }

  function init() {
    const root = document.querySelector("[data-answers-review]");
    if (!root || root.hasAttribute("data-ready")) return;
    root.setAttribute("data-ready", "");
    C.need("answers.js"); // now, so that opening a file asks the server for nothing
    const spec = JSON.parse(root.getAttribute("data-review-structure"));
    const input = root.querySelector("input[type=file]");
    input.addEventListener("change", () => input.files.length && open(root, spec, [...input.files]));
  }

  if (window.document$) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
