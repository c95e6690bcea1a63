// Draws the outcome charts with Chart.js from the page's JSON block (#chart-data): the
// figures are data, never script, so the page's policy needs no inline script.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var block = document.getElementById('chart-data');
  if (!block || typeof Chart === 'undefined') return;
  var specs = JSON.parse(block.textContent || '[]');
  // Colour-blind-safe (Okabe–Ito); the table beside the charts holds every figure as text.
  var colours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
  var suffix = { percent: ' %', days: ' d', count: '' };
  specs.forEach(function (spec) {
    var canvas = document.getElementById('chart-' + spec.id);
    if (!canvas) return;
    new Chart(canvas, {
      type: spec.kind,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          var colour = colours[i % colours.length];
          return { label: d.label, data: d.data, backgroundColor: colour, borderColor: colour, spanGaps: true, tension: 0 };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: 'sv-SE',
        scales: {
          y: {
            beginAtZero: true,
            max: spec.unit === 'percent' ? 100 : undefined,
            ticks: { callback: function (v) { return v + suffix[spec.unit]; } },
          },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    canvas.setAttribute('data-drawn', 'true');
  });
  document.body.setAttribute('data-charts', 'drawn');
});
