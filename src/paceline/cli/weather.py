"""`paceline weather show FILE`: read any supported weather record into the canonical table."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from paceline.cli._console import CliConsole, json_text
from paceline.cli._paths import check_output_folder
from paceline.errors import InputFileError, UnitError
from paceline.units import parse_date

if TYPE_CHECKING:  # pandas and the readers cost ~1 s to import: only commands that read weather pay
    import pandas as pd

    from paceline.io.weather import WeatherMeta

app = typer.Typer(help="Hourly weather records: read, check, show.", no_args_is_help=True)
out = CliConsole()


def select_window(df: pd.DataFrame, meta: WeatherMeta, start: date | None,
                  end: date | None) -> pd.DataFrame:
    """Rows from 00:00Z of ``start`` to 24:00Z of ``end`` (inclusive days); a window that
    misses the record is an error naming the record's period."""
    import pandas as pd

    if start and end and end < start:
        raise UnitError("the window ends before it starts", where="--to",
                        value=f"{start} … {end}", fix="give --to on or after --from")
    lo = pd.Timestamp(start, tz="UTC") if start else df.index[0]
    hi = (pd.Timestamp(end + timedelta(days=1), tz="UTC") if end else
          df.index[-1] + pd.Timedelta(seconds=1))
    sel = df[(df.index >= lo) & (df.index < hi)]
    if sel.empty:
        raise InputFileError(
            "the date window is outside the record", where=meta.source,
            value=f"{start or '…'} … {end or '…'}",
            valid=f"{df.index[0]:%Y-%m-%d} … {df.index[-1]:%Y-%m-%d} (UTC)",
            fix="choose --from/--to inside the record")
    return sel


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 4)


def meta_json(meta: WeatherMeta, df: pd.DataFrame) -> dict:
    from paceline.io.weather import FORMATS

    return {
        "format": meta.format, "format_description": FORMATS[meta.format][1],
        "source": meta.source, "station": meta.station, "latitude_deg": meta.latitude_deg,
        "longitude_deg": meta.longitude_deg, "altitude_m": meta.altitude_m,
        "time_zone": meta.time_zone, "first_utc": df.index[0].isoformat(),
        "last_utc": df.index[-1].isoformat(), "rows": len(df), "notes": list(meta.notes),
        "absent": list(meta.absent), "missing_hours": meta.missing_hours,
        "gaps": [{"first_utc": a.isoformat(), "last_utc": b.isoformat(), "hours": n}
                 for a, b, n in meta.gaps],
    }


