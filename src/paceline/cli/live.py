"""`paceline live ...`: serve a race, manage access tokens, replay a race into a service."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from paceline.cli._console import CliConsole
from paceline.errors import PacelineError, UnitError

TLS_HELP = (
    "TLS: run behind a reverse proxy that terminates HTTPS (Caddy: `reverse_proxy "
    "127.0.0.1:8000`; nginx: `proxy_pass http://127.0.0.1:8000; proxy_buffering off;` for "
    "the SSE stream), or give uvicorn a certificate with --ssl-keyfile/--ssl-certfile. "
    "Tokens travel in headers or URLs: never serve them over plain HTTP beyond 127.0.0.1. "
    "Step by step: docs/live.md."
)

app = typer.Typer(help="Race day: follow a race live (timing mats and GPS in, projections and "
                       "alerts out). " + TLS_HELP, no_args_is_help=True)
token_app = typer.Typer(help="Access tokens: official (writes and reads) or viewer (reads).",
                        no_args_is_help=True)
app.add_typer(token_app, name="token")
out = CliConsole()
err = CliConsole(stderr=True)


def default_live_db() -> str:
    """``$PACELINE_LIVE_DB`` if set, else SQLite at ``~/.local/share/paceline/live.sqlite``."""
    env = os.environ.get("PACELINE_LIVE_DB")
    if env:
        return env if "://" in env else f"sqlite:///{Path(env).expanduser()}"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'paceline' / 'live.sqlite'}"


DbOpt = Annotated[str | None, typer.Option(
    "--db", help="Database URL (default $PACELINE_LIVE_DB or ~/.local/share/paceline/"
                 "live.sqlite); postgresql+psycopg://user@host/db for real use.")]


@app.command("serve", help="Serve the plan in PLAN_DIR (written by `paceline plan`) live. "
                           + TLS_HELP)
def serve_cmd(
    plan_dir: Annotated[Path, typer.Argument(help="Directory written by `paceline plan`.")],
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    tz: Annotated[str, typer.Option(help="Time zone of decoders' local times (IANA name).")
                  ] = "UTC",
    scenario: Annotated[Path | None, typer.Option(
        help="Scenario TOML (default: the crew plan's) for the projection and re-plans.")
                        ] = None,
    behind_alert: Annotated[float, typer.Option(help="Alert when behind schedule by more "
                                                     "than this [s].")] = 10.0,
    rate_limit: Annotated[float, typer.Option(help="Reads per second per token (0: none).")
                          ] = 5000.0,
    raceresult_port: Annotated[int | None, typer.Option(
        help="Also listen on this TCP port for RACE RESULT decoders in client mode (their "
             "pushed passings; the decoder's own port is 3601).")] = None,
    mylaps_port: Annotated[int | None, typer.Option(
        help="Also listen on this TCP port for MYLAPS Exporter connections (passings "
             "acknowledged after they are stored; commonly 3097).")] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option(help="TLS key (PEM).")] = None,
    ssl_certfile: Annotated[Path | None, typer.Option(help="TLS certificate (PEM).")] = None,
) -> None:
    import uvicorn

    from paceline.live.app import create_app
    from paceline.live.tracker import Settings

    if not 0 < port < 65536:
        raise UnitError("port out of range", where="--port", value=port, valid="1 … 65535")
    for name, p in (("--raceresult-port", raceresult_port), ("--mylaps-port", mylaps_port)):
        if p is not None and not (0 < p < 65536 and p != port):
            raise UnitError("port out of range or the HTTP port", where=name, value=p,
                            valid=f"1 … 65535, not --port {port}")
    if raceresult_port is not None and raceresult_port == mylaps_port:
        raise UnitError("the two decoder ports must differ", where="--mylaps-port",
                        value=mylaps_port)
    if behind_alert <= 0:
        raise UnitError("must be positive", where="--behind-alert", value=behind_alert)
    if (ssl_keyfile is None) != (ssl_certfile is None):
        raise UnitError("give both --ssl-keyfile and --ssl-certfile", where="--ssl-keyfile")
    if scenario is not None and not scenario.is_file():
        raise UnitError("scenario file not found", where="--scenario", value=str(scenario),
                        fix="give the scenario TOML the plan was made from")
    url = db or default_live_db()
    application = create_app(plan_dir, url, tz=tz, scenario=scenario, rate_limit=rate_limit,
                             settings=Settings(behind_alert_s=behind_alert), tcp_host=host,
                             raceresult_port=raceresult_port, mylaps_port=mylaps_port)
    svc = application.state.service
    scheme = "https" if ssl_certfile else "http"
    err.print(f"paceline live: {svc.plan.name} — {scheme}://{host}:{port}/api/v1 "
              f"(database {url.split('@')[-1]})")
    for what, p in (("RACE RESULT decoders", raceresult_port), ("MYLAPS exporters", mylaps_port)):
        if p is not None:
            err.print(f"  {what}: tcp://{host}:{p}")
    if svc.scenario_path is None:
        err.print("[yellow]warning:[/yellow] the crew plan's scenario file was not found from "
                  "here: the projection scales the schedule instead of running the race model, "
                  "and drop-outs cannot be re-planned. Start from the folder `paceline plan` "
                  "ran in, or pass --scenario.")
    elif svc.roster_path is None:
        err.print("[yellow]warning:[/yellow] the crew plan's roster file was not found from "
                  "here: drop-outs cannot be re-planned.")
    if host not in ("127.0.0.1", "localhost", "::1") and ssl_certfile is None:
        err.print("[yellow]warning:[/yellow] listening beyond this machine without TLS: put it "
                  "behind a TLS proxy (see --help)")
    uvicorn.run(application, host=host, port=port, log_level="warning",
                ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
                ssl_certfile=str(ssl_certfile) if ssl_certfile else None)


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(
        metavar="<official|viewer>",
        help="official (writes and reads) or viewer (reads).")],
    name: Annotated[str, typer.Option(help="Who holds it (shown in `token list`).")] = "",
    db: DbOpt = None,
) -> None:
    """Create a token: printed once (only its hash is stored)."""
    from paceline.store.live import ROLES, LiveStore

    if role not in ROLES:
        raise UnitError("unknown role", where="--role", value=role, valid=", ".join(ROLES))
    store = LiveStore(db or default_live_db())
    try:
        tok = store.create_token(role, name)
    finally:
        store.close()
    err.print(f"{role} token{' for ' + name if name else ''} (shown once; keep it secret):")
    print(tok)


@token_app.command("list")
def token_list(db: DbOpt = None) -> None:
    """List tokens (id, name, role, revoked); the tokens themselves are not stored."""
    from paceline.store.live import LiveStore

    store = LiveStore(db or default_live_db())
    try:
        for t in store.tokens():
            out.print(f"{t['id']:4d}  {t['role']:8s}  {'revoked' if t['revoked'] else 'active ':7s}"
                      f"  {t['name']}")
    finally:
        store.close()


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(help="Id from `token list`.")],
                 db: DbOpt = None) -> None:
    """Revoke a token (the service notices within 5 s)."""
    from paceline.store.live import LiveStore

    store = LiveStore(db or default_live_db())
    try:
        if not store.revoke_token(token_id):
            raise UnitError("no such token", where="TOKEN_ID", value=token_id,
                            fix="see `paceline live token list`")
    finally:
        store.close()
    out.print(f"token {token_id} revoked")


@app.command("replay")
def replay_cmd(
    plan_dir: Annotated[Path, typer.Argument(help="Directory written by `paceline plan`.")],
    token: Annotated[str | None, typer.Option(
        help="Official token (default $PACELINE_LIVE_TOKEN).")] = None,
    url: Annotated[str, typer.Option(help="The running service.")] = "http://127.0.0.1:8000",
    speed: Annotated[float, typer.Option(help="Times real time (60: a marathon in 2 min).")
                     ] = 60.0,
    distance: Annotated[str | None, typer.Option(help="Stop after this distance, e.g. 3km.")
                        ] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the noise.")] = 1,
    tz: Annotated[str, typer.Option(help="Time zone the decoder lines are written in; the "
                                         "service's --tz must match.")] = "UTC",
) -> None:
    """Play a race from the plan into a running service: mats every km, GPS at 1 Hz with
    noise, a pacer who drops out, duplicates and out-of-order reads."""
    import httpx
    from rich.progress import Progress

    from paceline.live.formats import TimeBase
    from paceline.live.plan import read_live_plan
    from paceline.live.replay import replay, simulate_race
    from paceline.units import parse_distance_m

    token = token or os.environ.get("PACELINE_LIVE_TOKEN")
    if not token:
        raise UnitError("an official token is needed", where="--token",
                        fix="paceline live token create --role official, then --token TOKEN "
                            "or PACELINE_LIVE_TOKEN")
    if speed <= 0:
        raise UnitError("must be positive", where="--speed", value=speed)
    plan = read_live_plan(plan_dir)
    d = parse_distance_m(distance, where="--distance") if distance else None
    msgs = simulate_race(plan, seed=seed, distance_m=d,
                         tz=TimeBase.of(tz, plan_date(plan)).tz)
    with httpx.Client(base_url=url, timeout=30) as client:
        try:
            r = client.get("/api/v1/health")
        except httpx.TransportError as exc:
            raise PacelineError(f"no service at {url}: {exc}", where="--url",
                                fix="start it with `paceline live serve PLAN_DIR`") from None
        if r.status_code != 200:
            raise PacelineError(f"{url} answered {r.status_code}", where="--url")
        with Progress(console=err, transient=True) as prog:
            task = prog.add_task(f"replay ×{speed:g}", total=len(msgs))
            try:
                rep = replay(msgs, client, token, speed=speed,
                             progress=lambda n, _t: prog.update(task, completed=n))
            except PermissionError as exc:
                raise PacelineError(str(exc), where="--token",
                                    fix="give an official token: paceline live token create "
                                        "--role official (with the service's --db)") from None
    out.print(f"sent {rep.sent} requests in {rep.wall_s:.1f} s; {len(rep.acknowledged)} reads "
              f"acknowledged, {rep.retries} retries; rejected: {rep.rejected or 'none'}")


def plan_date(plan):
    import datetime as dt

    return dt.datetime.fromtimestamp(plan.start_s, dt.UTC).date()
