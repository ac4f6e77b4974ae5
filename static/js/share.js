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

  // A share link carries the moment it was made, so that whoever opens it later is told
  // which rows changed since ("as_of", seconds since 1970).
  function withAsOf(href) {
    var url = new URL(href, document.baseURI);
    url.searchParams.set("as_of", String(Math.floor(Date.now() / 1000)));
    return url.href;
  }

  document.addEventListener("click", function (event) {
    var view = event.target.closest("[data-copy-view]");
    if (view) {
      copy(withAsOf(view.getAttribute("data-copy-view")), "Link copied");
      return;
    }
    var link = event.target.closest("[data-copy-link]");
    if (link) {
      var url = withAsOf(link.href);
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

  // The filter form makes a share link too: stamp it with the moment it is submitted.
  document.addEventListener("submit", function (event) {
    var stamp = event.target.querySelector("[data-as-of]");
    if (stamp) stamp.value = String(Math.floor(Date.now() / 1000));
  });

  document.querySelectorAll("[data-copy-target], [data-copy-view]").forEach(function (button) {
    button.hidden = false;
  });
})();
