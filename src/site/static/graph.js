// The link graph, laid out by vaultc at build time; this only draws and lets the reader
// explore. Local graphs come packed in each page's <svg data-graph> (node numbers, positions,
// links) and are drawn here as SVG, with titles and pages from nav-data.js; they get zoom
// (wheel), pan (drag) and hover. The global graph (graph.html) is drawn on a
// canvas from graph-data.js: zoom, pan, pinch, hover to light a note and its neighbours,
// click to open, labels only where they fit (so 10,000 notes stay usable).
(function () {
  "use strict";
  // Read by the search in a hidden frame for its text: nothing to show.
  if (window.location.hash === "#vaultc-text" && window.parent !== window) return;
  // The site root, from this script's own address (pages load it from ROOT/assets/).
  var me = document.currentScript;
  var root = me ? (me.getAttribute("src") || "").replace(/assets\/[^\/]*$/, "") : "";
  var api = (window.vaultcGraph = {
    data: function (d) {
      ready(function () {
        if (window.vaultcNav) window.vaultcNav.load().then(function (site) { globalGraph(d, site); });
      });
    },
  });

  function ready(f) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", f);
    else f();
  }

  // A custom property's colour as the browser resolves it (light-dark() included).
  var probe = null;
  function css(name) {
    if (!probe) {
      probe = document.createElement("span");
      probe.style.display = "none";
      document.body.appendChild(probe);
    }
    probe.style.color = "var(" + name + ")";
    return getComputedStyle(probe).color;
  }

  // Dragging moves the view; a press that barely moved is a click.
  function dragger(target, onMove, onClick) {
    var start = null, moved = false;
    target.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      start = { x: ev.clientX, y: ev.clientY };
      moved = false;
    });
    target.addEventListener("pointermove", function (ev) {
      if (!start || !(ev.buttons & 1)) return;
      var dx = ev.clientX - start.x, dy = ev.clientY - start.y;
      if (!moved && dx * dx + dy * dy < 16) return;
      if (!moved) target.setPointerCapture && target.setPointerCapture(ev.pointerId);
      moved = true;
      start = { x: ev.clientX, y: ev.clientY };
      onMove(dx, dy);
    });
    target.addEventListener("pointerup", function (ev) {
      if (start && !moved && onClick) onClick(ev);
      start = null;
    });
    // A drag that ends on a link must not follow it.
    target.addEventListener("click", function (ev) {
      if (moved) { ev.preventDefault(); ev.stopPropagation(); moved = false; }
    }, true);
  }

  // ---- local graphs: inline SVG ----
  function localGraph(svg) {
    var base = svg.viewBox.baseVal;
    var full = { x: base.x, y: base.y, w: base.width, h: base.height };
    var box = { x: full.x, y: full.y, w: full.w, h: full.h };
    function apply() { svg.setAttribute("viewBox", [box.x, box.y, box.w, box.h].join(" ")); }
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var r = svg.getBoundingClientRect();
      var f = ev.deltaY < 0 ? 0.8 : 1.25;
      var w = Math.min(full.w * 2, Math.max(full.w / 6, box.w * f));
      f = w / box.w;
      var px = (ev.clientX - r.left) / r.width, py = (ev.clientY - r.top) / r.height;
      box.x += px * box.w * (1 - f);
      box.y += py * box.h * (1 - f);
      box.w *= f;
      box.h *= f;
      apply();
    }, { passive: false });
    dragger(svg, function (dx, dy) {
      var r = svg.getBoundingClientRect();
      box.x -= dx * box.w / r.width;
      box.y -= dy * box.h / r.height;
      apply();
    });
    svg.addEventListener("dblclick", function () { box = Object.assign({}, full); apply(); });
    // Hover: the node, its neighbours and the edges between them stay lit; the rest fades.
    var nodes = svg.querySelectorAll(".node");
    var lit = document.createElementNS("http://www.w3.org/2000/svg", "path");
    lit.setAttribute("class", "edges lit");
    svg.insertBefore(lit, nodes[0] || null);
    function centre(node) {
      var c = node.querySelector("circle");
      return c.getAttribute("cx") + " " + c.getAttribute("cy");
    }
    nodes.forEach(function (node) {
      node.addEventListener("pointerenter", function () {
        var d = "";
        svg.classList.add("hovering");
        node.classList.add("lit");
        (node.getAttribute("data-links") || "").split(" ").forEach(function (j) {
          if (!j || !nodes[j]) return;
          nodes[j].classList.add("lit");
          d += "M" + centre(node) + "L" + centre(nodes[j]);
        });
        lit.setAttribute("d", d);
      });
      node.addEventListener("pointerleave", function () {
        svg.classList.remove("hovering");
        lit.removeAttribute("d");
        svg.querySelectorAll(".node.lit").forEach(function (x) { x.classList.remove("lit"); });
      });
    });
  }

  // ---- the global graph: a canvas ----
  // Node k's title and page: nav-data.js lists notes, then names, in graph-data.js's order.
  function lookup(site, k) {
    var note = site.notes[k];
    if (note) return { title: note[1], page: note[2] };
    var name = site.names[k - site.notes.length] || ["", ""];
    return { title: name[0], page: name[1] };
  }

  function globalGraph(d, site) {
    var wrap = document.getElementById("graph-canvas");
    if (!wrap) return;
    var canvas = wrap.querySelector("canvas");
    var ctx = canvas.getContext("2d");
    var info = document.getElementById("graph-info");
    var n = d.nodes.length;
    var xs = new Float32Array(n), ys = new Float32Array(n), rs = new Float32Array(n);
    var adj = [];
    for (var i = 0; i < n; i++) {
      var node = d.nodes[i];
      xs[i] = node[0];
      ys[i] = node[1];
      rs[i] = 3 + Math.min(Math.sqrt(node[2]) * 1.6, 16);
      adj.push([]);
    }
    for (i = 0; i < d.edges.length; i += 2) {
      adj[d.edges[i]].push(d.edges[i + 1]);
      adj[d.edges[i + 1]].push(d.edges[i]);
    }
    var byLinks = Array.from({ length: n }, function (_, k) { return k; });
    byLinks.sort(function (a, b) { return d.nodes[b][2] - d.nodes[a][2] || a - b; });

    // A grid over the layout for finding the node under the pointer.
    var CELL = 40, grid = new Map();
    for (i = 0; i < n; i++) {
      var key = Math.floor(xs[i] / CELL) + "," + Math.floor(ys[i] / CELL);
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(i);
    }

    var view = { s: 1, x: 0, y: 0 };
    var MAX_EDGES = 30000, fitScale = 1;
    var mode = "folder", hover = -1, lit = new Set(), width = 0, height = 0, queued = false;
    var palette = [], fg = "", edge = "", bg = "", grey = "";

    function resize() {
      var dpr = window.devicePixelRatio || 1;
      width = wrap.clientWidth;
      height = wrap.clientHeight;
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = width + "px";
      canvas.style.height = height + "px";
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    }

    function fit() {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (var k = 0; k < n; k++) {
        x0 = Math.min(x0, xs[k]); y0 = Math.min(y0, ys[k]);
        x1 = Math.max(x1, xs[k]); y1 = Math.max(y1, ys[k]);
      }
      if (!n) { x0 = y0 = -1; x1 = y1 = 1; }
      view.s = fitScale = Math.min(width / (x1 - x0 + 80), height / (y1 - y0 + 80), 3);
      view.x = width / 2 - (x0 + x1) / 2 * view.s;
      view.y = height / 2 - (y0 + y1) / 2 * view.s;
    }

    function colours() {
      palette = [];
      for (var k = 0; k < 10; k++) palette.push(css("--graph-c" + k) || "#888");
      fg = css("--fg"); edge = css("--graph-edge"); bg = css("--bg"); grey = css("--graph-unresolved");
    }

    function colourOf(k) {
      var node = d.nodes[k];
      if (node[4] < 0) return grey;
      if (mode === "tag") return node[5] < 0 ? grey : palette[node[5] % 10];
      return palette[node[4]];
    }

    function draw() {
      queued = false;
      ctx.clearRect(0, 0, width, height);
      var s = view.s, ox = view.x, oy = view.y;
      ctx.lineWidth = 1;
      ctx.strokeStyle = edge;
      ctx.globalAlpha = hover >= 0 ? 0.25 : Math.min(1, 0.35 + s * 0.4);
      // Level of detail: seen whole, a big graph draws an even sample of its links; zoomed
      // in, every link with an end on screen.
      var stride = s > fitScale * 3 ? 1 : Math.max(1, Math.ceil(d.edges.length / 2 / MAX_EDGES));
      ctx.beginPath();
      for (var e = 0; e < d.edges.length; e += 2 * stride) {
        var a = d.edges[e], b = d.edges[e + 1];
        var ax = xs[a] * s + ox, ay = ys[a] * s + oy, bx = xs[b] * s + ox, by = ys[b] * s + oy;
        if ((ax < 0 || ay < 0 || ax > width || ay > height) && (bx < 0 || by < 0 || bx > width || by > height)) continue;
        ctx.moveTo(ax, ay);
        ctx.lineTo(bx, by);
      }
      ctx.stroke();
      if (hover >= 0) {
        ctx.globalAlpha = 1;
        ctx.strokeStyle = css("--accent");
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        adj[hover].forEach(function (o) {
          ctx.moveTo(xs[hover] * s + ox, ys[hover] * s + oy);
          ctx.lineTo(xs[o] * s + ox, ys[o] * s + oy);
        });
        ctx.stroke();
      }
      // One path per colour (faded ones first): a few fills, not one per node.
      var paths = new Map();
      for (var k = 0; k < n; k++) {
        var x = xs[k] * s + ox, y = ys[k] * s + oy, r = Math.max(1.5, rs[k] * s);
        if (x < -r || y < -r || x > width + r || y > height + r) continue;
        var key = (hover < 0 || lit.has(k) ? "1 " : "0 ") + colourOf(k);
        var path = paths.get(key);
        if (!path) { path = new Path2D(); paths.set(key, path); }
        path.moveTo(x + r, y);
        path.arc(x, y, r, 0, 6.2832);
      }
      Array.from(paths.keys()).sort().forEach(function (key) {
        ctx.globalAlpha = key.charAt(0) === "1" ? 1 : 0.2;
        ctx.fillStyle = key.slice(2);
        ctx.fill(paths.get(key));
      });
      ctx.globalAlpha = 1;
      labels(s, ox, oy);
    }

    // Labels where they fit: lit nodes first, then by links, none overlapping.
    function labels(s, ox, oy) {
      ctx.font = "12px " + getComputedStyle(document.body).fontFamily;
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineWidth = 3;
      ctx.strokeStyle = bg;
      ctx.fillStyle = fg;
      var taken = [], shown = 0;
      var order = hover >= 0 ? Array.from(lit).concat(byLinks) : byLinks;
      for (var q = 0; q < order.length && shown < 300; q++) {
        var k = order[q];
        if (hover >= 0 && !lit.has(k)) break;
        var r = rs[k] * s;
        if (!lit.has(k) && r < 4.5) continue;
        var x = xs[k] * s + ox, y = ys[k] * s + oy + Math.max(1.5, r) + 2;
        if (x < -100 || y < -20 || x > width + 100 || y > height + 20) continue;
        var label = lookup(site, k).title;
        if (label.length > 28) label = label.slice(0, 27) + "…";
        var w = ctx.measureText(label).width;
        var box = [x - w / 2, y, x + w / 2, y + 14];
        if (taken.some(function (t) { return box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1]; })) continue;
        taken.push(box);
        ctx.strokeText(label, x, y);
        ctx.fillText(label, x, y);
        shown++;
      }
    }

    function redraw() {
      if (!queued) { queued = true; window.requestAnimationFrame(draw); }
      wrap.setAttribute("data-scale", view.s.toFixed(3));
    }

    function nodeAt(px, py) {
      var wx = (px - view.x) / view.s, wy = (py - view.y) / view.s;
      var best = -1, bestD = Infinity;
      var reach = Math.max(8 / view.s, 12);
      var cx = Math.floor(wx / CELL), cy = Math.floor(wy / CELL), span = Math.ceil(reach / CELL);
      for (var gx = cx - span; gx <= cx + span; gx++) {
        for (var gy = cy - span; gy <= cy + span; gy++) {
          (grid.get(gx + "," + gy) || []).forEach(function (k) {
            var dx = xs[k] - wx, dy = ys[k] - wy, dd = Math.sqrt(dx * dx + dy * dy);
            if (dd <= Math.max(rs[k], 6 / view.s) && dd < bestD) { best = k; bestD = dd; }
          });
        }
      }
      return best;
    }

    function setHover(k) {
      if (k === hover) return;
      hover = k;
      lit = new Set(k >= 0 ? [k].concat(adj[k]) : []);
      wrap.style.cursor = k >= 0 && lookup(site, k).page ? "pointer" : "";
      if (k >= 0) {
        var m = adj[k].length;
        var title = lookup(site, k).title;
        info.textContent = title + " · " + m + (m === 1 ? " link" : " links");
        wrap.setAttribute("data-hover", title);
        wrap.setAttribute("data-lit", String(lit.size));
      } else {
        info.textContent = "";
        wrap.removeAttribute("data-hover");
        wrap.removeAttribute("data-lit");
      }
      redraw();
    }

    function zoom(f, px, py) {
      var s = Math.min(40, Math.max(0.02, view.s * f));
      f = s / view.s;
      view.x = px - (px - view.x) * f;
      view.y = py - (py - view.y) * f;
      view.s = s;
      redraw();
    }

    function local(ev) {
      var r = canvas.getBoundingClientRect();
      return [ev.clientX - r.left, ev.clientY - r.top];
    }

    canvas.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = local(ev);
      zoom(Math.exp(-ev.deltaY * 0.002), p[0], p[1]);
    }, { passive: false });
    var pointers = new Map(), pinch = 0;
    canvas.addEventListener("pointerdown", function (ev) {
      pointers.set(ev.pointerId, local(ev));
      if (pointers.size === 2) {
        var ps = Array.from(pointers.values());
        pinch = Math.hypot(ps[0][0] - ps[1][0], ps[0][1] - ps[1][1]);
      }
    });
    canvas.addEventListener("pointermove", function (ev) {
      var p = local(ev);
      if (pointers.size === 2 && pointers.has(ev.pointerId)) {
        pointers.set(ev.pointerId, p);
        var ps = Array.from(pointers.values());
        var dist = Math.hypot(ps[0][0] - ps[1][0], ps[0][1] - ps[1][1]);
        if (pinch) zoom(dist / pinch, (ps[0][0] + ps[1][0]) / 2, (ps[0][1] + ps[1][1]) / 2);
        pinch = dist;
        return;
      }
      if (!(ev.buttons & 1)) setHover(nodeAt(p[0], p[1]));
    });
    function up(ev) { pointers.delete(ev.pointerId); if (pointers.size < 2) pinch = 0; }
    canvas.addEventListener("pointerup", up);
    canvas.addEventListener("pointercancel", up);
    canvas.addEventListener("pointerleave", function () { setHover(-1); });
    dragger(canvas, function (dx, dy) {
      if (pointers.size > 1) return;
      view.x += dx;
      view.y += dy;
      redraw();
    }, function (ev) {
      var p = local(ev);
      var k = nodeAt(p[0], p[1]);
      var page = k >= 0 && lookup(site, k).page;
      if (page) window.location.href = root + page.split("/").map(encodeURIComponent).join("/");
    });
    wrap.addEventListener("keydown", function (ev) {
      var step = 40, keys = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (keys[ev.key]) { view.x += keys[ev.key][0]; view.y += keys[ev.key][1]; redraw(); ev.preventDefault(); }
      if (ev.key === "+" || ev.key === "=") zoom(1.25, width / 2, height / 2);
      if (ev.key === "-") zoom(0.8, width / 2, height / 2);
    });
    document.querySelectorAll("[data-zoom]").forEach(function (b) {
      b.addEventListener("click", function () {
        var z = b.getAttribute("data-zoom");
        if (z === "fit") { fit(); redraw(); } else zoom(z === "in" ? 1.4 : 1 / 1.4, width / 2, height / 2);
      });
    });
    var select = document.getElementById("graph-colour");
    if (select) select.addEventListener("change", function () { mode = select.value; legend(); redraw(); });

    // The ten most common folders (or tags) and their colours.
    function legend() {
      var list = document.getElementById("graph-legend");
      if (!list) return;
      list.textContent = "";
      var names = mode === "tag" ? d.tags : d.folders;
      var counts = new Map();
      d.nodes.forEach(function (node) {
        var g = mode === "tag" ? node[5] : node[3];
        if (g >= 0) counts.set(g, (counts.get(g) || 0) + 1);
      });
      Array.from(counts.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; }).slice(0, 10)
        .forEach(function (entry) {
          var sample = d.nodes.find(function (node) { return (mode === "tag" ? node[5] : node[3]) === entry[0]; });
          var li = document.createElement("li");
          var dot = document.createElement("span");
          dot.className = "swatch";
          dot.style.background = mode === "tag" ? palette[entry[0] % 10] : palette[sample[4]];
          li.appendChild(dot);
          li.appendChild(document.createTextNode((mode === "tag" ? "#" : "") + (names[entry[0]] || "(vault root)") + " " + entry[1]));
          list.appendChild(li);
        });
    }

    new MutationObserver(function () { colours(); legend(); redraw(); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    window.addEventListener("resize", function () { resize(); redraw(); });
    resize();
    colours();
    fit();
    legend();
    redraw();
    wrap.setAttribute("data-ready", String(n));

    // For tests and the curious: where a note is drawn, in page coordinates.
    api.view = {
      state: view,
      find: function (title) {
        for (var k = 0; k < n; k++) if (lookup(site, k).title === title) return k;
        return -1;
      },
      point: function (k) {
        var r = canvas.getBoundingClientRect();
        return { x: r.left + xs[k] * view.s + view.x, y: r.top + ys[k] * view.s + view.y };
      },
      neighbours: function (k) { return adj[k].slice(); },
    };
  }

  // ---- local graphs: drawn from the page's packed nodes and links ----
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var SVG = "http://www.w3.org/2000/svg";
  var LABEL = 20;

  // data-graph (see src/site/svg.rs, `pack`): digit width w, node count n, n × (number in w
  // digits, x and y in two each), then one bit per pair of nodes, six to a digit.
  function unpack(s) {
    var at = 0;
    function num(width) {
      var v = 0;
      for (var k = 0; k < width; k++) v = v * 64 + DIGITS.indexOf(s.charAt(at++));
      return v;
    }
    var w = num(1), n = num(1), nodes = [], pairs = [];
    for (var i = 0; i < n; i++) nodes.push({ number: num(w), x: num(2), y: num(2), links: [] });
    var bit = 0;
    for (i = 0; i < n; i++) {
      for (var j = i + 1; j < n; j++, bit++) {
        var d = DIGITS.indexOf(s.charAt(at + Math.floor(bit / 6)));
        if (d >= 0 && (d >> (5 - bit % 6)) & 1) {
          pairs.push([i, j]);
          nodes[i].links.push(j);
          nodes[j].links.push(i);
        }
      }
    }
    return { nodes: nodes, pairs: pairs };
  }

  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  // Each node's title, page and colour come from nav-data.js: notes by number, then names.
  function drawLocal(svg, site) {
    var g = unpack(svg.getAttribute("data-graph") || "");
    var d = "";
    g.pairs.forEach(function (p) {
      var a = g.nodes[p[0]], b = g.nodes[p[1]];
      d += "M" + a.x + " " + a.y + "L" + b.x + " " + b.y;
    });
    svg.appendChild(svgEl("path", { "class": "edges", d: d }));
    g.nodes.forEach(function (node, i) {
      var note = site.notes[node.number];
      var name = note ? note[1] : (site.names[node.number - site.notes.length] || ["?", ""])[0];
      var page = note ? note[2] : (site.names[node.number - site.notes.length] || ["", ""])[1];
      var colour = note ? (note[0] < 0 ? site.rootColour : site.colours[note[0]]) : 0;
      var kind = i === 0 ? "current" : note ? "note" : "unresolved";
      var r = Math.round(3 + 1.5 * Math.sqrt(node.links.length)) + (i === 0 ? 1 : 0);
      var a = svgEl("a", { "class": "node " + kind + " c" + colour, "data-links": node.links.join(" ") });
      if (page) a.setAttribute("href", root + page.split("/").map(encodeURIComponent).join("/"));
      var label = name;
      if (Array.from(name).length > LABEL) {
        label = Array.from(name).slice(0, LABEL - 1).join("").trimEnd() + "…";
        a.appendChild(svgEl("title", {}, name));
      }
      a.appendChild(svgEl("circle", { cx: node.x, cy: node.y, r: r }));
      a.appendChild(svgEl("text", { x: node.x, y: node.y + r + 11 }, label));
      svg.appendChild(a);
    });
    svg.setAttribute("role", "img");
    var own = svg.querySelector(".node.current text");
    if (own) svg.setAttribute("aria-label", "Notes linked with " + (own.parentNode.querySelector("title") || own).textContent);
    svg.setAttribute("data-ready", String(g.nodes.length));
    localGraph(svg);
  }

  // Drawn when first in view (nav-data.js is loaded then, if the tree has not loaded it).
  ready(function () {
    var graphs = document.querySelectorAll("svg.graph[data-graph]");
    if (!graphs.length || !window.vaultcNav) return;
    function show(svg) {
      window.vaultcNav.load().then(function (site) { drawLocal(svg, site); });
    }
    if (!("IntersectionObserver" in window)) { graphs.forEach(show); return; }
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { seen.unobserve(e.target); show(e.target); }
      });
    }, { rootMargin: "200px" });
    graphs.forEach(function (svg) { seen.observe(svg); });
  });
})();
