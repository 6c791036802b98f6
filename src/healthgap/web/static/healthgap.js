// Draw every chart on the page: <div data-chart="ID"> takes its Vega-Lite spec from
// <script type="application/json" id="ID"> (data, not code, so the Content-Security-Policy
// needs no inline scripts). Runs again after each HTMX swap.
(function () {
  function draw(root) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source || typeof vegaEmbed === "undefined") return;
      el.dataset.drawn = "1";
      vegaEmbed(el, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
        .catch(function (err) { el.textContent = "The chart could not be drawn: " + err; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
