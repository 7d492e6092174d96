// How many bytes of search index a query loads, in headless Chromium.
//
//   node tests/browser/search-bytes.mjs SITE_DIR [QUERY…]
//
// Opens SITE_DIR/search.html from file:// once per query (a fresh page: nothing cached),
// types the query, waits for the results and their snippets, and adds up the sizes of the
// files search.js loaded (it lists them in vaultcSearch.loaded) and of the result pages it read
// for their snippets (vaultcSearch.pages). Prints one line per query and the largest; exits 1
// if any query loaded 300 KB or more.

import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const siteDir = resolve(process.argv[2] ?? "site");
const queries = process.argv.length > 3 ? process.argv.slice(3) : ["rotation", "rotaton", "encryp", "sector rotation flows", "the", "#concepts"];
const LIMIT = 300 * 1024;

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
let worst = 0;
try {
  for (const q of queries) {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(siteDir, "search.html")).href);
    await page.fill("#search-input", q);
    await page.waitForFunction(() => /match|No note/.test(document.getElementById("search-status").textContent));
    await page.waitForTimeout(300);
    const files = await page.evaluate(() => window.vaultcSearch.loaded.concat(window.vaultcSearch.pages));
    const bytes = files.reduce((sum, f) => sum + statSync(join(siteDir, f)).size, 0);
    const status = await page.textContent("#search-status");
    worst = Math.max(worst, bytes);
    console.log(`${JSON.stringify(q)}: ${(bytes / 1024).toFixed(1)} KB in ${files.length} files, snippet pages included (${status.trim()})`);
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(`largest: ${(worst / 1024).toFixed(1)} KB (limit ${LIMIT / 1024} KB)`);
process.exit(worst < LIMIT ? 0 : 1);
