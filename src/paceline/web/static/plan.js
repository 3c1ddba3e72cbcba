// Plan page: pace/elevation chart and course map, linked to the split tables (hover a split).
document.addEventListener("DOMContentLoaded", () => {
  const P = window.paceline, data = JSON.parse(document.getElementById("plan-data").textContent);
  const chartEl = document.getElementById("pace-chart"), mapEl = document.getElementById("course-map");
  const cmap = P.map(mapEl, data.lat, data.lon, data.geo);
  // elevation sampled on the pace chart's x (km)
  const elev = data.pace_km.map(x => data.elev_m[P.nearest(data.elev_km, x)]);
  // pace axis from the 2nd to the 98th percentile (the standing start would squash the rest)
  const sorted = data.pace_s_km.filter(v => v != null).sort((a, b) => a - b);
  const q = f => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];
  const lo = q(0.02) - 3, hi = q(0.98) + 3;
  const plot = new uPlot({
    width: P.width(chartEl), height: 300,
    scales: {x: {time: false}, pace: {dir: -1, range: () => [lo, hi]}, elev: {}},
    series: [{label: "km", value: (u, v) => v == null ? "—" : v.toFixed(2) + " km"},
      {label: "pace /km", scale: "pace", stroke: "#1f5fa8", width: 2, value: (u, v) => P.duration(v, 1)},
      {label: "elevation", scale: "elev", stroke: "#8a8a8a", fill: "rgba(140,140,140,0.25)", value: (u, v) => v == null ? "—" : v.toFixed(0) + " m"}],
    axes: [{label: "distance [km]"}, {scale: "pace", label: "pace [min:s per km]", values: (u, vs) => vs.map(v => P.duration(v, 0)), size: 60},
      {scale: "elev", side: 1, label: "elevation [m]", grid: {show: false}}],
    hooks: {setCursor: [u => { const i = u.cursor.idx; if (i != null && cmap) cmap.show(P.nearest(data.track_km, data.pace_km[i])); }]},
  }, [data.pace_km, data.pace_s_km, elev], chartEl);
  P.onResize([[plot, chartEl, 300]]);
  performance.mark("paceline:ready");  // chart and map drawn (benchmarks/bench_web_browser.py)
  function highlight(row) {
    const km = parseFloat(row.dataset.distanceM) / 1000;
    const i = P.nearest(data.pace_km, km);
    plot.setCursor({left: plot.valToPos(data.pace_km[i], "x"), top: 40});
    if (cmap) cmap.show(P.nearest(data.track_km, km));
    document.querySelectorAll("table.splits tr.hl").forEach(r => r.classList.remove("hl"));
    row.classList.add("hl");
  }
  document.querySelectorAll("table.splits tbody tr").forEach(row => {
    row.addEventListener("mouseenter", () => highlight(row));
    row.addEventListener("focus", () => highlight(row));
    row.addEventListener("click", () => highlight(row));
  });
  // Gantt: hovering a stint outlines every stint of the same pacer
  document.querySelectorAll(".gantt rect.stint").forEach(r => {
    r.addEventListener("mouseenter", () => document.querySelectorAll(`.gantt rect[data-pacer="${r.dataset.pacer}"]`).forEach(x => x.classList.add("hl")));
    r.addEventListener("mouseleave", () => document.querySelectorAll(".gantt rect.hl").forEach(x => x.classList.remove("hl")));
  });
});
