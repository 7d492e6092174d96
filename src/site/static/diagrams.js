// Draws the page's Mermaid diagrams (<pre class="mermaid">, whose text is the diagram) with
// the vendored assets/mermaid.min.js, in the page's light or dark colours. Loaded only by
// pages that have a diagram.
(function () {
  "use strict";
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
})();
