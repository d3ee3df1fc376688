// Logging out clears what this phone keeps of Smena (the server answers
// with Clear-Site-Data: the roll calls' cached pages, which name children,
// and the marks waiting to be sent). So the marks still waiting are sent
// first; any that cannot be (no connection) are named, and logging out
// goes ahead only when the chaperone says so.
(function () {
  'use strict';
  var form = document.querySelector('form[action="/logout"]');
  if (!form || !window.localStorage || !window.SmenaMarks) { return; }
  form.addEventListener('submit', function (e) {
    var queued = SmenaMarks.waiting();
    if (!queued.length) { return; }
    e.preventDefault();
    Promise.all(queued.map(function (q) {
      // Without a connection they stay, and are counted below.
      return SmenaMarks.send(q.rollCall, q.marks, form.elements.csrf.value).catch(function () {});
    })).then(function () {
      var left = SmenaMarks.waiting().reduce(function (n, q) { return n + q.marks.length; }, 0);
      if (left && !window.confirm(form.dataset.unsent.replace('#', String(left)))) { return; }
      form.submit();
    });
  });
}());
