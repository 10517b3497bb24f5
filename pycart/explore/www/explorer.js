// The explorer's page: draws the curves the server sends (Plotly, served by the app itself)
// and shows each bad input's message next to it.
(function () {
  "use strict";
  var DAY_LINE = "#d62728";  // the figures' red dose lines

  function draw(msg) {
    var traces = msg.traces.map(function (t) {
      return {x: msg.time, y: t.y, name: t.name, mode: "lines", type: "scatter",
              line: {color: t.color, dash: t.dash, width: 2},
              hovertemplate: "day %{x:.1f}: %{y:.3g} cells<extra>" + t.name + "</extra>"};
    });
    var shapes = msg.doses.map(function (d) {
      return {type: "line", xref: "x", yref: "paper", x0: d, x1: d, y0: 0, y1: 1,
              line: {color: DAY_LINE, width: 1.5}};
    });
    var yaxis = {title: {text: "cells"}, type: msg.log ? "log" : "linear",
                 exponentformat: "power", showline: true, ticks: "outside"};
    if (msg.range) { yaxis.range = msg.range; }
    var layout = {xaxis: {title: {text: "time (days)"}, showline: true, ticks: "outside"},
                  yaxis: yaxis, shapes: shapes, margin: {l: 70, r: 10, t: 10, b: 50},
                  legend: {x: 1.02, y: 1}, template: "none", uirevision: msg.log};
    var el = document.getElementById("plot");
    Plotly.react(el, traces, layout, {displaylogo: false, responsive: true}).then(function () {
      el.dataset.draws = String(Number(el.dataset.draws || 0) + 1);
      el.dataset.runs = String(msg.runs);
      el.dataset.drawnAt = String(performance.now());
    });
  }

  function showErrors(errors) {
    Object.keys(errors).forEach(function (key) {
      var input = document.getElementById(key);
      var note = document.getElementById("err-" + key);
      if (!note) { return; }
      if (input) { input.classList.toggle("is-invalid", Boolean(errors[key])); }
      note.textContent = errors[key];  // (the schedule's own message has no input)
    });
  }

  // the dose schedule editor: the first `count` rows are in use and shown
  function showDoses(msg) {
    document.querySelectorAll(".pycart-dose").forEach(function (row, k) {
      row.style.display = k < msg.count ? "" : "none";
    });
    var editor = document.getElementById("dose-editor");
    if (editor) { editor.dataset.count = String(msg.count); }
  }

  function register() {
    Shiny.addCustomMessageHandler("pycart-doses", showDoses);
    Shiny.addCustomMessageHandler("pycart-plot", draw);
    Shiny.addCustomMessageHandler("pycart-errors", showErrors);
  }

  if (window.Shiny && Shiny.addCustomMessageHandler) { register(); }
  else { document.addEventListener("DOMContentLoaded", register); }
})();
