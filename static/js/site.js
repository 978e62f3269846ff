// Every page: the theme toggle, the lazily loaded Pagefind search, the sidebar's state, and printing closed <details>.
(function () {
  "use strict";
  var root = document.documentElement;

  // Theme. The inline script in <head> already applied a stored choice before first paint.
  var media = window.matchMedia("(prefers-color-scheme: dark)");
  var toggle = document.getElementById("theme-toggle");
  function isDark() {
    var chosen = root.getAttribute("data-theme");
    return chosen ? chosen === "dark" : media.matches;
  }
  function syncToggle() {
    if (toggle) toggle.setAttribute("aria-pressed", String(isDark()));
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      var system = media.matches ? "dark" : "light";
      try {
        // Choosing what the system already shows means "follow the system" again.
        if (next === system) localStorage.removeItem("theme");
        else localStorage.setItem("theme", next);
      } catch (e) { /* private mode: the choice lasts for this page only */ }
      if (next === system) root.removeAttribute("data-theme");
      else root.setAttribute("data-theme", next);
      syncToggle();
    });
    media.addEventListener("change", syncToggle);
    syncToggle();
  }

  // Search. Pagefind's UI is fetched on first use, so it never delays the page.
  var button = document.getElementById("search-toggle");
  var panel = document.getElementById("search-panel");
  var status = document.getElementById("search-status");
  var state = "idle";
  function searchInput() {
    return panel.querySelector("input");
  }
  function failed() {
    state = "failed";
    status.textContent = "Search isn’t available on this copy of the site. The menu above reaches every part of the guide.";
  }
  function loadSearch() {
    if (state !== "idle") return;
    state = "loading";
    status.textContent = "Loading search…";
    var base = button.getAttribute("data-bundle");
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = base + "pagefind-ui.css";
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = base + "pagefind-ui.js";
    script.onerror = failed;
    script.onload = function () {
      try {
        new window.PagefindUI({ element: "#search", bundlePath: base, showSubResults: true, showImages: false });
        state = "ready";
        status.textContent = "";
        if (!panel.hidden && searchInput()) searchInput().focus();
      } catch (e) {
        failed();
      }
    };
    document.head.appendChild(script);
  }
  function setOpen(open) {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) {
      loadSearch();
      if (state === "ready" && searchInput()) searchInput().focus();
    }
  }
  if (button && panel) {
    button.addEventListener("click", function () { setOpen(panel.hidden); });
    button.addEventListener("focus", loadSearch, { once: true });
    button.addEventListener("pointerenter", loadSearch, { once: true });
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { setOpen(false); button.focus(); }
    });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        setOpen(true);
      }
    });
  }

  // A table wider than the text column scrolls in its own box (see site.css); a box that
  // scrolls must be reachable from the keyboard, so it joins the tab order while it scrolls.
  // A ResizeObserver reports each table once it is laid out and again when its width changes,
  // so the widths are read from a finished layout, all before any attribute is written.
  var tables = Array.prototype.slice.call(document.querySelectorAll(".prose table"));
  function markScrolling(list) {
    var wide = list.map(function (t) { return t.scrollWidth > t.clientWidth + 1; });
    list.forEach(function (t, i) {
      if (wide[i]) { if (t.tabIndex !== 0) t.tabIndex = 0; }
      else if (t.hasAttribute("tabindex")) t.removeAttribute("tabindex");
    });
  }
  if (tables.length && "ResizeObserver" in window) {
    var watcher = new ResizeObserver(function (entries) {
      markScrolling(entries.map(function (e) { return e.target; }));
    });
    tables.forEach(function (t) { watcher.observe(t); });
  } else if (tables.length) {
    markScrolling(tables);
    window.addEventListener("resize", function () { markScrolling(tables); });
  }

  // The Menu button shows and hides the sections on narrow screens; Escape closes it.
  var menu = document.getElementById("menu-toggle");
  var nav = document.getElementById("site-nav");
  if (menu && nav) {
    var setMenu = function (open) {
      menu.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    };
    menu.addEventListener("click", function () { setMenu(menu.getAttribute("aria-expanded") !== "true"); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menu.getAttribute("aria-expanded") === "true") { setMenu(false); menu.focus(); }
    });
  }

  // The sidebar is a column from 62rem (site.css shows it there without script) and a closed
  // "All pages" disclosure below. Its `open` follows the width, so assistive technology hears
  // the state that shows; and the column scrolls, not the page, to bring the current page's
  // link into view when it starts below the fold.
  var course = document.getElementById("course-menu");
  if (course) {
    var column = window.matchMedia("(min-width: 62rem)");
    var fitCourse = function () { course.open = column.matches; };
    fitCourse();
    column.addEventListener("change", fitCourse);
    // On a phone, Escape closes the open menu from anywhere in it, as it does the header's.
    course.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && course.open && !column.matches) {
        course.open = false;
        course.querySelector("summary").focus();
      }
    });
    var box = course.parentNode;
    var current = course.querySelector('a[aria-current="page"]');
    if (column.matches && current && box.scrollHeight > box.clientHeight) {
      var below = current.getBoundingClientRect().bottom - box.getBoundingClientRect().top;
      if (below > box.clientHeight) box.scrollTop = below - box.clientHeight / 2;
    }
  }

  // Code blocks get a Copy button where the browser lets a page write to the clipboard.
  if (navigator.clipboard && window.isSecureContext) {
    Array.prototype.forEach.call(document.querySelectorAll(".code"), function (block) {
      var code = block.querySelector("code");
      if (!code) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-code";
      button.textContent = "Copy";
      button.addEventListener("click", function () {
        // The code without its line numbers.
        var copy = code.cloneNode(true);
        Array.prototype.forEach.call(copy.querySelectorAll(".ln"), function (n) { n.remove(); });
        navigator.clipboard.writeText(copy.textContent).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        }, function () { button.textContent = "Select and copy"; });
      });
      // In the file name's bar when there is one, else above the code: never over it.
      if (!block.hasAttribute("data-name")) block.classList.add("has-copy");
      block.appendChild(button);
    });
  }

  // Consecutive tab sections of one group become a tab list; without script they stay
  // stacked, each under its label.
  var grouped = [];
  Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (tab) {
    var last = grouped[grouped.length - 1];
    var previous = tab.previousElementSibling;
    if (last && previous === last[last.length - 1] && previous.dataset.tabGroup === tab.dataset.tabGroup) {
      last.push(tab);
    } else {
      grouped.push([tab]);
    }
  });
  grouped.forEach(function (tabs, g) {
    var list = document.createElement("div");
    list.className = "tab-list";
    list.setAttribute("role", "tablist");
    var buttons = tabs.map(function (tab, i) {
      var id = "tab-" + g + "-" + i;
      var button = document.createElement("button");
      button.type = "button";
      button.id = id + "-label";
      button.setAttribute("role", "tab");
      button.setAttribute("aria-controls", id);
      button.textContent = tab.getAttribute("aria-label");
      tab.id = id;
      tab.setAttribute("role", "tabpanel");
      tab.setAttribute("aria-labelledby", button.id);
      tab.removeAttribute("aria-label");
      tab.classList.add("js-tab");
      list.appendChild(button);
      return button;
    });
    var select = function (n, focus) {
      buttons.forEach(function (b, i) {
        b.setAttribute("aria-selected", String(i === n));
        b.tabIndex = i === n ? 0 : -1;
        tabs[i].hidden = i !== n;
      });
      if (focus) buttons[n].focus();
    };
    buttons.forEach(function (b, i) {
      b.addEventListener("click", function () { select(i, false); });
      b.addEventListener("keydown", function (e) {
        var n = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[e.key];
        if (n === undefined) return;
        e.preventDefault();
        select((n + buttons.length) % buttons.length, true);
      });
    });
    tabs[0].parentNode.insertBefore(list, tabs[0]);
    select(0, false);
  });

  // A video loads from its host only when the reader asks for it.
  Array.prototype.forEach.call(document.querySelectorAll(".video-link[data-embed]"), function (link) {
    link.addEventListener("click", function (e) {
      e.preventDefault();
      var frame = document.createElement("iframe");
      frame.src = link.dataset.embed;
      frame.title = link.dataset.title;
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.setAttribute("allowfullscreen", "");
      link.replaceWith(frame);
      frame.focus();
    });
  });

  // A term's definition closes with Escape, and opens again once the pointer or focus leaves.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    Array.prototype.forEach.call(document.querySelectorAll(".gloss:hover, .gloss:focus-within"), function (t) {
      t.classList.add("dismissed");
      var reset = function () { t.classList.remove("dismissed"); };
      t.addEventListener("mouseleave", reset, { once: true });
      t.addEventListener("focusout", reset, { once: true });
    });
  });

  // Print every answer and note, not just the ones that happen to be open.
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    reopened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
  });
})();
