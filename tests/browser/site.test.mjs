// Headless Chromium over a site built by `vaultc build` (the sample vault).
//
//   node tests/browser/site.test.mjs SITE_DIR [SCREENSHOT_DIR [FEATURES_SITE_DIR]]
//
// Serves SITE_DIR on 127.0.0.1 with a tiny static server, then: searches for "NVIDIA",
// opens the result, follows a wikilink, checks the backlinks, lands on a heading link;
// searches as the reader types for the start of a word from the middle of one note and sees
// it marked in the snippet, finds a misspelt word's note, filters by tag, and searches from
// file:// too; zooms and pans the global graph, hovers a note and sees its neighbours lit,
// clicks it open; hovers the local graph; opens the folder tree and follows it; switches to
// dark mode (and keeps it across a reload); checks a phone-sized viewport has a slim header
// and no sideways scrolling. Given FEATURES_SITE_DIR (tests/fixtures/site-features, built),
// checks a note's rendering there: <kbd> and <br> from its HTML, its properties with a working
// link, a formula as MathML, a Mermaid diagram drawn as SVG, a link to a missing heading and an
// embed of a missing block shown as broken. Fails on any console error, page error or failed
// request.
// Saves screenshots of a note page, the search and the graph in SCREENSHOT_DIR (default:
// docs/): screenshot-note.png, screenshot-search.png, screenshot-graph.png.
//
// Needs Debian's Chromium (/usr/bin/chromium) and `npm ci` in this folder (playwright-core).

