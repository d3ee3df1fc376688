// The roll calls' marks kept on this phone until the server has them, one
// list per roll call in local storage: the roll call page
// (static/roll-call.js) adds and sends them, the logout button
// (static/before-logout.js) sends what is left before the phone is cleared.
var SmenaMarks = (function () {
  'use strict';
  var prefix = 'smena-roll-call-';

  function read(rollCall) {
    try { return JSON.parse(localStorage.getItem(prefix + rollCall) || '[]'); } catch (e) { return []; }
  }
  function keep(rollCall, marks) {
    if (marks.length) {
      localStorage.setItem(prefix + rollCall, JSON.stringify(marks));
    } else {
      localStorage.removeItem(prefix + rollCall);
    }
  }
  // Every roll call with marks waiting: [{ rollCall, marks }].
  function waiting() {
    var out = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key.indexOf(prefix) !== 0) { continue; }
      var rollCall = key.slice(prefix.length);
      var marks = read(rollCall);
      if (marks.length) { out.push({ rollCall: rollCall, marks: marks }); }
    }
    return out;
  }
  // Sends `marks`; once the server has answered, the marks it received or
  // refused are forgotten (any made meanwhile stay) and the answer is
  // passed on. Without a connection the promise fails and nothing changes.
  function send(rollCall, marks, csrf) {
    return fetch('/roll-calls/' + encodeURIComponent(rollCall) + '/marks', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ marks: marks })
    }).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (answer) {
      var done = {};
      answer.received.forEach(function (id) { done[id] = true; });
      answer.refused.forEach(function (x) { done[x.id] = true; });
      keep(rollCall, read(rollCall).filter(function (m) { return !done[m.id]; }));
      return answer;
    });
  }

  return { read: read, keep: keep, waiting: waiting, send: send };
}());
