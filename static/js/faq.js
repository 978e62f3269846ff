// The FAQ: open the question named in the address, and filter the questions as you type.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("details.faq"));
  if (!items.length) return;
  var input = document.getElementById("faq-filter");
  var count = document.getElementById("faq-count");
  var empty = document.getElementById("faq-empty");
  var expand = document.getElementById("faq-expand");
  var groups = Array.prototype.slice.call(document.querySelectorAll(".faq-group"));

  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    items.forEach(function (d) { d.classList.remove("is-target"); });
    if (!target || target.tagName !== "DETAILS") return;
    target.open = true;
    target.classList.add("is-target");
    target.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();

  // Opening a question puts its anchor in the address bar, ready to share.
  items.forEach(function (d) {
    d.querySelector("summary").addEventListener("click", function () {
      if (!d.open && location.hash !== "#" + d.id) history.replaceState(null, "", "#" + d.id);
    });
  });

  // Matching forgives case, apostrophes and a plural "s": "Masters" finds "master's".
  function fold(s) { return s.toLowerCase().replace(/['\u2018\u2019]/g, ""); }
  function stem(w) { return w.length > 3 && /s$/.test(w) && !/ss$/.test(w) ? w.slice(0, -1) : w; }
  var texts = items.map(function (d) { return fold(d.textContent); });
  var summaries = items.map(function (d) { return d.querySelector("summary"); });
  var plain = summaries.map(function (s) { return s.textContent; });

  // Marks each match in the question itself; an apostrophe may sit between any two letters.
  function pattern(stems) {
    var parts = stems.map(function (w) {
      return w.split("").map(function (c) { return c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("['\u2018\u2019]?");
    });
    return new RegExp("(" + parts.join("|") + ")", "gi");
  }
  function highlight(i, re) {
    var s = summaries[i];
    s.textContent = "";
    if (!re) { s.textContent = plain[i]; return; }
    var last = 0;
    plain[i].replace(re, function (m, _g, at) {
      s.appendChild(document.createTextNode(plain[i].slice(last, at)));
      var mark = document.createElement("mark");
      mark.textContent = m;
      s.appendChild(mark);
      last = at + m.length;
      return m;
    });
    s.appendChild(document.createTextNode(plain[i].slice(last)));
  }

  function filter() {
    var words = fold(input.value).split(/\s+/).filter(Boolean).map(stem);
    var re = words.length ? pattern(words) : null;
    var shown = 0;
    items.forEach(function (d, i) {
      var match = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      d.hidden = !match;
      highlight(i, match ? re : null);
      if (match) shown++;
    });
    groups.forEach(function (g) {
      g.hidden = !g.querySelector("details.faq:not([hidden])");
    });
    empty.hidden = shown > 0;
    count.textContent = words.length
      ? shown + " of " + items.length + " questions match."
      : items.length + " questions.";
  }
  input.addEventListener("input", filter);

  expand.addEventListener("click", function () {
    var open = expand.textContent === "Open all";
    items.forEach(function (d) { d.open = open; });
    expand.textContent = open ? "Close all" : "Open all";
  });
})();
