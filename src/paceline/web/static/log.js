// Training log: PMC chart, best efforts, critical speed by year (from /api/log/fitness); import.
document.addEventListener("DOMContentLoaded", async () => {
  const P = window.paceline;
  const pmcEl = document.getElementById("pmc-chart"), csEl = document.getElementById("cs-chart");
  const esc = s => String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
  const plots = [];
  // the fitness charts follow the sport filter (the table's state lives in the URL)
  const sportOf = () => new URLSearchParams(location.search).get("sport") || "";
  let shownSport = null;
  async function drawFitness(sport) {
    shownSport = sport;
    plots.forEach(([p]) => p.destroy()); plots.length = 0;
    pmcEl.textContent = ""; csEl.textContent = ""; pmcEl.style.minHeight = ""; csEl.style.minHeight = "";
    try {
      // the same URL as the page's <link rel=preload>: the browser reuses that response
      const r = await fetch("/api/log/fitness" + (sport ? "?sport=" + encodeURIComponent(sport) : ""));
      const d = await r.json();
      if (sport !== shownSport) return;  // a newer filter won
      if (!d.day_s.length) { pmcEl.textContent = "No activities yet: nothing to chart."; pmcEl.style.minHeight = "0"; }
      else {
        plots.push([new uPlot({width: P.width(pmcEl), height: 300,
          series: [{}, {label: "fitness (CTL)", stroke: "#1f5fa8", width: 2}, {label: "fatigue (ATL)", stroke: "#d35400", width: 1},
            {label: "form (TSB)", stroke: "#27ae60", width: 1, fill: "rgba(39,174,96,0.08)"}],
          axes: [{}, {label: d.load_kind + " per day"}]}, [d.day_s, d.ctl, d.atl, d.tsb], pmcEl), pmcEl, 300]);
        document.getElementById("pmc-note").textContent = "Banister model, 42-day fitness and 7-day fatigue on " + d.load_kind + " loads" + (sport ? " (" + sport + " only)" : "") + (d.no_load ? "; " + d.no_load + " activities carry no load (set hr_rest/hr_max or a threshold speed: paceline log profile)" : "") + ".";
      }
      document.querySelector("#bests tbody").innerHTML = d.bests.map(b => `<tr><td>${esc(b.distance)}</td><td>${esc(b.time)}</td><td><a href="/log/${b.id}">${esc(b.date)}</a></td></tr>`).join("") || "<tr><td colspan=3>none yet</td></tr>";
      const yrs = d.per_year.filter(y => y.cs_m_s != null);
      document.querySelector("#cs-table tbody").innerHTML = d.per_year.map(y => `<tr><td>${y.year}</td><td>${esc(y.cs_pace)}</td><td>${y.d_prime_m == null ? "—" : y.d_prime_m + " m"}</td><td>${y.n}</td></tr>`).join("") || "<tr><td colspan=4>none yet</td></tr>";
      if (yrs.length) {
        plots.push([new uPlot({width: P.width(csEl), height: 220, scales: {x: {time: false}},
          series: [{label: "year", value: (u, v) => v}, {label: "critical speed", stroke: "#8e44ad", width: 2, points: {size: 7}, value: (u, v) => v == null ? "—" : P.duration(1000 / v, 0) + "/km"}],
          axes: [{values: (u, vs) => vs.map(v => Number.isInteger(v) ? v : "")}, {label: "pace at CS [/km]", values: (u, vs) => vs.map(v => P.duration(1000 / v, 0)), size: 60}]},
          [yrs.map(y => y.year), yrs.map(y => y.cs_m_s)], csEl), csEl, 220]);
      } else { csEl.textContent = "Critical speed needs best efforts of 2–15 min in a year."; csEl.style.minHeight = "0"; }
    } catch (e) { pmcEl.textContent = "Could not load the fitness data: " + e; }
    document.body.dataset.fitnessSport = sport;
    performance.mark("paceline:ready");  // benchmarks/bench_web_browser.py reads this
  }
  drawFitness(sportOf());
  const follow = () => { if (sportOf() !== shownSport) drawFitness(sportOf()); };
  ["htmx:afterSettle", "htmx:pushedIntoHistory", "htmx:historyRestore"].forEach(k => document.body.addEventListener(k, follow));
  P.onResize(plots);
  const btn = document.getElementById("import-btn");
  btn && btn.addEventListener("click", async () => {
    const form = document.getElementById("import-form"), status = document.getElementById("import-status");
    const fd = new FormData(); for (const f of form.files.files) fd.append("files", f);
    if (!form.files.files.length) { status.textContent = "Choose one or more files first."; return; }
    status.textContent = "Importing…";
    const r = await fetch("/api/log/import", {method: "POST", body: fd, headers: {"Authorization": "Bearer " + form.token.value}});
    const d = await r.json();
    status.textContent = r.ok ? d.files.map(f => f.file + ": " + f.status + (f.reason ? " (" + f.reason + ")" : "")).join("; ") : (d.detail || r.statusText);
    if (r.ok) htmx.ajax("GET", location.pathname + location.search, "#table");
  });
});
