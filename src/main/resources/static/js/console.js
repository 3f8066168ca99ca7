// Small progressive enhancement only (CSP: script-src 'self', no inline script): forms marked with
// data-confirm ask before they submit. Without JavaScript they simply submit.
document.addEventListener('submit', function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
