'use strict';

// Partial plotly.js bundle for Selfscan: core (includes the `scatter` trace)
// plus the `scatterpolar` (radar charts) and `heatmap` traces only.
// Built by ./build.sh into selfscan/static/vendor/plotly-selfscan.min.js.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/scatterpolar'),
    require('plotly.js/lib/heatmap')
]);

module.exports = Plotly;
