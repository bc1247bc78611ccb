// Draws every plotly figure embedded as JSON in the page; without JavaScript the tables remain.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Plotly === "undefined") {
    return;
  }
  document.querySelectorAll(".chart[data-figure]").forEach(function (element) {
    var source = document.getElementById(element.dataset.figure);
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(element, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      displayModeBar: false, // its buttons would be controls inside role="img"
      locale: document.documentElement.lang,
    });
  });
});
