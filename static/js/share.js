// Progressive enhancement for sharing. Without it, row links are plain links, and the
// downloads and the embed code remain; share.css hides the buttons where scripting is off.
(function () {
  "use strict";
  var status = document.querySelector("[data-share-status]");
  var result = document.querySelector("[data-share-result]");
  var canCopy = Boolean(navigator.clipboard && window.isSecureContext);
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
    if (!canCopy) return false;
    navigator.clipboard.writeText(text).then(
      function () { announce(done); },
      function () { announce("Could not copy; the link is in the address bar."); }
    );
    return true;
  }

  // Several forms at once ({"text/html": …, "text/plain": …}; values may be promises), or
  // the plain text alone where the browser has no ClipboardItem. The item is handed to the
  // clipboard during the click and filled when ready: Safari refuses a write that starts
  // only after a fetch.
  function copyForms(forms) {
    if (window.ClipboardItem && navigator.clipboard.write) {
      var item = {};
      Object.keys(forms).forEach(function (type) {
        item[type] = Promise.resolve(forms[type]).then(function (text) {
          return new Blob([text], { type: type });
        });
      });
      return navigator.clipboard.write([new ClipboardItem(item)]);
    }
    return Promise.resolve(forms["text/plain"]).then(function (text) {
      return navigator.clipboard.writeText(text);
    });
  }

  function fetchOk(url, accept) {
    return fetch(url, { headers: { Accept: accept }, credentials: "same-origin" }).then(
      function (response) {
        if (response.ok) return response;
        return response.json().then(
          function (data) { throw new Error(data.error || response.statusText); },
          function () { throw new Error(response.statusText || "the server did not answer"); }
        );
      }
    );
  }

  // A share link carries the moment it was made, so that whoever opens it later is told
  // which rows changed since ("as_of", seconds since 1970).
  // Appended as text: URLSearchParams would write the commas of "only=a,b" as %2C.
  function withAsOf(href) {
    var url = new URL(href, document.baseURI);
    var stamp = "as_of=" + String(Math.floor(Date.now() / 1000));
    url.search = url.search ? url.search + "&" + stamp : "?" + stamp;
    return url.href;
  }

  function link(href, text) {
    var anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = text;
    return anchor;
  }

  // The table on the page as a document would want it pasted: its rows, cells and sources
  // with absolute links, without the page's controls, markers and attributes.
  var KEPT_ATTRIBUTES = ["href", "colspan", "rowspan", "scope"];
  var LEFT_OUT = "caption, .old-anchor, .row-link, .difference, .tags, .badge, .visually-hidden";

  function tableHtml(button) {
    var table = document.querySelector(".comparison-table").cloneNode(true);
    table.querySelectorAll("a[href]").forEach(function (anchor) {
      anchor.setAttribute("href", anchor.href);
    });
    table.querySelectorAll(LEFT_OUT).forEach(function (element) { element.remove(); });
    // A row's header cell pastes as a plain cell with its title in bold: in a <th>, the
    // question would paste bold and centred.
    table.querySelectorAll("tbody th").forEach(function (header) {
      var cell = document.createElement("td");
      cell.append.apply(cell, Array.from(header.childNodes));
      if (header.rowSpan > 1) cell.rowSpan = header.rowSpan;
      cell.querySelectorAll(".row-title").forEach(function (title) {
        var strong = document.createElement("strong");
        title.replaceWith(strong);
        strong.appendChild(title);
      });
      header.replaceWith(cell);
    });
    // What the page says with style ("Common ground", the numbered sources), said in words.
    table.querySelectorAll(".common-ground .label").forEach(function (label) {
      var strong = document.createElement("strong");
      strong.textContent = label.textContent + ": ";
      label.replaceWith(strong);
    });
    table.querySelectorAll(".sources").forEach(function (list) {
      var heading = document.createElement("p");
      heading.textContent = "Sources:";
      list.before(heading);
    });
    [table].concat(Array.from(table.querySelectorAll("*"))).forEach(function (element) {
      Array.from(element.attributes).forEach(function (attribute) {
        if (KEPT_ATTRIBUTES.indexOf(attribute.name) === -1) element.removeAttribute(attribute.name);
      });
    });
    var url = button.getAttribute("data-table-link");
    var heading = document.createElement("h2");
    heading.appendChild(link(url, button.getAttribute("data-table-title")));
    var back = document.createElement("p");
    back.append("Source: ", link(url, url));
    var wrapper = document.createElement("div");
    wrapper.append(heading, table, back);
    return wrapper.innerHTML;
  }

  function copyTable(button) {
    if (!canCopy) {
      announce("This browser cannot copy here; download the table instead.");
      return;
    }
    var markdown = fetchOk(button.getAttribute("data-copy-table"), "text/markdown").then(
      function (response) { return response.text(); }
    );
    copyForms({ "text/html": tableHtml(button), "text/plain": markdown }).then(
      function () { announce("Table copied: paste it into a document or a chat"); },
      function () { announce("Could not copy the table; download it instead."); }
    );
  }

  function showResult(label, url) {
    if (!result) return;
    result.textContent = label + " ";
    result.appendChild(link(url, url));
    result.hidden = false;
  }

  function copyShortLink(button) {
    if (!canCopy) {
      fetchOk(button.getAttribute("data-short-link"), "application/json")
        .then(function (response) { return response.json(); })
        .then(function (data) { showResult("Short link:", data.url); });
      return;
    }
    var url = fetchOk(button.getAttribute("data-short-link"), "application/json")
      .then(function (response) { return response.json(); })
      .then(function (data) { return data.url; });
    copyForms({ "text/plain": url }).then(
      function () {
        url.then(function (href) {
          showResult("Short link (copied):", href);
          announce("Short link copied");
        });
      },
      function () {
        // The link may exist though the clipboard refused it: show it, to copy by hand.
        url.then(
          function (href) {
            showResult("Short link:", href);
            announce("Could not copy; the short link is shown below the buttons.");
          },
          function (error) { announce("No short link: " + error.message); }
        );
      }
    );
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var view = target.closest("[data-copy-view]");
    if (view) {
      var href = withAsOf(view.getAttribute("data-copy-view"));
      if (!copy(href, "Link copied")) showResult("Link:", href);
      return;
    }
    var short = target.closest("[data-short-link]");
    if (short) {
      copyShortLink(short);
      return;
    }
    var table = target.closest("[data-copy-table]");
    if (table) {
      copyTable(table);
      return;
    }
    if (target.closest("[data-print]")) {
      window.print();
      return;
    }
    var row = target.closest("[data-copy-link]");
    if (row) {
      if (copy(withAsOf(row.href), "Link copied")) {
        event.preventDefault();
        history.replaceState(null, "", row.hash);
      }
      return;
    }
    var button = target.closest("[data-copy-target]");
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

  // A printed page says when it was printed; the server wrote the day the page was made.
  window.addEventListener("beforeprint", function () {
    var now = new Date();
    var day = [now.getFullYear(), now.getMonth() + 1, now.getDate()].map(function (part) {
      return String(part).padStart(2, "0");
    }).join("-");
    document.querySelectorAll("[data-print-date]").forEach(function (date) {
      date.setAttribute("datetime", day);
      date.textContent = now.toLocaleDateString("en-GB", {
        day: "numeric", month: "short", year: "numeric"
      });
    });
  });

})();
