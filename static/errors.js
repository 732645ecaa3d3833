// After a refused send the error summary takes the focus (it is also announced: role="alert"), so someone on a
// keyboard or with a screen reader starts at what to fix; its links lead to the fields. Not when the address
// names a place on the page: a form sent to its own section (#kop-…) comes back there, at its field.
(function () {
  'use strict';
  var summary = document.querySelector('.app-error-summary');
  if (!summary || window.location.hash) return;
  summary.setAttribute('tabindex', '-1');
  summary.focus();
})();
