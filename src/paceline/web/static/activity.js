// One activity: pace, heart rate and elevation charts against time, linked to its map.
document.addEventListener("DOMContentLoaded", () => {
  const P = window.paceline, s = JSON.parse(document.getElementById("activity-data").textContent);
  const m = (s.lat && s.lon) ? P.map(document.getElementById("act-map"), s.lat, s.lon, true) : null;
  if (!m) document.getElementById("act-map").textContent = "No position recorded in this activity.";
  const t = s.t.map(v => v == null ? null : v / 60), sync = uPlot.sync("act");
  const plots = [];
  // pace axis from the 2nd to the 98th percentile (stops at a light would squash the run)
  function spread(vs) {
    const v = vs.filter(x => x != null).sort((a, b) => a - b);
    if (v.length < 10) return null;
    const q = f => v[Math.min(v.length - 1, Math.floor(f * v.length))];
    return [q(0.02) * 0.97, q(0.98) * 1.03];
  }
  function chart(id, values, label, fmt, stroke, h, dir, axisLabel) {
    const el = document.getElementById(id);
    if (!values) { el.textContent = "No " + label + " recorded."; el.style.minHeight = "0"; return; }
    const rg = dir === -1 ? spread(values) : null;
    const p = new uPlot({width: P.width(el), height: h, cursor: {sync: {key: sync.key}},
      scales: {x: {time: false}, y: {dir: dir || 1, ...(rg ? {range: () => rg} : {})}},
      series: [{label: "min", value: (u, v) => v == null ? "—" : v.toFixed(1) + " min"}, {label: label, stroke: stroke, width: 1.5, value: (u, v) => fmt(v)}],
      axes: [{label: "time [min]"}, {label: axisLabel || label, values: (u, vs) => vs.map(fmt), size: 60}],
      hooks: {setCursor: [u => { if (m && u.cursor.idx != null) m.show(u.cursor.idx); }]}}, [t, values], el);
    plots.push([p, el, h]);
  }
  chart("act-pace", s.pace_s_km, "pace /km", v => P.duration(v, 0), "#1f5fa8", 240, -1);
  chart("act-hr", s.hr, "heart rate [bpm]", v => v == null ? "—" : v.toFixed(0), "#c0392b", 150, 1, "HR [bpm]");
  chart("act-elev", s.elev, "elevation [m]", v => v == null ? "—" : v.toFixed(0), "#6b6b6b", 150);
  P.onResize(plots);
  performance.mark("paceline:ready");
});
