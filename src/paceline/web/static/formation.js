// Formation editor: runners drawn from above (x = metres ahead, up; y = metres to the left);
// dragging one asks /api/formation/evaluate (paceline.formation + a race solve) and redraws.
document.addEventListener("DOMContentLoaded", () => {
  const svg = document.getElementById("field"), NS = "http://www.w3.org/2000/svg";
  const $ = id => document.getElementById(id), P = window.paceline;
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
      // the whole labelled runner is the handle (the label alone ignored a press; the ellipse
      // was ≈ 20×12 px on a phone): a transparent hit area over body and label, drawn first
      el("rect", {x: sx - 0.45, y: sy - 0.6, width: 0.9, height: 0.8, fill: "transparent", class: "hit"}, g);
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
        if (!performance.getEntriesByName("paceline:ready").length) performance.mark("paceline:ready");
        if (drag == null) draw(); else draw();
      } else if (!r.ok) { $("latency").textContent = d.detail ? P.detail(d.detail) : r.statusText; }
    } finally { inflight = false; if (pending) send(); }
  }
  const initial = JSON.parse($("initial-formation").textContent);
  async function load(name) {
    const d = name === initial.name ? initial : await (await fetch("/api/formation/preset/" + encodeURIComponent(name))).json(); runners = d.runners.map(x => ({name: x.name, x_m: x.x_m, y_m: x.y_m})); ratios = [];
    draw(); update();
  }
  ["speed", "wind", "wind-from", "heading"].forEach(id => $(id).addEventListener("input", () => {
    $(id + "-out").textContent = $(id).value; draw(); update(); }));
  $("preset").addEventListener("change", e => load(e.target.value));
  // the name's rule, checked as typed (the server checks it again and says the same)
  function nameProblem(name) {
    if (!name) return "Type a name for the formation first.";
    if (name.length > 64) return `The name has ${name.length} characters: at most 64.`;
    const bad = [...new Set(name.replace(/[a-z0-9-]/g, ""))];
    if (bad.length) return `The name has ${bad.map(c => c === " " ? "spaces" : "'" + c + "'").join(", ")}: use only lower-case letters a–z, digits 0–9 and hyphens` +
      ` (e.g. '${name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "").slice(0, 64) || "my-formation"}').`;
    if (name[0] === "-") return "The name must start with a letter or a digit.";
    return null;
  }
  function status(text, ok) { const st = $("save-status"); st.textContent = text; st.className = ok ? "ok" : "note"; }
  function invalid(on) { $("save-name").setAttribute("aria-invalid", on ? "true" : "false"); }
  $("save-name").addEventListener("input", () => {
    $("save-confirm").hidden = true;
    const p = nameProblem($("save-name").value.trim());
    invalid(!!p && $("save-name").value !== ""); status(p && $("save-name").value !== "" ? p : "", !p);
  });
  async function save(overwrite) {
    const name = $("save-name").value.trim(), p = nameProblem(name);
    $("save-confirm").hidden = true;
    if (p) { invalid(true); status(p, false); $("save-name").focus(); return; }
    invalid(false);
    const r = await fetch("/api/formation/save", {method: "POST", headers: {"Content-Type": "application/json", "Authorization": "Bearer " + $("save-token").value},
      body: JSON.stringify({...body(), name: name, title: name, overwrite: overwrite})});
    let d = {};
    try { d = await r.json(); } catch (e) { d = {detail: r.statusText}; }
    if (r.status === 409) {  // taken: nothing written; ask before replacing it
      status(P.detail(d.detail), false); $("save-confirm").hidden = false; $("save-overwrite").textContent = `Overwrite '${name}'`;
      $("save-overwrite").focus(); return;
    }
    if (!r.ok) { status(P.detail(d.detail) || r.statusText, false); return; }
    status(`${d.overwritten ? "Overwrote" : "Saved"} ${d.saved}. ${d.use}`, true);
    if (![...$("preset").options].some(o => o.value === name)) {
      const o = document.createElement("option"); o.value = name; o.textContent = name + " (saved)"; $("preset").appendChild(o);
    }
  }
  $("save").addEventListener("click", () => save(false));
  $("save-overwrite").addEventListener("click", () => save(true));
  $("save-cancel").addEventListener("click", () => { $("save-confirm").hidden = true; status("Nothing was overwritten: choose another name.", false); $("save-name").focus(); $("save-name").select(); });
  load($("preset").value);
});
