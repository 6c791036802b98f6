// healthgap's only script (no inline scripts: the Content-Security-Policy forbids them).
//
// 1. Charts: <div data-chart="ID"> takes its Vega-Lite spec from
//    <script type="application/json" id="ID"> (data, not code) and is drawn by vega-embed with
//    Vega's expression interpreter (ast: true), so the CSP needs no 'unsafe-eval'.
// 2. Errors: when an error summary ([data-hg-errors], partial _error_summary.html) arrives, each
//    control it links to is marked in error the GOV.UK way (red border, message above it,
//    aria-describedby) and focus moves to the summary; the marks clear on the next answer.
// 3. Glossary links (a.hg-term): the definition shows on hover and focus (CSS); Escape hides it
//    without moving the pointer or the focus, and it comes back on the next hover or focus.
//    An HTMX request says which terms the page already links outside the element it will
//    replace (header HG-Glossary-Seen), so the fragment links only terms new to the page.
(function () {
  "use strict";

  function embedOptions() {
    var options = { actions: false, renderer: "svg" };
    if (typeof vega !== "undefined" && typeof vegaInterpreter !== "undefined") {
      options.ast = true;
      options.expr = vegaInterpreter.expressionInterpreter;
    }
    return options;
  }

  function drawCharts(root) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source || typeof vegaEmbed === "undefined") return;
      el.dataset.drawn = "1";
      vegaEmbed(el, JSON.parse(source.textContent), embedOptions())
        .then(function () {
          // A chart wider than the page scrolls: keyboard users must be able to reach it.
          if (el.scrollWidth > el.clientWidth && !el.hasAttribute("tabindex")) {
            el.setAttribute("tabindex", "0");
            el.setAttribute("role", "region");
            el.setAttribute("aria-label", "Chart (scrolls sideways)");
          }
          el.dataset.rendered = "1";
        })
        .catch(function (err) { el.textContent = "The chart could not be drawn: " + err; });
    });
  }

  function clearErrors(form) {
    if (!form) return;
    form.querySelectorAll("[data-hg-error-message]").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".govuk-form-group--error").forEach(function (el) {
      el.classList.remove("govuk-form-group--error");
    });
    form.querySelectorAll(".govuk-input--error, .govuk-select--error").forEach(function (el) {
      el.classList.remove("govuk-input--error", "govuk-select--error");
      var described = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== el.id + "-error";
      });
      if (described.length) el.setAttribute("aria-describedby", described.join(" "));
      else el.removeAttribute("aria-describedby");
    });
  }

  function markError(control, message) {
    control.classList.add(control.tagName === "SELECT" ? "govuk-select--error" : "govuk-input--error");
    var group = control.closest(".govuk-form-group") || control.parentElement;
    if (group.classList.contains("govuk-form-group")) group.classList.add("govuk-form-group--error");
    var note = document.createElement("p");
    note.className = "govuk-error-message";
    note.id = control.id + "-error";
    note.dataset.hgErrorMessage = "1";
    var hidden = document.createElement("span");
    hidden.className = "govuk-visually-hidden";
    hidden.textContent = "Error: ";
    note.appendChild(hidden);
    note.appendChild(document.createTextNode(message));
    control.parentNode.insertBefore(note, control);
    var described = control.getAttribute("aria-describedby");
    control.setAttribute("aria-describedby", described ? described + " " + note.id : note.id);
  }

  function showErrors(root, form) {
    var summaries = root.matches && root.matches("[data-hg-errors]")
      ? [root] : Array.prototype.slice.call(root.querySelectorAll("[data-hg-errors]"));
    summaries.forEach(function (summary) {
      summary.querySelectorAll("a[data-field]").forEach(function (link) {
        var control = document.getElementById(link.dataset.field);
        if (control) markError(control, link.textContent);
        link.addEventListener("click", function (event) {
          if (!control) return;
          event.preventDefault();
          control.focus();
          control.scrollIntoView({ block: "center" });
        });
      });
      summary.focus();
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("a.hg-term:hover, a.hg-term:focus").forEach(function (term) {
      term.classList.add("hg-term--dismissed");
    });
  });
  ["focusin", "mouseover"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      var term = event.target.closest && event.target.closest("a.hg-term");
      if (term && !term.contains(event.relatedTarget)) term.classList.remove("hg-term--dismissed");
    });
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var target = event.detail.target;
    var seen = [];
    document.querySelectorAll("a.hg-term").forEach(function (term) {
      if (target && target.contains(term)) return;
      var id = (term.getAttribute("href") || "").split("#")[1];
      if (id && seen.indexOf(id) < 0) seen.push(id);
    });
    event.detail.headers["HG-Glossary-Seen"] = seen.join(",");
  });

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    showErrors(document, document);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    clearErrors(event.detail.requestConfig && event.detail.requestConfig.elt
      ? event.detail.requestConfig.elt.closest("form") : null);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    drawCharts(event.target);
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    showErrors(event.target, elt ? elt.closest("form") : null);
  });
})();
