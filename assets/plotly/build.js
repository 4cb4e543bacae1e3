'use strict';
// Bundles index.js into one minified IIFE (window.Plotly). Run via ./build.sh.
//
// CSP patch: plotly.js sets a few `style` *attributes* through d3's
// selection.attr('style', ...) (heatmap `image-rendering: pixelated`, colorbar
// fills, rich-text tags like <b>/<i>/<sup> in labels). A strict
// `style-src 'self'` blocks those (style-src-attr violation; e.g. heatmaps render
// blurred). We rewrite d3's attr() so that the `style` attribute is set through
// CSSOM (element.style.cssText), which CSP does not restrict. Same result
// without a CSP; the build fails if the patched code is not found.
var esbuild = require('esbuild');
var fs = require('fs');
var path = require('path');

var outfile = process.argv[2];
var plotlyVersion = require('plotly.js/package.json').version;
if (!outfile) throw new Error('usage: node build.js OUTFILE');

var D3_NEEDLE = 'function d3_selection_attr(name, value) {\n    name = d3.ns.qualify(name);\n';
var D3_PATCH = D3_NEEDLE +
    '    if (name === "style") return value == null ? function() { this.removeAttribute("style"); }' +
    ' : typeof value === "function" ? function() { var x = value.apply(this, arguments);' +
    ' if (x == null) this.removeAttribute("style"); else this.style.cssText = x; }' +
    ' : function() { this.style.cssText = value; };\n';

var cspStyleAttrPatch = {
    name: 'csp-style-attr',
    setup: function(build) {
        build.onLoad({filter: /[\\/]@plotly[\\/]d3[\\/]d3\.js$/}, function(args) {
            var src = fs.readFileSync(args.path, 'utf8');
            if (src.split(D3_NEEDLE).length !== 2) {
                throw new Error('csp-style-attr: d3_selection_attr not found in ' + args.path +
                    ' (did @plotly/d3 change?)');
            }
            return {contents: src.replace(D3_NEEDLE, D3_PATCH), loader: 'js'};
        });
    }
};

esbuild.build({
    entryPoints: [path.join(__dirname, 'index.js')],
    outfile: outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',
    target: 'es2016',
    // same defines as plotly.js's own esbuild config
    define: {global: 'window', 'define.amd': 'false'},
    // src/registry.js require()s maplibre-gl.css for the `map` subplot, which is
    // not in this bundle; don't emit it as a side file.
    loader: {'.css': 'empty'},
    banner: {js: '/*! plotly.js v' + plotlyVersion + ' partial bundle (core + scatterpolar + heatmap)' +
        ' for Selfscan | (c) Plotly, Inc. | MIT License, see plotly-LICENSE.txt */'},
    legalComments: 'eof',
    plugins: [cspStyleAttrPatch],
    logLevel: 'warning'
}).catch(function(err) {
    console.error(err && err.message ? err.message : err);
    process.exit(1);
});
