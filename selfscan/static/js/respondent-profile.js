/* Draws the respondent's radar chart from the figure in the element's data-figure attribute. */
(function () {
  'use strict';
  var element = document.getElementById('profile-chart');
  if (!element || !window.Plotly) {
    return;
  }
  var figure = JSON.parse(element.getAttribute('data-figure'));
  var config = Object.assign({}, figure.config || {}, { displayModeBar: false });
  window.Plotly.newPlot(element, figure.data, figure.layout, config);
})();
