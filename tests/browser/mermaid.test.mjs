// Parses each file given with Mermaid's own parser (in Node, with jsdom standing in for the
// DOM Mermaid expects); exits 1 naming the first file it rejects.
// Run by tests/it/graph.rs: node tests/browser/mermaid.test.mjs FILE...
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const { default: mermaid } = await import('mermaid');

for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(readFileSync(file, 'utf8'));
    console.log(`${file}: ${result.diagramType}`);
  } catch (e) {
    console.error(`${file}: rejected by Mermaid: ${e.message ?? e}`);
    process.exit(1);
  }
}
