/* Draws every element with a data-chart attribute (a plotly.js spec built by the server) and
   wires its checkboxes, so lines can be switched on and off with the keyboard too. */
(function () {
  "use strict";

  function syncSwitches(plot, switches) {
    switches.querySelectorAll("input[data-trace]").forEach(function (box) {
      var trace = plot.data[Number(box.getAttribute("data-trace"))];
      box.checked = trace.visible === true || trace.visible === undefined;
    });
  }

  function draw(plot) {
    var spec = JSON.parse(plot.getAttribute("data-chart"));
    var config = Object.assign({ displayModeBar: false }, spec.config || {});
    window.Plotly.newPlot(plot, spec.data, spec.layout, config).then(function () {
      var switches = document.querySelector('[data-chart-switches="' + plot.id + '"]');
      if (!switches) {
        return;
      }
      switches.hidden = false;
      switches.addEventListener("change", function (event) {
        var box = event.target;
        var index = Number(box.getAttribute("data-trace"));
        window.Plotly.restyle(plot, { visible: box.checked ? true : "legendonly" }, [index]);
      });
      plot.on("plotly_restyle", function () {
        syncSwitches(plot, switches);
      });
    });
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
})();
