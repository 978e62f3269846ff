// The careers listing: live filters and sorting kept in the address (?field=&education=&sort=),
// and a side-by-side comparison of two or three careers (?compare=a,b), built from the JSON the
// page carries. Without this script the page simply lists every career.
(function () {
  "use strict";
  var form = document.getElementById("career-filters");
  var list = document.getElementById("career-list");
  var source = document.getElementById("career-data");
  if (!form || !list || !source) return;

  var MAX = 3;
  var careers = JSON.parse(source.textContent);
  var byId = {};
  careers.forEach(function (c) { byId[c.id] = c; });
  var cards = Array.prototype.slice.call(list.querySelectorAll(".career-card"));
  var boxes = Array.prototype.slice.call(list.querySelectorAll('input[name="compare"]'));
  var count = document.getElementById("career-count");
  var empty = document.getElementById("career-empty");
  var panel = document.getElementById("compare");
  var help = document.getElementById("compare-help");
  var out = document.getElementById("compare-out");
  var picks = [];

  var tray = document.createElement("div");
  tray.className = "tray";
  tray.hidden = true;
  var trayText = document.createElement("span");
  var trayLink = document.createElement("a");
  trayLink.href = "#compare";
  trayLink.textContent = "See them side by side";
  tray.appendChild(trayText);
  tray.appendChild(trayLink);
  document.body.appendChild(tray);

  function choose(name, value) {
    var field = form.elements[name];
    if (!field || value === null) return;
    var options = field.options || field;
    var ok = Array.prototype.some.call(options, function (o) { return o.value === value; });
    if (ok) field.value = value;
  }

  function readAddress() {
    var q = new URLSearchParams(location.search);
    choose("field", q.get("field"));
    choose("education", q.get("education"));
    choose("sort", q.get("sort"));
    picks = (q.get("compare") || "").split(",").filter(function (id, i, all) {
      return byId[id] && all.indexOf(id) === i;
    }).slice(0, MAX);
  }

  function writeAddress() {
    var q = new URLSearchParams();
    var f = form.elements;
    if (f.field.value) q.set("field", f.field.value);
    if (f.education.value) q.set("education", f.education.value);
    if (f.sort.value !== "title") q.set("sort", f.sort.value);
    if (picks.length) q.set("compare", picks.join(","));
    var query = q.toString();
    var next = location.pathname + (query ? "?" + query : "") + location.hash;
    if (next !== location.pathname + location.search + location.hash) history.replaceState(null, "", next);
  }

  function fits(c, field, education) {
    if (field && c.field !== field && !(field !== "both" && c.field === "both")) return false;
    return !education || c.education === education;
  }

  // One collator, made on first use: making it loads the browser's collation data, which costs
  // more than everything else this script does at load, and a plain visit never sorts.
  var collator = null;
  function byTitle(a, b) {
    if (!collator) collator = new Intl.Collator(document.documentElement.lang || undefined);
    return collator.compare(a.title, b.title);
  }

  function order(sort) {
    if (sort === "title") return byTitle;
    var sign = sort === "pay-asc" ? 1 : -1;
    return function (a, b) {
      var x = a.payValue, y = b.payValue;
      if (x === null && y === null) return byTitle(a, b);
      if (x === null) return 1;
      if (y === null) return -1;
      return (x - y) * sign || byTitle(a, b);
    };
  }

  function describe(shown) {
    var f = form.elements;
    var parts = [];
    if (f.field.value) parts.push(f.field.value === "both" ? "in both fields" : "in " + f.field.value);
    if (f.education.value) parts.push("entered with a " + f.education.options[f.education.selectedIndex].text.replace(/\s*\(\d+\)$/, "").toLowerCase());
    var sort = { "title": "A to Z", "pay-desc": "highest BLS median first", "pay-asc": "lowest BLS median first" }[f.sort.value];
    var what = shown === careers.length ? "Showing all " + shown + " careers" :
      "Showing " + shown + " of " + careers.length + " careers";
    return what + (parts.length ? " " + parts.join(", ") : "") + ", " + sort + ".";
  }

  // Cards are moved and shown or hidden only where that changes something, so the first run,
  // which usually changes nothing, costs the browser no new style or layout work.
  function apply() {
    var f = form.elements;
    var sorted = careers.slice().sort(order(f.sort.value));
    var cardFor = {};
    cards.forEach(function (li) { cardFor[li.getAttribute("data-id")] = li; });
    var shown = 0;
    var inOrder = sorted.every(function (c, i) { return list.children[i] === cardFor[c.id]; });
    sorted.forEach(function (c) {
      var li = cardFor[c.id];
      var ok = fits(c, f.field.value, f.education.value);
      if (li.hidden === ok) li.hidden = !ok;
      if (ok) shown++;
      if (!inOrder) list.appendChild(li);
    });
    var said = describe(shown);
    if (count.textContent !== said) count.textContent = said;
    if (empty.hidden !== shown > 0) empty.hidden = shown > 0;
    writeAddress();
  }

  function cell(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function listOf(items) {
    var ul = cell("ul");
    items.forEach(function (s) { ul.appendChild(cell("li", s)); });
    return ul;
  }

  var rows = [
    ["Field", function (c) { return c.fieldName + " (" + c.field + ")"; }],
    ["Typical entry", function (c) { return c.educationName; }],
    ["Pay for this title", function (c) { return c.pay ? c.pay + " (" + c.payYear + ", " + c.paySource + ")" : "No source gives one"; }],
    ["BLS median, nearest occupation", function (c) { return c.bls || "No BLS figure shown (" + c.occupation + ")"; }],
    ["Outlook", function (c) { return c.outlook || "No BLS projection shown"; }],
    ["Credentials", function (c) { return c.credentials.length ? c.credentials.join(", ") : "None named"; }],
    ["Work setting", function (c) { return c.setting; }],
    ["Key skills", function (c) { return listOf(c.skills); }]
  ];

  function renderCompare() {
    boxes.forEach(function (box) {
      var on = picks.indexOf(box.value) !== -1;
      var off = !on && picks.length >= MAX;
      if (box.checked !== on) box.checked = on;
      if (box.disabled !== off) box.disabled = off;
    });
    var chosen = picks.map(function (id) { return byId[id]; });
    if (out.firstChild) out.textContent = "";
    panel.classList.toggle("ready", chosen.length >= 2);
    if (chosen.length === 0) {
      var hint = "Tick “Compare” on two or three careers to see them next to each other here.";
      if (help.textContent !== hint) help.textContent = hint;
    } else if (chosen.length === 1) {
      help.textContent = "You picked " + chosen[0].title + ". Tick one or two more to compare.";
    } else {
      help.textContent = "Comparing " + chosen.length + " careers" +
        (chosen.length === MAX ? " (the most at once; untick one to swap)." : ". You can add one more.");
      var region = cell("div");
      region.className = "scroll-x";
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", "Chosen careers side by side");
      region.tabIndex = 0;
      var table = cell("table");
      table.className = "side-by-side";
      table.style.minWidth = (8 + chosen.length * 11) + "rem";
      var head = cell("thead");
      var top = cell("tr");
      top.appendChild(cell("td"));
      chosen.forEach(function (c) {
        var th = cell("th");
        th.scope = "col";
        var a = cell("a", c.title);
        a.href = c.url;
        th.appendChild(a);
        var remove = cell("button", "Remove");
        remove.type = "button";
        remove.className = "linkish";
        remove.setAttribute("aria-label", "Remove " + c.title + " from the comparison");
        remove.addEventListener("click", function () { unpick(c.id); });
        th.appendChild(cell("br"));
        th.appendChild(remove);
        top.appendChild(th);
      });
      head.appendChild(top);
      table.appendChild(head);
      var body = cell("tbody");
      rows.forEach(function (row) {
        var tr = cell("tr");
        var th = cell("th", row[0]);
        th.scope = "row";
        tr.appendChild(th);
        chosen.forEach(function (c) {
          var td = cell("td");
          var value = row[1](c);
          if (typeof value === "string") td.textContent = value;
          else td.appendChild(value);
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      table.appendChild(body);
      region.appendChild(table);
      out.appendChild(region);
      var clear = cell("button", "Clear the comparison");
      clear.type = "button";
      clear.className = "btn-quiet";
      clear.addEventListener("click", function () {
        picks = [];
        renderCompare();
        writeAddress();
      });
      out.appendChild(clear);
    }
    tray.hidden = chosen.length === 0;
    trayText.textContent = chosen.length + " of " + MAX + " picked";
    trayLink.hidden = chosen.length < 2;
  }

  function unpick(id) {
    picks = picks.filter(function (p) { return p !== id; });
    renderCompare();
    writeAddress();
  }

  list.addEventListener("change", function (e) {
    var box = e.target;
    if (box.name !== "compare") return;
    if (box.checked && picks.indexOf(box.value) === -1 && picks.length < MAX) picks.push(box.value);
    if (!box.checked) picks = picks.filter(function (p) { return p !== box.value; });
    renderCompare();
    writeAddress();
  });
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  document.getElementById("career-reset").addEventListener("click", function () {
    form.reset();
  });
  trayLink.addEventListener("click", function () {
    setTimeout(function () { panel.focus({ preventScroll: true }); }, 0);
  });

  // A visit with no choices in the address sees the page as built (every career, A to Z), so
  // only the count needs writing; the list is sorted and filtered once the reader asks.
  readAddress();
  if (location.search) apply();
  else count.textContent = describe(careers.length);
  renderCompare();
})();
