"""Web app figures (prints; never gates): first load of each page with a 20-year training log
(8,000 activities) and the formation editor's update round trip.

Targets (issue 18): each page's first load ≤ 1 s; formation drag update round trip ≤ 200 ms.

The log: the real test files imported once (real streams, laps and best efforts), then 8,000
activity rows spread over 20 years written straight into the store's tables (their summaries,
HR histograms and best efforts copied from the imported ones) — the pages read only those
tables, and a real import of 8,000 files is bench_log.py's job. Timed through the real server
(uvicorn on 127.0.0.1) with an HTTP client; "first load" is the HTML plus the data API the
page's script fetches (the Plan page's /api/plan, the log's /api/log/fitness), not the
browser's rendering; "first" is cold (nothing cached), "again" the second load (the log's
fitness is cached while the log is unchanged; `paceline web` computes it at start).

    python benchmarks/bench_web.py            # 8,000 activities, 5 runs
    python benchmarks/bench_web.py --quick    # CI: 400 activities, 2 runs
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]


def build_log(url: str, n: int) -> None:
    from paceline.store import TrainingLog, import_paths
    from paceline.store.schema import ActivityRow, BestEffortRow

    with TrainingLog(url) as lg:
        import_paths(lg, [ROOT / "tests" / "data" / "fit" / "run"], workers=1)
        with lg.engine.begin() as c:
            proto = [dict(r._mapping) for r in c.execute(select(ActivityRow.__table__))]
            bests = [dict(r._mapping) for r in c.execute(select(BestEffortRow.__table__))]
            start = dt.datetime(2006, 1, 1)
            rows, eff = [], []
            next_id = max(p["id"] for p in proto) + 1
            for k in range(n):
                p = dict(proto[k % len(proto)])
                p["id"] = next_id + k
                p["start_utc"] = start + dt.timedelta(hours=k * 20 * 365.25 * 24 / n)
                p["content_hash"] = f"bench-{k:08d}"
                p["n_samples"] = 0  # no streams: the list, PMC and bests read summaries
                rows.append(p)
                eff += [{**b, "activity_id": p["id"]} for b in bests
                        if b["activity_id"] == proto[k % len(proto)]["id"]]
            c.execute(insert(ActivityRow.__table__), rows)
            if eff:
                c.execute(insert(BestEffortRow.__table__), eff)


def serve(app):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=srv.run, daemon=True).start()
    while not srv.started:
        time.sleep(0.02)
    return srv, f"http://127.0.0.1:{port}"


def fmt(xs: list[float]) -> str:
    return (f"median {1000 * statistics.median(xs):.0f} ms (range {1000 * min(xs):.0f}–"
            f"{1000 * max(xs):.0f}, {len(xs)} runs)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--n", type=int, default=None, help="activities (default 8000)")
    args = ap.parse_args()
    n = args.n or (400 if args.quick else 8000)
    runs = 2 if args.quick else 5
    from paceline.report.plan import write_plan
    from paceline.web import WebConfig, create_app, views

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/log.sqlite"
        t0 = time.perf_counter()
        build_log(url, n)
        print(f"log of {n} activities over 20 years built in {time.perf_counter() - t0:.1f} s")
        write_plan(ROOT / "scenarios" / "vienna-2019.toml", Path(tmp) / "plan",
                   draws=500 if args.quick else 20000)
        pages = {"/plan": ["/api/plan"], "/formation": ["/api/formation/preset/ineos-vienna-2019"],
                 "/log": ["/api/log/fitness"]}
        first: dict[str, list[float]] = {p: [] for p in pages}
        warm: dict[str, list[float]] = {p: [] for p in pages}
        rt: list[float] = []
        for _ in range(runs):
            app = create_app(WebConfig(db_url=url, plan=str(Path(tmp) / "plan"), token="x",
                                       formations_dir=Path(tmp) / "f"))
            app.state.get_plan()  # `paceline web --plan` builds the plan before serving
            views._FITNESS.clear()  # cold: no fitness cached (`paceline web` warms it at start)
            srv, base = serve(app)
            with httpx.Client(base_url=base, timeout=60) as c:
                for p, apis in pages.items():
                    for bucket in (first, warm):
                        t = time.perf_counter()
                        assert c.get(p).status_code == 200
                        for a in apis:
                            assert c.get(a).status_code == 200
                        bucket[p].append(time.perf_counter() - t)
                runners = c.get("/api/formation/preset/ineos-vienna-2019").json()["runners"]
                for k in range(10):
                    runners[1]["y_m"] = 0.1 * k
                    t = time.perf_counter()
                    r = c.post("/api/formation/evaluate", json={"runners": runners,
                                                                "wind_speed_m_s": 2.0,
                                                                "wind_from_deg": 270})
                    rt.append(time.perf_counter() - t)
                    assert r.status_code == 200
            srv.should_exit = True
            time.sleep(0.2)
        for p in pages:
            print(f"{p:<11} first load (HTML + data API) {fmt(first[p])}  [target ≤ 1 s]; "
                  f"again {fmt(warm[p])}")
        print(f"formation update round trip (drag ratios + race worth) {fmt(rt)}  "
              "[target ≤ 200 ms]")
        print("Shared 2-core machine: figures are noisy.", file=sys.stderr)


if __name__ == "__main__":
    main()
