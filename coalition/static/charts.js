// Draws every plotly figure embedded as JSON in the page; without JavaScript the tables remain.
// A chart's box is rendered `hidden` (no empty box without JavaScript) and shown when drawn.

// plotly's colorbar (a heatmap's scale) clears the inline style of its rectangles with
// setAttribute("style", "") (plotly.js pull request 5217), which our Content-Security-Policy
// (style-src 'self') blocks and reports as a violation, though clearing needs no permission:
// removing the attribute does the same, allowed and silent. plotly has no switch for it (its
// strict-CSP support is still open: plotly.js issue 7543).
var setSvgAttribute = Element.prototype.setAttribute;
SVGElement.prototype.setAttribute = function (name, value) {
  if (name === "style" && value === "") {
    this.removeAttribute("style");
  } else {
    setSvgAttribute.call(this, name, value);
  }
};

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
    if (figure.layout.height) {
      element.classList.add("drawn"); // as tall as the figure says, not the box's default
    }
  });
});
