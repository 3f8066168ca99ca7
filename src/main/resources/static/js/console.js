// Small progressive enhancement only (CSP: script-src 'self', no inline script): forms marked with
// data-confirm ask before they submit. Without JavaScript they simply submit.
document.addEventListener('submit', function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// --- admin: jobs (issue 5) ---
// A run page of a running job carries data-progress-url: poll it every 2 s and move the progress bar; reload the
// page once the run has ended (the server renders the final state). Without JavaScript the page shows the state
// it was rendered with.
(function () {
  var box = document.getElementById('run-progress');
  var url = box && box.getAttribute('data-progress-url');
  if (!url || !window.fetch) {
    return;
  }
  var bar = document.getElementById('run-progress-bar');
  var status = document.getElementById('run-status');
  var text = document.getElementById('run-progress-text');
  function poll() {
    fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { return; }
        if (!p.running) { window.location.reload(); return; }
        if (p.percent !== null && p.percent !== undefined) { bar.value = p.percent; } else { bar.removeAttribute('value'); }
        status.textContent = p.status;
        text.textContent = 'read ' + p.read + ', written ' + p.written + ', skipped ' + p.skipped
          + (p.step ? ' (' + p.step + ')' : '');
        window.setTimeout(poll, 2000);
      });
  }
  window.setTimeout(poll, 2000);
})();

// --- reconciliation: a dry run's page (issue 12; the console, issue 16) ---
// An element with data-reload-after="N" (seconds) reloads the page after N seconds: the dry run's page until the
// result is there. (An inline script would be refused by the Content-Security-Policy.) Without JavaScript the page
// says that it is running; reloading it shows the result.
(function () {
  var waiting = document.querySelector('[data-reload-after]');
  if (waiting) {
    window.setTimeout(function () { window.location.reload(); },
        1000 * Number(waiting.getAttribute('data-reload-after')));
  }
})();
