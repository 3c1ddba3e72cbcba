"""README's tour, run as written: every ``$ `` line of the "A short tour" block, in order, in a
temporary folder, on bundled data (issue 14 items 1–2). README is true by construction.

How a tour block is read (so that lines others add are picked up without touching this file):

* ``$ command  # comment`` — a command, run with bash in the temporary folder (the repository's
  top-level files and folders are linked into it, so ``scenarios/...`` resolves), with
  ``paceline`` on PATH. It must exit 0 and print something; every file it names after
  ``--png``, ``--out``, ``--csv``, ``-o`` must exist afterwards.
* ``$ export NAME=value`` — sets NAME for the commands after it.
* Every file the tour writes must land under ``tour/``: it runs with a HOME of its own, which
  must hold nothing of paceline's afterwards, and the folder nothing but ``tour/`` beside the
  repository's links.
* a line that is not a command — output the command above must print (whitespace and table
  borders ignored).
* a comment containing ``tour: skip`` — shown to readers, not run (say why beside it);
  ``tour: background`` — a server: started, must still be running after 5 s, then stopped.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
OUTPUT_FLAGS = ("--png", "--out", "--csv", "-o", "--html")


@dataclass
class TourLine:
    command: str
    comment: str = ""
    expected: list[str] = field(default_factory=list)


def parse_tour(text: str) -> list[TourLine]:
    """The tour's commands with the output README shows under each."""
    section = text.split("## A short tour", 1)[1]
    block = section.split("```", 2)[1]
    lines: list[TourLine] = []
    for raw in block.splitlines():
        if raw.startswith("$ "):
            body = raw[2:]
            m = re.search(r"\s+#\s.*$", body)
            comment = m.group(0).strip() if m else ""
            lines.append(TourLine(body[: m.start()] if m else body, comment))
        elif raw.strip() and lines:
            lines[-1].expected.append(re.sub(r"\s+#\s.*$", "", raw.strip()))
    return lines


def _flat(text: str) -> str:
    """Whitespace collapsed and table borders (box-drawing characters) dropped."""
    return " ".join(re.sub("[\u2500-\u257f]", " ", text).split())


TOUR = parse_tour(README.read_text(encoding="utf-8"))


def test_tour_is_found_and_runs_the_main_commands():
    cmds = [t.command for t in TOUR]
    assert len(cmds) >= 20
    assert any(c.startswith("paceline plan ") for c in cmds)
    assert any(c.startswith("paceline log fitness") for c in cmds)


def _outputs(command: str) -> list[str]:
    words = shlex.split(command.replace("&&", " "))
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w in OUTPUT_FLAGS]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("tour")
    for item in ROOT.iterdir():
        if item.name in (".git", ".venv", "tour", "vienna-plan") or item.name.startswith("."):
            continue
        (d / item.name).symlink_to(item)
    return d


def test_readme_tour_runs_as_written(workdir, tmp_path_factory):
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env["COLUMNS"] = "120"
    for name in ("PACELINE_DB", "PACELINE_LIVE_DB", "PACELINE_FORMATIONS", "XDG_DATA_HOME",
                 "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        env.pop(name, None)
    # a HOME of its own: the user's is never touched, and the tour must not write into it
    # (the live commands wrote ~/.local/share/paceline/live.sqlite, 13 MB after a replay)
    home = tmp_path_factory.mktemp("home")
    env["HOME"] = str(home)
    for line in TOUR:
        cmd = line.command.strip()
        if "tour: skip" in line.comment:
            continue
        m = re.fullmatch(r"export\s+(\w+)=(\S+)", cmd)
        if m:
            env[m.group(1)] = m.group(2)
            continue
        if "tour: background" in line.comment:
            proc = subprocess.Popen(["bash", "-c", cmd], cwd=workdir, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            time.sleep(5)
            alive = proc.poll() is None
            os.killpg(proc.pid, signal.SIGTERM)
            out = proc.communicate(timeout=30)[0].decode(errors="replace")
            assert alive, f"$ {cmd}\nstopped at once:\n{out}"
            continue
        res = subprocess.run(["bash", "-c", cmd], cwd=workdir, env=env, capture_output=True,
                             text=True, timeout=900)
        out = res.stdout + res.stderr
        assert res.returncode == 0, f"$ {cmd}\nexit {res.returncode}:\n{out}"
        if not cmd.startswith(("mkdir", "cd ")):
            assert out.strip() or _outputs(cmd), f"$ {cmd}\nprinted nothing"
        for want in line.expected:
            assert _flat(want) in _flat(out), f"$ {cmd}\nREADME shows {want!r}; it printed:\n{out}"
        for path in _outputs(cmd):
            assert (workdir / path).exists(), f"$ {cmd}\ndid not write {path}"
    # every file the tour writes is under tour/: nothing in HOME (a library's own cache, such
    # as Matplotlib's font list, aside) and nothing else beside the repository's links
    in_home = [str(p.relative_to(home)) for p in home.rglob("*") if "paceline" in
               str(p.relative_to(home)).lower()]
    assert in_home == [], f"the tour wrote into HOME: {in_home}"
    stray = sorted(p.name for p in workdir.iterdir() if not p.is_symlink() and p.name != "tour")
    assert stray == [], f"the tour wrote outside tour/: {stray}"
    assert (workdir / "tour" / "live.sqlite").is_file()  # PACELINE_LIVE_DB of the tour
