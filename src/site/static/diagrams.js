// Draws the page's Mermaid diagrams (<pre class="mermaid">, whose text is the diagram) with
// the vendored assets/mermaid.min.js, loaded from here, in the page's light or dark colours.
// Loaded only by pages that have a diagram (and not when the search reads the page's text).
(function () {
  "use strict";
  if (window.location.hash === "#vaultc-text" && window.parent !== window) return;
  var me = document.currentScript;
  var src = me ? (me.getAttribute("src") || "").replace(/diagrams\.js$/, "mermaid.min.js") : "";
  var script = document.createElement("script");
  script.src = src;
  script.onload = function () {
    if (!window.mermaid) return;
    var root = document.documentElement;
    var theme = root.getAttribute("data-theme");
    if (!theme) {
      theme = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    }
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: theme === "dark" ? "dark" : "default"
    });
    window.mermaid.run({ querySelector: "pre.mermaid" });
  };
  document.head.appendChild(script);
})();
