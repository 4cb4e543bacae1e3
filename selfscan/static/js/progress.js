// Follows queued and running jobs on the region reports page (programme/report_bundles.html):
// every 3 seconds it reads their progress; when one is done or failed it reloads the page,
// which then offers the download. Without JavaScript the page has a Refresh link.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section || !section.querySelector("progress")) { return; }
  var url = section.getAttribute("data-progress-url");
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (jobs) {
        var waiting = false;
        jobs.forEach(function (job) {
          var item = section.querySelector('[data-job="' + job.id + '"]');
          if (!item) { return; }
          var bar = item.querySelector("progress");
          if (!bar) { return; }
          if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
          waiting = true;
          bar.max = job.total || 1;
          bar.value = job.done;
          item.querySelector(".job-count").textContent = job.done + " / " + job.total;
        });
        if (waiting) { window.setTimeout(poll, 3000); }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 3000);
})();
