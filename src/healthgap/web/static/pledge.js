// Progressive enhancements of the public pledge pages; everything works without them.
// - "Copy link" buttons copy their data-copy address (the share links work without this).
// - The own-pledge box counts its characters as the person types.
(function () {
  function copyButtons(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var done = function () {
          var status = document.getElementById(button.dataset.status);
          if (status) status.textContent = "Link copied.";
        };
        if (navigator.clipboard) navigator.clipboard.writeText(button.dataset.copy).then(done);
      });
    });
  }
  function counters(root) {
    root.querySelectorAll("textarea[data-max]").forEach(function (box) {
      var hint = document.getElementById(box.id + "-count");
      if (!hint) return;
      var update = function () {
        var left = Number(box.dataset.max) - Array.from(box.value).length;
        hint.textContent = left >= 0 ? "You have " + left + " characters left" :
          "You have " + (-left) + " characters too many";
      };
      box.addEventListener("input", update);
      update();
    });
  }
  document.addEventListener("DOMContentLoaded", function () { copyButtons(document); counters(document); });
})();
