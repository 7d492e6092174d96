// Headless Chromium over a site built by `vaultc build` (the sample vault).
//
//   node tests/browser/site.test.mjs SITE_DIR [SCREENSHOT.png]
//
// Serves SITE_DIR on 127.0.0.1 with a tiny static server, then: searches for "NVIDIA",
// opens the result, follows a wikilink, checks the backlinks, lands on a heading link,
// switches to dark mode (and keeps it across a reload), checks a phone-sized viewport has
// no sideways scrolling, and fails on any console error, page error or failed request.
// Saves a screenshot of a note page (default: docs/screenshot-note.png).
//
// Needs Debian's Chromium (/usr/bin/chromium) and `npm ci` in this folder (playwright-core).

import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const siteDir = resolve(process.argv[2] ?? "site");
const screenshot = resolve(process.argv[3] ?? join(here, "../../docs/screenshot-note.png"));

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

// A static file server for SITE_DIR only; 404.html for anything missing.
function serve(root) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": TYPES[".html"] });
      res.end(readFileSync(join(root, "404.html")));
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

const problems = [];
let passed = 0;
async function step(name, fn) {
  await fn();
  passed += 1;
  console.log(`ok - ${name}`);
}

const server = await serve(siteDir);
const base = `http://127.0.0.1:${server.address().port}/`;
const profile = mkdtempSync(join(tmpdir(), "vaultc-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1280, height: 900 },
  colorScheme: "light",
});

try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });

  await step("home page loads", async () => {
    await page.goto(base + "index.html");
    assert.match(await page.title(), /Markets vault/);
  });

  await step('search finds "NVIDIA" and opens it', async () => {
    await page.fill(".search-form input[name=q]", "NVIDIA");
    await page.press(".search-form input[name=q]", "Enter");
    await page.waitForURL(/search\.html\?q=NVIDIA/);
    const first = page.locator("#search-results li a.search-title").first();
    await first.waitFor();
    assert.equal((await first.textContent()).trim(), "NVIDIA");
    await first.click();
    await page.waitForURL(/actors\/nvidia\.html$/);
    assert.equal((await page.locator("h1").first().textContent()).trim(), "NVIDIA");
  });

  await step("a wikilink lands on its note", async () => {
    await page.locator(".note-body a", { hasText: "Michael Burry" }).first().click();
    await page.waitForURL(/actors\/michael-burry\.html$/);
    assert.equal((await page.locator("h1").first().textContent()).trim(), "Michael Burry");
  });

  await step("the backlinks section has entries with context", async () => {
    const entries = page.locator(".backlinks li.backlink");
    assert.ok((await entries.count()) > 0, "no backlinks");
    assert.ok((await page.locator(".backlinks .context").count()) > 0, "no context lines");
  });

  await step("a heading link lands on the heading", async () => {
    await page.goto(base + "concepts/sector-rotation.html");
    await page.locator(".note-body a", { hasText: "XMAG > Fund flows" }).click();
    await page.waitForURL(/etfs\/xmag\.html#fund-flows$/);
    assert.equal(await page.locator("#fund-flows").count(), 1);
  });

  await step("a broken link goes to its entity page", async () => {
    await page.goto(base + "concepts/sector-rotation.html");
    await page.locator(".note-body a.broken", { hasText: "Palantir" }).first().click();
    await page.waitForURL(/entities\/palantir\.html$/);
    assert.ok((await page.locator(".references li").count()) > 0);
  });

  await step("screenshot of a note page", async () => {
    await page.goto(base + "concepts/sector-rotation.html");
    await page.screenshot({ path: screenshot });
  });

  await step("dark mode switches and survives a reload", async () => {
    const background = () =>
      page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.click(".theme-toggle");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    const dark = await background();
    assert.notEqual(dark, light);
    const lum = (rgb) => rgb.match(/\d+/g).slice(0, 3).reduce((a, b) => a + Number(b), 0);
    assert.ok(lum(dark) < lum(light), `${dark} is not darker than ${light}`);
    await page.reload();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await page.click(".theme-toggle");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "light");
  });

  await step("a phone-sized screen needs no sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["concepts/sector-rotation.html", "index.html", "graph.html"]) {
      await page.goto(base + path);
      const wide = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      assert.ok(wide <= 1, `${path} is ${wide}px wider than the screen`);
    }
  });

  await step("no console errors, page errors or failed requests", async () => {
    assert.deepEqual(problems, []);
  });
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`${passed} passed, 0 failed`);
