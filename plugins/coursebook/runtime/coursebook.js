/* coursebook runtime: worksheet forms in, answers kept in the browser out. */
(() => {
  "use strict";
  const d = document, W = window, N = navigator, ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
  const SAFARI = /Version\/[\d.]+.*Safari/.test(N.userAgent); // 7-day cap
  const WS = "form[data-worksheet]", SCOPE = WS + ",[data-workbook]", IN = "input,textarea";
  const docs = {}, timers = {}, notes = {}, broken = new Set();
  let NS = "coursebook", SHEETS = {}, M = {}, cfg, asked;
  // scripts only one page needs load from lazy/ beside this file, when that page shows
  const LAZY = { "[data-answers-review]": "review.js" }, HERE = d.currentScript && d.currentScript.src;
  const loaded = new Set();
  const lazy = () =>
    Object.entries(LAZY).forEach(([q, f]) => {
      if (!HERE || loaded.has(f) || !d.querySelector(q)) return;
      loaded.add(f);
      d.head.append(Object.assign(d.createElement("script"), { src: new URL("lazy/" + f, HERE).href }));
    });

  const attempt = (f, fail) => {
    try {
      return f();
    } catch (e) {
      return fail && fail(e);
    }
  };
  const say = (id, o = {}) => (M[id] || id).replace(/\{(\w+)\}/g, (_, k) => o[k]);
  const now = () => new Date().toISOString();
  const key = (id) => NS + ":" + id;
  const sel = (id) => `form[data-worksheet="${id}"]`;
  const $ = (s, r = d) => r.querySelector(s);
  const $$ = (s, r = d) => [...r.querySelectorAll(s)];
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const arr = (v) => (Array.isArray(v) ? v : []);
  const obj = (v) => v && typeof v == "object" && !Array.isArray(v);
  const sheet = (id) => SHEETS[id] || {};
  const title = (id) => sheet(id).title || id;
  const value = (doc, k) => doc.fields[k] && doc.fields[k].value;
  const values = (doc) => Object.fromEntries(Object.entries(doc.fields).map(([k, e]) => [k, e.value]));
  const store = () => attempt(() => W.localStorage); // throws if blocked
  const el = (tag, text) => {
    const e = d.createElement(tag);
    if (text) e.textContent = text; // user data: text only
    return e;
  };
  const filled = (v) =>
    Array.isArray(v) ? v.some(filled) : v && typeof v == "object" ? Object.values(v).some(filled)
      : v === true || typeof v == "number" || (typeof v == "string" && !!v.trim());

  const check = (x) => {
    if (x && x.storage === 1 && obj(x.fields) && Object.values(x.fields).every((e) => e && typeof e.updated == "string")) return x;
    throw Error();
  };
  // newest field wins; a clear drops older ones
  function merge(a, b) {
    if (!a || !b) return a || b;
    const c = (a.cleared || "") > (b.cleared || "") ? a.cleared : b.cleared, fields = {};
    for (const src of [a, b])
      for (const k in src.fields) {
        const e = src.fields[k];
        if (!(c > e.updated) && !(fields[k] && fields[k].updated >= e.updated)) fields[k] = e;
      }
    return { storage: 1, version: Math.max(a.version || 0, b.version || 0) || undefined, cleared: c, fields };
  }
  const newer = (a, b) => (a.cleared || "") > (b.cleared || "") ||
    Object.keys(a.fields).some((k) => !b.fields[k] || b.fields[k].updated < a.fields[k].updated);
  // renamed_from
  const migrate = (id, f) => {
    const r = sheet(id).renamed || {};
    for (const o in r) if (f[o] && !f[r[o]]) (f[r[o]] = f[o]), delete f[o];
  };
  function load(id, form) {
    let stored, raw = attempt(() => store().getItem(key(id)), (e) => fault(id, e)); // a null store throws too
    if (raw != null) stored = attempt(() => check(JSON.parse(raw)), () => setAside(id, raw));
    // key order as in merge(), so equal documents serialise alike
    const doc = merge(docs[id], stored) || { storage: 1, version: 0, fields: {} }, old = doc.version || 1;
    migrate(id, doc.fields);
    // kept, not lost: what the changed worksheet cannot show
    for (const f of form ? $$("[data-field]", form) : []) {
      const k = f.dataset.field, e = doc.fields[k];
      let to = k + "@v" + old;
      if (!e || fits(f, e.value)) continue;
      while (doc.fields[to]) to += "+";
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
    note(id, "corrupt", say(attempt(() => (s.setItem(k, raw), s.removeItem(key(id)), "aside"),
      () => (broken.add(id), "stuck")), { title: title(id), key: k })); // no copy: never overwrite
  }
  function save(id) {
    clearTimeout(timers[id]);
    delete timers[id];
    const doc = docs[id];
    if (!doc) return;
    if (broken.has(id)) return status(id, say("unsaved"));
    attempt(() => {
      store().setItem(key(id), JSON.stringify(doc));
      note(id, "fault");
      status(id, say("saved", { time: new Date().toLocaleTimeString([], { timeStyle: "short" }) }));
      if (!asked && N.storage && N.storage.persist && filled(values(doc))) (asked = 1), N.storage.persist().catch(() => {});
    }, (e) => fault(id, e));
  }
  function fault(id, e) {
    note(id, "fault", say(/quota/i.test(e.name) ? "full" : "blocked"));
    status(id, say("unsaved"));
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

  const rows = (f) => $$("[data-rows] > [data-row]", f);
  const fits = (f, v) => {
    const t = f.dataset.type, list = (ok) => Array.isArray(v) && v.every(ok);
    return v == null || v === "" || (t == "table" ? list(obj)
      : /list|check/.test(t) ? list((x) => x == null || typeof x == "string")
      : /choice|scale/.test(t) ? $$("input", f).some((i) => i.value === (t == "scale" ? String(v) : v))
      : typeof v == "string" && (t != "date" || /^\d{4}-\d\d-\d\d$/.test(v)));
  };
  function get(f, prev) {
    const t = f.dataset.type, ins = $$("input", f), on = ins.filter((i) => i.checked).map((i) => i.value);
    if (t == "list") return rows(f).map((r) => $("input", r).value);
    if (t == "table")
      return rows(f).map((r, i) => {
        const o = Object.assign({}, arr(prev)[i]);
        for (const c of $$("[data-column]", r)) {
          const x = $(IN, c);
          o[c.dataset.column] = x.type == "checkbox" ? x.checked : x.value;
        }
        return o;
      });
    if (t == "checklist")
      return on.concat(arr(prev).filter((x) => !ins.some((i) => i.value == x)));
    if (t == "choice") return on[0] || "";
    if (t == "scale") return on.length ? +on[0] : null;
    return $(IN, f).value;
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
            x.type == "checkbox" ? (x.checked = cell === true) : (x.value = typeof cell == "string" ? cell : "");
          }
      });
    } else if (t == "checklist" || t == "choice" || t == "scale") {
      const on = (t == "checklist" ? a : v == null ? [] : [v]).map(String);
      for (const i of $$("input", f)) i.checked = on.includes(i.value);
    } else $(IN, f).value = typeof v == "string" ? v : "";
  }
  function setRows(f, n) {
    const have = rows(f), min = Math.max(+f.dataset.min || 0, 1), add = $("[data-add-row]", f);
    have.slice(n).forEach((r) => r.remove());
    for (let i = have.length; i < n; i++) {
      const t = el("template");
      t.innerHTML = $("template[data-row-template]", f).innerHTML.replaceAll("__n__", i + 1);
      $("[data-rows]", f).append(t.content);
    }
    const rs = rows(f);
    rs.forEach((r) => ($("[data-remove-row]", r).hidden = rs.length <= min));
    if (add) add.hidden = rs.length >= (+f.dataset.max || 1 / 0);
  }
  function show(form, id) {
    const doc = docs[id], fs = $$("[data-field]", form), here = new Set(fs.map((f) => f.dataset.field));
    for (const f of fs) {
      const v = value(doc, f.dataset.field);
      if (!same(get(f, v), v)) put(f, v); // no caret jumps
    }
    const kept = $("[data-kept]", form), gone = Object.keys(doc.fields).filter((k) => !here.has(k) && filled(value(doc, k)));
    if (kept) {
      $("dl", kept).replaceChildren(...gone.flatMap((k, v) => (v = value(doc, k), [el("dt", k), el("dd", typeof v == "string" ? v : JSON.stringify(v))])));
      kept.hidden = !gone.length;
    }
    progress(id);
    return fs.length;
  }
  const refresh = (id) => ($$(sel(id)).forEach((f) => show(f, id)), progress(id));
  function progress(id) {
    const doc = docs[id], form = $(sel(id));
    const ks = sheet(id).fields || (form ? $$("[data-field]", form).map((f) => f.dataset.field) : []);
    const msg = say("progress", { done: ks.filter((k) => doc && filled(value(doc, k))).length, total: ks.length });
    for (const p of $$(`${sel(id)} [data-progress],[data-workbook-item="${id}"] [data-progress]`))
      if (p.textContent != msg) p.textContent = msg;
  }

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
    // the config comes after this script
    cfg = cfg || attempt(() => JSON.parse($("#coursebook-config").textContent));
    if (cfg) (NS = cfg.namespace || NS), (SHEETS = cfg.worksheets || {}), (M = cfg.messages || {});
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

  function edit(e) {
    const t = e.target, f = t.closest("[data-field]"), form = f && f.closest(WS);
    if (t.matches("[data-import-file]")) return e.type == "change" && t.files[0] && importFile(t.closest(SCOPE), t);
    if (form) change(form, f, get(f, value(docs[form.dataset.worksheet] || load(form.dataset.worksheet, form), f.dataset.field)), e.type == "change");
  }
  function change(form, f, v, soon) {
    const id = form.dataset.worksheet, doc = docs[id], k = f.dataset.field;
    if (!doc.fields[k] || !same(value(doc, k), v)) {
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
      row ? v.splice(at, 1) : v.push(f.dataset.type == "table" ? {} : "");
      put(f, v);
      change(scope, f, get(f, v), 1);
      const r = rows(f);
      return $(IN, r[Math.min(at, r.length - 1)]).focus();
    }
    flush();
    if (act == "export") {
      const data = exportAll(ids);
      download(data, `${NS}-${id || "answers"}-${data.exported.slice(0, 10)}.json`);
      status(0, say("exported", { count: Object.keys(data.worksheets).length }), scope);
    } else if (act == "import") $("[data-import-file]", scope).click();
    else if (act == "print") print(scope);
    else if (act == "clear") ask(scope, "clear").then((r) => r && clear(ids, scope));
  }
  function clear(ids, scope) {
    const s = store(), t = now();
    for (const id of ids) {
      attempt(() => {
        for (let j = s.length; j--; ) if (s.key(j).startsWith(key(id) + ":corrupt:")) s.removeItem(s.key(j));
      });
      docs[id] = { storage: 1, version: (docs[id] || load(id)).version, cleared: t, fields: {} };
      broken.delete(id);
      note(id, "corrupt");
      save(id);
      refresh(id);
    }
    status(0, say("cleared"), scope);
  }

  function exportAll(ids = allIds()) {
    const out = { format: "coursebook-answers", version: 1, course: NS, exported: now(), worksheets: {} };
    for (const id of ids) {
      const doc = docs[id] || load(id), times = Object.values(doc.fields).map((e) => e.updated).sort();
      if (times.length) out.worksheets[id] = { version: doc.version || 1, updated: times.pop(), values: values(doc) };
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
  const scalar = (v) => v === null || typeof v == "string" || typeof v == "boolean";
  const usable = (v) => scalar(v) || Number.isInteger(v) || (Array.isArray(v) &&
    (v.every((x) => x === null || typeof x == "string") || v.every((r) => obj(r) && Object.values(r).every(scalar))));
  function invalid(x) {
    const ws = x && x.worksheets;
    if (!x || x.format !== "coursebook-answers") return say("not_answers");
    if (x.version !== 1) return say("format_version", { version: JSON.stringify(x.version) });
    if (!obj(ws)) return say("no_worksheets");
    for (const id in ws) {
      const v = ws[id] && ws[id].values;
      if (!ID.test(id) || !obj(v)) return say("bad_worksheet", { id });
      for (const k in v) if (k == "__proto__" || !usable(v[k])) return say("bad_value", { id, field: k });
    }
  }
  async function importFile(scope, input) {
    const file = input.files[0], only = scope.dataset.worksheet;
    input.value = "";
    const data = await file.text().then(JSON.parse).catch(() => undefined);
    let err = data === undefined ? say("not_json") : invalid(data);
    const ids = err ? [] : (only ? [only] : Object.keys(data.worksheets)).filter((i) => data.worksheets[i]);
    if (!err && !ids.length) err = say(only ? "none_for" : "none", { title: title(only) });
    scope.cbError = err && say("refused", { file: file.name, reason: err });
    paint();
    if (err) return;
    const at = now(), plan = ids.map((id) => {
      const cur = docs[id] || load(id), inc = {}, pick = {}, v = data.worksheets[id].values;
      for (const k in v) inc[k] = { value: v[k], updated: at };
      migrate(id, inc);
      for (const k in inc) if (filled(inc[k].value)) pick[k] = inc[k];
      const merged = { ...cur, fields: { ...cur.fields, ...pick } };
      const replaced = { storage: 1, version: cur.version || data.worksheets[id].version, cleared: at, fields: inc };
      const norm = (doc, k) => (filled(value(doc, k)) ? value(doc, k) : 0);
      const diff = (next) => Object.keys({ ...cur.fields, ...inc }).filter((k) => !same(norm(cur, k), norm(next, k))).length;
      return { id, merge: diff(merged), replace: diff(replaced), merged, replaced };
    });
    const dlg = $("[data-dialog=import]", scope);
    $("[data-dialog-from]", dlg).textContent = say(data.course && data.course != NS ? "from_other" : "from", { file: file.name, course: data.course });
    $("[data-dialog-list]", dlg).replaceChildren(...plan.map((p) =>
      el("li", say("change", { ...p, title: SHEETS[p.id] ? title(p.id) : say("not_here", { title: p.id }) }))));
    const r = await ask(scope, "import");
    for (const p of r ? plan : []) {
      docs[p.id] = r == "merge" ? p.merged : p.replaced;
      load(p.id, $(sel(p.id)));
      refresh(p.id);
    }
    if (r) status(0, say("imported", { count: plan.length }), scope);
  }

  function ask(scope, name) {
    const dlg = $(`[data-dialog=${name}]`, scope), back = d.activeElement;
    dlg.returnValue = "";
    dlg.showModal();
    return new Promise((done) => dlg.addEventListener("close", () => (back.focus(), done(dlg.returnValue)), { once: true }));
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
  W.addEventListener("beforeprint", () => $$("textarea.cb-input").forEach((t) => (t.style.height = t.scrollHeight + 2 + "px")));
  W.addEventListener("afterprint", () => $$("textarea.cb-input").forEach((t) => (t.style.height = "")));

  W.addEventListener("storage", (e) => {
    const id = (e.key || "").slice(NS.length + 1), mine = docs[id];
    const inc = mine && e.key == key(id) && attempt(() => check(JSON.parse(e.newValue)));
    if (!inc) return;
    docs[id] = merge(mine, inc);
    migrate(id, docs[id].fields);
    docs[id].version = mine.version || docs[id].version;
    refresh(id);
    if (newer(docs[id], inc)) later(id); // write back what is newer here
  });

  d.addEventListener("input", edit);
  d.addEventListener("change", edit);
  d.addEventListener("click", click);
  d.addEventListener("focusout", flush);
  d.addEventListener("visibilitychange", () => d.hidden && flush());
  W.addEventListener("pagehide", flush);
  if (W.location$) W.location$.subscribe(flush);

  W.coursebook = { version: "1", restoreAll: restore, exportAll, flush };
  // Material's instant navigation swaps pages without a load event
  const start = () => (restore(), lazy());
  if (W.document$) W.document$.subscribe(start);
  else if (d.readyState == "loading") d.addEventListener("DOMContentLoaded", start);
  else start();
})();
