// Client-side search over the prebuilt index (search-index.js sets VAULTC_SEARCH_INDEX; the
// same data is in search-index.json). No network, no external service. Results are built
// with DOM methods only, so nothing from a note is ever parsed as HTML.
(function () {
  "use strict";
  var index = window.VAULTC_SEARCH_INDEX || [];
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var MAX_RESULTS = 50;

  function fold(s) {
    return String(s || "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  // Folded fields, computed once.
  var docs = index.map(function (e) {
    return {
      entry: e,
      title: fold(e.title),
      aliases: fold((e.aliases || []).join(" ")),
      tags: fold((e.tags || []).join(" ")),
      headings: fold((e.headings || []).join(" ")),
      path: fold(e.path),
      snippet: fold(e.snippet)
    };
  });

  // Every word must match somewhere; titles weigh most, then aliases, tags, headings, path, text.
  function score(doc, words) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      var s = 0;
      if (doc.title === w) s += 100;
      if (doc.title.indexOf(w) === 0) s += 40;
      if (doc.title.indexOf(w) >= 0) s += 30;
      if (doc.aliases.indexOf(w) >= 0) s += 20;
      if (doc.tags.indexOf(w) >= 0) s += 12;
      if (doc.headings.indexOf(w) >= 0) s += 8;
      if (doc.path.indexOf(w) >= 0) s += 5;
      if (doc.snippet.indexOf(w) >= 0) s += 3;
      if (s === 0) return 0;
      total += s;
    }
    return total;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function run(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) {
      status.textContent = index.length + " notes to search.";
      return;
    }
    var hits = [];
    for (var i = 0; i < docs.length; i++) {
      var s = score(docs[i], words);
      if (s > 0) hits.push({ score: s, doc: docs[i] });
    }
    hits.sort(function (a, b) {
      return b.score - a.score || (a.doc.entry.title < b.doc.entry.title ? -1 : 1);
    });
    status.textContent = hits.length === 0 ? "No note matches." :
      hits.length + (hits.length === 1 ? " note matches." : " notes match.");
    hits.slice(0, MAX_RESULTS).forEach(function (hit) {
      var e = hit.doc.entry;
      var item = el("li", "search-result");
      var link = el("a", "search-title", e.title);
      link.href = e.url;
      item.appendChild(link);
      item.appendChild(el("span", "note-path", e.path));
      if (e.tags && e.tags.length) {
        item.appendChild(el("span", "search-tags", e.tags.map(function (t) { return "#" + t; }).join(" ")));
      }
      if (e.snippet) item.appendChild(el("p", "context", e.snippet));
      list.appendChild(item);
    });
  }

  var params = new URLSearchParams(window.location.search);
  var initial = params.get("q") || "";
  input.value = initial;
  run(initial);
  input.addEventListener("input", function () {
    run(input.value);
    var url = new URL(window.location.href);
    if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
    try { window.history.replaceState(null, "", url.toString()); } catch (e) { /* file:// may refuse */ }
  });
  input.form.addEventListener("submit", function (ev) { ev.preventDefault(); run(input.value); });
})();
