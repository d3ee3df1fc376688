// Logging out clears what this phone keeps of Smena (the server answers
// with Clear-Site-Data: the roll calls' cached pages, which name children,
// and the marks waiting to be sent). So the marks still waiting are sent
// first; any that cannot be (no connection) are named, and logging out
// goes ahead only when the chaperone says so.
(function () {
  'use strict';
  var form = document.querySelector('form[action="/logout"]');
  if (!form || !window.localStorage) { return; }
  var prefix = 'smena-roll-call-';

  function waiting() {
    var out = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key.indexOf(prefix) !== 0) { continue; }
      var marks;
      try { marks = JSON.parse(localStorage.getItem(key) || '[]'); } catch (e) { marks = []; }
      if (marks.length) { out.push({ key: key, rollCall: key.slice(prefix.length), marks: marks }); }
    }
    return out;
  }
  function send(q) {
    return fetch('/roll-calls/' + encodeURIComponent(q.rollCall) + '/marks', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': form.elements.csrf.value },
      body: JSON.stringify({ marks: q.marks })
    }).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (answer) {
      var done = {};
      answer.received.forEach(function (id) { done[id] = true; });
      answer.refused.forEach(function (x) { done[x.id] = true; });
      var left = q.marks.filter(function (m) { return !done[m.id]; });
      if (left.length) { localStorage.setItem(q.key, JSON.stringify(left)); } else { localStorage.removeItem(q.key); }
    }).catch(function () { /* no connection: they stay */ });
  }

  form.addEventListener('submit', function (e) {
    var queued = waiting();
    if (!queued.length) { return; }
    e.preventDefault();
    Promise.all(queued.map(send)).then(function () {
      var left = waiting().reduce(function (n, q) { return n + q.marks.length; }, 0);
      if (left && !window.confirm(form.dataset.unsent.replace('#', String(left)))) { return; }
      form.submit();
    });
  });
}());
