/* Fangguanfu: the little script the pages use, embedded in the binary and loaded from our own
   origin, so the Content-Security-Policy can forbid inline script. Every page works without it. */
(function () {
  'use strict';

  // Print and back buttons: <… data-print> and <… data-back>.
  document.addEventListener('click', function (e) {
    var t = e.target && e.target.closest ? e.target.closest('[data-print],[data-back]') : null;
    if (!t) return;
    e.preventDefault();
    if (t.hasAttribute('data-print')) { window.print(); } else { history.back(); }
  });

  function ready(fn) {
    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', fn); } else { fn(); }
  }

  ready(function () {
    // The matter form: attaching a blank form or sample uploads it at once and fills in its
    // file number; without script the number of a file uploaded elsewhere can be typed in.
    var f = document.querySelector('form.matter-form');
    if (f && window.FormData && window.fetch) {
      var csrf = f.querySelector('input[name=_csrf]').value;
      f.querySelectorAll('input.upload').forEach(function (u) {
        u.addEventListener('change', function () {
          if (!u.files.length) return;
          var d = new FormData(); d.append('_csrf', csrf); d.append('file', u.files[0]);
          fetch('/catalog/files', { method: 'POST', body: d, credentials: 'same-origin' })
            .then(function (r) { return r.json(); })
            .then(function (j) {
              if (j.content_hash) { u.parentNode.querySelector('input[name=' + u.dataset.for + ']').value = j.content_hash; }
            });
        });
      });
    }

    // Pickers: the search box above a list of people hides those that do not match; the
    // list is whole without script.
    document.querySelectorAll('.picker').forEach(function (pk) {
      var q = pk.querySelector('.picker-q');
      if (!q) return;
      q.addEventListener('input', function () {
        var v = q.value.trim().toLowerCase();
        pk.querySelectorAll('[data-search]').forEach(function (o) {
          o.hidden = v !== '' && o.getAttribute('data-search').indexOf(v) < 0;
        });
        pk.querySelectorAll('optgroup, fieldset.picker-group').forEach(function (g) {
          g.hidden = !g.querySelector('[data-search]:not([hidden])');
        });
        var sel = pk.querySelector('select');
        if (sel && v !== '') {
          var first = sel.querySelector('option[data-search]:not([hidden])');
          if (first && (sel.selectedIndex < 0 || sel.options[sel.selectedIndex].hidden || sel.value === '')) { sel.value = first.value; }
        }
      });
    });

    // The catalogue import: upload with a progress bar; without script the form posts as usual.
    var imp = document.getElementById('import-form');
    if (imp && window.FormData) {
      imp.addEventListener('submit', function (e) {
        e.preventDefault();
        var p = document.getElementById('import-progress'); p.hidden = false;
        var x = new XMLHttpRequest(); x.open('POST', imp.action);
        x.upload.onprogress = function (ev) { if (ev.lengthComputable) { p.value = Math.round(ev.loaded * 100 / ev.total); } };
        x.onload = function () { document.open(); document.write(x.responseText); document.close(); };
        x.send(new FormData(imp));
      });
    }
  });
})();
