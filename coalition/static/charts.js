// Draws every plotly figure embedded as JSON in the page; without JavaScript the tables remain.
// A chart's box is rendered `hidden` (no empty box without JavaScript) and shown when drawn.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Plotly === "undefined") {
    return;
  }
  document.querySelectorAll(".chart[data-figure]").forEach(function (element) {
    var source = document.getElementById(element.dataset.figure);
    var figure = JSON.parse(source.textContent);
    // once drawn, the chart is one image described by its caption; the table holds the data
    element.setAttribute("role", "img");
    element.setAttribute("aria-labelledby", element.dataset.description);
    element.hidden = false; // before plotting: plotly sizes the chart to its visible box
    Plotly.newPlot(element, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      displayModeBar: false, // its buttons would be controls inside role="img"
      locale: document.documentElement.lang,
    });
  });
});
