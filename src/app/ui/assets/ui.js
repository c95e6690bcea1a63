// Small behaviour for the pages, from this file only (the pages allow no inline script).
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  // "Skriv ut": the browser's print dialog, with every folded section opened for the paper.
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.addEventListener('click', function () { window.print(); });
  });
  var closed = [];
  window.addEventListener('beforeprint', function () {
    closed = Array.prototype.filter.call(document.querySelectorAll('details'), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
});