import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const siteDir = resolve(process.argv[2] ?? "site");
const shots = resolve(process.argv[3] ?? join(here, "../../docs"));
const screenshot = join(shots, "screenshot-note.png");
const featuresDir = process.argv[4] ? resolve(process.argv[4]) : null;

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
    const entries = page.locator(".backlinks > ul > li");
    assert.ok((await entries.count()) > 0, "no backlinks");
    assert.ok((await page.locator(".backlinks li p mark").count()) > 0, "no quotes with the link marked");
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

  await step("search finds the start of a word from the middle of one note, marked", async () => {
    await page.goto(base + "search.html");
    // Typed key by key: results come as the reader types.
    await page.locator("#search-input").pressSequentially("bellwe", { delay: 40 });
    const first = page.locator("#search-results li.search-result").first();
    await first.waitFor();
    assert.equal(await page.locator("#search-results li.search-result").count(), 1);
    assert.equal((await first.locator("a.search-title").textContent()).trim(), "Sector rotation");
    assert.equal((await first.locator(".context mark").first().textContent()).toLowerCase(), "bellwether");
    assert.match(await page.textContent("#search-status"), /1 note matches/);
  });

  await step("a misspelt word still finds its note", async () => {
    await page.fill("#search-input", "overwieght");
    await page.waitForFunction(() => /showing overweight/.test(document.getElementById("search-status").textContent));
    const first = page.locator("#search-results li.search-result").first();
    assert.equal(await page.locator("#search-results li.search-result").count(), 1);
    assert.equal((await first.locator("a.search-title").textContent()).trim(), "Sector rotation");
    assert.equal((await first.locator(".context mark").first().textContent()).toLowerCase(), "overweight");
    await page.fill("#search-input", "rotaton");
    await page.waitForFunction(() => /showing rotation/.test(document.getElementById("search-status").textContent));
    assert.equal((await page.locator("#search-results a.search-title").first().textContent()).trim(), "Sector rotation");
    await page.screenshot({ path: join(shots, "screenshot-search.png") });
  });

  await step("words in %% comments %% are not searchable", async () => {
    await page.fill("#search-input", "scorecard");
    await page.waitForFunction(() => /No note matches/.test(document.getElementById("search-status").textContent));
  });

  await step("search filters by tag", async () => {
    await page.goto(base + "search.html?tag=thesis");
    await page.waitForFunction(() => /match/.test(document.getElementById("search-status").textContent));
    const titles = await page.locator("#search-results a.search-title").allTextContents();
    assert.deepEqual(titles.map((t) => t.trim()).sort(), ["Long NVIDIA", "Long defense AI"]);
    await page.fill("#search-input", "nvidia");
    await page.waitForFunction(() => /1 note matches/.test(document.getElementById("search-status").textContent));
    assert.equal((await page.locator("#search-results a.search-title").first().textContent()).trim(), "Long NVIDIA");
  });

  await step("search works from file:// too", async () => {
    const local = await context.newPage();
    local.on("pageerror", (e) => problems.push(`page error (file://): ${e.message}`));
    await local.goto(pathToFileURL(join(siteDir, "search.html")).href + "?q=bellwether");
    const first = local.locator("#search-results a.search-title").first();
    await first.waitFor();
    assert.equal((await first.textContent()).trim(), "Sector rotation");
    // The snippet comes from the page, read in a hidden frame (file:// refuses fetch).
    const mark = local.locator("#search-results li.search-result .context mark").first();
    assert.equal((await mark.textContent()).toLowerCase(), "bellwether");
    assert.equal(await local.locator("iframe").count(), 0, "the frame is gone once read");
    await local.close();
  });

  await step("the global graph zooms, pans, lights a note's neighbours and opens it", async () => {
    await page.goto(base + "graph.html");
    const wrap = page.locator("#graph-canvas");
    await page.waitForFunction(() => document.getElementById("graph-canvas").dataset.ready);
    const box = await wrap.boundingBox();
    const state = () => page.evaluate(() => ({ ...window.vaultcGraph.view.state }));
    const before = await state();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(100);
    const zoomed = await state();
    assert.ok(zoomed.s > before.s * 1.5, `zoom: ${before.s} -> ${zoomed.s}`);
    await page.mouse.move(box.x + 60, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + 160, box.y + 110, { steps: 5 });
    await page.mouse.up();
    const panned = await state();
    assert.ok(Math.abs(panned.x - zoomed.x - 100) < 2 && Math.abs(panned.y - zoomed.y - 50) < 2, "pan");
    assert.match(page.url(), /graph\.html$/, "a drag opens nothing");
    await page.click("[data-zoom=fit]");
    const at = await page.evaluate(() => {
      const v = window.vaultcGraph.view;
      const k = v.find("NVIDIA");
      return { ...v.point(k), links: v.neighbours(k).length };
    });
    await page.mouse.move(at.x, at.y);
    await page.waitForFunction(() => document.getElementById("graph-canvas").dataset.hover === "NVIDIA");
    assert.ok(at.links >= 3, `NVIDIA has ${at.links} neighbours`);
    assert.equal(Number(await wrap.getAttribute("data-lit")), at.links + 1, "the note and its neighbours are lit");
    assert.match(await page.textContent("#graph-info"), new RegExp(`NVIDIA · ${at.links} links`));
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(shots, "screenshot-graph.png") });
    await page.mouse.click(at.x, at.y);
    await page.waitForURL(/actors\/nvidia\.html$/);
  });

  await step("the local graph lights a node's neighbours and zooms", async () => {
    await page.goto(base + "concepts/sector-rotation.html");
    const svg = page.locator(".local-graph svg.graph[data-ready]");
    await svg.waitFor();
    const node = svg.locator("a.node", { hasText: /^NVIDIA$/ });
    assert.match(await node.getAttribute("href"), /actors\/nvidia\.html$/);
    assert.equal(await svg.locator("a.node.current text").textContent(), "Sector rotation");
    const links = (await node.getAttribute("data-links")).split(" ").length;
    await node.locator("circle").hover();
    assert.match(await svg.getAttribute("class"), /hovering/);
    assert.equal(await svg.locator("a.node.lit").count(), links + 1);
    const size = await svg.locator("text").first().evaluate((t) => t.getBoundingClientRect().height);
    assert.ok(size >= 10, `local graph labels are ${size}px high`);
    const viewBox = await svg.getAttribute("viewBox");
    await page.mouse.wheel(0, -200);
    await page.waitForTimeout(100);
    assert.notEqual(await svg.getAttribute("viewBox"), viewBox, "wheel zooms");
  });

  await step("the contents list the note's headings and lead to them", async () => {
    await page.goto(base + "concepts/sector-rotation.html");
    const toc = page.locator(".note-side nav.toc a");
    await toc.first().waitFor();
    const heads = await page.locator(".note-body > :is(h1,h2,h3,h4,h5,h6)[id]").count();
    assert.ok(heads >= 3 && (await toc.count()) === heads, `${await toc.count()} entries, ${heads} headings`);
    const last = toc.last();
    const target = (await last.getAttribute("href")).slice(1);
    await last.click();
    await page.waitForURL(new RegExp(`#${target}$`));
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

  await step("the folder tree opens and leads to a note", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + "concepts/sector-rotation.html");
    const tree = page.locator("#site-tree");
    assert.equal(await tree.isVisible(), false, "closed on a phone");
    await page.click(".site-header .tree-toggle");
    await tree.locator("a[aria-current=page]").waitFor();
    assert.equal((await tree.locator("a[aria-current=page]").textContent()).trim(), "Sector rotation");
    await tree.locator("summary", { hasText: "Actors" }).click();
    await tree.locator("a", { hasText: "Michael Burry" }).click();
    await page.waitForURL(/actors\/michael-burry\.html$/);
    const crumbs = await page.locator(".breadcrumbs > *").allInnerTexts();
    assert.deepEqual(crumbs, ["Markets vault", "Actors", "Michael Burry"]);
    await page.click(".site-header .tree-toggle");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step("a phone-sized screen has a slim header and needs no sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + "concepts/sector-rotation.html");
    const header = await page.locator(".site-header").boundingBox();
    assert.ok(header.height < 844 / 12, `the header is ${header.height}px high`);
    const table = page.locator(".note-body table").first();
    assert.match(await table.evaluate((t) => getComputedStyle(t).backgroundImage), /gradient/, "tables hint that they scroll");
    for (const path of ["concepts/sector-rotation.html", "index.html", "graph.html"]) {
      await page.goto(base + path);
      const wide = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      assert.ok(wide <= 1, `${path} is ${wide}px wider than the screen`);
    }
  });

  if (featuresDir) {
    const features = await serve(featuresDir);
    const at = `http://127.0.0.1:${features.address().port}/`;
    try {
      await step("a note's inline HTML, math, diagram and properties render", async () => {
        await page.goto(at + "rendering.html");
        const body = page.locator(".note-body");
        assert.deepEqual(await body.locator("kbd").allTextContents(), ["Ctrl", "C"]);
        const br = await body.locator("p", { hasText: "Inline HTML" }).evaluate(
          (p) => [p.querySelectorAll("br").length, p.innerText.split("\n")[0]],
        );
        assert.deepEqual(br, [1, "Inline HTML: line"], "<br> breaks the line");
        // MathML, drawn by the browser itself: a fraction has real height.
        const frac = body.locator('math[display="block"] mfrac');
        assert.equal(await frac.count(), 1);
        assert.ok((await frac.boundingBox()).height > 20, "the fraction is laid out as MathML");
        assert.equal(await body.locator("math msup").count(), 2);
        // Mermaid's text becomes a drawing.
        const diagram = body.locator("pre.mermaid svg");
        await diagram.waitFor({ timeout: 15000 });
        assert.ok((await diagram.locator("g.node").count()) >= 2, "both boxes are drawn");
      });

      await step("a missing heading and a missing block show as broken", async () => {
        const body = page.locator(".note-body");
        const heading = body.locator("a", { hasText: "Ada Lovelace > No such heading" });
        assert.match(await heading.getAttribute("class"), /\bbroken\b/);
        const block = body.locator("a", { hasText: "Ada Lovelace > ^no-such-block" });
        assert.match(await block.getAttribute("class"), /\bbroken\b/);
        // Neither pulls the note in: no embed of it besides the two that exist.
        assert.equal(await body.locator(".embed").count(), 2);
        const colour = (l) => l.evaluate((a) => getComputedStyle(a).color);
        const working = body.locator("a", { hasText: "Ada Lovelace" }).first();
        assert.notEqual(await colour(heading), await colour(working), "broken links look broken");
      });

      await step("a property's link opens its note", async () => {
        const director = page.locator(".properties .property", { hasText: "director" });
        await director.locator("a", { hasText: "Ada Lovelace" }).click();
        await page.waitForURL(/people\/ada-lovelace\.html$/);
        assert.equal((await page.locator("h1").first().textContent()).trim(), "Ada Lovelace");
      });
    } finally {
      features.close();
    }
  }

  await step("no console errors, page errors or failed requests", async () => {
    assert.deepEqual(problems, []);
  });
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`${passed} passed, 0 failed`);
