// A roll call that keeps working without a connection: each mark is kept
// in the phone's local storage with an id of its own and sent when the
// phone is online; the server keeps a mark once however often it arrives,
// and answers which it has, which are then forgotten here. Without
// JavaScript the same buttons post one mark each.
(function () {
  'use strict';
  var sheet = document.getElementById('roll-call');
  if (!sheet || !window.SmenaMarks) { return; }
  var rollCall = sheet.dataset.rollCall;
  var status = document.getElementById('sync-status');
  var sending = false;

  function queue() { return SmenaMarks.read(rollCall); }
  function keep(marks) { SmenaMarks.keep(rollCall, marks); }
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }
  function show(application, text, problem) {
    var row = sheet.querySelector('[data-application="' + application + '"]');
    if (!row) { return; }
    row.querySelector('.mark').textContent = text;
    var old = row.querySelector('.sync-problem');
    if (old) { old.remove(); }
    if (problem) {
      var p = document.createElement('p');
      p.className = 'error sync-problem';
      p.setAttribute('role', 'alert');
      p.textContent = problem;
      row.appendChild(p);
    }
  }
  function render() {
    var marks = queue();
    marks.forEach(function (m) { show(m.application, sheet.dataset['word' + m.mark.charAt(0).toUpperCase() + m.mark.slice(1)]); });
    var text = marks.length ? sheet.dataset.waiting.replace('#', String(marks.length)) : sheet.dataset.sent;
    if (marks.length && !navigator.onLine) { text += ' ' + sheet.dataset.offline; }
    status.textContent = text;
    status.dataset.waiting = String(marks.length);
  }
  function flush() {
    var marks = queue();
    if (!marks.length || sending || !navigator.onLine) { render(); return Promise.resolve(); }
    sending = true;
    return SmenaMarks.send(rollCall, marks, sheet.dataset.csrf).then(function (answer) {
      answer.refused.forEach(function (x) {
        var m = marks.filter(function (m) { return m.id === x.id; })[0];
        if (m) { show(m.application, '', x.reason); }
      });
      // The page as the server now has it, for the next time offline.
      if (window.caches) { caches.open('smena-roll-calls').then(function (c) { return c.add(location.pathname); }).catch(function () {}); }
    }).catch(function () { /* still offline: the marks wait */ })
      .then(function () { sending = false; render(); });
  }

  sheet.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.classList.contains('mark-form') || !e.submitter) { return; }
    e.preventDefault();
    var marks = queue();
    marks.push({
      id: newId(),
      application: form.elements.application.value,
      mark: e.submitter.value,
      marked_at: Date.now()
    });
    keep(marks);
    render();
    flush();
  });
  // Closing needs the server: the marks go first.
  var close = document.getElementById('close-roll-call');
  if (close) {
    close.addEventListener('submit', function (e) {
      if (!queue().length) { return; }
      e.preventDefault();
      if (!navigator.onLine) { render(); return; }
      flush().then(function () { if (!queue().length) { close.submit(); } });
    });
  }
  window.addEventListener('online', flush);
  window.addEventListener('offline', render);
  setInterval(flush, 10000);
  render();
  flush();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/roll-calls/sw.js', { scope: '/roll-calls/' }).then(function () {
      return caches.open('smena-roll-calls');
    }).then(function (c) {
      return c.addAll([location.pathname, '/roll-calls/marks.js', '/roll-calls/offline.js', '/static/smena.css']);
    }).catch(function () {});
  }
}());
