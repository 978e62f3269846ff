// Browser checks for the bundled site, in Debian's Chromium through playwright-core.
//
//   node tests/browser/run.mjs            build the site, serve it, run every check
//   DOCENT_SITE=/tmp/site node run.mjs    check an already built site instead
//   ONLY=careers node run.mjs             run only the checks whose name contains "careers"
//
// It builds with `cargo run --release -q -- build --output-dir <tmp>`, serves that folder on
// 127.0.0.1 with a small static server, and checks every page type at 320 and 1280 px, light and
// dark: axe-core (WCAG 2.2 AA tags), no sideways scroll at 320 and 390 px, no console errors, no failed
// requests. At 1280 px, prose pages must use the width (the sidebar, a text column and a contents
// column beside it); at 320 px they are one column, with the sidebar a closed "All pages" menu.
// Then it drives the sidebar and the scripted features. Screenshots go
// to tests/browser/screenshots/.
// It ends with one line, "N passed, N failed, N skipped", and exits non-zero on any failure.

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { chromium } from "playwright-core";

/** Screenshots are for people to look at, not assertions: a capture that fails under load is
 *  retried once and then reported as a warning, never as a test failure. */
async function snapshot(target, options) {
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      await target.screenshot(options);
      return;
    } catch (err) {
      if (attempt === 2) console.log(`# warning: no screenshot ${options.path}: ${String(err).split("\n")[0]}`);
    }
  }
}


const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const shots = path.join(here, "screenshots");
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const WIDTHS = [320, 1280];
const SCHEMES = ["light", "dark"];
const MAX_GZIP = 30 * 1024;

const PAGES = {
  home: "/",
  section: "/guide/",
  article: "/guide/key-differences/",
  facts: "/guide/about-these-facts/",
  ladders: "/guide/career-ladders/",
  career: "/careers/health-information-manager/",
  careers: "/careers/",
  compare: "/compare/",
  faq: "/faq/",
  glossary: "/glossary/",
  assessment: "/self-assessment/",
  sources: "/sources/",
  "404": "/no-such-page/",
};

// ---- Results -----------------------------------------------------------------------------------

const results = { passed: 0, failed: 0, skipped: 0 };
const only = process.env.ONLY || "";

