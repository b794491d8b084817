// Seat analytics charts (Apache ECharts, drawn as SVG so they print sharp).
(function () {
  "use strict";
  var source = document.getElementById("analytics-charts");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var names = data.names, labels = data.labels;
  var charts = [];

  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var made = window.echarts.init(element, null, { renderer: "svg" });
    made.setOption(Object.assign({ animation: false, textStyle: { fontFamily: "inherit" } }, option));
    element.setAttribute("data-drawn", "yes");
    charts.push(made);
  }

  chart("heat-chart", {
    tooltip: { position: "top" },
    grid: { left: 60, right: 20, top: 10, bottom: 70 },
    xAxis: { type: "category", data: data.hours, name: labels.hour, splitArea: { show: true } },
    yAxis: { type: "category", data: data.weekdays, inverse: true, splitArea: { show: true } },
    visualMap: {
      min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0,
      inRange: { color: ["#f0fdf4", "#86efac", "#16a34a", "#14532d"] },
    },
    series: [{
      name: labels.occupancy, type: "heatmap", data: data.heat,
      label: { show: true, fontSize: 9, formatter: function (p) { return Math.round(p.value[2]); } },
    }],
  });

  chart("curve-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, itemGap: 18 },
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.hours, name: labels.hour },
    yAxis: { type: "value", name: labels.occupancy, max: 100 },
    series: data.curves.map(function (curve) {
      return { name: curve.name, type: "line", data: curve.data, connectNulls: false, symbolSize: 4 };
    }),
  });

  chart("daily-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, itemGap: 18 },
    grid: { left: 50, right: 50, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.days },
    yAxis: [{ type: "value" }, { type: "value", name: labels.occupancy, max: 100 }],
    series: [
      { name: names.clocks_started, type: "bar", data: data.daily.clocks_started },
      { name: names.clocks_claimed, type: "bar", data: data.daily.clocks_claimed },
      { name: names.clocks_returned, type: "bar", data: data.daily.clocks_returned },
      { name: names.occupancy, type: "line", yAxisIndex: 1, data: data.daily.occupancy },
    ],
  });

  function resize() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
