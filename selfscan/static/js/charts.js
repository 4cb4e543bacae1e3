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

  // On a phone a radar gets its axes' short names (spec.narrow, from the server) on short lines,
  // and small margins: around the full names the radar itself was a hundred pixels wide, its
  // labels cut off at the plot's edge. The table below the chart names every principle in full.
  function rewrap(label, width) {
    var lines = [];
    label.split("<br>").join(" ").split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines.join("<br>");
  }

  function fitNarrow(plot, spec) {
    if (plot.clientWidth >= 560 || !spec.layout.polar) {
      return;
    }
    var short = spec.narrow && spec.narrow.theta;
    spec.data.forEach(function (trace) {
      trace.theta = short ? short.slice() : (trace.theta || []).map(function (label) { return rewrap(label, 11); });
    });
    spec.layout.font = Object.assign({}, spec.layout.font, { size: 12 });
    spec.layout.margin = short ? { t: 36, b: 36, l: 58, r: 58 } : { t: 50, b: 50, l: 92, r: 92 };
  }

  // What a radar's lines share (the axes, the hover text, the kind of line) comes once, as
  // spec.trace (core/charts.py's radar); it is merged into each line here, one level deep, as
  // a line's own dash and marker sit beside the shared marker size.
  function expand(spec) {
    var shared = spec.trace;
    if (!shared) {
      return;
    }
    spec.data = spec.data.map(function (own) {
      var trace = Object.assign({}, shared, own);
      Object.keys(shared).forEach(function (key) {
        var value = shared[key];
        if (value && typeof value === "object" && !Array.isArray(value) && own[key]) {
          trace[key] = Object.assign({}, value, own[key]);
        }
      });
      return trace;
    });
  }

  function draw(plot) {
    var spec = JSON.parse(plot.getAttribute("data-chart"));
    var config = Object.assign({ displayModeBar: false }, spec.config || {});
    var figure = plot.closest(".chart");
    // On a phone a line chart stays the server's drawing: plotly's cut off its title and its
    // legend and squeezed the lines into a strip (the overview's trend at 360 px).
    if (!spec.layout.polar && figure && figure.querySelector(".chart__static") && figure.clientWidth < 560) {
      return;
    }
    if (figure) {
      figure.classList.add("chart--drawn"); // shows the plot, hides the server's drawing
    }
    expand(spec);
    fitNarrow(plot, spec);
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
