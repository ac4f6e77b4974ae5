// Progressive enhancement for sharing: without it, row links are plain links.
(function () {
  "use strict";
  var status = document.querySelector("[data-share-status]");
  var timer = null;

  function announce(message) {
    if (!status) return;
    status.textContent = message;
    status.classList.add("is-visible");
    clearTimeout(timer);
    timer = setTimeout(function () {
      status.classList.remove("is-visible");
      status.textContent = "";
    }, 2500);
  }

  function copy(text, done) {
    if (!navigator.clipboard || !window.isSecureContext) return false;
    navigator.clipboard.writeText(text).then(
      function () { announce(done); },
      function () { announce("Could not copy; the link is in the address bar."); }
    );
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-copy-link]");
    if (link) {
      var url = link.href;
      if (copy(url, "Link copied")) {
        event.preventDefault();
        history.replaceState(null, "", link.hash);
      }
      return;
    }
    var button = event.target.closest("[data-copy-target]");
    if (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (field && !copy(field.value, "Embed code copied")) {
        field.select();
      }
    }
  });

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
  });
})();
