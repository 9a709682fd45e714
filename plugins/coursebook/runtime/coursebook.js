/* coursebook runtime: worksheet forms in, answers kept in the browser out.
   Storage: localStorage key "<namespace>:<worksheet-id>" holds
   {"storage":1,"version":<worksheet version>,"cleared":<ISO>?,"fields":{"<field>":{"value":…,"updated":<ISO>}}}.
   Unreadable values are set aside under "<key>:corrupt:<ISO>". No network, no inline code. */
(() => {
  "use strict";
  const d = document, W = window, ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
  let NS = "coursebook", SHEETS = {}, cfg;
  // read when the page is parsed: the config script comes after this one; it is the same on every page
  const config = () => {
    try {
      cfg = cfg || JSON.parse(d.getElementById("coursebook-config").textContent);
      NS = cfg.namespace || NS;
      SHEETS = cfg.worksheets || {};
    } catch (e) {
      /* no config on this page: defaults */
    }
  };
  const docs = {}, timers = {}, notes = {}, broken = new Set();
  const SAFARI = /^((?!chrome|chromium|android|crios|fxios|edg).)*safari/i.test(navigator.userAgent);
  let persistAsked = false;

  const now = () => new Date().toISOString();
  const key = (id) => NS + ":" + id;
  const $$ = (sel, root = d) => [...root.querySelectorAll(sel)];
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const ser = (doc) => JSON.stringify({ storage: 1, version: doc.version, cleared: doc.cleared, fields: doc.fields });
  const max = (a, b) => ((a || "") > (b || "") ? a : b);
  const store = () => {
    try {
      return W.localStorage; // the getter itself throws SecurityError when storage is blocked
    } catch (e) {
      return null;
    }
  };
  const el = (tag, text, cls) => {
    const e = d.createElement(tag);
    if (text != null) e.textContent = text; // user data only ever goes in as text
    if (cls) e.className = cls;
    return e;
  };
  const filled = (v) =>
    Array.isArray(v) ? v.some(filled)
      : v && typeof v == "object" ? Object.values(v).some(filled)
      : v === true || typeof v == "number" || (typeof v == "string" && v.trim() !== "");
  const title = (id) => (SHEETS[id] && SHEETS[id].title) || id;

  /* ---- storage documents ---- */
  function check(x) {
    if (!x || x.storage !== 1 || !x.fields || typeof x.fields != "object" || Array.isArray(x.fields)) throw Error();
    for (const k in x.fields) if (!x.fields[k] || typeof x.fields[k].updated != "string") throw Error();
    return x;
  }
  // Newest field wins; a clear removes only what is older than it.
  function merge(a, b) {
    if (!a || !b) return a || b;
    const c = max(a.cleared, b.cleared), out = { storage: 1, version: Math.max(a.version || 0, b.version || 0) || undefined, cleared: c, fields: {} };
    for (const src of [a, b])
      for (const k in src.fields) {
        const e = src.fields[k], o = out.fields[k];
        if ((!c || e.updated >= c) && (!o || e.updated > o.updated)) out.fields[k] = e;
      }
    return out;
  }
  // Values saved under a field's old id (renamed_from) move to the new id, unless it has its own.
  function migrate(id, fields) {
    const ren = (SHEETS[id] && SHEETS[id].renamed) || {};
    for (const o in ren) if (fields[o] && !fields[ren[o]]) (fields[ren[o]] = fields[o]), delete fields[o];
    return fields;
  }
  function load(id, form) {
    const s = store();
    let raw = null, stored = null;
    if (!s) fault(id, {});
    else
      try {
        raw = s.getItem(key(id));
      } catch (e) {
        fault(id, e);
      }
    if (raw != null)
      try {
        stored = check(JSON.parse(raw));
      } catch (e) {
        setAside(id, raw);
      }
    const doc = merge(docs[id], stored) || { storage: 1, fields: {} };
    const old = doc.version || 1;
    migrate(id, doc.fields);
    if (form) {
      // a value the changed worksheet cannot show is kept under "<field>@v<old version>"
      for (const f of $$("[data-field]", form)) {
        const k = f.dataset.field, e = doc.fields[k];
        if (e && !fits(f, e.value)) {
          let n = 0, to = `${k}@v${old}`;
          while (doc.fields[to]) to = `${k}@v${old}-${++n}`;
          doc.fields[to] = e;
          delete doc.fields[k];
        }
      }
      doc.version = +form.dataset.worksheetVersion || doc.version;
    } else if (SHEETS[id] && SHEETS[id].version) doc.version = SHEETS[id].version;
    docs[id] = doc;
    if (stored ? raw !== ser(doc) : Object.keys(doc.fields).length) save(id);
    return doc;
  }
  function setAside(id, raw) {
    const k = key(id) + ":corrupt:" + now();
    try {
      store().setItem(k, raw);
      store().removeItem(key(id));
      note(id, "corrupt", `Answers saved earlier for “${title(id)}” could not be read, so they were set aside unchanged in this browser (storage key “${k}”) and the form starts empty.`);
    } catch (e) {
      broken.add(id); // never write over a value we could not keep a copy of
      note(id, "corrupt", `Answers saved earlier for “${title(id)}” could not be read or set aside, so nothing is saved over them. Use Export to keep what you type now.`);
    }
  }
  function save(id) {
    clearTimeout(timers[id]);
    delete timers[id];
    const doc = docs[id];
    if (!doc) return;
    try {
      if (broken.has(id)) throw { name: "broken" };
      const s = store();
      if (!s) throw { name: "SecurityError" };
      s.setItem(key(id), ser(doc));
      note(id, "fault");
      status(id, "Saved at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
      if (!persistAsked && navigator.storage && navigator.storage.persist && filled(values(doc))) {
        persistAsked = true; // ask once answers exist, so the browser keeps them under storage pressure
        navigator.storage.persist().then(null, () => {});
      }
    } catch (e) {
      fault(id, e);
    }
  }
  function fault(id, e) {
    if (e.name == "broken") return status(id, "Not saved in this browser");
    const full = e.name == "QuotaExceededError" || e.name == "NS_ERROR_DOM_QUOTA_REACHED";
    note(id, "fault", (full ? "This browser's storage for the site is full, so your latest answers are not saved in it."
      : "This browser is not letting the site save answers (storage is blocked or turned off, as in some private windows).")
      + " They stay on this page while it is open: use Export to keep them in a file.");
    status(id, "Not saved in this browser");
  }
  const later = (id) => {
    clearTimeout(timers[id]);
    timers[id] = setTimeout(save, 300, id);
  };
  const flush = () => Object.keys(timers).forEach(save);
  const values = (doc) => {
    const v = {};
    for (const k in doc.fields) v[k] = doc.fields[k].value;
    return v;
  };
  function allIds() {
    const ids = new Set([...Object.keys(SHEETS), ...Object.keys(docs)]), s = store();
    try {
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i) || "";
        if (k.startsWith(NS + ":") && ID.test(k.slice(NS.length + 1))) ids.add(k.slice(NS.length + 1));
      }
    } catch (e) {
      /* storage unreadable: what is in memory is all there is */
    }
    return [...ids];
  }

  /* ---- fields <-> DOM ---- */
  const rows = (f) => $$("[data-rows] > [data-row]", f);
  const scopes = (id) => $$(`form[data-worksheet="${id}"], [data-workbook]`);
  function fits(f, v) {
    if (v == null || v === "") return true;
    const t = f.dataset.type, opts = $$("input", f).map((i) => i.value);
    if (t == "list" || t == "checklist") return Array.isArray(v) && v.every((x) => x == null || typeof x == "string");
    if (t == "table") return Array.isArray(v) && v.every((x) => x && typeof x == "object" && !Array.isArray(x));
    if (t == "choice") return opts.includes(v);
    if (t == "scale") return Number.isInteger(v) && opts.includes(String(v));
    if (t == "date") return /^\d{4}-\d\d-\d\d$/.test(v);
    return typeof v == "string";
  }
  function get(f, prev) {
    const t = f.dataset.type, ins = $$("input", f);
    if (t == "list") return rows(f).map((r) => r.querySelector("input").value);
    if (t == "table")
      return rows(f).map((r, i) => {
        // keep cells of columns the table no longer has
        const o = Object.assign({}, Array.isArray(prev) && prev[i] && typeof prev[i] == "object" ? prev[i] : {});
        for (const c of $$("[data-column]", r)) {
          const x = c.querySelector("input,textarea");
          o[c.dataset.column] = x.type == "checkbox" ? x.checked : x.value;
        }
        return o;
      });
    if (t == "checklist") {
      const known = ins.map((i) => i.value);
      return ins.filter((i) => i.checked).map((i) => i.value)
        .concat((Array.isArray(prev) ? prev : []).filter((x) => !known.includes(x)));
    }
    const on = ins.find((i) => i.checked);
    if (t == "choice") return on ? on.value : "";
    if (t == "scale") return on ? +on.value : null;
    return f.querySelector("input,textarea").value;
  }
  function put(f, v) {
    const t = f.dataset.type;
    if (t == "list" || t == "table") {
      const a = Array.isArray(v) ? v : [];
      setRows(f, v === undefined ? f.rows0 : Math.max(a.length, +f.dataset.min || 0, 1));
      rows(f).forEach((r, i) => {
        if (t == "list") r.querySelector("input").value = a[i] || "";
        else
          for (const c of $$("[data-column]", r)) {
            const x = c.querySelector("input,textarea"), cell = (a[i] || {})[c.dataset.column];
            if (x.type == "checkbox") x.checked = cell === true;
            else x.value = typeof cell == "string" ? cell : "";
          }
      });
    } else if (t == "checklist" || t == "choice" || t == "scale") {
      const on = (t == "checklist" ? (Array.isArray(v) ? v : []) : v == null ? [] : [v]).map(String);
      for (const i of $$("input", f)) i.checked = on.includes(i.value);
    } else f.querySelector("input,textarea").value = typeof v == "string" ? v : "";
  }
  function setRows(f, n) {
    const box = f.querySelector("[data-rows]"), tpl = f.querySelector("template[data-row-template]"), have = rows(f);
    have.slice(n).forEach((r) => r.remove());
    for (let i = have.length; i < n; i++) {
      const t = el("template");
      t.innerHTML = tpl.innerHTML.replaceAll("__n__", i + 1); // our own server-side markup, never user data
      box.append(t.content);
    }
    const rs = rows(f), min = Math.max(+f.dataset.min || 0, 1), add = f.querySelector("[data-add-row]");
    rs.forEach((r) => (r.querySelector("[data-remove-row]").hidden = rs.length <= min));
    if (add) add.hidden = rs.length >= (+f.dataset.max || Infinity);
  }
  function show(form, id) {
    const doc = docs[id], here = new Set();
    for (const f of $$("[data-field]", form)) {
      const k = f.dataset.field, v = doc.fields[k] && doc.fields[k].value;
      here.add(k);
      if (!same(get(f, v), v)) put(f, v); // touch only what differs, so a caret never jumps
    }
    // answers of fields this worksheet no longer has: kept, shown as text, exported
    const kept = form.querySelector("[data-kept]"), list = kept && kept.querySelector("dl");
    if (list) {
      const items = Object.keys(doc.fields).filter((k) => !here.has(k) && filled(doc.fields[k].value));
      list.replaceChildren(...items.flatMap((k) => [el("dt", k), el("dd", text(doc.fields[k].value))]));
      kept.hidden = !items.length;
    }
    progress(id);
    return here.size;
  }
  const text = (v) =>
    Array.isArray(v) ? v.map(text).filter(Boolean).join("; ")
      : v && typeof v == "object" ? Object.entries(v).map(([k, x]) => `${k}: ${text(x)}`).join(", ")
      : v === true ? "yes" : v === false ? "no" : v == null ? "" : String(v);
  function progress(id) {
    const doc = docs[id], form = d.querySelector(`form[data-worksheet="${id}"]`);
    const ids = (SHEETS[id] && SHEETS[id].fields) || (form ? $$("[data-field]", form).map((f) => f.dataset.field) : []);
    const done = ids.filter((k) => doc && doc.fields[k] && filled(doc.fields[k].value)).length;
    const msg = `${done} of ${ids.length} answered`;
    for (const p of $$(`form[data-worksheet="${id}"] [data-progress], [data-workbook-item="${id}"] [data-progress]`))
      if (p.textContent != msg) p.textContent = msg;
  }

  /* ---- messages: [data-status] (polite) and [data-alert] (warnings) ---- */
  function note(id, kind, msg) {
    const n = (notes[id] = notes[id] || {});
    if (msg) n[kind] = msg;
    else if (!n[kind]) return;
    else delete n[kind];
    paint();
  }
  function paint() {
    for (const s of $$("form[data-worksheet], [data-workbook]")) {
      const a = s.querySelector("[data-alert]"), ids = s.dataset.worksheet ? [s.dataset.worksheet] : Object.keys(notes);
      const msgs = [...new Set(ids.flatMap((i) => Object.values(notes[i] || {})).concat(s.cbError || []))];
      if (!a || a.textContent == msgs.join("")) continue; // unchanged: no repeat announcement
      a.replaceChildren(...msgs.map((m) => el("p", m)));
      a.hidden = !msgs.length;
    }
  }
  function status(id, msg, only) {
    for (const s of only ? [only] : scopes(id)) {
      const p = s.querySelector("[data-status]");
      if (p && p.textContent != msg) p.textContent = msg;
    }
  }

  /* ---- restore (on load and after every instant navigation) ---- */
  function restore() {
    const t0 = performance.now();
    config();
    let fields = 0;
    for (const form of $$("form[data-worksheet]")) {
      const id = form.dataset.worksheet;
      if (!form.cb) {
        form.cb = 1;
        for (const f of $$("[data-field]", form)) if (f.querySelector("[data-rows]")) setRows(f, (f.rows0 = rows(f).length));
        form.querySelector("[data-actions]").hidden = false;
      }
      load(id, form);
      fields += show(form, id);
    }
    for (const w of $$("[data-workbook]")) {
      w.querySelector("[data-actions]").hidden = false;
      for (const i of $$("[data-workbook-item]", w)) {
        const id = i.dataset.workbookItem;
        if (!d.querySelector(`form[data-worksheet="${id}"]`)) load(id);
        progress(id);
      }
    }
    for (const n of $$("[data-storage-note]")) n.hidden = !SAFARI;
    paint();
    const ms = performance.now() - t0;
    d.dispatchEvent(new CustomEvent("coursebook:restored", { detail: { ms, fields } }));
    return ms;
  }

  /* ---- editing ---- */
  function edit(e) {
    const t = e.target;
    if (t.matches && t.matches("[data-import-file]"))
      return e.type == "change" && t.files[0] && importFile(t.closest("form[data-worksheet], [data-workbook]"), t);
    const f = t.closest && t.closest("[data-field]"), form = f && f.closest("form[data-worksheet]");
    if (!form) return;
    const id = form.dataset.worksheet, old = (docs[id] || load(id, form)).fields[f.dataset.field];
    store1(form, f, get(f, old && old.value));
    e.type == "change" ? save(id) : later(id);
  }
  function store1(form, f, v) {
    const id = form.dataset.worksheet, doc = docs[id], k = f.dataset.field;
    if (doc.fields[k] && same(doc.fields[k].value, v)) return;
    doc.fields[k] = { value: v, updated: now() };
    progress(id);
  }
  function click(e) {
    if (e.target.closest && e.target.closest("a[href]")) return flush(); // before an instant-navigation swap
    const b = e.target.closest && e.target.closest("[data-add-row], [data-remove-row], [data-action]");
    const scope = b && b.closest("form[data-worksheet], [data-workbook]");
    if (!scope) return;
    const f = b.closest("[data-field]"), id = scope.dataset.worksheet;
    if (f) {
      const old = (docs[id] || load(id, scope)).fields[f.dataset.field], v = get(f, old && old.value);
      const row = b.closest("[data-row]"), at = row ? rows(f).indexOf(row) : v.length;
      if (row) v.splice(at, 1);
      else v.push(f.dataset.type == "table" ? {} : "");
      put(f, v);
      store1(scope, f, get(f, v));
      save(id);
      // focus follows the learner's own action: the new row, or the row that took the removed one's place
      const next = rows(f)[Math.min(at, rows(f).length - 1)];
      (next.querySelector("input,textarea") || f.querySelector("[data-add-row]")).focus();
      return;
    }
    const ids = id ? [id] : allIds(), what = id ? `“${title(id)}”` : "every worksheet of this course";
    const act = b.dataset.action;
    flush();
    if (act == "export") {
      const data = exportAll(ids);
      download(data, `${NS}-${id || "answers"}-${data.exported.slice(0, 10)}.json`);
      status(null, `Exported answers for ${Object.keys(data.worksheets).length} worksheet(s)`, scope);
    } else if (act == "import") scope.querySelector("[data-import-file]").click();
    else if (act == "print") print(scope);
    else if (act == "clear")
      ask(`Clear your answers?`, [`This removes your answers to ${what} from this browser. Export them first if you might want them later.`],
        [["clear", "Clear answers", "cb-button--danger"]]).then((r) => {
        if (r != "clear") return;
        const s = store(), t = now();
        for (const i of ids) {
          try {
            for (let j = s.length; j--; ) if ((s.key(j) || "").startsWith(key(i) + ":corrupt:")) s.removeItem(s.key(j));
          } catch (err) {
            /* nothing set aside, or storage unreadable */
          }
          docs[i] = { storage: 1, version: (docs[i] || load(i)).version, cleared: t, fields: {} };
          note(i, "corrupt");
          save(i);
          for (const form of $$(`form[data-worksheet="${i}"]`)) show(form, i);
          progress(i);
        }
        status(null, "Answers cleared", scope);
      });
  }

  /* ---- the answers file ---- */
  function exportAll(ids = allIds()) {
    const out = { format: "coursebook-answers", version: 1, course: NS, exported: now(), worksheets: {} };
    for (const id of ids) {
      const doc = docs[id] || load(id), v = values(doc), times = Object.values(doc.fields).map((e) => e.updated);
      if (Object.keys(v).length) out.worksheets[id] = { version: doc.version || 1, updated: times.sort().pop() || null, values: v };
    }
    return out;
  }
  function download(data, name) {
    const a = el("a");
    a.download = name;
    a.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" }));
    d.body.append(a);
    a.click();
    a.remove();
    setTimeout(URL.revokeObjectURL, 1e4, a.href);
  }
  const okValue = (v) =>
    v === null || typeof v == "string" || typeof v == "boolean" || Number.isInteger(v) ||
    (Array.isArray(v) && (v.every((x) => x === null || typeof x == "string") ||
      v.every((r) => r && typeof r == "object" && !Array.isArray(r) && Object.values(r).every((c) => c === null || typeof c == "string" || typeof c == "boolean"))));
  function invalid(x) {
    if (!x || typeof x != "object" || x.format !== "coursebook-answers") return "is not a coursebook answers file.";
    if (x.version !== 1) return `uses answers format version ${JSON.stringify(x.version)}; this site reads version 1.`;
    const ws = x.worksheets;
    if (!ws || typeof ws != "object" || Array.isArray(ws)) return "has no “worksheets” object.";
    for (const id in ws) {
      const w = ws[id];
      if (!ID.test(id)) return `has an invalid worksheet id “${id}”.`;
      if (!w || typeof w != "object" || !w.values || typeof w.values != "object" || Array.isArray(w.values))
        return `has no “values” object for worksheet “${id}”.`;
      for (const k in w.values)
        if (k == "__proto__" || !okValue(w.values[k])) return `has an unusable value for worksheet “${id}”, field “${k}”.`;
    }
    return "";
  }
  async function importFile(scope, input) {
    const file = input.files[0];
    input.value = ""; // choosing the same file again still imports
    let data, err;
    try {
      data = JSON.parse(await file.text());
      err = invalid(data);
    } catch (e) {
      err = "is not valid JSON.";
    }
    const only = scope.dataset.worksheet, ids = only ? [only] : Object.keys((data && data.worksheets) || {});
    if (!err && !ids.some((i) => data.worksheets[i])) err = only ? `has no answers for “${title(only)}”.` : "has no answers in it.";
    scope.cbError = err ? `Nothing was imported: “${file.name}” ${err}` : "";
    paint();
    if (err) return;
    const t = now(), plan = ids.filter((i) => data.worksheets[i]).map((id) => {
      const cur = docs[id] || load(id), inc = {}, v = data.worksheets[id].values;
      for (const k in v) inc[k] = { value: v[k], updated: t };
      migrate(id, inc);
      const count = (replace) =>
        [...new Set(Object.keys(inc).concat(replace ? Object.keys(cur.fields) : []))].filter((k) => {
          const a = cur.fields[k] && cur.fields[k].value, b = inc[k] && inc[k].value;
          return replace ? !same(filled(a) ? a : null, filled(b) ? b : null) : filled(b) && !same(a, b);
        }).length;
      return { id, inc, merge: count(false), replace: count(true), version: data.worksheets[id].version };
    });
    const from = typeof data.course == "string" && data.course != NS ? ` It comes from another course (“${data.course}”).` : "";
    const r = await ask(`Import answers from “${file.name}”?`, [
      `Merge fills in and updates answers from the file and keeps the others; Replace makes your answers exactly those in the file.${from}`,
      plan.map((p) => `${title(p.id)}${SHEETS[p.id] ? "" : " (not in this course: kept and exported)"}: ${p.merge} answer(s) change if you merge, ${p.replace} if you replace.`),
    ], [["merge", "Merge"], ["replace", "Replace"]]);
    if (!r) return;
    for (const p of plan) {
      const cur = docs[p.id];
      if (r == "replace") docs[p.id] = { storage: 1, version: cur.version || p.version, cleared: t, fields: p.inc };
      else for (const k in p.inc) if (filled(p.inc[k].value)) cur.fields[k] = p.inc[k];
      const form = d.querySelector(`form[data-worksheet="${p.id}"]`);
      load(p.id, form); // places what fits, keeps the rest, saves
      for (const f of $$(`form[data-worksheet="${p.id}"]`)) show(f, p.id);
      progress(p.id);
    }
    status(null, `Imported answers for ${plan.length} worksheet(s)`, scope);
  }

  /* ---- dialog, print ---- */
  function ask(heading, body, buttons) {
    return new Promise((done) => {
      const dlg = el("dialog", null, "cb-dialog"), h = el("h2", heading), f = el("form"), back = d.activeElement;
      h.id = "cb-dialog-title";
      dlg.setAttribute("aria-labelledby", h.id);
      f.method = "dialog";
      f.className = "cb-dialog__actions";
      for (const [value, label, cls] of buttons.concat([["", "Cancel"]])) {
        const b = el("button", label, "cb-button" + (cls ? " " + cls : ""));
        b.value = value;
        b.autofocus = !value; // the safe choice has focus
        f.append(b);
      }
      dlg.append(h, ...body.map((x) => (Array.isArray(x) ? el("ul") : el("p", x))), f);
      body.forEach((x, i) => Array.isArray(x) && dlg.children[i + 1].append(...x.map((t) => el("li", t))));
      dlg.addEventListener("close", () => {
        dlg.remove();
        if (back && back.isConnected) back.focus();
        done(dlg.returnValue);
      });
      d.body.append(dlg);
      dlg.showModal();
    });
  }
  function print(scope) {
    const root = d.documentElement, marked = [scope];
    for (let e = scope.parentElement; e; e = e.parentElement) marked.push(e);
    root.classList.add("cb-print");
    marked.forEach((e, i) => e.classList.add(i ? "cb-print-path" : "cb-print-target"));
    W.addEventListener("afterprint", () => {
      root.classList.remove("cb-print");
      marked.forEach((e) => e.classList.remove("cb-print-path", "cb-print-target"));
    }, { once: true });
    W.print();
  }
  // printed answers must not be cut off by a textarea's scroll box
  W.addEventListener("beforeprint", () => $$("textarea.cb-input").forEach((t) => (t.style.height = t.scrollHeight + 2 + "px")));
  W.addEventListener("afterprint", () => $$("textarea.cb-input").forEach((t) => (t.style.height = "")));

  /* ---- other tabs: newest field wins ---- */
  W.addEventListener("storage", (e) => {
    const id = e.key && e.key.startsWith(NS + ":") ? e.key.slice(NS.length + 1) : "";
    if (!ID.test(id) || e.newValue == null || !docs[id]) return;
    let inc;
    try {
      inc = check(JSON.parse(e.newValue));
    } catch (err) {
      return; // the writing tab keeps its own copy; nothing here is lost
    }
    const mine = docs[id];
    docs[id] = merge(mine, inc);
    migrate(id, docs[id].fields);
    docs[id].version = mine.version || docs[id].version;
    for (const f of $$(`form[data-worksheet="${id}"]`)) show(f, id);
    progress(id);
    if (!same(docs[id].fields, inc.fields)) later(id); // this tab holds newer answers: write them back
  });

  d.addEventListener("input", edit);
  d.addEventListener("change", edit);
  d.addEventListener("click", click);
  d.addEventListener("focusout", (e) => {
    const form = e.target.closest && e.target.closest("form[data-worksheet]");
    if (form && timers[form.dataset.worksheet]) save(form.dataset.worksheet);
  });
  d.addEventListener("visibilitychange", () => d.visibilityState == "hidden" && flush());
  W.addEventListener("pagehide", flush);
  W.addEventListener("popstate", flush);
  if (W.location$ && W.location$.subscribe) W.location$.subscribe(flush);

  W.coursebook = { version: "1", restoreAll: restore, exportAll, flush };
  // Material's instant navigation swaps pages without a load event; document$ emits for every page
  if (W.document$ && W.document$.subscribe) W.document$.subscribe(() => restore());
  else if (d.readyState == "loading") d.addEventListener("DOMContentLoaded", restore);
  else restore();
})();