async function check(name, fn) {
  if (only && !name.includes(only)) return;
  try {
    const outcome = await fn();
    if (outcome && outcome.skip) {
      results.skipped++;
      console.log(`skip - ${name}: ${outcome.skip}`);
    } else {
      results.passed++;
      console.log(`ok - ${name}`);
    }
  } catch (err) {
    results.failed++;
    console.log(`not ok - ${name}\n${String(err && err.stack ? err.message : err).replace(/^/gm, "    ")}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// ---- Build and serve ---------------------------------------------------------------------------

function buildSite() {
  if (process.env.DOCENT_SITE) return path.resolve(process.env.DOCENT_SITE);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "docent-browser-")), "site");
  console.log(`# building the site into ${out}`);
  const run = spawnSync("cargo", ["run", "--release", "-q", "--", "build", "--output-dir", out], {
    cwd: repo,
    stdio: "inherit",
  });
  if (run.status !== 0) {
    console.log("not ok - the site builds\n0 passed, 1 failed");
    process.exit(1);
  }
  return out;
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
  ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain", ".svg": "image/svg+xml",
  ".png": "image/png", ".ico": "image/x-icon", ".wasm": "application/wasm", ".woff2": "font/woff2",
};

function serve(root) {
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = path.join(root, path.normalize(rel).replace(/^([/\\])+/, ""));
    if (!file.startsWith(root)) file = root;
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    let status = 200;
    if (!fs.existsSync(file)) {
      status = 404;
      file = path.join(root, "404.html");
    }
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// ---- Page helpers ------------------------------------------------------------------------------

// Opens a page in a fresh context and records console errors and failed requests.
async function open(browser, url, { width = 1280, scheme = "light", js = true } = {}) {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    colorScheme: scheme,
    javaScriptEnabled: js,
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // A 404 page is meant to answer 404; Chromium logs that for the document itself.
    if (url.includes("/no-such-page/") && /status of 404/.test(msg.text())) return;
    problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    // Leaving a page cancels what it was still fetching (the icon, say); that is not a failure.
    const reason = req.failure()?.errorText || "";
    if (reason !== "net::ERR_ABORTED") problems.push(`request failed: ${req.url()} (${reason})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400 && !(res.request().isNavigationRequest() && url.includes("/no-such-page/"))) {
      problems.push(`HTTP ${res.status()}: ${res.url()}`);
    }
  });
  await page.goto(url, { waitUntil: "load" });
  return { context, page, problems };
}

async function axe(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    AXE_TAGS,
  );
  const lines = result.violations.flatMap((v) =>
    v.nodes.slice(0, 4).map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")} — ${n.failureSummary.split("\n").slice(1, 3).join(" ")}`),
  );
  assert(lines.length === 0, `${label}: ${result.violations.length} axe violation(s)\n${lines.join("\n")}`);
}

async function noSidewaysScroll(page, label) {
  const { scroll, client, culprits, spilled } = await page.evaluate(() => {
    const root = document.documentElement;
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .filter((el) => !el.closest(".scroll-x, .prose table, [role=region]"))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")}`);
    // SVG text can spill past its drawing without widening the page; catch that too.
    const spilled = [...document.querySelectorAll("svg text")].filter((t) => {
      const r = t.getBoundingClientRect();
      const box = t.closest("svg").getBoundingClientRect();
      return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
    }).map((t) => `svg text "${t.textContent}"`);
    return { scroll: root.scrollWidth, client: root.clientWidth, culprits: wide, spilled };
  });
  assert(scroll <= client, `${label}: page is ${scroll}px wide in a ${client}px window (${culprits.join(", ")})`);
  assert(spilled.length === 0, `${label}: text runs outside its drawing: ${spilled.join(", ")}`);
}

function noProblems(problems, label) {
  assert(problems.length === 0, `${label}:\n${problems.join("\n")}`);
}

async function visibleCards(page) {
  return page.$$eval("#career-list .career-card", (cards) =>
    cards.filter((c) => !c.hidden).map((c) => c.querySelector("h3").textContent.trim()),
  );
}

// ---- The checks --------------------------------------------------------------------------------

async function main() {
  const site = buildSite();
  const server = await serve(site);
  const origin = `http://127.0.0.1:${server.address().port}`;
  fs.mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });

  try {
    // Every page type, at both widths, in both colour schemes.
    for (const [name, url] of Object.entries(PAGES)) {
      for (const width of WIDTHS) {
        for (const scheme of SCHEMES) {
          const label = `${name} at ${width}px, ${scheme}`;
          await check(`page ${label}: axe, layout, console, requests`, async () => {
            const { context, page, problems } = await open(browser, origin + url, { width, scheme });
            try {
              await snapshot(page, { path: path.join(shots, `${name}-${width}-${scheme}.png`), fullPage: true });
              await axe(page, label);
              if (width === 320) await noSidewaysScroll(page, label);
              noProblems(problems, label);
            } finally {
              await context.close();
            }
          });
        }
      }
      // A common phone width between the two: the layout must hold there too.
      await check(`page ${name} at 390px: no sideways scroll`, async () => {
        const { context, page } = await open(browser, origin + url, { width: 390 });
        try {
          await noSidewaysScroll(page, `${name} at 390px`);
        } finally {
          await context.close();
        }
      });
    }

    await check("pages: no render-blocking scripts, every page has its metadata", async () => {
      const bad = [];
      for (const file of htmlFiles(site)) {
        const html = fs.readFileSync(file, "utf8");
        const head = html.split("</head>")[0];
        for (const tag of head.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) || []) {
          const open = tag.slice(0, tag.indexOf(">") + 1);
          const isData = /type="application\/(ld\+)?json"/.test(open);
          if (/\bsrc=/.test(open) && !/\b(defer|async)\b/.test(open)) bad.push(`${file}: blocking ${open}`);
          if (!/\bsrc=/.test(open) && !isData && tag.length > 400) bad.push(`${file}: inline script of ${tag.length} bytes`);
        }
        if (/<meta http-equiv="refresh"/.test(html)) continue; // alias redirect pages
        for (const need of ['name="description"', 'property="og:title"', 'property="og:description"']) {
          if (!head.includes(need)) bad.push(`${file}: no ${need}`);
        }
        if (!file.endsWith(`${path.sep}404.html`) && !head.includes('rel="canonical"')) bad.push(`${file}: no canonical link`);
        for (const ld of html.match(/<script type="application\/ld\+json">[\s\S]*?<\/script>/g) || []) {
          try {
            JSON.parse(ld.replace(/^<script[^>]*>/, "").replace(/<\/script>$/, ""));
          } catch (e) {
            bad.push(`${file}: invalid JSON-LD (${e.message})`);
          }
        }
      }
      assert(bad.length === 0, bad.join("\n"));
    });

    await check(`pages: HTML + CSS under ${MAX_GZIP / 1024} KB gzipped`, async () => {
      let largest = { size: 0, file: "" };
      for (const file of htmlFiles(site)) {
        const html = fs.readFileSync(file);
        let size = zlib.gzipSync(html, { level: 9 }).length;
        for (const [, href] of html.toString().matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) {
          size += zlib.gzipSync(fs.readFileSync(path.join(site, new URL(href, origin).pathname)), { level: 9 }).length;
        }
        if (size > largest.size) largest = { size, file: path.relative(site, file) };
      }
      console.log(`# largest page: ${largest.file}, ${(largest.size / 1024).toFixed(1)} KB gzipped with its CSS`);
      assert(largest.size <= MAX_GZIP, `${largest.file} is ${largest.size} bytes gzipped`);
    });

    await check("theme: the toggle switches, is remembered, and applies before first paint", async () => {
      const { context, page, problems } = await open(browser, origin + "/", { scheme: "light" });
      try {
        const toggle = page.locator("#theme-toggle");
        assert((await toggle.getAttribute("aria-pressed")) === "false", "toggle should start unpressed in light mode");
        await toggle.click();
        assert((await page.getAttribute("html", "data-theme")) === "dark", "no data-theme=dark after the click");
        assert((await toggle.getAttribute("aria-pressed")) === "true", "toggle not pressed after the click");
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert(bg !== "rgb(250, 249, 246)", "the background did not change");
        await page.goto(origin + "/faq/");
        const early = await page.evaluate(() => document.documentElement.dataset.theme);
        assert(early === "dark", "the choice was not remembered on the next page");
        await axe(page, "faq, dark by toggle");
        await page.locator("#theme-toggle").click();
        assert((await page.evaluate(() => localStorage.getItem("theme"))) === null, "choosing the system theme should clear the stored choice");
        noProblems(problems, "theme");
      } finally {
        await context.close();
      }
    });

    await check("keyboard: the first Tab reaches a visible skip link that moves to the content", async () => {
      const { context, page } = await open(browser, origin + "/guide/key-differences/", { width: 320 });
      try {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => document.activeElement.className);
        assert(focused.includes("skip-link"), `first Tab focused .${focused}`);
        const box = await page.locator(".skip-link").boundingBox();
        assert(box && box.y >= 0, "skip link is off screen when focused");
        await page.keyboard.press("Enter");
        assert((await page.evaluate(() => location.hash)) === "#main", "skip link did not go to #main");
      } finally {
        await context.close();
      }
    });

    await check("header: one row on a phone, with a menu that opens the sections", async () => {
      const { context, page, problems } = await open(browser, origin + "/guide/key-differences/", { width: 320 });
      try {
        const bar = await page.locator(".header-bar").boundingBox();
        const tools = await page.locator(".tools").boundingBox();
        assert(bar.height < 80 && tools.y < bar.y + 20, `the phone header is ${Math.round(bar.height)}px tall`);
        assert(!(await page.locator("#site-nav").isVisible()), "the sections show before the menu is opened");
        await page.click("#menu-toggle");
        assert(await page.locator('#site-nav a[href="/careers/"]').isVisible(), "the menu does not show the sections");
        assert((await page.getAttribute("#menu-toggle", "aria-expanded")) === "true", "menu button state not updated");
        await axe(page, "header with the menu open");
        await page.keyboard.press("Escape");
        assert(!(await page.locator("#site-nav").isVisible()), "Escape does not close the menu");
        noProblems(problems, "header");
      } finally {
        await context.close();
      }
      const wide = await open(browser, origin + "/", { width: 1280 });
      try {
        assert(await wide.page.locator("#site-nav").isVisible(), "the sections are hidden on a wide screen");
        assert(!(await wide.page.locator("#menu-toggle").isVisible()), "the menu button shows on a wide screen");
      } finally {
        await wide.context.close();
      }
    });

    // The sidebar: every page of the site, outside the search body; a column at 1280 px, a closed
    // "All pages" disclosure on phones. On each page the current page's link is marked and its
    // section is open, and only its section.
    const SIDEBAR = ["/guide/key-differences/", "/careers/medical-coder/", "/careers/", "/", "/faq/"];
    const marked = (page) => page.evaluate(() => {
      const nav = document.querySelector('nav.course[aria-label="All pages"]');
      const current = nav ? [...nav.querySelectorAll('a[aria-current="page"]')] : [];
      const sections = nav ? [...nav.querySelectorAll(".course-tree details")] : [];
      const holder = current[0] && current[0].closest(".course-tree details");
      return {
        nav: !!nav,
        labels: [...document.querySelectorAll("nav[aria-label]")].map((n) => n.getAttribute("aria-label")),
        current: current.map((a) => new URL(a.href).pathname),
        here: location.pathname,
        open: sections.filter((d) => d.open).map((d) => d.querySelector("summary").textContent),
        holder: holder ? holder.querySelector("summary").textContent : null,
        styled: current[0] ? getComputedStyle(current[0]).backgroundColor !== getComputedStyle(nav).backgroundColor : false,
      };
    });
    function assertMarked(m, url) {
      assert(m.nav, `${url}: no nav.course labelled "All pages"`);
      assert(new Set(m.labels).size === m.labels.length, `${url}: two navs share a label (${m.labels.join(", ")})`);
      assert(m.current.length === 1 && m.current[0] === m.here, `${url}: aria-current="page" on ${JSON.stringify(m.current)}, not on ${m.here}`);
      assert(m.styled, `${url}: the current page's link looks like the others`);
      const expected = m.holder ? [m.holder] : [];
      assert(JSON.stringify(m.open) === JSON.stringify(expected), `${url}: open sections are ${JSON.stringify(m.open)}, expected ${JSON.stringify(expected)}`);
    }

    await check("sidebar: every page listed once, outside <main> and the search body, and hidden in print", async () => {
      const sitemap = fs.readFileSync(path.join(site, "sitemap.xml"), "utf8");
      const pages = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map(([, loc]) => new URL(loc).pathname).sort();
      const { context, page, problems } = await open(browser, origin + "/guide/key-differences/", { width: 1280 });
      try {
        const listed = await page.$$eval(".course a", (as) => as.map((a) => new URL(a.href).pathname));
        assert(JSON.stringify([...listed].sort()) === JSON.stringify(pages), `the sidebar lists ${listed.length} links; the sitemap has ${pages.length} pages`);
        const inside = await page.evaluate(() => !!document.querySelector(".course").closest("main, [data-pagefind-body]"));
        assert(!inside, "the sidebar is inside <main> or the search body");
        await page.emulateMedia({ media: "print" });
        assert(!(await page.locator(".course").isVisible()), "the sidebar prints");
        noProblems(problems, "sidebar");
      } finally {
        await context.close();
      }
      const bad = htmlFiles(site).filter((file) => {
        const html = fs.readFileSync(file, "utf8");
        if (/<meta http-equiv="refresh"/.test(html)) return false;
        const nav = html.indexOf('<nav class="course"');
        return nav < 0 || nav > html.indexOf("<main");
      });
      assert(bad.length === 0, `no sidebar before <main> in ${bad.map((f) => path.relative(site, f)).join(", ")}`);
    });

    await check("sidebar: a column at 1280px that stays in view and scrolls on its own, the current page marked", async () => {
      for (const url of SIDEBAR) {
        const { context, page, problems } = await open(browser, origin + url, { width: 1280 });
        try {
          assertMarked(await marked(page), url);
          const b = await page.evaluate(() => {
            const nav = document.querySelector(".course");
            const r = nav.getBoundingClientRect();
            const main = document.querySelector("main").getBoundingClientRect();
            const a = nav.querySelector('a[aria-current="page"]').getBoundingClientRect();
            return { left: r.left, right: r.right, width: r.width, main: main.left, overflow: getComputedStyle(nav).overflowY, a: { top: a.top, bottom: a.bottom }, top: r.top, bottom: Math.min(r.bottom, innerHeight) };
          });
          assert(b.right <= b.main && b.width >= 200 && b.width <= 300, `${url}: the sidebar is not a column beside the content (${Math.round(b.left)}–${Math.round(b.right)}px, content at ${Math.round(b.main)}px)`);
          assert(b.overflow === "auto", `${url}: the sidebar does not scroll on its own (overflow-y: ${b.overflow})`);
          assert(b.a.top >= b.top && b.a.bottom <= b.bottom, `${url}: the current page's link is out of view in the sidebar (${Math.round(b.a.top)}–${Math.round(b.a.bottom)}px)`);
          assert(await page.locator(".course-tree").isVisible(), `${url}: the list is hidden`);
          assert(!(await page.locator("#course-menu > summary").isVisible()), `${url}: the phone's "All pages" control shows on a wide screen`);
          assert(await page.evaluate(() => document.getElementById("course-menu").open), `${url}: the column is shown but its <details> is not open`);
          await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
          const top = await page.evaluate(() => document.querySelector(".course").getBoundingClientRect().top);
          assert(top >= 0 && top < 40, `${url}: the sidebar is at ${Math.round(top)}px after scrolling`);
          noProblems(problems, url);
        } finally {
          await context.close();
        }
      }
    });

    await check("sidebar: without JavaScript it is still a column at 1280px and a closed menu at 390px", async () => {
      for (const [width, shown] of [[1280, true], [390, false]]) {
        const { context, page } = await open(browser, origin + "/careers/medical-coder/", { width, js: false });
        try {
          const visible = await page.locator('.course a[aria-current="page"]').isVisible();
          assert(visible === shown, `at ${width}px without script the list is ${visible ? "shown" : "hidden"}`);
        } finally {
          await context.close();
        }
      }
    });

    for (const width of [390, 320]) {
      await check(`sidebar: a closed "All pages" menu at ${width}px, opened and closed from the keyboard or a tap`, async () => {
        for (const url of SIDEBAR) {
          const scheme = width === 320 ? "dark" : "light";
          const { context, page, problems } = await open(browser, origin + url, { width, scheme });
          try {
            const summary = page.locator("#course-menu > summary");
            assert(await summary.isVisible(), `${url}: no "All pages" control`);
            assert(!(await page.locator(".course-tree").isVisible()), `${url}: the list shows before it is opened`);
            const where = await page.evaluate(() => ({
              control: document.querySelector("#course-menu > summary").getBoundingClientRect().bottom,
              content: document.querySelector("main").getBoundingClientRect().top,
            }));
            assert(where.control <= where.content, `${url}: the control is not above the content`);
            if (url === SIDEBAR[0]) {
              await summary.focus();
              await page.keyboard.press("Enter");
            } else {
              await summary.click();
            }
            assert(await page.locator('.course a[aria-current="page"]').isVisible(), `${url}: opening the menu does not show the current page`);
            assertMarked(await marked(page), url);
            if (url === SIDEBAR[0]) {
              await page.keyboard.press("Tab");
              const ring = await page.evaluate(() => {
                const a = document.activeElement;
                return a.closest(".course") ? getComputedStyle(a).outlineStyle : "focus left the sidebar";
              });
              assert(ring !== "none", `${url}: the focused link shows no outline (${ring})`);
              await snapshot(page, { path: path.join(shots, `sidebar-open-${width}-${scheme}.png`) });
            }
            await axe(page, `${url} with the sidebar open at ${width}px`);
            await noSidewaysScroll(page, `${url} with the sidebar open at ${width}px`);
            if (url === SIDEBAR[0]) {
              await page.keyboard.press("Escape");
              assert(await summary.evaluate((el) => el === document.activeElement), `${url}: Escape does not return focus to "All pages"`);
            } else {
              await summary.click();
            }
            assert(!(await page.locator(".course-tree").isVisible()), `${url}: the menu does not close again`);
            noProblems(problems, url);
          } finally {
            await context.close();
          }
        }
      });
    }

    // Wide screens: a page of prose is a readable text column with a contents column beside it,
    // and together they fill most of the width; on a phone the same page is one column.
    const LAYOUT = {
      article: ["/guide/key-differences/", ".doc > .page-head", ".doc-side"],
      facts: ["/guide/about-these-facts/", ".doc > .page-head", ".doc-side"],
      ladders: ["/guide/career-ladders/", ".doc > .page-head", ".doc-side"],
      faq: ["/faq/", ".doc > .page-head", ".doc-side"],
      glossary: ["/glossary/", ".doc > .page-head", ".doc-side"],
      compare: ["/compare/", ".doc > .page-head", ".doc-side"],
      sources: ["/sources/", ".doc > .page-head", ".doc-side"],
      assessment: ["/self-assessment/", ".doc > .page-head", ".doc-side"],
      careers: ["/careers/", ".doc > .page-head", ".doc-side"],
      career: ["/careers/health-information-manager/", ".career > .prose", ".career > .quick-facts"],
    };
    const boxes = (page, text, side) => page.evaluate(([t, s]) => {
      const box = (sel) => { const el = document.querySelector(sel); if (!el) return null; const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top + scrollY, width: r.width }; };
      return { text: box(t), side: box(s), course: box(".course"), view: document.documentElement.clientWidth };
    }, [text, side]);
    for (const [name, [url, text, side]] of Object.entries(LAYOUT)) {
      await check(`layout: ${name} at 1280px uses the width: the sidebar, the text, and its contents column beside the text`, async () => {
        const { context, page } = await open(browser, origin + url, { width: 1280 });
        try {
          const b = await boxes(page, text, side);
          assert(b.text && b.side, `no ${b.text ? side : text} on the page`);
          assert(b.side.left >= b.text.right, `the contents column (${Math.round(b.side.left)}px) is not beside the text (ends ${Math.round(b.text.right)}px)`);
          assert(b.course && b.course.right <= b.text.left, `the sidebar (ends ${Math.round(b.course?.right)}px) is not left of the text (${Math.round(b.text.left)}px)`);
          const used = (b.side.right - b.course.left) / b.view;
          assert(used >= 0.9, `sidebar, text and contents cover ${Math.round(used * 100)}% of the width`);
          assert(b.text.width >= 600 && b.text.width <= 780, `the text column is ${Math.round(b.text.width)}px wide, not a readable measure`);
        } finally {
          await context.close();
        }
      });
      await check(`layout: ${name} at 320px is one column`, async () => {
        const { context, page } = await open(browser, origin + url, { width: 320 });
        try {
          const b = await boxes(page, text, side);
          assert(Math.abs(b.side.left - b.text.left) < 2 && b.side.right <= b.view, `the contents column is not in line with the text (${Math.round(b.side.left)} vs ${Math.round(b.text.left)})`);
          await noSidewaysScroll(page, `${name} at 320px`);
        } finally {
          await context.close();
        }
      });
    }

    await check("layout: an article's contents stay in view while its text scrolls at 1280px", async () => {
      for (const url of ["/guide/about-these-facts/", "/faq/"]) {
        const { context, page } = await open(browser, origin + url, { width: 1280 });
        try {
          await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
          const top = await page.evaluate(() => document.querySelector(".doc-side").getBoundingClientRect().top);
          assert(top >= 0 && top < 120, `${url}: the contents column is at ${Math.round(top)}px after scrolling`);
        } finally {
          await context.close();
        }
      }
    });

    await check("careers: without JavaScript every career shows and the controls stay out of the way", async () => {
      const { context, page } = await open(browser, origin + "/careers/?field=HIM", { js: false });
      try {
        const total = await page.locator("#career-list .career-card").count();
        assert(total > 0 && (await visibleCards(page)).length === total, "some careers are hidden without JS");
        assert(!(await page.locator("#career-filters").isVisible()), "filters show without JS");
        assert(!(await page.locator(".pick").first().isVisible()), "compare boxes show without JS");
        assert(await page.locator("noscript").count(), "no explanation for readers without JS");
      } finally {
        await context.close();
      }
    });

    await check("careers: filters and sorting work live and are kept in the address", async () => {
      const { context, page, problems } = await open(browser, origin + "/careers/", { width: 320 });
      try {
        const data = JSON.parse(await page.textContent("#career-data"));
        const all = await visibleCards(page);
        assert(all.length === data.length, `expected ${data.length} cards, saw ${all.length}`);

        await page.check('input[name="field"][value="HIM"]');
        const him = data.filter((c) => c.field === "HIM" || c.field === "both").map((c) => c.title).sort();
        assert(JSON.stringify((await visibleCards(page)).sort()) === JSON.stringify(him), "HIM filter shows the wrong careers");
        assert(page.url().includes("field=HIM"), `address not updated: ${page.url()}`);
        assert((await page.textContent("#career-count")).includes(`${him.length} of ${data.length}`), "the count does not match");

        await page.selectOption("#f-sort", "pay-desc");
        const paid = data.filter((c) => (c.field === "HIM" || c.field === "both") && c.payValue !== null);
        const top = paid.sort((a, b) => b.payValue - a.payValue || a.title.localeCompare(b.title))[0];
        assert((await visibleCards(page))[0] === top.title, `pay sort put ${(await visibleCards(page))[0]} first, not ${top.title}`);
        assert(page.url().includes("sort=pay-desc"), "sort not in the address");
        // Sorting compares BLS medians only: never a ceiling or a source's single-title figure.
        assert(data.every((c) => c.payValue === null || (c.bls && c.bls.includes(" median"))), "pay sort uses something other than a BLS median");
        const himShown = await visibleCards(page);
        if (data.some((c) => (c.field === "HIM" || c.field === "both") && c.payValue === null)) {
          assert(data.find((c) => c.title === himShown[himShown.length - 1]).payValue === null, "careers without a BLS median should come last");
        }

        await page.check('input[name="field"][value=""]');
        await page.selectOption("#f-education", "master");
        const masters = data.filter((c) => c.education === "master").map((c) => c.title);
        assert(JSON.stringify(await visibleCards(page)) === JSON.stringify(masters), "education filter shows the wrong careers");
        assert(page.url().includes("education=master") && !page.url().includes("field="), `address: ${page.url()}`);

        // The address is read on load.
        await page.goto(origin + "/careers/?field=HI&sort=pay-asc");
        assert(await page.isChecked('input[name="field"][value="HI"]'), "field not read from the address");
        assert((await page.inputValue("#f-sort")) === "pay-asc", "sort not read from the address");
        const hiPaid = data.filter((c) => (c.field === "HI" || c.field === "both") && c.payValue !== null)
          .sort((a, b) => a.payValue - b.payValue || a.title.localeCompare(b.title));
        const shown = await visibleCards(page);
        assert(shown[0] === hiPaid[0].title, `pay-asc put ${shown[0]} first, not ${hiPaid[0].title}`);
        const values = shown.map((title) => data.find((c) => c.title === title).payValue).filter((v) => v !== null);
        assert(values.every((v, i) => i === 0 || values[i - 1] <= v), "pay-asc is not in ascending order");

        await page.selectOption("#f-sort", "title");
        const titles = await visibleCards(page);
        assert(JSON.stringify(titles) === JSON.stringify([...titles].sort((a, b) => a.localeCompare(b))), "title sort is not A to Z");
        await page.click('#career-filters button[type="reset"]');
        await page.waitForFunction(() => !location.search);
        assert((await visibleCards(page)).length === data.length, "reset did not show every career");
        await noSidewaysScroll(page, "careers after filtering");
        noProblems(problems, "careers");
      } finally {
        await context.close();
      }
    });

    await check("careers: compare two or three careers side by side", async () => {
      for (const width of WIDTHS) {
        const { context, page, problems } = await open(browser, origin + "/careers/", { width });
        try {
          const ids = await page.$$eval('input[name="compare"]', (boxes) => boxes.map((b) => b.value));
          assert(!(await page.locator("#compare-out table").count()), "a comparison shows before anything is picked");
          await page.check(`input[name="compare"][value="${ids[0]}"]`);
          assert(await page.locator(".tray").isVisible(), "no tray after one pick");
          await page.check(`input[name="compare"][value="${ids[1]}"]`);
          const heads = await page.$$eval("#compare-out thead th a", (as) => as.map((a) => a.textContent));
          assert(heads.length === 2, `expected 2 columns, saw ${heads.length}`);
          assert(page.url().includes(`compare=${ids[0]}%2C${ids[1]}`) || page.url().includes(`compare=${ids[0]},${ids[1]}`), `address: ${page.url()}`);
          await page.check(`input[name="compare"][value="${ids[2]}"]`);
          assert((await page.locator("#compare-out thead th a").count()) === 3, "third pick not shown");
          assert(await page.isDisabled(`input[name="compare"][value="${ids[3]}"]`), "a fourth pick is allowed");
          await snapshot(page, { path: path.join(shots, `careers-compare-${width}.png`), fullPage: false, clip: undefined });
          await snapshot(page.locator("#compare"), { path: path.join(shots, `careers-compare-panel-${width}.png`) });
          await axe(page, `careers with a comparison at ${width}px`);
          if (width === 320) await noSidewaysScroll(page, "careers with a comparison");
          await page.getByRole("button", { name: `Remove ${(await page.textContent("#compare-out thead th a"))} from the comparison` }).click();
          assert((await page.locator("#compare-out thead th a").count()) === 2, "remove did not drop a column");

          await page.goto(`${origin}/careers/?compare=${ids[4]},${ids[5]}`);
          assert((await page.locator("#compare-out thead th a").count()) === 2, "comparison not read from the address");
          assert(await page.isChecked(`input[name="compare"][value="${ids[4]}"]`), "boxes not ticked from the address");
          noProblems(problems, "compare");
        } finally {
          await context.close();
        }
      }
    });

    await check("self-assessment: scores the answers and shows the matching result", async () => {
      const { context, page, problems } = await open(browser, origin + "/self-assessment/", { width: 320 });
      try {
        // Pick the same kind of option in every either-or question: "HI", "HIM" or "none".
        const answer = async (value) => {
          const names = await page.$$eval("#assessment input[data-lean]", (inputs) => [...new Set(inputs.map((i) => i.name))]);
          for (const name of names) await page.check(`input[name="${name}"][value="${value}"]`);
          await page.click('#assessment button[type="submit"]');
        };
        await page.click('#assessment button[type="submit"]');
        assert((await page.textContent("#result")).includes("at least one"), "no hint when nothing is answered");
        // Every scored question is a forced choice between one HI and one HIM option.
        const kinds = await page.$$eval("#assessment fieldset", (sets) => sets
          .filter((s) => s.querySelector("input[data-lean]"))
          .map((s) => [...s.querySelectorAll("input")].map((i) => i.dataset.lean).sort().join(",")));
        assert(kinds.length >= 4 && kinds.every((k) => k === "HI,HIM,none"), `questions are not HI-or-HIM choices: ${kinds}`);
        await answer("HI");
        assert((await page.textContent("#result h3")) === (await page.textContent("#result-hi h3")), "all-HI answers did not give the HI result");
        await snapshot(page.locator("#result"), { path: path.join(shots, "assessment-result-320.png") });
        await axe(page, "self-assessment with a result");
        await answer("HIM");
        assert((await page.textContent("#result h3")) === (await page.textContent("#result-him h3")), "all-HIM answers did not give the HIM result");
        await answer("none");
        assert((await page.textContent("#result h3")) === (await page.textContent("#result-both h3")), "no preference did not give the both result");
        // An unscored answer on time or background brings its note into the result.
        const note = await page.getAttribute("#assessment input[data-note]", "data-note");
        await page.check(`#assessment input[data-note="${note}"]`);
        const noteText = (await page.textContent(`#${note} dd`)).trim().slice(0, 40);
        assert((await page.textContent("#result")).includes(noteText), "the note for a background answer is not shown");
        await page.click('#assessment button[type="reset"]');
        assert((await page.textContent("#result")) === "", "reset did not clear the result");
        noProblems(problems, "self-assessment");
      } finally {
        await context.close();
      }
    });

    await check("quiz: without JavaScript every question is readable with its answer behind <details>", async () => {
      const { context, page, problems } = await open(browser, origin + "/guide/key-differences/", { width: 390, js: false });
      try {
        const quiz = await page.$$eval(".quiz .quiz-q", (items) => items.map((q) => ({
          inputs: q.querySelectorAll("input").length,
          details: q.querySelectorAll("details.quiz-answer").length,
          open: q.querySelector("details").open,
          answerVisible: q.querySelector("details > p").checkVisibility(),
        })));
        assert(quiz.length >= 4, `only ${quiz.length} questions`);
        assert(quiz.every((q) => q.inputs > 0 && q.details === 1 && !q.open && !q.answerVisible), `answers are not tucked away: ${JSON.stringify(quiz)}`);
        assert((await page.$$(".quiz-check")).length === 0, "Check buttons appear without JavaScript");
        await page.click(".quiz-q details summary");
        assert(await page.$eval(".quiz-q details", (d) => d.open), "the first answer does not open");
        noProblems(problems, "quiz without JavaScript");
      } finally {
        await context.close();
      }
      // axe needs scripts to run, so the script-free quiz is checked with quiz.js blocked.
      for (const scheme of SCHEMES) {
        const context = await browser.newContext({ viewport: { width: 390, height: 900 }, colorScheme: scheme });
        try {
          const page = await context.newPage();
          await page.route("**/js/quiz.js", (route) => route.abort());
          await page.goto(origin + "/guide/key-differences/", { waitUntil: "load" });
          assert((await page.$$(".quiz-check")).length === 0, "quiz.js ran although it was blocked");
          await axe(page, `quiz without its script, ${scheme}`);
        } finally {
          await context.close();
        }
      }
    });

    await check("quiz: Check scores each answer, the score is kept across visits, Start again clears it", async () => {
      for (const scheme of SCHEMES) {
        const { context, page, problems } = await open(browser, origin + "/guide/key-differences/", { width: 320, scheme });
        try {
          const questions = await page.$$eval(".quiz .quiz-q", (items) => items.map((q) => ({ id: q.id, kind: q.dataset.kind, answer: q.dataset.answer })));
          assert(questions.length >= 4, `only ${questions.length} questions`);
          // Answer the first question wrongly and every other one rightly.
          for (const [i, q] of questions.entries()) {
            const sel = `#${q.id}`;
            if (q.kind === "numeric") {
              const value = Number(q.answer.split(" ")[0]) + (i === 0 ? 1000 : 0);
              await page.fill(`${sel} input`, value.toLocaleString("en-US"));
            } else if (q.kind === "true-false") {
              const right = q.answer;
              await page.check(`${sel} input[value="${i === 0 ? String(right !== "true") : right}"]`);
            } else {
              const right = q.answer.split(" ");
              const all = await page.$$eval(`${sel} input`, (inputs) => inputs.map((x) => x.value));
              const pick = i === 0 ? [all.find((v) => !right.includes(v))] : right;
              for (const v of pick) await page.check(`${sel} input[value="${v}"]`);
            }
            await page.click(`${sel} .quiz-check`);
            const cls = await page.getAttribute(sel, "class");
            assert(cls.includes(i === 0 ? "is-wrong" : "is-right"), `${q.id}: marked ${cls}`);
            assert(await page.$eval(`${sel} details`, (d) => d.open), `${q.id}: the explanation does not open after Check`);
          }
          const n = questions.length;
          const score = await page.textContent(".quiz-score");
          assert(score.includes(`${n - 1} of ${n} right`), `score says "${score}"`);
          await snapshot(page.locator(".quiz"), { path: path.join(shots, `quiz-320-${scheme}.png`) });
          await axe(page, `quiz after checking, ${scheme}`);
          await noSidewaysScroll(page, `quiz at 320px, ${scheme}`);
          await page.reload({ waitUntil: "load" });
          const kept = await page.textContent(".quiz-score");
          assert(kept.includes(`${n - 1} of ${n} right`), `after a reload the score says "${kept}"`);
          assert((await page.getAttribute(`#${questions[1].id}`, "class")).includes("is-right"), "a reload forgot the answers");
          await page.click(".quiz-reset");
          assert((await page.textContent(".quiz-score")).trim() === "", "Start again left a score");
          assert((await page.$$(".quiz .is-right, .quiz .is-wrong, .quiz input:checked")).length === 0, "Start again left answers");
          const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("docent-quiz:")));
          assert(stored.length === 1, `progress is stored under ${JSON.stringify(stored)}`);
          noProblems(problems, `quiz, ${scheme}`);
        } finally {
          await context.close();
        }
      }
    });

    await check("faq: the filter narrows the questions and an address #id opens its answer", async () => {
      const { context, page, problems } = await open(browser, origin + "/faq/", { width: 320 });
      try {
        const total = await page.locator("details.faq").count();
        await page.fill("#faq-filter", "coding");
        const shown = await page.locator("details.faq:visible").count();
        assert(shown > 0 && shown < total, `filter "coding" left ${shown} of ${total}`);
        assert((await page.textContent("#faq-count")).includes(`${shown} of ${total}`), "count not updated");
        // The filter forgives case, apostrophes and plurals, and marks what it matched.
        await page.fill("#faq-filter", "Masters");
        assert(await page.locator("#do-i-need-a-masters-for-hi").isVisible(), "\"Masters\" does not find the master's question");
        assert((await page.locator("#do-i-need-a-masters-for-hi summary mark").count()) > 0, "matches are not highlighted");
        assert((await page.locator("details.faq .answer-more a").count()) >= total, "answers do not link to the pages they mention");
        await page.fill("#faq-filter", "zzzqqq");
        assert(await page.locator("#faq-empty").isVisible(), "no message when nothing matches");
        await page.fill("#faq-filter", "");
        assert((await page.locator("details.faq:visible").count()) === total, "clearing the filter did not restore every question");
        await axe(page, "faq after filtering");

        const id = await page.locator("details.faq").nth(3).getAttribute("id");
        await page.goto(`${origin}/faq/#${id}`);
        assert(await page.locator(`#${id}`).evaluate((d) => d.open), "the question in the address is not open");
        const other = await page.locator("details.faq").nth(5).getAttribute("id");
        await page.evaluate((h) => { location.hash = h; }, other);
        await page.waitForFunction((h) => document.getElementById(h).open, other);
        await page.click("#faq-expand");
        assert((await page.locator("details.faq[open]").count()) === total, "open all did not open all");
        noProblems(problems, "faq");
      } finally {
        await context.close();
      }
    });

    await check("search: a missing index fails gracefully", async () => {
      const { context, page } = await open(browser, origin + "/", { width: 320 });
      try {
        await page.route("**/pagefind/**", (route) => route.fulfill({ status: 404, body: "" }));
        await page.click("#search-toggle");
        await page.waitForFunction(() => /isn’t available/.test(document.getElementById("search-status").textContent));
        assert((await page.getAttribute("#search-toggle", "aria-expanded")) === "true", "panel not marked open");
      } finally {
        await context.close();
      }
    });

    await check("search: Pagefind finds pages from the header", async () => {
      const probe = await fetch(origin + "/pagefind/pagefind-ui.js");
      if (probe.status === 404) return { skip: "no /pagefind/pagefind-ui.js in this build (the index is not built yet)" };
      for (const width of WIDTHS) {
        const scheme = width === 320 ? "dark" : "light";
        const { context, page, problems } = await open(browser, origin + "/guide/", { width, scheme });
        try {
          await page.click("#search-toggle");
          const input = page.locator("#search input");
          await input.waitFor();
          assert(await input.evaluate((el) => el === document.activeElement), "the search field is not focused");
          await input.fill("coding");
          await page.locator(".pagefind-ui__result").first().waitFor({ timeout: 10000 });
          const hits = await page.locator(".pagefind-ui__result").count();
          assert(hits > 0, "no results for 'coding'");
          await snapshot(page, { path: path.join(shots, `search-${width}-${scheme}.png`) });
          await axe(page, `search results at ${width}px, ${scheme}`);
          if (width === 320) await noSidewaysScroll(page, "search results");
          await page.keyboard.press("Escape");
          assert(await page.locator("#search-panel").isHidden(), "Escape did not close the panel");
          noProblems(problems, `search at ${width}px`);
        } finally {
          await context.close();
        }
      }
    });
  } finally {
    await browser.close();
    server.close();
  }

  console.log(`${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  process.exit(results.failed ? 1 : 0);
}

function htmlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "pagefind" ? [] : htmlFiles(full);
    return entry.name.endsWith(".html") ? [full] : [];
  });
}

main().catch((err) => {
  console.log(`not ok - the browser checks ran\n    ${err.stack}`);
  console.log(`${results.passed} passed, ${results.failed + 1} failed, ${results.skipped} skipped`);
  process.exit(1);
});
