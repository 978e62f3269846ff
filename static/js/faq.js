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

  var texts = items.map(function (d) { return d.textContent.toLowerCase(); });
  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (d, i) {
      var match = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      d.hidden = !match;
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
