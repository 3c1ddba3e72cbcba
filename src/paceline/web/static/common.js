// Shared helpers of the paceline pages (no framework; htmx, uPlot and Leaflet are vendored).
window.paceline = (function () {
  function duration(s, decimals) {
    if (s == null || !isFinite(s)) return "—";
    // Round the whole time first, then split it: 4439.97 s shown to 0.1 s is 1:14:00.0 (rounding
    // the seconds alone gave "60.0", reset to 0 without carrying the minute: 1:13:00.0).
    const d = decimals || 0, f = Math.pow(10, d);
    const r = Math.round(Math.abs(s) * f) / f, neg = s < 0 && r > 0;
    const h = Math.floor(r / 3600), m = Math.floor((r % 3600) / 60);
    let sec = (r - 3600 * h - 60 * m).toFixed(d);
    if (sec.length < (d ? 3 + d : 2)) sec = "0" + sec;
    return (neg ? "-" : "") + (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + sec;
  }
  function map(el, lat, lon, geo) {
    // A plain background by default; tiles only when the app was started with --tile-url.
    const opts = geo ? {zoomSnap: 0.25, attributionControl: false} :
      {crs: L.CRS.Simple, zoomSnap: 0.25, minZoom: -8, attributionControl: false};
    const m = L.map(el, opts);
    const tiles = document.body.dataset.tileUrl;
    if (geo && tiles) L.tileLayer(tiles, {maxZoom: 19}).addTo(m);
    const pts = lat.map((y, i) => [y, lon[i]]).filter(p => p[0] != null && p[1] != null);
    if (!pts.length) { el.textContent = "no position recorded"; return null; }
    const line = L.polyline(pts, {color: "#1f5fa8", weight: 4}).addTo(m);
    L.circleMarker(pts[0], {radius: 6, color: "#1b7f3b", fillOpacity: 1}).bindTooltip("start").addTo(m);
    m.fitBounds(line.getBounds(), {padding: [16, 16]});
    const marker = L.circleMarker(pts[0], {radius: 8, color: "#d62728", fillColor: "#d62728", fillOpacity: 0.9});
    return {map: m, marker: marker, points: pts,
      show(i) { const p = pts[Math.max(0, Math.min(pts.length - 1, i))]; marker.setLatLng(p); if (!m.hasLayer(marker)) marker.addTo(m); }};
  }
  function width(el) { return Math.max(260, el.getBoundingClientRect().width || el.clientWidth || 600); }
  function nearest(xs, x) {
    let lo = 0, hi = xs.length - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (xs[mid] < x) lo = mid; else hi = mid; }
    return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
  }
  function onResize(plots) {
    let t = null;
    window.addEventListener("resize", () => { clearTimeout(t); t = setTimeout(() => plots.forEach(([p, el, h]) => p && p.setSize({width: width(el), height: h})), 150); });
  }
  // an API error's "detail" for a person: a sentence, or pydantic's list as "field: message"
  function detail(d) {
    if (d == null) return "";
    if (typeof d === "string") return d;
    if (Array.isArray(d)) return d.map(e => `${(e.loc || []).filter(x => x !== "body").join(".") || "input"}: ${e.msg}`).join("; ");
    return String(d);
  }
  return {duration, map, width, nearest, onResize, detail};
})();
