// Full-text search over the index in search/ (made by vaultc build; see src/site/search.rs).
// Every index file is a script that hands its data to window.vaultcSearch, so a query loads
// only the files it needs, and the same code works over http and from file://. A result's
// snippet is cut from its page's text: fetched over http; from file:// (where browsers refuse
// fetch) the page is loaded in a hidden, sandboxed frame whose theme.js hands its text over.
// Results are built with DOM methods only: nothing from a note is ever parsed as HTML.
(function () {
  "use strict";
  // The site root, from this script's own address (pages load it from ROOT/assets/).
  var me = document.currentScript;
  var root = me ? (me.getAttribute("src") || "").replace(/assets\/[^\/]*$/, "") : "";
  var PAGE = 10;
  var waiting = {};
  var loads = {};

  function arrived(path, data) {
    var w = waiting[path];
    if (w) w(data);
  }
  var api = (window.vaultcSearch = {
    manifest: function (m) { arrived("search/index.js", m); },
    chunk: function (c) { arrived("search/c/" + c[0] + ".js", c[1]); },
    docs: function (d) { arrived("search/d/" + d[0] + ".js", d[1]); },
    spelling: function (s) { arrived("search/w/" + s[0] + ".js", s[1]); },
    tags: function (t) { arrived("search/tags.js", t); },
    loaded: [],
    pages: [],
  });

  // Each file once, as a script element (fetch is refused from file://).
  function load(path) {
    if (!loads[path]) {
      loads[path] = new Promise(function (ok, fail) {
        waiting[path] = function (data) { delete waiting[path]; ok(data); };
        var s = document.createElement("script");
        s.src = root + path;
        s.onerror = function () { fail(new Error("cannot load " + path)); };
        api.loaded.push(path);
        document.head.appendChild(s);
      });
    }
    return loads[path];
  }

  // A word's postings, packed by src/site/search.rs (pack_postings): each document's gap
  // from the one before in five-bit groups, lowest first (32 added while more follow), then
  // its score divided by four. Unpacked to [doc, score, doc, score, …].
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = {};
  for (var v = 0; v < 64; v++) VALUE[DIGITS.charAt(v)] = v;
  function postings(s) {
    var out = [], doc = 0, i = 0;
    while (i < s.length) {
      var gap = 0, scale = 1, d;
      do { d = VALUE[s.charAt(i++)]; gap += (d & 31) * scale; scale *= 32; } while (d & 32);
      doc += gap;
      out.push(doc, VALUE[s.charAt(i++)] * 4 + 2);
    }
    return out;
  }

  function fold(s) {
    return String(s || "").toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  }
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  function words(s) {
    return (fold(s).match(WORD) || []).filter(function (w) { return w.length >= 2 && w.length <= 40; });
  }

  // The query: words, and #tags that filter.
  function parse(q) {
    var out = { words: [], tags: [] };
    String(q || "").split(/\s+/).forEach(function (token) {
      if (token.charAt(0) === "#" && token.length > 1) {
        var tag = fold(token.slice(1)).replace(/^\/+|\/+$/g, "");
        if (tag) out.tags.push("#" + tag);
      } else {
        words(token).forEach(function (w) { if (out.words.indexOf(w) < 0) out.words.push(w); });
      }
    });
    return out;
  }

  // The chunk that holds `word`: the last whose first word is not after it.
  function chunkOf(m, word) {
    var lo = 0, hi = m.chunks.length - 1, at = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (m.chunks[mid] <= word) { at = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return at;
  }

  // Postings of every word in [from, to] (sorted), as {word: [delta, score, ...]}.
  function range(m, from, to, maxChunks) {
    var first = chunkOf(m, from), last = first;
    while (last + 1 < m.chunks.length && m.chunks[last + 1] <= to && last - first + 1 < maxChunks) last++;
    var wanted = [];
    for (var i = first; i <= last; i++) wanted.push(load("search/c/" + i + ".js"));
    return Promise.all(wanted).then(function (parts) {
      var found = {};
      parts.forEach(function (part) {
        Object.keys(part).forEach(function (w) { if (w >= from && w <= to) found[w] = part[w]; });
      });
      return found;
    });
  }

  // Optimal string alignment distance, giving up past `max`.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d = Math.min(d, prev2[j - 2] + 1);
        }
        cur.push(d);
        if (d < best) best = d;
      }
      if (best > max) return max + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  // Spellings in the index within one edit (two for long words), same first letter.
  function spellings(m, word) {
    var chars = Array.from(word);
    if (chars.length < 5) return Promise.resolve([]);
    var max = chars.length >= 9 ? 2 : 1;
    var first = chars[0];
    var key = /[a-z0-9]/.test(first) ? first : "u" + first.codePointAt(0).toString(16);
    var wanted = [];
    for (var n = chars.length - max; n <= chars.length + max; n++) {
      if (m.spelling.indexOf(key + n) >= 0) wanted.push(load("search/w/" + key + n + ".js"));
    }
    return Promise.all(wanted).then(function (lists) {
      var best = [];
      var bestD = max + 1;
      lists.forEach(function (list) {
        for (var i = 0; i < list.length; i += 2) {
          var d = distance(word, list[i], max);
          if (d < bestD) { bestD = d; best = []; }
          if (d === bestD && d <= max) best.push([list[i], list[i + 1]]);
        }
      });
      best.sort(function (a, b) { return b[1] - a[1]; });
      return best.slice(0, 3).map(function (x) { return x[0]; });
    });
  }

  // doc -> score for one query word: exact, then words it begins, then close spellings.
  function match(m, word, prefix) {
    var to = prefix ? word + "\uffff" : word;
    return range(m, word, to, prefix ? 3 : 1).then(function (found) {
      var ws = Object.keys(found);
      if (ws.length || word.charAt(0) === "#") return { terms: ws, found: found, fixed: null };
      return spellings(m, word).then(function (close) {
        if (!close.length) return { terms: [], found: {}, fixed: null };
        return Promise.all(close.map(function (w) { return range(m, w, w, 1); })).then(function (parts) {
          var all = {};
          parts.forEach(function (p) { Object.keys(p).forEach(function (w) { all[w] = p[w]; }); });
          return { terms: Object.keys(all), found: all, fixed: close[0] };
        });
      });
    }).then(function (r) {
      var docs = new Map();
      r.terms.forEach(function (w) {
        var list = postings(r.found[w]);
        var weight = w === word ? 1 : r.fixed ? 0.6 : 0.8;
        for (var i = 0; i < list.length; i += 2) {
          var doc = list[i];
          var s = list[i + 1] * weight;
          if (!(docs.get(doc) >= s)) docs.set(doc, s);
        }
      });
      return { word: word, terms: r.terms, docs: docs, fixed: r.fixed };
    });
  }

  // Ranked documents for a parsed query: every word must match; tags filter.
  function search(q) {
    return load("search/index.js").then(function (m) {
      // Words in most notes narrow nothing down: searched only when nothing else is.
      var common = new Set(m.common || []);
      var skipped = [];
      var words = q.words.filter(function (w) {
        var skip = common.has(w) && q.words.length > 1;
        if (skip) skipped.push(w);
        return !skip;
      });
      if (!words.length && q.words.length) { words = [q.words[0]]; skipped = q.words.slice(1); }
      var last = q.words[q.words.length - 1];
      var parts = words.map(function (w) { return match(m, w, w === last && w.length >= 2); });
      q.tags.forEach(function (t) { parts.push(match(m, t, false)); });
      return Promise.all(parts).then(function (matches) {
        var ranked = null;
        matches.forEach(function (r, i) {
          var isTag = i >= words.length;
          var idf = Math.log(1 + m.docs / Math.max(1, r.docs.size));
          var next = new Map();
          r.docs.forEach(function (s, doc) {
            if (ranked === null || ranked.has(doc)) next.set(doc, (ranked ? ranked.get(doc) : 0) + (isTag ? 0 : s * idf));
          });
          ranked = next;
        });
        var list = [];
        (ranked || new Map()).forEach(function (s, doc) { list.push([doc, s]); });
        list.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
        var terms = [];
        matches.forEach(function (r) { r.terms.forEach(function (t) { if (t.charAt(0) !== "#") terms.push(t); }); });
        skipped.forEach(function (w) { terms.push(w); });
        return { manifest: m, hits: list, terms: terms, fixes: matches.filter(function (r) { return r.fixed; }) };
      });
    });
  }

  function doc(m, id) {
    return load("search/d/" + Math.floor(id / m.block) + ".js").then(function (list) {
      var d = list[id % m.block];
      return { title: d[0], url: d[1], path: d[2], tags: d[3] };
    });
  }

  // The text of a result's page, for its snippet ("" when it cannot be had).
  var texts = {};
  function pageText(url) {
    if (!texts[url]) {
      api.pages.push(url);
      var got = window.location.protocol === "file:" ? framed(url) : fetched(url);
      texts[url] = got.catch(function () { return ""; });
    }
    return texts[url];
  }

  function fetched(url) {
    return fetch(root + url).then(function (r) { return r.ok ? r.text() : ""; }).then(textOf);
  }

  // The text of a page's note body (from its HTML, parsed inert: nothing runs or loads),
  // with a space after every block and cell so that words never run together.
  function textOf(html) {
    var body = new DOMParser().parseFromString(html, "text/html").querySelector(".note-body");
    if (!body) return "";
    body.querySelectorAll("script,style,annotation").forEach(function (e) { e.remove(); });
    body.querySelectorAll("p,li,td,th,tr,h1,h2,h3,h4,h5,h6,dt,dd,pre,blockquote,div,br")
      .forEach(function (e) { e.appendChild(document.createTextNode(" ")); });
    return body.textContent;
  }

  // From file://: the page in a hidden frame posts its note's HTML when its document is
  // ready (see theme.js), read here as above; given up after 5 s. (Not sandboxed: a
  // sandboxed frame may not load the page's own scripts from file://. Browsers keep every
  // file:// page in an origin of its own, so the frame cannot reach this page either way.)
  function framed(url) {
    return new Promise(function (ok) {
      var frame = document.createElement("iframe");
      var done = false;
      function finish(text) {
        if (done) return;
        done = true;
        window.removeEventListener("message", got);
        frame.remove();
        ok(text);
      }
      function got(ev) {
        if (ev.source === frame.contentWindow && ev.data && typeof ev.data.vaultcText === "string") finish(textOf(ev.data.vaultcText));
      }
      window.addEventListener("message", got);
      setTimeout(function () { finish(""); }, 5000);
      frame.hidden = true;
      frame.setAttribute("aria-hidden", "true");
      frame.src = root + url.split("/").map(encodeURIComponent).join("/") + "#vaultc-text";
      document.body.appendChild(frame);
    });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  // About 30 words of `text` around the first matched word, matched words in <mark>.
  function snippet(text, terms) {
    var set = new Set(terms);
    var tokens = [];
    var re = /[\p{Alphabetic}\p{N}]+/gu, t;
    while ((t = re.exec(text))) tokens.push([t.index, t.index + t[0].length, set.has(fold(t[0]))]);
    var hit = tokens.findIndex(function (x) { return x[2]; });
    var from = hit < 0 ? 0 : Math.max(0, hit - 10);
    var to = Math.min(tokens.length, from + 32);
    var p = el("p", "context");
    if (!tokens.length) return p;
    var at = tokens[from][0];
    if (from > 0) p.appendChild(document.createTextNode("… "));
    for (var i = from; i < to; i++) {
      var x = tokens[i];
      p.appendChild(document.createTextNode(text.slice(at, x[0]).replace(/\s+/g, " ")));
      p.appendChild(x[2] ? el("mark", "", text.slice(x[0], x[1])) : document.createTextNode(text.slice(x[0], x[1])));
      at = x[1];
    }
    if (to < tokens.length) p.appendChild(document.createTextNode(" …"));
    return p;
  }

  function ui() {
    var input = document.getElementById("search-input");
    if (!input) return;
    var tagInput = document.getElementById("search-tag");
    var tagList = document.getElementById("search-tag-list");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var run = 0, shown = 0, current = null;

    function query() {
      var q = input.value;
      var tag = tagInput && tagInput.value.trim();
      if (tag) q += " #" + tag.replace(/^#/, "");
      return parse(q);
    }

    function show(result, from) {
      var id = run;
      var slice = result.hits.slice(from, from + PAGE);
      shown = from + slice.length;
      more.hidden = shown >= result.hits.length;
      return Promise.all(slice.map(function (h) {
        return doc(result.manifest, h[0]).then(function (d) {
          return pageText(d.url).then(function (text) { d.text = text; return d; });
        });
      })).then(function (docs) {
        if (id !== run) return;
        docs.forEach(function (d) {
          var item = el("li", "search-result");
          var link = el("a", "search-title", d.title);
          link.href = root + d.url;
          item.appendChild(link);
          item.appendChild(el("span", "note-path", d.path));
          if (d.tags.length) {
            var tags = el("span", "search-tags");
            d.tags.forEach(function (t) {
              var b = el("button", "tag", "#" + t);
              b.type = "button";
              b.addEventListener("click", function () { if (tagInput) { tagInput.value = t; update(); } });
              tags.appendChild(b);
            });
            item.appendChild(tags);
          }
          item.appendChild(snippet(d.text, result.terms));
          list.appendChild(item);
        });
      });
    }

    function update() {
      var id = ++run;
      var q = query();
      var url = new URL(window.location.href);
      if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
      if (tagInput && tagInput.value) url.searchParams.set("tag", tagInput.value); else url.searchParams.delete("tag");
      try { window.history.replaceState(null, "", url.toString()); } catch (e) { /* file:// may refuse */ }
      if (!q.words.length && !q.tags.length) {
        list.textContent = "";
        more.hidden = true;
        status.textContent = "Type a word: every word of every note is searched.";
        return;
      }
      status.textContent = "Searching…";
      search(q).then(function (result) {
        if (id !== run) return;
        current = result;
        list.textContent = "";
        var n = result.hits.length;
        var text = n === 0 ? "No note matches." : n + (n === 1 ? " note matches." : " notes match.");
        result.fixes.forEach(function (f) {
          text = "No note has “" + f.word + "”; showing " + f.fixed + ". " + text;
        });
        status.textContent = text;
        return show(result, 0);
      }).catch(function (e) {
        if (id === run) status.textContent = "Search failed: " + e.message;
      });
    }

    var timer = 0;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 60); });
    input.form.addEventListener("submit", function (ev) { ev.preventDefault(); update(); });
    more.addEventListener("click", function () { if (current) show(current, shown); });
    if (tagInput) {
      tagInput.addEventListener("change", update);
      tagInput.addEventListener("focus", function () {
        load("search/tags.js").then(function (tags) {
          if (tagList.childElementCount) return;
          tags.forEach(function (t) {
            var o = el("option");
            o.value = t[0];
            o.label = t[0] + " (" + t[1] + ")";
            tagList.appendChild(o);
          });
        });
      });
    }
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    if (tagInput) tagInput.value = params.get("tag") || "";
    update();
  }

  api.parse = parse;
  api.search = search;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ui);
  else ui();
})();
