// Race, live: the race-day service's plan and state (/api/v1), refreshed on each SSE event.
document.addEventListener("DOMContentLoaded", () => {
  const P = window.paceline, $ = id => document.getElementById(id);
  const esc = s => String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
  let token = sessionStorage.getItem("paceline-live-token") || "", cmap = null, cum = null, plan = null, es = null;
  const markers = {};
  $("live-token").value = token;
  const api = path => fetch(path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token)).then(r => { if (!r.ok) throw new Error(r.status + " " + r.statusText); return r.json(); });
  function hav(a, b) { const R = 6371008.8, r = Math.PI / 180, dl = (b[0] - a[0]) * r, dn = (b[1] - a[1]) * r;
    const h = Math.sin(dl / 2) ** 2 + Math.cos(a[0] * r) * Math.cos(b[0] * r) * Math.sin(dn / 2) ** 2; return 2 * R * Math.asin(Math.sqrt(h)); }
  function at(d) {  // lat/lon at a course distance (the polyline scaled to the plan's distance)
    const c = plan.course, x = d / plan.distance_m * cum[cum.length - 1];
    const i = Math.max(1, Math.min(c.length - 1, cum.findIndex(v => v >= x)));
    const f = cum[i] === cum[i - 1] ? 0 : (x - cum[i - 1]) / (cum[i] - cum[i - 1]);
    return [c[i - 1][0] + f * (c[i][0] - c[i - 1][0]), c[i - 1][1] + f * (c[i][1] - c[i - 1][1])];
  }
  function mark(key, ll, colour, label) {
    if (!markers[key]) {
      markers[key] = key === "car"  // the pace car: a square, to tell it from the runners
        ? L.marker(ll, {icon: L.divIcon({className: "car-icon", html: "", iconSize: [14, 14]}), keyboard: false, title: label}).bindTooltip(label)
        : L.circleMarker(ll, {radius: key === "athlete" ? 9 : 6, color: colour, fillColor: colour, fillOpacity: 0.9}).bindTooltip(label);
      markers[key].addTo(cmap.map);
    }
    markers[key].setLatLng(ll); markers[key].setTooltipContent(label);
  }
  function render(s) {
    const a = s.athlete;
    $("live-athlete").textContent = !a ? "no reads yet" : a.finished ? `finished in ${P.duration(a.elapsed_s, 1)}` : `${(a.distance_m / 1000).toFixed(2)} km at ${P.duration(a.elapsed_s)}` + (a.speed_m_s ? `, ${P.duration(1000 / a.speed_m_s, 1)}/km` : "");
    $("live-gap").textContent = a ? (a.gap_s >= 0 ? `${a.gap_s.toFixed(1)} s behind` : `${(-a.gap_s).toFixed(1)} s ahead`) : "—";
    const car = s.pace_car;
    $("live-car").textContent = !car ? "no fix yet" : `${(car.distance_m / 1000).toFixed(2)} km` + (car.gap_m == null ? "" : `, ${Math.abs(car.gap_m).toFixed(0)} m ${car.gap_m >= 0 ? "ahead of" : "behind"} the athlete`) + (car.status === "stale" ? " (fix is stale)" : "");
    const p = s.projection;
    $("live-projection").textContent = !p ? "—" : p.mode === "finished" ? `${P.duration(p.finish_s, 1)} (final)` : `${P.duration(p.finish_s, 1)} (${P.duration(p.p10_s)}–${P.duration(p.p90_s)})`;
    const x = s.next_exchange;
    $("live-exchange").textContent = x ? `${(x.distance_m / 1000).toFixed(1)} km at ${P.duration(x.eta_s)}: ` + (x.incoming || []).map(r => r.pacer).join(", ") : "—";
    const d = s.next_drinks;
    $("live-drinks").textContent = d ? `#${d.number} at ${(d.distance_m / 1000).toFixed(2)} km, ${P.duration(d.eta_s)}` : "—";
    $("live-alerts").innerHTML = (s.alerts || []).map(al => `<li class="note">${esc(al.message)}</li>`).join("") || "<li>none</li>";
    $("live-mats").innerHTML = (s.mats || []).map(m => `<tr><td>${esc(m.location || "")}</td><td>${(m.distance_m / 1000).toFixed(1)} km</td><td>${P.duration(m.elapsed_s, 1)}</td><td>${P.duration(m.scheduled_s, 1)}</td><td>${m.gap_s >= 0 ? "+" : ""}${m.gap_s.toFixed(1)} s</td></tr>`).join("");
    $("live-pacers").innerHTML = (s.pacers || []).map(q => `<tr><td>${esc(q.slot)}</td><td>${esc(q.pacer)}</td><td>${esc(q.status)}</td><td>${q.gap_m == null ? "—" : q.gap_m.toFixed(0)}</td></tr>`).join("");
    if (cmap && a) {
      mark("athlete", at(a.distance_m), "#d62728", "athlete");
      const on = new Set((s.pacers || []).filter(q => q.gap_m != null).map(q => "p:" + q.pacer));
      Object.keys(markers).filter(k => k.startsWith("p:") && !on.has(k)).forEach(k => { markers[k].remove(); delete markers[k]; });
      (s.pacers || []).forEach(q => { if (q.gap_m != null) mark("p:" + q.pacer, at(a.distance_m + q.gap_m), "#b85c00", q.pacer); });
      if (car) mark("car", at(car.distance_m), "#1f3a93", `pace car${car.gap_m == null ? "" : ", " + car.gap_m.toFixed(0) + " m"}`);
      else if (markers.car) { markers.car.remove(); delete markers.car; }
      markers.athlete.bringToFront();
      if (x) mark("exchange", [x.lat_deg, x.lon_deg], "#1b7f3b", "next exchange");
    }
    document.body.dataset.liveUpdates = String(parseInt(document.body.dataset.liveUpdates || "0") + 1);
    if (!performance.getEntriesByName("paceline:ready").length) performance.mark("paceline:ready");
  }
  let pending = false;
  async function refresh() { if (pending) return; pending = true; try { render(await api("/api/v1/state")); } finally { pending = false; } }
  async function connect() {
    token = $("live-token").value.trim(); sessionStorage.setItem("paceline-live-token", token);
    try {
      plan = await api("/api/v1/plan");
      cum = [0]; for (let i = 1; i < plan.course.length; i++) cum.push(cum[i - 1] + hav(plan.course[i - 1], plan.course[i]));
      if (!cmap) cmap = P.map($("live-map"), plan.course.map(c => c[0]), plan.course.map(c => c[1]), true);
      await refresh();
      if (es) es.close();
      es = new EventSource("/api/v1/stream?token=" + encodeURIComponent(token));
      // a "state" event carries the race now; the others (passings, alerts, drop-outs) refetch it
      es.addEventListener("state", e => { try { render(JSON.parse(e.data)); } catch (err) { refresh(); } });
      es.onmessage = refresh; ["passing", "alert", "alerts", "dropout", "rotation"].forEach(k => es.addEventListener(k, refresh));
      es.onerror = () => { $("live-status").textContent = "stream interrupted; reconnecting…"; };
      es.onopen = () => { $("live-status").textContent = "connected: " + plan.name; };
      $("live-status").textContent = "connected: " + plan.name;
    } catch (e) { $("live-status").textContent = "could not connect: " + e.message + " (a viewer or official token is needed)"; }
  }
  $("live-connect").addEventListener("click", connect);
  setInterval(() => { if (plan) refresh(); }, 5000);  // a safety net beside the stream
  if (token) connect();
});
