"""``paceline web``: the browser app (Plan, Formation editor, Training log) under uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from paceline.cli._paths import check_output_folder
from paceline.errors import InputFileError

__all__ = ["web"]


def web(
    db: Annotated[str | None, typer.Option(
        "--db", help="Training-log database URL (default: $PACELINE_DB or the user's SQLite).")]
    = None,
    plan: Annotated[Path | None, typer.Option(
        "--plan", help="A plan directory (paceline plan -o DIR) or a scenario TOML.")] = None,
    host: Annotated[str, typer.Option(help="Address to bind; 127.0.0.1 keeps it on this "
                                      "machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8018,
    formations_dir: Annotated[Path, typer.Option(
        help="Folder the formation editor saves NAME.toml into (use it as PACELINE_FORMATIONS)."
    )] = Path("formations"),
    tile_url: Annotated[str | None, typer.Option(
        help="Map tile URL template ({z}/{x}/{y}); default: the course on a plain background."
    )] = None,
    max_upload_mb: Annotated[int, typer.Option(help="Upload size limit [MiB].", min=1,
                                               max=1024)] = 32,
    live_db: Annotated[str | None, typer.Option(
        help="Race day: the live service's database; mounts its API (/api/v1) and the Race, "
        "live page beside the others (needs --plan DIR).")] = None,
    tz: Annotated[str, typer.Option(help="Race day: time zone of the decoders' local times "
                                    "(IANA name).")] = "UTC",
) -> None:
    """Serve the web app: the plan, the formation editor and the training log in a browser.

    Writes (saving a formation, importing files) need the token printed at start (or
    $PACELINE_WEB_TOKEN)."""
    import uvicorn

    from paceline.web import WebConfig, create_app

    if plan is not None and not plan.exists():
        raise InputFileError("no such plan directory or scenario file", where="--plan",
                             value=str(plan), fix="give the folder `paceline plan SCENARIO -o "
                             "DIR` wrote, or a scenario TOML")
    check_output_folder(formations_dir, where="--formations-dir")  # saves go there
    if tile_url is not None and not all(k in tile_url for k in ("{z}", "{x}", "{y}")):
        raise InputFileError("a tile URL needs {z}, {x} and {y}", where="--tile-url",
                             value=tile_url, fix="e.g. https://tiles.example.org/{z}/{x}/{y}.png")
    cfg = WebConfig(db_url=db, plan=None if plan is None else str(plan),
                    formations_dir=formations_dir, tile_url=tile_url,
                    token=os.environ.get("PACELINE_WEB_TOKEN") or None,
                    max_upload_bytes=max_upload_mb * 2**20, live_db=live_db, live_tz=tz)
    app = create_app(cfg)
    err = Console(stderr=True)
    if plan is not None:
        with err.status("building the plan (models, crew rotation) …"):
            app.state.get_plan()
        if app.state.plan_state.get("plan_exception") is not None:
            raise app.state.plan_state["plan_exception"]  # exit 2 with the scenario's message
    # compute the training log's fitness charts (whole log and each sport) once now, so the
    # first visit to the Training log page does not wait for them (a background thread;
    # errors show on the page instead)
    import threading

    from paceline.web import views

    threading.Thread(target=views.warm_fitness_quietly, args=(db,), daemon=True).start()
    err.print(f"paceline web on [bold]http://{host}:{port}/[/bold]  ·  token for writes: "
              f"[bold]{cfg.token}[/bold]", highlight=False, soft_wrap=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]bound to {host}: other machines can reach this app[/yellow]")
    uvicorn.run(app, host=host, port=port, log_level="warning")
