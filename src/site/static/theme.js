// Light and dark mode: the system's preference unless the reader picked one with the toggle
// (remembered in localStorage). Runs in <head> so the page never flashes the wrong colours.
(function () {
  "use strict";
  var KEY = "vaultc-theme";
  var root = document.documentElement;
  // Scripts run: parts drawn by them (local graphs) are shown.
  root.classList.add("js");

  // Loaded by the search page in a hidden frame for a result's snippet: hand the note over
  // (the search page reads its text, inert) and nothing more.
  if (window.location.hash === "#vaultc-text" && window.parent !== window) {
    document.addEventListener("DOMContentLoaded", function () {
      var body = document.querySelector(".note-body");
      window.parent.postMessage({ vaultcText: body ? body.outerHTML : "" }, "*");
    });
  }
  var saved = null;
  try { saved = window.localStorage.getItem(KEY); } catch (e) { /* storage off: follow the system */ }
  if (saved === "light" || saved === "dark") root.setAttribute("data-theme", saved);

  function current() {
    var set = root.getAttribute("data-theme");
    if (set) return set;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The toggle is made here (without this script it would do nothing), unless the theme's
    // page has one.
    var button = document.querySelector(".theme-toggle");
    var header = document.querySelector(".site-header");
    if (!button && header) {
      button = document.createElement("button");
      button.className = "theme-toggle";
      button.setAttribute("aria-label", "Light or dark");
      button.textContent = "◐";
      header.appendChild(button);
    }
    if (!button) return;
    button.type = "button";
    button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      button.setAttribute("aria-pressed", next === "dark" ? "true" : "false");
      try { window.localStorage.setItem(KEY, next); } catch (e) { /* not remembered */ }
    });
  });
})();
