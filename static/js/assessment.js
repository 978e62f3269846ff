// The self-assessment: add up the answers and show which result they point to.
// Rule (also printed on the page): each either-or question adds its weight to the field of the
// option picked ("No preference" adds nothing); the higher total wins, and totals within the
// form's margin mean "both". The questions on time, background and budget are not scored: the
// note for each answer given is shown with the result.
(function () {
  "use strict";
  var form = document.getElementById("assessment");
  if (!form) return;
  var out = document.getElementById("result");
  var margin = Number(form.getAttribute("data-margin")) || 0;
  var scored = false;

  function score() {
    var sums = { HI: 0, HIM: 0 };
    var max = 0;
    var seen = {};
    var questions = 0;
    var answered = 0;
    form.querySelectorAll("input[data-lean]").forEach(function (radio) {
      if (seen[radio.name]) return;
      seen[radio.name] = true;
      questions++;
      max += Number(radio.getAttribute("data-weight"));
      var chosen = form.querySelector('input[name="' + radio.name + '"]:checked');
      if (chosen) {
        answered++;
        var lean = chosen.getAttribute("data-lean");
        if (lean in sums) sums[lean] += Number(chosen.getAttribute("data-weight"));
      }
    });
    var gap = sums.HI - sums.HIM;
    var id = Math.abs(gap) <= margin ? "both" : gap > 0 ? "hi" : "him";
    return { sums: sums, max: max, id: id, answered: answered, questions: questions };
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function meter(label, key, value, top) {
    var row = el("div", "meter meter-" + key.toLowerCase());
    row.appendChild(el("span", null, label));
    var bar = el("span", "meter-bar");
    var fill = el("span");
    fill.style.width = (top ? Math.round((value / top) * 100) : 0) + "%";
    bar.appendChild(fill);
    row.appendChild(bar);
    row.appendChild(el("span", null, value + "/" + top));
    return row;
  }

  // The notes for the unscored answers, copied from the list printed below the form.
  function notes() {
    var picked = form.querySelectorAll("input[data-note]:checked");
    if (!picked.length) return null;
    var list = el("ul", "result-notes");
    picked.forEach(function (radio) {
      var source = document.getElementById(radio.getAttribute("data-note"));
      if (!source) return;
      var item = el("li");
      item.appendChild(el("strong", null, source.querySelector("dt").textContent + ": "));
      Array.prototype.forEach.call(source.querySelector("dd").childNodes, function (n) {
        item.appendChild(n.cloneNode(true));
      });
      list.appendChild(item);
    });
    return list;
  }

  function show() {
    var r = score();
    out.textContent = "";
    if (!r.answered) {
      out.appendChild(el("p", null, "Pick an answer to at least one of the either-or questions, then try again."));
      return;
    }
    var meaning = document.getElementById("result-" + r.id);
    var heading = el("h3", null, meaning ? meaning.querySelector("h3").textContent : "Your result");
    out.appendChild(el("p", "eyebrow", "Your result"));
    out.appendChild(heading);
    out.appendChild(el("p", null, "HI " + r.sums.HI + ", HIM " + r.sums.HIM + ". " +
      (r.id === "both" ? "That is within " + margin + " point, so it counts as even." :
        "The gap is " + Math.abs(r.sums.HI - r.sums.HIM) + " points.")));
    out.appendChild(meter("HI", "HI", r.sums.HI, r.max));
    out.appendChild(meter("HIM", "HIM", r.sums.HIM, r.max));
    if (meaning) {
      Array.prototype.forEach.call(meaning.children, function (child) {
        if (child.tagName !== "H3") out.appendChild(child.cloneNode(true));
      });
    }
    var extra = notes();
    if (extra) {
      out.appendChild(el("p", "eyebrow", "For your time, background and budget"));
      out.appendChild(extra);
    }
    if (r.answered < r.questions) {
      var skipped = r.questions - r.answered;
      out.appendChild(el("p", "muted", "You skipped " + skipped + " either-or question" + (skipped === 1 ? "" : "s") +
        "; skipped ones count as no preference."));
    }
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    scored = true;
    show();
    out.scrollIntoView({ block: "nearest" });
  });
  form.addEventListener("change", function () {
    if (scored) show();
  });
  form.addEventListener("reset", function () {
    scored = false;
    out.textContent = "";
  });
})();
