// Formation editor: runners drawn from above (x = metres ahead, up; y = metres to the left);
// dragging one asks /api/formation/evaluate (paceline.formation + a race solve) and redraws.
document.addEventListener("DOMContentLoaded", () => {
  const svg = document.getElementById("field"), NS = "http://www.w3.org/2000/svg";
  const $ = id => document.getElementById(id);
  let runners = [], ratios = [], seq = 0, pending = null, inflight = false;
  const BODY = 0.45;  // drawn body width [m]
  // screen: right = -y (left of the runners is left on screen), up = +x (running direction)
  const toScreen = r => [-r.y_m, -r.x_m];
  function el(tag, attrs, parent) { const e = document.createElementNS(NS, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); (parent || svg).appendChild(e); return e; }
  function colour(r) { if (r == null) return "#999"; const t = Math.max(0, Math.min(1, r)); return `hsl(${200 - 170 * t}, 70%, ${35 + 25 * t}%)`; }
  function draw() {
    svg.innerHTML = "";
    for (let x = -4; x <= 4; x++) el("line", {x1: x, x2: x, y1: -6, y2: 5, stroke: "#c9d3c6", "stroke-width": 0.02});
    for (let y = -6; y <= 5; y++) el("line", {x1: -4, x2: 4, y1: y, y2: y, stroke: "#c9d3c6", "stroke-width": 0.02});
    el("text", {x: -3.85, y: -5.6, fill: "#445"}).textContent = "running ↑";
    // wind arrow: the wind over the ground, turned into the runners' frame (the drags use the
    // air they feel: this wind plus their own running speed)
    const w = parseFloat($("wind").value), from = parseFloat($("wind-from").value), hd = parseFloat($("heading").value);
    if (w > 0) {
      const rel = (from - hd) * Math.PI / 180;  // 0 = wind from ahead
      const dx = -Math.sin(rel), dy = Math.cos(rel);  // direction the air moves, screen coords
      const cx = 3.1, cy = -4.9, L = 0.6;
      el("line", {x1: cx - dx * L, y1: cy - dy * L, x2: cx + dx * L, y2: cy + dy * L, stroke: "#222", "stroke-width": 0.07, "marker-end": "url(#arr)"});
      el("text", {x: 3.9, y: -5.6, fill: "#222", "text-anchor": "end"}).textContent = `ground wind ${w.toFixed(1)} m/s`;
    }
    const defs = el("defs", {}); const mk = el("marker", {id: "arr", viewBox: "0 0 10 10", refX: 5, refY: 5, markerWidth: 4, markerHeight: 4, orient: "auto-start-reverse"}, defs);
    el("path", {d: "M 0 0 L 10 5 L 0 10 z", fill: "#222"}, mk);
    runners.forEach((r, i) => {
      const shown = (i ? i : "athlete") + " · " + (ratios[i] == null ? "—" : ratios[i].toFixed(2));
      const [sx, sy] = toScreen(r), g = el("g", {class: "runner", tabindex: 0, role: "button", "data-index": i,
        "aria-label": `${shown}: ${i ? r.name : "the athlete"}, ${r.x_m.toFixed(2)} m ahead, ${r.y_m.toFixed(2)} m left; drag ratio ${ratios[i] == null ? "unknown" : ratios[i].toFixed(2)}; arrow keys move`});
      el("ellipse", {cx: sx, cy: sy, rx: BODY / 2, ry: 0.15, fill: i ? colour(ratios[i]) : "#d62728", stroke: "#111", "stroke-width": 0.03}, g);
      el("text", {x: sx, y: sy - 0.24, "text-anchor": "middle", fill: "#111"}, g).textContent = shown;
      g.addEventListener("pointerdown", e => startDrag(e, i));
      g.addEventListener("keydown", e => key(e, i));
    });
    const tb = document.querySelector("#runners tbody");
    tb.innerHTML = runners.map((r, i) => `<tr><td>${i ? i + " · " + r.name.replace(/</g, "&lt;") : "athlete"}</td><td>${r.x_m.toFixed(2)}</td><td>${r.y_m.toFixed(2)}</td><td data-ratio="${i}">${ratios[i] == null ? "—" : ratios[i].toFixed(3)}</td></tr>`).join("");
  }
  function point(e) { const p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY; return p.matrixTransform(svg.getScreenCTM().inverse()); }
  let drag = null;
  function startDrag(e, i) { e.preventDefault(); drag = i; svg.setPointerCapture(e.pointerId); }
  svg.addEventListener("pointermove", e => {
    if (drag == null) return;
    const p = point(e), r = runners[drag];
    r.y_m = Math.round(-p.x * 100) / 100; r.x_m = Math.round(-p.y * 100) / 100;
    r.y_m = Math.max(-4, Math.min(4, r.y_m)); r.x_m = Math.max(-5, Math.min(6, r.x_m));
    draw(); update();
  });
  const end = () => { if (drag != null) { drag = null; update(); } };
  svg.addEventListener("pointerup", end); svg.addEventListener("pointercancel", end);
  function key(e, i) {
    const step = e.shiftKey ? 0.5 : 0.1, r = runners[i];
    const moves = {ArrowUp: [step, 0], ArrowDown: [-step, 0], ArrowLeft: [0, step], ArrowRight: [0, -step]};
    if (!moves[e.key]) return;
    e.preventDefault(); r.x_m = +(r.x_m + moves[e.key][0]).toFixed(2); r.y_m = +(r.y_m + moves[e.key][1]).toFixed(2);
    draw(); update(); svg.querySelector(`g[data-index="${i}"]`).focus();
  }
  function body() {
    return {runners: runners.map(r => ({name: r.name, x_m: r.x_m, y_m: r.y_m})), speed_m_s: parseFloat($("speed").value),
      wind_speed_m_s: parseFloat($("wind").value), wind_from_deg: parseFloat($("wind-from").value), heading_deg: parseFloat($("heading").value)};
  }
  // one request in flight; the latest position wins (no queue of stale drags)
  function update() { pending = body(); if (!inflight) send(); }
  async function send() {
    if (!pending) return;
    const b = pending, n = ++seq, t0 = performance.now(); pending = null; inflight = true;
    try {
      const r = await fetch("/api/formation/evaluate", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(b)});
      const d = await r.json();
      if (r.ok && n === seq) {
        ratios = d.drag_ratio;
        $("athlete-drag").textContent = d.drag_ratio[0] == null ? "—" : d.drag_ratio[0].toFixed(3);
        $("athlete-reduction").textContent = d.athlete_drag_reduction == null ? "—" : (100 * d.athlete_drag_reduction).toFixed(1) + " %";
        $("worth").textContent = d.overlap ? "runners overlap" : d.worth;
        $("worth-detail").textContent = d.finish ? `(${d.finish} behind it vs ${d.alone} alone)` : "";
        $("latency").textContent = `updated in ${(performance.now() - t0).toFixed(0)} ms`;
        document.body.dataset.updates = String(n);
        if (drag == null) draw(); else draw();
      } else if (!r.ok) { $("latency").textContent = d.detail ? JSON.stringify(d.detail) : r.statusText; }
    } finally { inflight = false; if (pending) send(); }
  }
  async function load(name) {
    const r = await fetch("/api/formation/preset/" + encodeURIComponent(name));
    const d = await r.json(); runners = d.runners.map(x => ({name: x.name, x_m: x.x_m, y_m: x.y_m})); ratios = [];
    draw(); update();
  }
  ["speed", "wind", "wind-from", "heading"].forEach(id => $(id).addEventListener("input", () => {
    $(id + "-out").textContent = $(id).value; draw(); update(); }));
  $("preset").addEventListener("change", e => load(e.target.value));
  $("save").addEventListener("click", async () => {
    const st = $("save-status"), name = $("save-name").value.trim();
    const r = await fetch("/api/formation/save", {method: "POST", headers: {"Content-Type": "application/json", "Authorization": "Bearer " + $("save-token").value},
      body: JSON.stringify({...body(), name: name, title: name})});
    const d = await r.json();
    st.textContent = r.ok ? `Saved ${d.saved}. ${d.use}` : (typeof d.detail === "string" ? d.detail : "Check the name: " + JSON.stringify(d.detail));
    st.className = r.ok ? "ok" : "note";
  });
  load($("preset").value);
});
