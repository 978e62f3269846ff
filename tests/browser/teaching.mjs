// Browser checks for the elements docent's Markdown adds (code, maths, callouts, glossary
// terms, figures, videos, details, tabs), in the bundled theme.
//
//   node tests/browser/teaching.mjs
//
// The bundled site is copied to a temp folder with one extra page, tests/browser/teaching-page.md,
// and built with the release binary; that page is checked at 320, 390 and 1280 px, light and
// dark, with axe-core, for sideways scroll and console errors, and its scripted parts are driven.
// It ends with "N passed, N failed" and exits non-zero on any failure.

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const shots = path.join(here, "screenshots");
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const URL_PATH = "/guide/teaching-elements/";
const results = { passed: 0, failed: 0 };

async function check(name, fn) {
  try {
    await fn();
    results.passed++;
    console.log(`ok - ${name}`);
  } catch (err) {
    results.failed++;
    console.log(`not ok - ${name}\n${String(err && err.message ? err.message : err).replace(/^/gm, "    ")}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** The bundled site plus the test page, built into a new folder. */
function build() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "docent-teaching-"));
  const site = path.join(tmp, "site");
  for (const part of ["site.toml", "content", "templates", "static"]) {
    fs.cpSync(path.join(repo, part), path.join(site, part), { recursive: true });
  }
  fs.copyFileSync(path.join(here, "teaching-page.md"), path.join(site, "content/guide/teaching-elements.md"));
  const out = path.join(tmp, "public");
  const run = spawnSync("cargo", ["run", "--release", "-q", "--", "--root", site, "build", "--output-dir", out], {
    cwd: repo,
    stdio: "inherit",
  });
  if (run.status !== 0) {
    console.log("not ok - the site with the teaching page builds\n0 passed, 1 failed");
    process.exit(1);
  }
  return out;
}

function serve(root) {
  const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".json": "application/json", ".woff2": "font/woff2" };
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = path.join(root, path.normalize(rel).replace(/^([/\\])+/, ""));
    if (!file.startsWith(root)) file = root;
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function open(browser, url, { width, scheme }) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, reducedMotion: "reduce" });
  // Nothing may reach the network; a video's player is the one request expected, on a click.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/ERR_FAILED|ERR_BLOCKED/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  await page.goto(url, { waitUntil: "load" });
  return { context, page, problems };
}

async function axe(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] }, resultTypes: ["violations"] }),
  );
  const lines = result.violations.flatMap((v) => v.nodes.slice(0, 4).map((n) => `${v.id}: ${n.target.join(" ")}`));
  assert(lines.length === 0, `${label}: ${result.violations.length} axe violation(s)\n${lines.join("\n")}`);
}

async function main() {
  const out = build();
  const server = await serve(out);
  const url = `http://127.0.0.1:${server.address().port}${URL_PATH}`;
  fs.mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  try {
    for (const width of [320, 390, 1280]) {
      for (const scheme of ["light", "dark"]) {
        const label = `teaching elements at ${width}px, ${scheme}`;
        await check(`${label}: axe, layout, console`, async () => {
          const { context, page, problems } = await open(browser, url, { width, scheme });
          try {
            await page.screenshot({ path: path.join(shots, `teaching-${width}-${scheme}.png`), fullPage: true }).catch(() => {});
            await axe(page, label);
            const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
            assert(wide <= 0, `${label}: the page scrolls sideways by ${wide}px`);
            // With the tab list made, the hidden panels are out of the way of axe too.
            await page.focus(".gloss a");
            await axe(page, `${label}, a term's definition open`);
            assert(problems.length === 0, problems.join("\n"));
          } finally {
            await context.close();
          }
        });
      }
    }

    await check("tabs: a tab list with one panel shown, arrow keys move between tabs", async () => {
      const { context, page } = await open(browser, url, { width: 1280, scheme: "light" });
      try {
        const tabs = page.locator("[role=tab]");
        assert((await tabs.count()) === 3, `expected 3 tabs, found ${await tabs.count()}`);
        const shown = () => page.$$eval("[role=tabpanel]", (ps) => ps.filter((p) => !p.hidden).map((p) => p.getAttribute("aria-labelledby")));
        assert((await shown()).length === 1, "one panel is shown");
        await tabs.first().focus();
        await page.keyboard.press("ArrowRight");
        const selected = await page.$eval("[role=tab][aria-selected=true]", (b) => b.textContent);
        assert(selected === "Python", `ArrowRight selects Python, not ${selected}`);
        assert(await page.evaluate(() => document.activeElement.textContent === "Python"), "focus follows the selection");
        await page.keyboard.press("End");
        assert((await page.$eval("[role=tab][aria-selected=true]", (b) => b.textContent)) === "R", "End selects the last tab");
      } finally {
        await context.close();
      }
    });

    await check("terms: focus shows the definition, Escape hides it, the link goes to the entry", async () => {
      const { context, page } = await open(browser, url, { width: 390, scheme: "light" });
      try {
        const term = page.locator(".gloss").first();
        await term.locator("a").focus();
        assert(await term.locator(".gloss-tip").isVisible(), "the definition shows on focus");
        const box = await term.locator(".gloss-tip").boundingBox();
        assert(box.x >= 0 && box.x + box.width <= 390, `the definition fits the screen (${box.x}, ${box.width})`);
        await page.keyboard.press("Escape");
        assert(!(await term.locator(".gloss-tip").isVisible()), "Escape hides the definition");
        const href = await term.locator("a").getAttribute("href");
        assert(href === "/glossary/#rhia", `the term links to its entry, not ${href}`);
      } finally {
        await context.close();
      }
    });

    await check("code: a Copy button beside each block, never over the code; maths is MathML", async () => {
      const { context, page } = await open(browser, url, { width: 320, scheme: "light" });
      try {
        const blocks = await page.locator(".code").count();
        assert((await page.locator(".copy-code").count()) === blocks, "each block has a Copy button");
        const overlaps = await page.$$eval(".code", (codes) =>
          codes.filter((c) => {
            const b = c.querySelector(".copy-code")?.getBoundingClientRect();
            const first = c.querySelector(".line")?.getBoundingClientRect();
            return b && first && b.bottom > first.top && b.top < first.bottom && b.left < first.right;
          }).length,
        );
        assert(overlaps === 0, `${overlaps} Copy button(s) cover the first line of code`);
        assert((await page.locator("math").count()) === 2, "two formulas as MathML");
        const text = await page.locator("main").innerText();
        assert(text.includes("$104,920 and $91,100"), "prices stay text");
      } finally {
        await context.close();
      }
    });

    await check("code: Copy copies the code without its line numbers; the name is drawn above it", async () => {
      const { context, page } = await open(browser, url, { width: 1280, scheme: "light" });
      try {
        await context.grantPermissions(["clipboard-read", "clipboard-write"]);
        const named = page.locator(".code[data-name='visits.sql']");
        const label = await named.evaluate((c) => getComputedStyle(c, "::before").content);
        assert(label === '"visits.sql"', `the file name is drawn above the code: ${label}`);
        await named.locator(".copy-code").click();
        await page.waitForFunction(() => document.querySelector(".code[data-name] .copy-code").textContent === "Copied");
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        assert(copied.startsWith("SELECT patient_id"), `copied: ${JSON.stringify(copied.slice(0, 40))}`);
        assert(!/^\s*\d/m.test(copied), `no line numbers in the copy: ${JSON.stringify(copied)}`);
      } finally {
        await context.close();
      }
    });

    await check("maths: the bundled maths font loads for a page with maths, and only there", async () => {
      const fontRequests = async (address) => {
        const { context, page } = await open(browser, address, { width: 1280, scheme: "light" });
        try {
          const fetched = [];
          page.on("request", (r) => { if (r.url().endsWith(".woff2")) fetched.push(r.url()); });
          await page.reload({ waitUntil: "load" });
          await page.evaluate(() => document.fonts.ready);
          const faces = await page.evaluate(() => [...document.fonts].filter((f) => f.family.includes("STIX Two Math")).map((f) => f.status));
          return { fetched, faces };
        } finally {
          await context.close();
        }
      };
      const withMaths = await fontRequests(url);
      assert(withMaths.fetched.some((u) => u.endsWith("/fonts/stix-two-math.woff2")), `no maths font was fetched: ${withMaths.fetched}`);
      assert(withMaths.faces.includes("loaded"), `the maths font did not load: ${withMaths.faces}`);
      const without = await fontRequests(url.replace(/guide\/teaching-elements\/$/, ""));
      assert(without.fetched.length === 0, `a page without maths fetched ${without.fetched}`);
    });

    await check("video: nothing loads until pressed, then a player in place of the link", async () => {
      const { context, page } = await open(browser, url, { width: 1280, scheme: "light" });
      try {
        assert((await page.locator("iframe").count()) === 0, "no player before the click");
        await page.click(".video-link");
        const src = await page.locator(".video iframe").getAttribute("src");
        assert(src.startsWith("https://www.youtube-nocookie.com/embed/abcdefghijk"), `the player is ${src}`);
        assert((await page.locator(".video iframe").getAttribute("title")) === "A talk", "the player has a title");
      } finally {
        await context.close();
      }
    });

    await check("without script: tabs stay stacked under their labels, the video is a link", async () => {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 900 } });
      try {
        const page = await context.newPage();
        await page.goto(url);
        assert((await page.locator("[role=tab]").count()) === 0, "no tab list without script");
        assert((await page.locator(".tab-label:visible").count()) === 3, "each tab's label shows");
        assert((await page.locator("a.video-link[href^='https://www.youtube.com/watch']").count()) === 1, "the video is a plain link");
      } finally {
        await context.close();
      }
    });
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed ? 1 : 0);
}

main().catch((err) => {
  console.log(`not ok - the teaching checks ran\n    ${err.stack}`);
  process.exit(1);
});