_SHORT = {"temperature_c": "T °C", "dew_point_c": "Td °C", "relative_humidity_frac": "RH",
          "wind_speed_m_s": "wind m/s", "wind_from_deg": "from °", "pressure_pa": "p hPa",
          "precipitation_mm": "precip mm", "cloud_cover_frac": "cloud",
          "ghi_w_m2": "GHI W/m²", "dhi_w_m2": "DHI W/m²"}


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="Weather file (KNMI, DWD/Modelica, NOAA ISD, "
                                              "ASOS CSV, JMA CSV, EPW; .gz fine).")],
    from_: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD (UTC).")]
    = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (UTC).")] = None,
    station: Annotated[str | None, typer.Option(help="Station of a multi-station file "
                                                     "(ASOS: JFK, LGA, EWR).")] = None,
    limit: Annotated[int, typer.Option(help="Rows shown (first and last half); 0 = all.")]
    = 48,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON: meta and every row.")]
    = False,
) -> None:
    """Print the canonical hourly table (time_utc, temperature_c, ...) of a weather file and
    say which format was recognised, what was done to it and which hours are missing."""
    start, end = parse_date(from_, where="--from"), parse_date(to, where="--to")
    kwargs = {"station": station} if station else {}
    from paceline.io.weather import COLUMNS, FORMATS, read_weather

    df, meta = read_weather(file, **kwargs)
    sel = select_window(df, meta, start, end)
    if json_:
        rows = [{"time_utc": t.isoformat(), **{c: _num(v) for c, v in zip(COLUMNS, r,
                                                                         strict=True)}}
                for t, r in zip(sel.index, sel.to_numpy(), strict=True)]
        print(json_text({"meta": meta_json(meta, df), "rows": rows}))
        return
    out.print(f"[bold]{file.name}[/bold]: recognised as [bold]{meta.format}[/bold] "
              f"({FORMATS[meta.format][1]})", highlight=False)
    pos = (f" at {meta.latitude_deg:.3f}, {meta.longitude_deg:.3f}"
           if meta.latitude_deg is not None else "")
    alt = f", {meta.altitude_m:g} m" if meta.altitude_m is not None else ""
    out.print(f"station {meta.station}{pos}{alt}; record {df.index[0]:%Y-%m-%d %H:%M}Z … "
              f"{df.index[-1]:%Y-%m-%d %H:%M}Z, {len(df)} hours", highlight=False)
    if meta.gaps:
        shown = ", ".join(f"{a:%Y-%m-%d %H}Z…{b:%Y-%m-%d %H}Z ({n} h)" for a, b, n in
                          meta.gaps[:5])
        more = f" and {len(meta.gaps) - 5} more" if len(meta.gaps) > 5 else ""
        out.print(f"[yellow]gaps (not filled): {meta.missing_hours} hours missing in "
                  f"{len(meta.gaps)} runs: {shown}{more}[/yellow]", highlight=False)
    else:
        out.print("no gaps: every hour present", highlight=False)
    if meta.absent:
        out.print(f"not in this format: {', '.join(meta.absent)}", highlight=False)
    for n in meta.notes:
        out.print(f"  · {n}", highlight=False)
    cols = [c for c in COLUMNS if c not in meta.absent]
    t = Table("time_utc", *[_SHORT[c] for c in cols], box=None, pad_edge=False)
    scale = {"pressure_pa": 0.01}
    idx = range(len(sel))
    if limit and len(sel) > limit:
        idx = list(range(limit // 2)) + [-1] + list(range(len(sel) - limit // 2, len(sel)))
    arr = sel[cols].to_numpy()
    for i in idx:
        if i == -1:
            t.add_row("…")
            continue
        t.add_row(f"{sel.index[i]:%Y-%m-%d %H:%M}", *[
            "—" if not math.isfinite(v) else f"{v * scale.get(c, 1.0):.{2 if 'frac' in c else 1}f}"
            for c, v in zip(cols, arr[i], strict=True)])
    out.print(t)
    if limit and len(sel) > limit:
        out.print(f"{len(sel)} rows, {limit} shown (--limit 0 shows all, --json for data)",
                  highlight=False)


@app.command()
def fetch(
    station: Annotated[str, typer.Argument(help="Meteostat station id (e.g. 11035 Wien Hohe "
                                                "Warte, 10379 Potsdam).")],
    from_: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (UTC).")],
    to: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (UTC).")],
    provider: Annotated[list[str] | None, typer.Option(
        help="Open-licence provider(s): isd-lite, dwd, eccc, gsa (default: all four).")]
    = None,
    altitude_m: Annotated[float | None, typer.Option(help="Station altitude [m].")] = None,
    cache: Annotated[Path | None, typer.Option(help="Cache folder (default "
                                                    "$PACELINE_WEATHER_CACHE or "
                                                    "~/.cache/paceline/weather).")] = None,
    refresh: Annotated[bool, typer.Option(help="Fetch again even if cached.")] = False,
) -> None:
    """Fetch a station's hourly data through meteostat (open-licence providers only) into the
    local cache as a canonical CSV that `weather show` and venue files read."""
    from paceline.io.meteostat_fetch import fetch_hourly

    if cache is not None:  # its own folder may be made; a typo must not become a tree
        check_output_folder(cache, where="--cache")
    start, end = parse_date(from_, where="--from"), parse_date(to, where="--to")
    path, df, meta = fetch_hourly(station, start, end,
                                  providers=tuple(provider or ("isd-lite", "dwd", "eccc",
                                                               "gsa")),
                                  altitude_m=altitude_m, directory=cache, refresh=refresh)
    out.print(f"{len(df)} hours, {meta.missing_hours} missing (not filled) → {path}",
              highlight=False)
    for n in meta.notes:
        out.print(f"  · {n}", highlight=False)
