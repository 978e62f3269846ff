// Quizzes: a "Check" button per question, a score per quiz, and progress kept in this browser
// (localStorage, key "docent-quiz:<id>"); nothing is sent anywhere. Without this script the
// quiz is still usable: each answer and its explanation sit behind a <details>.
(function () {
  "use strict";

  function load(id) {
    try {
      return JSON.parse(localStorage.getItem("docent-quiz:" + id) || "{}") || {};
    } catch (e) {
      return {};
    }
  }
  function save(id, state) {
    try {
      localStorage.setItem("docent-quiz:" + id, JSON.stringify(state));
    } catch (e) { /* private mode or full storage: progress lasts for this page only */ }
  }

  // A number as typed: "58,250", "$58,250", "29 %" and "94500 dollars" all count.
  function parseNumber(text) {
    var cleaned = String(text).replace(/[^0-9.\-]/g, "");
    return cleaned === "" ? NaN : Number(cleaned);
  }

  // What the reader chose: option indexes, "true"/"false", or the typed text.
  function response(item) {
    var kind = item.dataset.kind;
    if (kind === "numeric") return item.querySelector("input").value;
    var picked = [];
    item.querySelectorAll("input:checked").forEach(function (input) { picked.push(input.value); });
    return picked;
  }

  function restore(item, given) {
    if (item.dataset.kind === "numeric") {
      item.querySelector("input").value = given;
      return;
    }
    item.querySelectorAll("input").forEach(function (input) {
      input.checked = given.indexOf(input.value) !== -1;
    });
  }

  function isRight(item, given) {
    var kind = item.dataset.kind;
    var answer = item.dataset.answer;
    if (kind === "numeric") {
      var parts = answer.split(" ");
      var value = parseNumber(given);
      return !isNaN(value) && Math.abs(value - Number(parts[0])) <= Number(parts[1]) + 1e-9;
    }
    if (kind === "true-false") return given.length === 1 && given[0] === answer;
    var right = answer.split(" ").sort().join(" ");
    return given.slice().sort().join(" ") === right;
  }

  function answered(item, given) {
    return item.dataset.kind === "numeric" ? String(given).trim() !== "" : given.length > 0;
  }

  function show(item, right) {
    var result = item.querySelector(".quiz-result");
    item.classList.remove("is-right", "is-wrong");
    if (right === null) {
      result.textContent = "";
      return;
    }
    item.classList.add(right ? "is-right" : "is-wrong");
    result.textContent = right ? "Right." : "Not quite: the answer and why are below.";
    item.querySelector("details").open = true;
  }

  function setUp(quiz) {
    var id = quiz.dataset.quiz;
    var items = Array.prototype.slice.call(quiz.querySelectorAll(".quiz-q"));
    var state = load(id);
    var score = quiz.querySelector(".quiz-score");
    var how = quiz.querySelector(".quiz-how");
    if (how) how.textContent = items.length + " questions. Answer each and press Check; your answers stay in this browser only.";

    function tally() {
      var done = 0, right = 0;
      items.forEach(function (item) {
        var saved = state[item.id];
        if (saved) { done += 1; if (saved.right) right += 1; }
      });
      score.textContent = done === 0 ? "" :
        "You have " + right + " of " + items.length + " right" +
        (done < items.length ? " (" + (items.length - done) + " still to answer)." : ".");
      reset.hidden = done === 0;
    }

    items.forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn-quiet quiz-check";
      button.textContent = "Check";
      button.addEventListener("click", function () {
        var given = response(item);
        if (!answered(item, given)) {
          item.querySelector(".quiz-result").textContent = "Choose or type an answer first.";
          return;
        }
        var right = isRight(item, given);
        state[item.id] = { given: given, right: right };
        save(id, state);
        show(item, right);
        tally();
      });
      item.querySelector("fieldset").after(button);
      var saved = state[item.id];
      if (saved) {
        restore(item, saved.given);
        show(item, isRight(item, saved.given));
      }
    });

    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "btn-quiet quiz-reset";
    reset.textContent = "Start again";
    reset.addEventListener("click", function () {
      state = {};
      save(id, state);
      items.forEach(function (item) {
        restore(item, item.dataset.kind === "numeric" ? "" : []);
        show(item, null);
        item.querySelector("details").open = false;
      });
      tally();
    });
    score.after(reset);
    tally();
  }

  document.querySelectorAll(".quiz[data-quiz]").forEach(setUp);
})();
