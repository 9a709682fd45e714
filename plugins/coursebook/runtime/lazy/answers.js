/* The answers contract's reader: an answers file + the course's contract in, one verdict out.
   A line-for-line twin of coursebook/answers/contract.py (read_answers, parse_answers_bytes):
   the site's import and review page and every CLI command must agree, and a shared
   conformance suite holds them to it. Loaded by coursebook.js when a file is opened. */
(() => {
  "use strict";
  const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, KEY = /^[a-z][a-z0-9]*(-[a-z0-9]+)*(@v[0-9]{1,6}\+*)?$/;
  const ASIDE = /@v[0-9]/, TRIM = /^[ \t\n\r\u00a0]+|[ \t\n\r\u00a0]+$/g;
  const ISO = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/, YMD = /^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$/;
  const DMY = /^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$/;
  const D_MONTH_Y = /^([0-9]{1,2})\.?[ \u00a0]+([^0-9 \u00a0,.]+)\.?,?[ \u00a0]+([0-9]{4})$/u;
  const MONTH_D_Y = /^([^0-9 \u00a0,.]+)\.?[ \u00a0]+([0-9]{1,2})(?:st|nd|rd|th)?,?[ \u00a0]+([0-9]{4})$/u;
  const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;
  const TRUE = ["yes", "true", "on", "1", "x"], FALSE = ["no", "false", "off", "0", ""];
  const MAX_DEPTH = 64;
  const own = (o, k) => o != null && Object.prototype.hasOwnProperty.call(o, k);
  const obj = (v) => v !== null && typeof v == "object" && !Array.isArray(v);
  const str = (v) => typeof v == "string";
  const N = (id, params = {}) => ({ id, params });
  const trim = (s) => s.replace(TRIM, "");
  const length = (s) => s.length - (s.match(/[\ud800-\udbff][\udc00-\udfff]/g) || []).length;
  const isNumber = (v) => typeof v == "number" && isFinite(v);
  const isSafeInteger = (v) => typeof v == "number" && Number.isSafeInteger(v);
  const empty = (v) => v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length);

  function display(text, limit = 40) {
    const chars = Array.from(text.replace(HIDDEN, "\ufffd"));
    return chars.length > limit ? chars.slice(0, limit).join("") + "…" : chars.join("");
  }
  function numberText(v) {
    if (isSafeInteger(v)) return String(v);
    if (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e15) return String(v);
    return null;
  }
  function got(v) {
    if (v === null || v === undefined) return N("answers.got_nothing");
    if (v === true) return N("answers.got_true");
    if (v === false) return N("answers.got_false");
    if (str(v)) return N("answers.got_text", { value: display(v) });
    if (isNumber(v)) return N("answers.got_number", { value: numberText(v) === null ? "…" : numberText(v) });
    if (Array.isArray(v)) return N("answers.got_list");
    return N("answers.got_object");
  }
  function gotText(v) {
    const n = got(v);
    return own(n.params, "value") ? n.params.value : n.id.split("_").pop();
  }

  const leap = (y) => y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  function iso(y, m, d) {
    const days = [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (!m || y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) return null;
    return String(y).padStart(4, "0") + "-" + String(m).padStart(2, "0") + "-" + String(d).padStart(2, "0");
  }
  function readDate(text, months) {
    text = trim(text);
    const month = (name) => (own(months, name.toLowerCase()) ? months[name.toLowerCase()] : 0);
    let m;
    if ((m = YMD.exec(text))) return iso(+m[1], +m[2], +m[3]);
    if ((m = DMY.exec(text))) {
      const a = +m[1], b = +m[2], y = +m[3];
      if ((a > 12 && b <= 12) || a == b) return iso(y, b, a);
      if (b > 12 && a <= 12) return iso(y, a, b);
      return null;
    }
    if ((m = D_MONTH_Y.exec(text))) return month(m[2]) ? iso(+m[3], month(m[2]), +m[1]) : null;
    if ((m = MONTH_D_Y.exec(text))) return month(m[1]) ? iso(+m[3], month(m[1]), +m[2]) : null;
    return null;
  }

  const MISFIT = {};
  function textValue(v, limit) {
    if (v === null || str(v)) {
      if (str(v) && length(v) > limit) throw MISFIT;
      return [v, false];
    }
    if (isNumber(v) && numberText(v) !== null) return [numberText(v), true];
    throw MISFIT;
  }
  function dateValue(v, ctx, field, cell = null) {
    if (v === null || v === "") return [v, false];
    if (!str(v) || length(v) > ctx.limits.text) throw MISFIT;
    if (ISO.test(v) && readDate(v, ctx.months) === v) return [v, false];
    const found = readDate(v, ctx.months);
    if (found !== null) return [found, true];
    ctx.say("answers.date_as_text", field, cell, { value: display(v) });
    return [v, false];
  }
  function checkboxValue(v) {
    if (v === null || typeof v == "boolean") return [v, false];
    if (isNumber(v) && (v === 0 || v === 1)) return [v === 1, true];
    if (str(v)) {
      const word = trim(v).toLowerCase();
      if (TRUE.includes(word)) return [true, true];
      if (FALSE.includes(word)) return [false, true];
    }
    throw MISFIT;
  }
  function optionValue(v, options) {
    if (!str(v)) throw MISFIT;
    const values = options.map((o) => o[0]);
    if (values.includes(v)) return [v, false];
    const t = trim(v);
    if (values.includes(t)) return [t, true];
    const byLabel = options.filter((o) => o[1] === t).map((o) => o[0]);
    if (byLabel.length == 1) return [byLabel[0], true];
    throw MISFIT;
  }
  function fit(v, spec, ctx, field) {
    const kind = spec.type;
    if (kind == "text" || kind == "textarea") return textValue(v, spec.max);
    if (kind == "date") return dateValue(v, ctx, field);
    if (kind == "choice") return v === null || v === "" ? [v, false] : optionValue(v, spec.options);
    if (kind == "scale") {
      if (v === null || v === "") return [v, false];
      let n = v;
      if (str(v) && /^-?[0-9]{1,6}$/.test(trim(v))) n = parseInt(trim(v), 10);
      if (!isSafeInteger(n) || n < spec.min || n > spec.max) throw MISFIT;
      return [n, str(v)];
    }
    if (kind == "checklist") {
      if (v === null) return [v, false];
      let changed = str(v);
      const items = str(v) ? [v] : v;
      if (!Array.isArray(items) || items.length > spec.options.length) throw MISFIT;
      const kept = [];
      for (const item of items) {
        const [option, moved] = optionValue(item, spec.options);
        changed = changed || moved || kept.includes(option);
        if (!kept.includes(option)) kept.push(option);
      }
      return [kept, changed];
    }
    if (kind == "list") {
      if (v === null) return [v, false];
      let changed = str(v);
      const items = str(v) ? [v] : v;
      if (!Array.isArray(items) || items.length > spec.max) throw MISFIT;
      const entries = [];
      for (const item of items) {
        const [text, moved] = textValue(item, spec.length);
        changed = changed || moved || text === null;
        entries.push(text === null ? "" : text);
      }
      return [entries, changed];
    }
    if (kind == "table") {
      if (v === null) return [v, false];
      if (!Array.isArray(v) || v.length > spec.max) throw MISFIT;
      const rows = [];
      v.forEach((row, i) => {
        if (!obj(row)) throw MISFIT;
        const cells = {};
        for (const column of Object.keys(row)) {
          if (!own(spec.columns, column)) throw MISFIT;
          const type = spec.columns[column], cell = row[column];
          const [value, moved] = type == "checkbox" ? checkboxValue(cell)
            : type == "date" ? dateValue(cell, ctx, field, [i + 1, column]) : textValue(cell, spec.length);
          cells[column] = value;
          if (moved) ctx.say("answers.normalised", field, [i + 1, column], { got: got(cell), value: got(value) });
        }
        rows.push(cells);
      });
      return [rows, false];
    }
    throw MISFIT;
  }
  function expected(spec) {
    const kind = spec.type;
    if (kind == "text" || kind == "textarea") return N("answers.expect_text", { max: spec.max });
    if (kind == "date") return N("answers.expect_date");
    if (kind == "choice" || kind == "checklist")
      return N("answers.expect_" + kind, { options: spec.options.map((o) => display(o[0])) });
    if (kind == "scale") return N("answers.expect_scale", { min: spec.min, max: spec.max });
    if (kind == "list") return N("answers.expect_list", { max: spec.max, length: spec.length });
    return N("answers.expect_table", { max: spec.max, columns: Object.keys(spec.columns) });
  }
  function usable(v, limits) {
    const scalar = (x) => x === null || str(x) || typeof x == "boolean" || isNumber(x);
    if (Array.isArray(v)) {
      if (v.length > limits.rows) return false;
      return v.every((x) => scalar(x) && typeof x != "boolean") ||
        v.every((r) => obj(r) && Object.keys(r).length <= 100 && Object.values(r).every(scalar));
    }
    return scalar(v);
  }

  class Refused {
    constructor(id, params) {
      this.notice = N(id, params);
    }
  }
  const refuse = (id, params) => new Refused(id, params);

  function read(data, contract, file) {
    file = display(file, 80);
    const notices = [];
    try {
      return { answers: readAll(data, contract, file, notices), error: null, notices };
    } catch (e) {
      if (e instanceof Refused) return { answers: null, error: e.notice, notices: [] };
      throw e;
    }
  }
  function readAll(data, contract, file, notices) {
    const limits = contract.limits;
    if (!obj(data) || !own(data, "format") || data.format !== "coursebook-answers") throw refuse("answers.not_answers", { file });
    const version = own(data, "version") ? data.version : null;
    if (version !== 1) {
      if (isSafeInteger(version) && version > 1) throw refuse("answers.format_newer", { file, version });
      throw refuse("answers.format_version", { file, version: gotText(version) });
    }
    for (const key of ["course", "client", "exported"])
      if (own(data, key) && data[key] !== null && !str(data[key])) throw refuse("answers.bad_text", { file, key });
    const stored = own(data, "worksheets") ? data.worksheets : null;
    if (!obj(stored) || Object.keys(stored).length > limits.worksheets) throw refuse("answers.no_worksheets", { file });
    const known = contract.worksheets, months = contract.months || {}, out = {};
    for (const id of Object.keys(stored)) {
      if (!ID.test(id)) throw refuse("answers.bad_worksheet_id", { file, worksheet: display(id) });
      const entry = stored[id], values = obj(entry) && own(entry, "values") ? entry.values : null;
      if (!obj(values) || Object.keys(values).length > limits.fields) throw refuse("answers.bad_entry", { file, worksheet: id });
      let saved = own(entry, "version") ? entry.version : null;
      if (saved !== null && (!isSafeInteger(saved) || saved < 1)) throw refuse("answers.bad_version", { file, worksheet: id });
      if (own(entry, "updated") && entry.updated !== null && !str(entry.updated)) throw refuse("answers.bad_text", { file, key: "updated" });
      const times = own(entry, "times") ? entry.times : null;
      if (times !== null && (!obj(times) || !Object.values(times).every(str))) throw refuse("answers.bad_text", { file, key: "times" });
      for (const key of Object.keys(values))
        if (!KEY.test(key)) throw refuse("answers.bad_field_id", { file, worksheet: id, field: display(key) });
      const sheet = own(known, id) ? known[id] : null;
      const where = (field, more) => ({ file, worksheet: id, field, ...more });
      const say = (msg, field, cell, params) =>
        notices.push(cell ? N(msg + "_cell", where(field, { ...params, row: cell[0], column: cell[1] })) : N(msg, where(field, params)));
      const ctx = { file, worksheet: id, months, notices, limits, where, say };
      if (!sheet) {
        for (const key of Object.keys(values)) checkUsable(values[key], ctx, key);
        notices.push(N("answers.unknown_worksheet", { file, worksheet: id }));
        out[id] = entry;
        continue;
      }
      const current = sheet.version;
      saved = saved === null ? current : saved;
      if (saved > current) throw refuse("answers.worksheet_newer", { file, worksheet: id, version: saved, current });
      out[id] = { ...entry, version: current, values: migrate(values, sheet, saved, ctx) };
    }
    return { ...data, worksheets: out };
  }
  function checkUsable(v, ctx, key) {
    if (!usable(v, ctx.limits))
      throw refuse("answers.bad_value", ctx.where(display(key), { got: got(v), expected: N("answers.expect_any") }));
  }
  function migrate(values, sheet, saved, ctx) {
    const fields = sheet.fields, renamed = sheet.renamed, moved = {};
    for (const key of Object.keys(values)) {
      const target = own(renamed, key) ? renamed[key] : null;
      if (target !== null && (!own(values, target) || empty(values[target]))) {
        if (!own(moved, target) || empty(moved[target])) {
          moved[target] = values[key];
          continue;
        }
      }
      if (!own(moved, key)) moved[key] = values[key];
    }
    const out = {};
    for (const key of Object.keys(moved)) {
      const v = moved[key], spec = own(fields, key) ? fields[key] : null;
      if (!spec) {
        checkUsable(v, ctx, key);
        if (!ASIDE.test(key) && !empty(v)) ctx.notices.push(N("answers.unknown_field", ctx.where(key)));
        out[key] = v;
        continue;
      }
      let fitted, changed;
      try {
        [fitted, changed] = fit(v, spec, ctx, key);
      } catch (e) {
        if (e !== MISFIT) throw e;
        if (saved == sheet.version) throw refuse("answers.bad_value", ctx.where(key, { got: got(v), expected: expected(spec) }));
        checkUsable(v, ctx, key);
        let aside = key + "@v" + saved;
        while (own(moved, aside) || own(out, aside)) aside += "+";
        out[aside] = v;
        ctx.notices.push(N("answers.kept_aside", ctx.where(key, { version: saved, key: aside })));
        continue;
      }
      if (changed) ctx.notices.push(N("answers.normalised", ctx.where(key, { got: got(v), value: got(fitted) })));
      out[key] = fitted;
    }
    return out;
  }

  function depth(text) {
    let d = 0, deepest = 0, inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c == 92) i++; // a backslash escapes what follows
        else if (c == 34) inString = false;
      } else if (c == 34) inString = true;
      else if (c == 91 || c == 123) {
        deepest = Math.max(deepest, ++d);
        if (deepest > MAX_DEPTH) break;
      }
      else if (c == 93 || c == 125) d--;
    }
    return deepest;
  }
  // bytes of a file -> [parsed JSON, null] or [null, notice], as parse_answers_bytes decides
  function parse(bytes, file, limits) {
    const name = display(file, 80);
    if (bytes.byteLength > limits.megabytes * 1e6) return [null, N("answers.too_big", { file: name, limit: limits.megabytes })];
    let text;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (e) {
      return [null, N("answers.not_utf8", { file: name })];
    }
    if (text.charCodeAt(0) == 0xfeff) text = text.slice(1);
    if (depth(text) > MAX_DEPTH) return [null, N("answers.not_json", { file: name })];
    try {
      return [JSON.parse(text), null];
    } catch (e) {
      return [null, N("answers.not_json", { file: name })];
    }
  }
  const isNotice = (v) => obj(v) && str(v.id) && obj(v.params);
  function render(notice, say) {
    const params = {};
    for (const k of Object.keys(notice.params)) params[k] = isNotice(notice.params[k]) ? render(notice.params[k], say) : notice.params[k];
    return say(notice.id, params);
  }

  window.coursebookAnswers = { read, parse, render, readDate, display };
})();
