// The self-assessment: add up the answers and show which result they point to.
// Rule (also printed on the page): answer index (0, 1, 2...) × the statement's weight, added to the
// field it leans toward; the higher total wins, and totals within the form's margin mean "both".
(function () {
  "use strict";
  var form = document.getElementById("assessment");
  if (!form) return;
  var out = document.getElementById("result");
  var margin = Number(form.getAttribute("data-margin")) || 0;
  var scored = false;

  function score() {
    var sums = { HI: 0, HIM: 0 };
    var max = { HI: 0, HIM: 0 };
    var seen = {};
    var statements = 0;
    var answered = 0;
    form.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      if (seen[radio.name]) return;
      seen[radio.name] = true;
      statements++;
      var lean = radio.getAttribute("data-lean");
      var weight = Number(radio.getAttribute("data-weight"));
      var options = form.querySelectorAll('input[name="' + radio.name + '"]');
      max[lean] += weight * (options.length - 1);
      var chosen = form.querySelector('input[name="' + radio.name + '"]:checked');
      if (chosen) {
        answered++;
        sums[lean] += weight * Number(chosen.value);
      }
    });
    var gap = sums.HI - sums.HIM;
    var id = Math.abs(gap) <= margin ? "both" : gap > 0 ? "hi" : "him";
    return { sums: sums, max: max, id: id, answered: answered, statements: statements };
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

  function show() {
    var r = score();
    out.textContent = "";
    if (!r.answered) {
      out.appendChild(el("p", null, "Pick an answer for at least one statement, then try again."));
      return;
    }
    var meaning = document.getElementById("result-" + r.id);
    var heading = el("h3", null, meaning ? meaning.querySelector("h3").textContent : "Your result");
    out.appendChild(el("p", "eyebrow", "Your result"));
    out.appendChild(heading);
    out.appendChild(el("p", null, "HI " + r.sums.HI + ", HIM " + r.sums.HIM + ". " +
      (r.id === "both" ? "That is within " + margin + " points, so it counts as even." :
        "The gap is " + Math.abs(r.sums.HI - r.sums.HIM) + " points.")));
    out.appendChild(meter("HI", "HI", r.sums.HI, r.max.HI));
    out.appendChild(meter("HIM", "HIM", r.sums.HIM, r.max.HIM));
    if (meaning) {
      Array.prototype.forEach.call(meaning.children, function (child) {
        if (child.tagName !== "H3") out.appendChild(child.cloneNode(true));
      });
    }
    if (r.answered < r.statements) {
      var skipped = r.statements - r.answered;
      out.appendChild(el("p", "muted", "You skipped " + skipped + " statement" + (skipped === 1 ? "" : "s") +
        "; skipped ones count as 0."));
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
