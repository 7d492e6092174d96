// The folder tree: loaded from nav-data.js the first time the reader opens it (one file for
// the whole site, never repeated in pages), built with DOM methods. Open or closed is
// remembered; wide screens start with it open. The tree's panel and the header's toggle are
// made here too: without a script there is nothing to open. So are a note page's contents,
// from its headings (a list repeating them on every page would add a few percent to a site). graph.js reads the same file (vaultcNav.load) for the
// titles and pages of the local graph's nodes.
(function () {
  "use strict";
  // Read by the search in a hidden frame for its text: nothing to show.
  if (window.location.hash === "#vaultc-text" && window.parent !== window) return;
  var KEY = "vaultc-tree";
  // The site root, from this script's own address (pages load it from ROOT/assets/).
  var me = document.currentScript;
  var root = me ? (me.getAttribute("src") || "").replace(/assets\/[^\/]*$/, "") : "";
  var loading = null;
  var built = false;

  window.vaultcNav = { data: function (d) { if (loading) loading.ok(d); }, load: load };

  function load() {
    if (!loading) {
      var done;
      var p = new Promise(function (ok) { done = ok; });
      loading = { ok: done, promise: p };
      var s = document.createElement("script");
      s.src = root + "nav-data.js";
      document.head.appendChild(s);
    }
    return loading.promise;
  }

  // This page's path below the site root, as nav-data.js writes pages.
  function here() {
    var base = new URL(root || "./", window.location.href).href;
    var url = window.location.href.split(/[?#]/)[0];
    try { return decodeURIComponent(url.slice(base.length)); } catch (e) { return url.slice(base.length); }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function build(d, into) {
    var current = here();
    var lists = {};
    var top = el("ul", "tree-root");
    function listOf(f) {
      if (f < 0) return top;
      if (lists[f]) return lists[f];
      var path = d.folders[f];
      var cut = path.lastIndexOf("/");
      var parent = cut < 0 ? top : listOf(d.folders.indexOf(path.slice(0, cut)));
      var li = el("li", "tree-folder");
      var details = el("details");
      details.appendChild(el("summary", "", path.slice(cut + 1)));
      var ul = el("ul");
      details.appendChild(ul);
      li.appendChild(details);
      parent.appendChild(li);
      lists[f] = ul;
      return ul;
    }
    d.folders.forEach(function (_, f) { listOf(f); });
    var mine = null;
    d.notes.forEach(function (n) {
      var li = el("li", "tree-note");
      var a = el("a", "", n[1]);
      a.href = root + n[2].split("/").map(encodeURIComponent).join("/");
      if (n[2] === current) { a.setAttribute("aria-current", "page"); mine = a; }
      li.appendChild(a);
      listOf(n[0]).appendChild(li);
    });
    into.textContent = "";
    into.appendChild(top);
    for (var p = mine && mine.parentNode; p && p !== into; p = p.parentNode) {
      if (p.tagName === "DETAILS") p.open = true;
    }
    if (mine) mine.scrollIntoView({ block: "nearest" });
    built = true;
  }

  // The tree's panel, after the header: the page's own when a theme has one.
  function panel() {
    var tree = document.getElementById("site-tree");
    var header = document.querySelector(".site-header");
    if (tree || !header) return tree;
    tree = el("nav", "site-tree");
    tree.id = "site-tree";
    tree.setAttribute("aria-label", "Notes by folder");
    var head = el("div", "tree-head");
    var close = el("button", "tree-toggle tree-close", "Close");
    close.type = "button";
    close.setAttribute("aria-controls", "site-tree");
    head.appendChild(close);
    [["notes.html", "Notes"], ["tags.html", "Tags"], ["entities.html", "Entities"], ["graph.html", "Graph"]].forEach(function (l) {
      var a = el("a", "", l[1]);
      a.href = root + l[0];
      head.appendChild(a);
      head.appendChild(document.createTextNode(" "));
    });
    tree.appendChild(head);
    var body = el("div", "tree");
    body.appendChild(el("p", "empty", "Loading…"));
    tree.appendChild(body);
    header.parentNode.insertBefore(tree, header.nextSibling);
    return tree;
  }

  function setOpen(open, remember) {
    var tree = document.getElementById("site-tree");
    if (!tree) return;
    document.documentElement.classList.toggle("tree-open", open);
    document.querySelectorAll(".tree-toggle").forEach(function (b) {
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
    if (remember) { try { window.localStorage.setItem(KEY, open ? "open" : "closed"); } catch (e) { /* not kept */ } }
    if (open && !built) {
      load().then(function (d) { build(d, tree.querySelector(".tree")); });
    }
  }

  // The header's toggle, first in the header, unless the theme's page has one.
  function toggle() {
    var header = document.querySelector(".site-header");
    if (!header || header.querySelector(".tree-toggle")) return;
    var b = el("button", "tree-toggle", "☰");
    b.setAttribute("aria-label", "Notes by folder");
    header.insertBefore(b, header.firstChild);
  }

  // A note page's contents, from the headings of its body (not those of embedded notes),
  // first in the side panel, unless the theme's page has them.
  function contents() {
    var side = document.querySelector(".note-page .note-side");
    var body = document.querySelector(".note-body");
    if (!side || !body || side.querySelector(".toc")) return;
    var heads = Array.prototype.filter.call(body.children, function (h) {
      return /^H[1-6]$/.test(h.tagName) && h.id;
    });
    if (!heads.length) return;
    var level = function (h) { return Number(h.tagName.charAt(1)); };
    var top = Math.min.apply(null, heads.map(level));
    var toc = el("nav", "toc");
    toc.setAttribute("aria-label", "Contents");
    toc.appendChild(el("h2", "", "Contents"));
    var list = el("ul", "");
    heads.forEach(function (h) {
      var depth = level(h) - top;
      var item = el("li", depth ? "toc-level-" + depth : "");
      var a = el("a", "", h.textContent);
      a.href = "#" + h.id;
      item.appendChild(a);
      list.appendChild(item);
    });
    toc.appendChild(list);
    side.insertBefore(toc, side.firstChild);
  }

  document.addEventListener("DOMContentLoaded", function () {
    contents();
    toggle();
    panel();
    document.querySelectorAll(".tree-toggle").forEach(function (b) {
      b.type = "button";
      b.setAttribute("aria-controls", "site-tree");
    });
    var saved = null;
    try { saved = window.localStorage.getItem(KEY); } catch (e) { /* storage off */ }
    var wide = window.matchMedia && window.matchMedia("(min-width: 1100px)").matches;
    setOpen(saved ? saved === "open" && wide : wide, false);
    document.querySelectorAll(".tree-toggle").forEach(function (b) {
      b.addEventListener("click", function () {
        setOpen(!document.documentElement.classList.contains("tree-open"), true);
      });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && !wide && document.documentElement.classList.contains("tree-open")) setOpen(false, true);
    });
  });
})();
