/* coursebook runtime: worksheet forms in, answers kept in the browser out.
   Course data (namespace, worksheets, answers contract, messages) comes from course-<hash>.js,
   loaded just before this file. Scripts only some pages need load from lazy/ when wanted. */
(() => {
  "use strict";
  const d = document, W = window, N = navigator, ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
  const SAFARI = /Version\/[\d.]+.*Safari/.test(N.userAgent); // deletes site data after 7 days
  const WS = "form[data-worksheet]", SCOPE = WS + ",[data-workbook]", IN = "input,textarea";
  const ISO = /^\d{4}-\d\d-\d\d$/;
  // keyed by worksheet ids, which a file may spell "constructor": no prototype to collide with
  const map = () => Object.create(null);
  const docs = map(), timers = map(), notes = map(), broken = new Set(), loaded = map(), mirrors = new WeakMap();
  const HERE = d.currentScript && d.currentScript.src, ROOT = new URL("../../", HERE || location.href);
  let NS = "coursebook", SHEETS = {}, M = {}, PL, cfg, asked;

  // ---- basics
  const attempt = (f, fail) => {
    try {
      return f();
    } catch (e) {
      return fail && fail(e);
    }
  };
  const own = (o, k) => o != null && Object.prototype.hasOwnProperty.call(o, k);
  const obj = (v) => v !== null && typeof v == "object" && !Array.isArray(v);
  const arr = (v) => (Array.isArray(v) ? v : []);
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const now = () => new Date().toISOString();
  const key = (id) => NS + ":" + id;
  const sel = (id) => `form[data-worksheet="${id}"]`;
  const $ = (s, r = d) => r.querySelector(s);
  const $$ = (s, r = d) => [...r.querySelectorAll(s)];
  const sheet = (id) => (own(SHEETS, id) ? SHEETS[id] : {});
  const title = (id) => sheet(id).title || id;
  const value = (doc, k) => (own(doc.fields, k) ? doc.fields[k].value : undefined);
  const values = (doc) => Object.fromEntries(Object.entries(doc.fields).map(([k, e]) => [k, e.value]));
  const store = () => attempt(() => W.localStorage); // throws if blocked
  const el = (tag, text) => {
    const e = d.createElement(tag);
    if (text) e.textContent = text; // user data: text only, never HTML
    return e;
  };
  const filled = (v) =>
    Array.isArray(v) ? v.some(filled) : obj(v) ? Object.values(v).some(filled)
      : v === true || typeof v == "number" || (typeof v == "string" && !!v.trim());
  // the course's catalogue: {name} filled as text, plural forms chosen by {count} (CLDR)
  const say = (id, o = {}) => {
    let m = own(M, id) ? M[id] : id;
    if (typeof m == "object") m = m[typeof o.count == "number" && PL ? PL.select(o.count) : "other"] || m.other;
    // a list parameter as the language lists names (as Catalogue._listed does)
    const shown = (v) => (Array.isArray(v) ? v.map((x) => say("answers.quoted", { text: x })).join(say("answers.separator")) : String(v));
    return m.replace(/\{(\w+)\}/g, (s, k) => (own(o, k) ? shown(o[k]) : s));
  };
  // a script from lazy/, once; resolves when it has run
  const need = (f) =>
    loaded[f] ||
    (loaded[f] = new Promise((ok, fail) => {
      const s = el("script");
      s.onload = ok;
      s.onerror = fail;
      s.src = new URL("lazy/" + f, HERE || location.href).href;
      d.head.append(s);
    }));
  const LAZY = { "[data-answers-review]": "review.js" };
  const lazy = () => Object.entries(LAZY).forEach(([q, f]) => $(q) && need(f));

  // ---- stored documents: {storage: 1, version, cleared?, fields: {id: {value, updated}}}
  const check = (x) => {
    if (x && x.storage === 1 && obj(x.fields) && Object.values(x.fields).every((e) => obj(e) && typeof e.updated == "string")) return x;
    throw Error();
  };
  // newest field wins; a clear drops older ones
  function merge(a, b) {
    if (!a || !b) return a || b;
    const c = (a.cleared || "") > (b.cleared || "") ? a.cleared : b.cleared, fields = map();
    for (const src of [a, b])
      for (const k of Object.keys(src.fields)) {
        const e = src.fields[k];
        if (!(c > e.updated) && !(own(fields, k) && fields[k].updated >= e.updated)) fields[k] = e;
      }
    return { storage: 1, version: Math.max(a.version || 0, b.version || 0) || undefined, cleared: c, fields };
  }
  const newer = (a, b) => (a.cleared || "") > (b.cleared || "") ||
    Object.keys(a.fields).some((k) => !own(b.fields, k) || b.fields[k].updated < a.fields[k].updated);
  // renamed_from: saved under an old id, shown in the new field
  const migrate = (id, f) => {
    const r = sheet(id).renamed || {};
    for (const o of Object.keys(r)) if (own(f, o) && !own(f, r[o])) (f[r[o]] = f[o]), delete f[o];
  };
  function load(id, form) {
    let stored, raw = attempt(() => store().getItem(key(id)), (e) => fault(id, e)); // a null store throws too
    if (raw != null) stored = attempt(() => check(JSON.parse(raw)), () => setAside(id, raw));
    const doc = merge(docs[id], stored) || { storage: 1, version: 0, fields: map() }, old = doc.version || 1;
    migrate(id, doc.fields);
    // kept, not lost: what the changed worksheet cannot show moves to <field>@v<old version>
    for (const f of form ? $$("[data-field]", form) : []) {
      const k = f.dataset.field, e = doc.fields[k];
      let to = k + "@v" + old;
      if (!own(doc.fields, k) || fits(f, e.value)) continue;
      while (own(doc.fields, to)) to += "+";
      doc.fields[to] = e;
      delete doc.fields[k];
    }
    doc.version = (form && +form.dataset.worksheetVersion) || sheet(id).version || doc.version;
    docs[id] = doc;
    if (stored ? raw != JSON.stringify(doc) : Object.keys(doc.fields).length) save(id);
    return doc;
  }
  function setAside(id, raw) {
    const k = key(id) + ":corrupt:" + now(), s = store();
    note(id, "corrupt", say(attempt(() => (s.setItem(k, raw), s.removeItem(key(id)), "runtime.aside"),
      () => (broken.add(id), "runtime.stuck")), { title: title(id), key: k })); // no copy: never overwrite
  }
  function save(id) {
    clearTimeout(timers[id]);
    delete timers[id];
    const doc = docs[id];
    if (!doc) return;
    if (broken.has(id)) return status(id, say("runtime.unsaved"));
    attempt(() => {
      store().setItem(key(id), JSON.stringify(doc));
      note(id, "fault");
      status(id, say("runtime.saved", { time: new Date().toLocaleTimeString(cfg.language, { timeStyle: "short" }) }));
      if (!asked && N.storage && N.storage.persist && filled(values(doc))) (asked = 1), N.storage.persist().catch(() => {});
    }, (e) => fault(id, e));
  }
  function fault(id, e) {
    note(id, "fault", say(/quota/i.test(e.name) ? "runtime.full" : "runtime.blocked"));
    status(id, say("runtime.unsaved"));
  }
  const later = (id) => {
    clearTimeout(timers[id]);
    timers[id] = setTimeout(save, 300, id);
  };
  const flush = () => Object.keys(timers).forEach(save);
  function allIds() {
    const ids = new Set(Object.keys(SHEETS).concat(Object.keys(docs))), s = store();
    attempt(() => {
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i), id = k.slice(NS.length + 1);
        if (k.startsWith(NS + ":") && ID.test(id)) ids.add(id);
      }
    });
    return [...ids];
  }

  // ---- form controls <-> answer values (the answers file's shapes)
  const rows = (f) => $$("[data-rows] > [data-row]", f);
  // can this form field show the value? (a date may hold text a person typed in a PDF)
  const fits = (f, v) => {
    const t = f.dataset.type, list = (ok) => Array.isArray(v) && v.every(ok);
    return v == null || v === "" || (t == "table" ? list(obj)
      : /list|check/.test(t) ? list((x) => x == null || typeof x == "string")
      : /choice|scale/.test(t) ? $$("input", f).some((i) => i.value === (t == "scale" ? String(v) : v))
      : typeof v == "string");
  };
  // a date input cannot hold "03/04/2026": while the learner has not picked a date, the
  // typed text stays the answer (`keep`), unless this input is the one being edited
  const dateOf = (x, prev, target) => (x.value === "" && typeof prev == "string" && prev && !ISO.test(prev) && x !== target ? prev : x.value);
  function get(f, prev, target) {
    const t = f.dataset.type, ins = $$("input", f), on = ins.filter((i) => i.checked).map((i) => i.value);
    if (t == "list") return rows(f).map((r) => $("input", r).value);
    if (t == "table")
      return rows(f).map((r, i) => {
        const was = obj(arr(prev)[i]) ? arr(prev)[i] : {}, o = Object.assign({}, was);
        for (const c of $$("[data-column]", r)) {
          const x = $(IN, c), k = c.dataset.column;
          o[k] = x.type == "checkbox" ? x.checked : x.type == "date" ? dateOf(x, was[k], target) : x.value;
        }
        return o;
      });
    if (t == "checklist") return on.concat(arr(prev).filter((x) => !ins.some((i) => i.value == x)));
    if (t == "choice") return on[0] || "";
    if (t == "scale") return on.length ? +on[0] : null;
    const x = $(IN, f);
    return t == "date" ? dateOf(x, prev, target) : x.value;
  }
  function put(f, v) {
    const t = f.dataset.type, a = arr(v);
    if (t == "list" || t == "table") {
      setRows(f, v === undefined ? f.rows0 : Math.max(a.length, +f.dataset.min || 0, 1));
      rows(f).forEach((r, i) => {
        if (t == "list") $("input", r).value = a[i] || "";
        else
          for (const c of $$("[data-column]", r)) {
            const x = $(IN, c), cell = (a[i] || {})[c.dataset.column];
            x.type == "checkbox" ? (x.checked = cell === true) : (x.value = typeof cell == "string" && (x.type != "date" || ISO.test(cell)) ? cell : "");
          }
      });
    } else if (t == "checklist" || t == "choice" || t == "scale") {
      const on = (t == "checklist" ? a : v == null ? [] : [v]).map(String);
      for (const i of $$("input", f)) i.checked = on.includes(i.value);
    } else $(IN, f).value = typeof v == "string" && (t != "date" || ISO.test(v)) ? v : "";
  }
  // beside each date input that holds typed text, a note saying what was typed
  function typed(f, v) {
    const cells = f.dataset.type == "table" ? rows(f).flatMap((r, i) => $$("[data-column]", r).map((c) => [c, (arr(v)[i] || {})[c.dataset.column]]))
      : f.dataset.type == "date" ? [[f, v]] : [];
    for (const [box, text] of cells) {
      const x = $("input[type=date]", box);
      if (!x) continue;
      let n = $("[data-typed]", box);
      const show = typeof text == "string" && text && !ISO.test(text);
      if (show && !n) {
        x.after((n = el("p")));
        n.className = "cb-typed";
        n.setAttribute("data-typed", "");
      }
      if (n) show ? (n.textContent = say("runtime.typed_date", { value: text })) : n.remove();
    }
  }
  function setRows(f, n) {
    const have = rows(f), min = Math.max(+f.dataset.min || 0, 1), add = $("[data-add-row]", f), max = +f.dataset.max;
    have.slice(n).forEach((r) => r.remove());
    for (let i = have.length; i < n; i++) {
      const t = el("template");
      t.innerHTML = $("template[data-row-template]", f).innerHTML.replaceAll("__n__", i + 1);
      $("[data-rows]", f).append(t.content);
    }
    const rs = rows(f), full = rs.length >= (max || 1 / 0);
    rs.forEach((r) => ($("[data-remove-row]", r).hidden = rs.length <= min));
    if (add && add.hidden != full) {
      add.hidden = full;
      // say why the Add button went, rather than let it vanish
      rowNote(f, full ? say("runtime.max_reached", { count: max }) : "");
    }
  }
  // a list's or table's own polite status line, with an Undo button for a removed row
  function rowNote(f, text, undo) {
    const n = $("[data-row-note]", f);
    if (!n) return;
    clearTimeout(n.cbTimer);
    n.replaceChildren(text);
    if (undo) {
      const b = el("button", say("runtime.undo"));
      b.type = "button";
      b.className = "cb-button";
      b.onclick = undo;
      n.append(b);
      n.cbTimer = setTimeout(() => b.remove(), 15e3);
    }
  }
  // on paper a control clips what it holds: each gets a plain-text copy that print shows
  function mirror(x) {
    let m = mirrors.get(x);
    if (!m) {
      x.after((m = el("span")));
      m.className = "cb-print-value";
      m.setAttribute("aria-hidden", "true");
      mirrors.set(x, m);
    }
    if (m.textContent != x.value) m.textContent = x.value;
  }
  // "Your name (saved with version 2)" for an answer kept aside under "name@v2"
  function keptLabel(id, k) {
    const [base, version] = k.split("@v"), label = (sheet(id).labels || {})[base] || base;
    return version ? say("runtime.kept_label", { label, version: parseInt(version, 10) }) : label;
  }
  function show(form, id) {
    const doc = docs[id], fs = $$("[data-field]", form), here = new Set(fs.map((f) => f.dataset.field));
    for (const f of fs) {
      const v = value(doc, f.dataset.field);
      if (!same(get(f, v), v)) put(f, v); // no caret jumps
      typed(f, v);
      $$("input.cb-input,textarea.cb-input", f).forEach(mirror);
    }
    const kept = $("[data-kept]", form), gone = Object.keys(doc.fields).filter((k) => !here.has(k) && filled(value(doc, k)));
    if (kept) {
      $("dl", kept).replaceChildren(...gone.flatMap((k, v) => ((v = value(doc, k)), [el("dt", keptLabel(id, k)), el("dd", typeof v == "string" ? v : JSON.stringify(v))])));
      kept.hidden = !gone.length;
    }
    progress(id);
    return fs.length;
  }
  const refresh = (id) => ($$(sel(id)).forEach((f) => show(f, id)), progress(id));
  function progress(id) {
    const doc = docs[id], form = $(sel(id));
    const ks = sheet(id).fields || (form ? $$("[data-field]", form).map((f) => f.dataset.field) : []);
    const done = ks.filter((k) => doc && filled(value(doc, k))).length, msg = say("runtime.progress", { count: done, total: ks.length });
    for (const p of $$(`${sel(id)} [data-progress],[data-workbook-item="${id}"] [data-progress]`))
      if (p.textContent != msg) p.textContent = msg;
    for (const bar of $$(`[data-workbook-item="${id}"] [data-progress-fill]`)) bar.style.width = (100 * done) / (ks.length || 1) + "%";
    dash();
  }

  // ---- My workbook: how far, where to carry on, and whether the backup is up to date
  const BACKUP = () => NS + "::backup"; // not a worksheet id: never read as one
  const backup = () => attempt(() => store().getItem(BACKUP())) || "";
  function ago(iso) {
    const mins = Math.round((Date.parse(iso) - Date.now()) / 6e4), rtf = attempt(() => new Intl.RelativeTimeFormat(cfg.language, { numeric: "auto" }));
    if (!rtf) return new Date(iso).toLocaleString(cfg.language);
    return Math.abs(mins) < 60 ? rtf.format(mins, "minute") : Math.abs(mins) < 1440 ? rtf.format(Math.round(mins / 60), "hour") : rtf.format(Math.round(mins / 1440), "day");
  }
  function dash() {
    const box = $("[data-dash]");
    if (!box) return;
    let done = 0, total = 0, last = null, changed = 0;
    const since = backup(), ids = Object.keys(SHEETS);
    for (const id of ids) {
      const doc = docs[id] || load(id), ks = sheet(id).fields || [];
      total += ks.length;
      done += ks.filter((k) => filled(value(doc, k))).length;
      for (const k of Object.keys(doc.fields)) {
        const t = doc.fields[k].updated;
        if (!last || t > last.t) last = { id, t };
        if (t > since) changed++;
      }
    }
    $("[data-dash-overall]", box).textContent = say("workbook.overall", { done, count: total });
    $("[data-dash-meter]", box).style.width = (100 * done) / (total || 1) + "%";
    const next = last ? last.id : ids[0], link = $("[data-dash-next-link]", box), url = next && sheet(next).url;
    link.textContent = next ? say(last ? "workbook.continue" : "workbook.start", { title: title(next) }) : "";
    if (url != null) link.href = new URL(url + "#cb-" + next, ROOT).href;
    const text = !since ? say("workbook.backup_never") : changed ? say("workbook.backup_changed", { count: changed, when: ago(since) }) : say("workbook.backup_fresh", { when: ago(since) });
    $("[data-dash-backup-text]", box).textContent = text;
    $("[data-dash-backup]", box).hidden = !last; // nothing to back up yet
    box.classList.toggle("cb-dash--nudge", !since || changed > 0);
    box.hidden = false;
  }

  // ---- what the learner is told: alerts (faults) and the polite status line
  function note(id, kind, msg) {
    const n = (notes[id] = notes[id] || {});
    if (msg ? n[kind] == msg : !n[kind]) return;
    msg ? (n[kind] = msg) : delete n[kind];
    paint();
  }
  function paint() {
    for (const s of $$(SCOPE)) {
      const a = $("[data-alert]", s), id = s.dataset.worksheet;
      const msgs = [...new Set((id ? [id] : Object.keys(notes)).flatMap((i) => Object.values(notes[i] || {})).concat(s.cbError || []))];
      if (!a || a.textContent == msgs.join("")) continue; // no re-announcing
      a.replaceChildren(...msgs.map((m) => el("p", m)));
      a.hidden = !msgs.length;
    }
  }
  const status = (id, msg, only) => {
    for (const s of only ? [only] : $$(sel(id) + ",[data-workbook]")) {
      const p = $("[data-status]", s);
      if (p && p.textContent != msg) p.textContent = msg;
    }
  };

  function restore() {
    const t0 = performance.now();
    let fields = 0;
    for (const form of $$(WS)) {
      const id = form.dataset.worksheet;
      if (!form.cb) {
        form.cb = 1;
        for (const f of $$("[data-field]", form)) if ($("[data-rows]", f)) setRows(f, (f.rows0 = rows(f).length));
      }
      load(id, form);
      fields += show(form, id);
    }
    for (const i of $$("[data-workbook-item]")) {
      const id = i.dataset.workbookItem;
      if (!$(sel(id))) load(id);
      progress(id);
    }
    $$("[data-actions]").forEach((e) => (e.hidden = false));
    $$("[data-storage-note]").forEach((e) => (e.hidden = !SAFARI));
    paint();
    const detail = { ms: performance.now() - t0, fields };
    d.dispatchEvent(new CustomEvent("coursebook:restored", { detail }));
    return detail.ms;
  }

  // ---- events
  function edit(e) {
    const t = e.target, f = t.closest("[data-field]"), form = f && f.closest(WS);
    if (t.matches("[data-import-file]")) return e.type == "change" && t.files[0] && importFile(t.closest(SCOPE), t);
    if (!form) return;
    const id = form.dataset.worksheet, v = get(f, value(docs[id] || load(id, form), f.dataset.field), t);
    change(form, f, v, e.type == "change");
    typed(f, v);
    if (t.matches(".cb-input")) mirror(t);
  }
  function change(form, f, v, soon) {
    const id = form.dataset.worksheet, doc = docs[id], k = f.dataset.field;
    if (!own(doc.fields, k) || !same(value(doc, k), v)) {
      doc.fields[k] = { value: v, updated: now() };
      progress(id);
    }
    soon ? save(id) : later(id);
  }
  function click(e) {
    const c = e.target.closest("[data-close]"), b = e.target.closest("[data-add-row],[data-remove-row],[data-action]"), scope = b && b.closest(SCOPE);
    if (c) return c.closest("dialog").close(c.value);
    if (!scope) return;
    const f = b.closest("[data-field]"), id = scope.dataset.worksheet, ids = id ? [id] : allIds(), act = b.dataset.action;
    if (f) {
      const v = get(f, value(docs[id] || load(id, scope), f.dataset.field)), row = b.closest("[data-row]"), at = row ? rows(f).indexOf(row) : v.length;
      const gone = row && v[at], label = row && $(".cb-row__label", row).textContent;
      row ? v.splice(at, 1) : v.push(f.dataset.type == "table" ? {} : "");
      rows1(scope, f, v);
      // a removal can be taken back for a while: one slip of a thumb must not cost an answer
      if (row)
        rowNote(f, say("runtime.removed", { label }), () => {
          const back = get(f, value(docs[id], f.dataset.field));
          back.splice(at, 0, gone);
          rows1(scope, f, back);
          rowNote(f, say("runtime.restored_row", { label }));
          $(IN, rows(f)[at]).focus();
        });
      const r = rows(f);
      return $(IN, r[Math.min(at, r.length - 1)]).focus();
    }
    flush();
    if (act == "export" || act == "send") {
      const data = exportAll(ids), file = `${NS}-${id || "answers"}-${data.exported.slice(0, 10)}.json`;
      download(data, file);
      if (!id) attempt(() => store().setItem(BACKUP(), data.exported));
      status(0, say("runtime.exported", { count: Object.keys(data.worksheets).length }), scope);
      if (act == "send") send(file);
      dash();
    } else if (act == "import") $("[data-import-file]", scope).click();
    else if (act == "print") print(scope);
    else if (act == "clear") ask(scope, "clear").then((r) => r && clear(ids, scope));
  }
  function rows1(form, f, v) {
    put(f, v);
    change(form, f, get(f, v), 1);
    typed(f, v);
    $$("input.cb-input,textarea.cb-input", f).forEach(mirror);
  }
  function clear(ids, scope) {
    const s = store(), t = now();
    for (const id of ids) {
      attempt(() => {
        for (let j = s.length; j--; ) if (s.key(j).startsWith(key(id) + ":corrupt:")) s.removeItem(s.key(j));
      });
      docs[id] = { storage: 1, version: (docs[id] || load(id)).version, cleared: t, fields: map() };
      broken.delete(id);
      note(id, "corrupt");
      save(id);
      refresh(id);
    }
    status(0, say("runtime.cleared"), scope);
  }

  // ---- answers files: export, and import through the answers contract (lazy/answers.js)
  function exportAll(ids = allIds()) {
    const out = { format: "coursebook-answers", version: 1, course: NS, exported: now(), worksheets: {} };
    for (const id of ids) {
      const doc = docs[id] || load(id), times = map();
      for (const k of Object.keys(doc.fields)) times[k] = doc.fields[k].updated;
      const last = Object.values(times).sort().pop();
      if (last) out.worksheets[id] = { version: doc.version || 1, updated: last, times, values: values(doc) };
    }
    return out;
  }
  // the coach's email, with a draft saying to attach the file just saved (no server involved)
  function send(file) {
    const coach = cfg.coach || {}, course = cfg.course || NS, a = el("a");
    const subject = say("workbook.send_subject", { course }), body = say("workbook.send_body", { coach: coach.name || "", course, file });
    a.href = `mailto:${(coach.email || "").replace(/[^\w.@+-]/g, encodeURIComponent)}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
    d.body.append(a);
    a.click();
    a.remove();
    status(0, say("workbook.sent", { file }), $("[data-workbook]"));
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
  // the answers of one file, read by the same rules as every other reader of the course
  async function read(file) {
    await need("answers.js");
    const A = W.coursebookAnswers, contract = cfg.contract;
    const [data, bad] = A.parse(new Uint8Array(await file.arrayBuffer()), file.name, contract.limits);
    const r = bad ? { error: bad, notices: [] } : A.read(data, contract, file.name);
    const notices = r.notices.map((n) => ({ worksheet: n.params.worksheet, text: A.render(n, say) }));
    return { data, answers: r.answers, error: r.error && A.render(r.error, say), notices };
  }
  async function importFile(scope, input) {
    const file = input.files[0], only = scope.dataset.worksheet;
    input.value = "";
    status(0, "", scope); // no "Imported" left over from an earlier file
    const r = await read(file);
    const stored = r.answers ? r.answers.worksheets : {};
    const ids = (only ? [only] : Object.keys(stored)).filter((i) => own(stored, i));
    let err = r.error;
    if (!err && !ids.length) err = say(only ? "runtime.none_for" : "runtime.none", { file: file.name, title: title(only) });
    scope.cbError = err && say("runtime.refused", { reason: err });
    paint();
    if (err) return;
    const at = now(), plan = ids.map((id) => plan1(id, stored[id], r.data.exported, at));
    const dlg = $("[data-dialog=import]", scope), course = r.data.course;
    $("[data-dialog-from]", dlg).textContent = say(course && course != NS ? "runtime.from_other" : "runtime.from", { file: file.name, course });
    $("[data-dialog-list]", dlg).replaceChildren(
      ...plan.map((p) => el("li", say("runtime.change", { count: p.merge, replace: p.replace, title: own(SHEETS, p.id) ? title(p.id) : say("runtime.not_here", { title: p.id }) }))),
      ...r.notices.filter((n) => !only || n.worksheet == only).map((n) => el("li", n.text)));
    const choice = await ask(scope, "import");
    for (const p of choice ? plan : []) {
      docs[p.id] = choice == "merge" ? p.merged : p.replaced;
      load(p.id, $(sel(p.id)));
      refresh(p.id);
    }
    if (choice) status(0, say("runtime.imported", { count: plan.length }), scope);
  }
  // what merging or replacing one worksheet would do; merge keeps the newer answer of each
  // field, by the times the file gives (per field, else the worksheet's, else the export's)
  function plan1(id, entry, exported, at) {
    const cur = docs[id] || load(id), inc = map(), merged = { ...cur, fields: Object.assign(map(), cur.fields) }, v = entry.values;
    const times = obj(entry.times) ? entry.times : {};
    for (const k of Object.keys(v)) {
      const when = own(times, k) ? times[k] : entry.updated || exported || at;
      inc[k] = { value: v[k], updated: when };
      const mine = own(cur.fields, k) ? cur.fields[k] : null;
      // an empty value only wins with a time of its own: a file's rough time never erases
      if ((filled(v[k]) || own(times, k)) && (!mine || mine.updated < when)) merged.fields[k] = inc[k];
    }
    const replaced = { storage: 1, version: cur.version || entry.version, cleared: at, fields: map() };
    for (const k of Object.keys(inc)) replaced.fields[k] = { value: inc[k].value, updated: at };
    const norm = (doc, k) => (filled(value(doc, k)) ? value(doc, k) : 0);
    const diff = (next) => Object.keys({ ...cur.fields, ...inc }).filter((k) => !same(norm(cur, k), norm(next, k))).length;
    return { id, merge: diff(merged), replace: diff(replaced), merged, replaced };
  }

  function ask(scope, name) {
    const dlg = $(`[data-dialog=${name}]`, scope), back = d.activeElement;
    dlg.returnValue = "";
    dlg.showModal();
    return new Promise((done) => dlg.addEventListener("close", () => (back && back.focus(), done(dlg.returnValue)), { once: true }));
  }
  function print(scope) {
    // mark the path from <html> to the worksheet so print CSS can hide every side branch
    // with a child selector (a :has() rule made layout quadratic in WeasyPrint)
    const path = [];
    for (let n = scope.parentElement; n; n = n.parentElement) path.push(n);
    const mark = (on) => (scope.classList.toggle("cb-print-target", on), path.forEach((n) => n.classList.toggle("cb-print-path", on)));
    mark(true);
    W.addEventListener("afterprint", () => mark(false), { once: true });
    W.print();
  }

  // another tab saved: merge field by field, the newest time winning
  W.addEventListener("storage", (e) => {
    const id = (e.key || "").slice(NS.length + 1), mine = own(docs, id) && docs[id];
    const inc = mine && e.key == key(id) && attempt(() => check(JSON.parse(e.newValue)));
    if (!inc) return;
    docs[id] = merge(mine, inc);
    migrate(id, docs[id].fields);
    docs[id].version = mine.version || docs[id].version;
    refresh(id);
    if (newer(docs[id], inc)) later(id); // write back what is newer here
  });

  // ---- offline: the course's own service worker (sw.js at the site root), when built for it
  let offered, reloading;
  function offline() {
    if (!cfg.offline || !N.serviceWorker || offered !== undefined) return;
    offered = null;
    N.serviceWorker.addEventListener("controllerchange", () => reloading && location.reload());
    N.serviceWorker.register(new URL("sw.js", ROOT).href).then((reg) => {
      if (!reg) return; // workers blocked by the browser's settings
      // a new version waits until the learner says so: old and new pages never mix
      const offer = () => reg.waiting && N.serviceWorker.controller && banner(reg.waiting);
      offer();
      reg.addEventListener("updatefound", () => {
        const w = reg.installing;
        if (w) w.addEventListener("statechange", () => w.state == "installed" && offer());
      });
    }, () => {}); // file:// and private modes have no workers: the course works without
  }
  function banner(worker) {
    if (offered) return;
    const box = (offered = el("div")), b = el("button", say("offline.reload"));
    box.className = "cb-update";
    box.setAttribute("role", "status");
    b.type = "button";
    b.className = "cb-button";
    b.onclick = () => ((reloading = 1), flush(), worker.postMessage("coursebook:update"));
    box.append(el("span", say("offline.updated")), b);
    d.body.append(box);
  }

  d.addEventListener("input", edit);
  d.addEventListener("change", edit);
  d.addEventListener("click", click);
  d.addEventListener("focusout", flush);
  d.addEventListener("visibilitychange", () => d.hidden && flush());
  W.addEventListener("pagehide", flush);
  if (W.location$) W.location$.subscribe(flush);

  cfg = obj(W.coursebookCourse) ? W.coursebookCourse : { language: "en", contract: { worksheets: {}, limits: {} } };
  (NS = cfg.namespace || NS), (SHEETS = cfg.worksheets || {}), (M = cfg.messages || {});
  PL = attempt(() => new Intl.PluralRules(cfg.language));
  W.coursebook = { version: "1", restoreAll: restore, exportAll, flush, say, need, read };
  // Material's instant navigation swaps pages without a load event
  const start = () => (restore(), lazy(), offline());
  if (W.document$) W.document$.subscribe(start);
  else if (d.readyState == "loading") d.addEventListener("DOMContentLoaded", start);
  else start();
})();
