/* Review page: a client's answers file, read locally (never sent), in; every worksheet with its answers, as text, out. */
(function () {
  "use strict";

  function el(tag, text, parent) {
    var node = document.createElement(tag);
    if (text != null) node.textContent = String(text);
    if (parent) parent.appendChild(node);
    return node;
  }

  function optionLabel(field, value) {
    var found = (field.options || []).filter(function (o) { return o[0] === value; })[0];
    return found ? found[1] : value;
  }

  function empty(value) {
    return value == null || value === "" || (Array.isArray(value) && !value.length);
  }

  function showValue(field, value, dd) {
    var type = field.type;
    if (empty(value)) {
      el("em", "No answer", dd);
    } else if (type === "scale") {
      dd.textContent = value + " / " + field.max;
    } else if (type === "choice") {
      dd.textContent = optionLabel(field, value);
    } else if ((type === "list" || type === "checklist") && Array.isArray(value)) {
      if (type === "checklist") {
        // the worksheet's option order, then values it no longer offers
        var known = field.options.map(function (o) { return o[0]; });
        value = known.filter(function (v) { return value.indexOf(v) >= 0; })
          .concat(value.filter(function (v) { return known.indexOf(v) < 0; }));
      }
      var ul = el("ul", null, dd);
      value.forEach(function (v) { el("li", type === "list" ? v || "" : optionLabel(field, v), ul); });
    } else if (type === "table" && Array.isArray(value)) {
      var table = el("table", null, dd);
      var head = el("tr", null, el("thead", null, table));
      var body = el("tbody", null, table);
      field.columns.forEach(function (c) { el("th", c[1], head).scope = "col"; });
      value.forEach(function (row) {
        var tr = el("tr", null, body);
        field.columns.forEach(function (c) {
          var cell = row && row[c[0]];
          el("td", c[2] === "checkbox" ? (cell === true ? "Yes" : "No") : cell == null ? "" : cell, tr);
        });
      });
    } else {
      dd.textContent = typeof value === "object" ? JSON.stringify(value) : value;
    }
  }

  function show(root, spec, data, fileName) {
    var out = root.querySelector("[data-review-output]");
    var stored = data.worksheets || {};
    var known = {};
    var count = 0;
    out.textContent = "";
    spec.worksheets.forEach(function (ws) {
      known[ws.id] = 1;
      var entry = stored[ws.id];
      if (!entry || typeof entry !== "object") return;
      var values = entry.values || {};
      count++;
      var article = el("article", null, out);
      el("h2", ws.title, article);
      if (entry.updated) el("p", "Last changed: " + entry.updated, article);
      ws.sections.forEach(function (section) {
        if (!section.fields.length) return;
        el("h3", section.title, article);
        var dl = el("dl", null, article);
        section.fields.forEach(function (field) {
          el("dt", field.label, dl);
          showValue(field, values[field.id], el("dd", null, dl));
        });
      });
    });
    var other = Object.keys(stored).filter(function (id) { return !known[id]; });
    var note = count + " worksheet" + (count === 1 ? "" : "s") + " with answers, from " + fileName;
    if (data.client) note += ", client: " + data.client;
    if (data.exported) note += ", exported " + data.exported;
    if (data.course && data.course !== spec.course) note += ". This file is from the course \u201c" + data.course + "\u201d";
    if (other.length) note += ". Not in this course (not shown): " + other.join(", ");
    return note + ".";
  }

  function init() {
    var root = document.querySelector("[data-answers-review]");
    if (!root || root.hasAttribute("data-ready")) return;
    root.setAttribute("data-ready", "");
    var spec = JSON.parse(root.getAttribute("data-review-structure"));
    var input = root.querySelector("input[type=file]");
    var status = root.querySelector("[data-review-status]");
    input.addEventListener("change", function () {
      var file = input.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        var data;
        try {
          data = JSON.parse(reader.result);
        } catch (e) {
          data = null;
        }
        if (!data || data.format !== "coursebook-answers" || typeof data.worksheets !== "object") {
          root.querySelector("[data-review-output]").textContent = "";
          status.textContent = file.name + " is not a coursebook answers file. Choose the .json file a worksheet exported.";
          return;
        }
        status.textContent = show(root, spec, data, file.name);
      };
      reader.onerror = function () {
        status.textContent = "Could not read " + file.name + ".";
      };
      reader.readAsText(file);
    });
  }

  if (window.document$) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
