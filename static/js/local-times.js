// Progressive enhancement for times. Pages are shared-cached, so the server prints times in
// UTC, labelled "UTC"; this rewrites each `<time datetime data-local>` in the reader's own
// time zone and locale (day, month, year, hour:minute and the zone's short name). Without
// it, the UTC text stays; the UTC text remains in the title either way.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var format;
  try {
    format = new Intl.DateTimeFormat(undefined, {
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "numeric",
      minute: "2-digit",
      timeZoneName: "short"
    });
  } catch (error) {
    return;
  }
  var times = document.querySelectorAll("time[datetime][data-local]");
  Array.prototype.forEach.call(times, function (time) {
    var moment = new Date(time.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    if (!time.title) time.title = time.textContent;
    time.textContent = format.format(moment);
  });
})();
