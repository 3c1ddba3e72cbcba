"""Output paths of every command that writes a file, and the plan folder (review of issue 14,
findings 1–3 and the --png polish item).

* A folder where a file is expected, a file in a folder that does not exist, a figure not
  named .png: exit 2 with the fix, before any work, nothing written, no folder created.
* ``paceline plan -o DIR --overwrite`` replaces only the files an earlier plan wrote (its
  manifest); a folder holding anything else is refused, naming what it holds — it deleted a
  thesis, ``sub/`` and ``.git`` before, and crashed on ``-o .``.
"""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paceline.cli import app
from paceline.cli._paths import writing
from paceline.errors import InputFileError
from paceline.io.plan_files import MANIFEST
from paceline.report.plan import check_plan_folder, write_plan
from tests.cli.test_cli import GOOD, run_main

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
SCEN = str(ROOT / "scenarios" / "vienna-2019.toml")
ROSTER = str(ROOT / "rosters" / "vienna-2019-pacers.csv")
LEGACY_PLAN = ROOT / "tests" / "data" / "live" / "vienna-plan"  # written before the manifest

#: (command before the option, option, example file name, a figure?) — one per command family
WRITERS = [
    (["predict", SCEN], "--png", "prediction.png", True),
    (["crew", "plan", SCEN, "--roster", ROSTER], "--png", "gantt.png", True),
    (["crew", "plan", SCEN, "--roster", ROSTER], "--out", "crew_plan.json", False),
    (["crew", "replan", "p.json", "--dropped", "V07", "--at", "23.4km"], "--out",
     "crew_plan.json", False),
    (["crew", "replan", "p.json", "--dropped", "V07", "--at", "23.4km"], "--png", "gantt.png",
     True),
    (["log", "fitness"], "--out", "pmc.png", True),
    (["log", "profile"], "--out", "athlete.toml", False),
    (["log", "export"], "--out", "activities.csv", False),
    (["venue", str(ROOT / "scenarios" / "venue-sub2.toml")], "--png", "venue.png", True),
    (["formation", "show", "ineos-vienna-2019"], "--png", "formation.png", True),
    (["lights", "--target", "3:59"], "--csv", "lights.csv", False),
]
IDS = [" ".join(w[0][:2] if w[0][0] in ("crew", "log", "formation") else w[0][:1]) + " " + w[1]
       for w in WRITERS]


def _refused(args, *texts) -> str:
    res = runner.invoke(app, args)
    assert isinstance(res.exception, InputFileError), (args, res.output, res.exception)
    msg = str(res.exception)
    for t in texts:
        assert t in msg, msg
    return msg


@pytest.mark.parametrize("cmd,opt,example,figure", WRITERS, ids=IDS)
def test_a_folder_given_for_a_file_is_refused_with_a_file_name(tmp_path, cmd, opt, example,
                                                                 figure):
    # `log fitness --out /tmp` wrote /tmp.png; `predict --png /tmp` raised IsADirectoryError
    d = tmp_path / "figs"
    d.mkdir()
    _refused([*cmd, opt, str(d)], f"{opt}: {d} is a folder",
             f"give a file name such as {d / example}")
    assert not list(d.iterdir()) and not (tmp_path / "figs.png").exists()


@pytest.mark.parametrize("cmd,opt,example,figure", WRITERS, ids=IDS)
def test_a_missing_folder_is_named_with_mkdir_and_not_created(tmp_path, cmd, opt, example,
                                                              figure):
    target = tmp_path / "no" / "such" / example
    _refused([*cmd, opt, str(target)], f"{opt}: the folder {target.parent} does not exist",
             f"mkdir -p {target.parent}")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("cmd,opt,example,figure", [w for w in WRITERS if w[3]],
                         ids=[i for i, w in zip(IDS, WRITERS, strict=True) if w[3]])
@pytest.mark.parametrize("name", ["x.txt", "x.jpg", "x"])
def test_a_figure_must_be_named_png(tmp_path, cmd, opt, example, figure, name):
    # PNG data was written under x.txt / x.jpg
    msg = _refused([*cmd, opt, str(tmp_path / name)], "must end in .png")
    assert f"Fix: {opt} {tmp_path / 'x.png'}" in msg
    assert not list(tmp_path.iterdir())


def test_a_file_in_the_way_of_the_folder_is_named(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    _refused(["predict", SCEN, "--png", str(tmp_path / "notes.txt" / "x.png")],
             f"{tmp_path / 'notes.txt'} is a file, not a folder")


def test_paths_refused_by_the_real_entry_point_exit_2_without_traceback(tmp_path):
    for args in (["predict", SCEN, "--png", str(tmp_path)],
                 ["log", "fitness", "--out", str(tmp_path / "no" / "p.png")],
                 ["crew", "plan", SCEN, "--roster", ROSTER, "--out",
                  str(tmp_path / "no" / "c.json")],
                 ["plan", SCEN, "-o", str(tmp_path / "no" / "deep" / "plan")]):
        res = run_main(*args)
        assert res.returncode == 2 and "Traceback" not in res.stderr, (args, res.stderr)
        assert "error:" in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_os_error_while_writing_names_the_option():
    with pytest.raises(InputFileError, match=r"--png: cannot write x.png: No space left"):
        with writing(Path("x.png"), where="--png"):
            raise OSError(28, "No space left on device")


def test_a_good_figure_path_is_written(tmp_path):
    png = tmp_path / "f.png"
    res = runner.invoke(app, ["formation", "show", "ineos-vienna-2019", "--png", str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---- paceline plan -o DIR ------------------------------------------------------------------

def test_overwrite_never_deletes_files_paceline_did_not_write(tmp_path):
    out = tmp_path / "ow"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / "data.csv").write_text("1,2")
    (out / "thesis.txt").write_text("precious")
    res = run_main("plan", SCEN, "-o", str(out), "--overwrite")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "2 file(s) paceline plan did not write: sub/, thesis.txt" in res.stderr
    assert "choose a new or empty folder" in res.stderr and "--overwrite never deletes" \
        in res.stderr
    assert (out / "thesis.txt").read_text() == "precious"
    assert (out / "sub" / "data.csv").read_text() == "1,2"
    assert sorted(p.name for p in out.iterdir()) == ["sub", "thesis.txt"]


def test_dot_in_a_repository_is_refused_and_nothing_is_touched(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "notes.txt").write_text("n")
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["plan", SCEN, "-o", ".", "--overwrite"])
    assert isinstance(res.exception, InputFileError), res.output  # was OSError from rmtree('.')
    assert f"the folder {tmp_path} holds 2 file(s)" in str(res.exception)
    assert ".git/, notes.txt" in str(res.exception)
    assert (tmp_path / ".git" / "HEAD").is_file() and (tmp_path / "notes.txt").is_file()


@pytest.mark.parametrize("home", [Path.home(), ROOT])
def test_home_and_the_repository_root_are_refused(home):
    with pytest.raises(InputFileError, match="paceline plan did not write"):
        check_plan_folder(home, overwrite=True, where="-o")


def test_plan_creates_its_own_folder_only(tmp_path):
    with pytest.raises(InputFileError, match=r"mkdir -p .*/a/b"):
        check_plan_folder(tmp_path / "a" / "b" / "plan", overwrite=False, where="-o")
    assert check_plan_folder(tmp_path / "plan", overwrite=False) == []
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputFileError, match="is a file, not a folder"):
        check_plan_folder(tmp_path / "f", overwrite=True)


def test_a_plan_written_before_the_manifest_is_recognised(tmp_path):
    old = tmp_path / "old"
    shutil.copytree(LEGACY_PLAN, old)
    with pytest.raises(InputFileError, match="holds an earlier plan .*--overwrite"):
        check_plan_folder(old, overwrite=False)
    assert sorted(check_plan_folder(old, overwrite=True)) == sorted(
        p.name for p in LEGACY_PLAN.iterdir())
    (old / "mine.txt").write_text("x")
    with pytest.raises(InputFileError, match="did not write: mine.txt"):
        check_plan_folder(old, overwrite=True)


def test_a_manifest_cannot_claim_other_files(tmp_path):
    # only the plan's own file names, as regular files, are ever replaced
    (tmp_path / "thesis.txt").write_text("x")
    (tmp_path / "report.html").mkdir()
    (tmp_path / MANIFEST).write_text(json.dumps({"files": ["thesis.txt", "../x",
                                                           "report.html"]}))
    with pytest.raises(InputFileError, match=r"did not write: report.html/, thesis.txt"):
        check_plan_folder(tmp_path, overwrite=True)


def test_dot_plan_overwrite_replaces_only_its_own_files_byte_identical(tmp_path, monkeypatch):
    # an empty folder as '.', then --overwrite over that plan: the same input gives the same
    # files byte for byte (crew_plan.json no longer stores the solver's wall time), and a file
    # the new plan does not write (laser.csv, crew_plan.json of a scenario without [plan]) goes
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["plan", SCEN, "-o", ".", "--draws", "200"])
    assert res.exit_code == 0, res.output
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert MANIFEST in first and "crew_plan.json" in first and "laser.csv" in first
    assert sorted(json.loads(first[MANIFEST])["files"]) == sorted(set(first) - {MANIFEST})
    assert b"solve_time_s" not in first["crew_plan.json"]
    # the report names the plan by its files' SHA-256, not by the minute it was written
    from paceline.report.render import plan_id

    pid = plan_id([tmp_path / n for n in first if n not in ("report.html", MANIFEST)])
    assert f"plan id {pid}".encode() in first["report.html"]
    res = runner.invoke(app, ["plan", SCEN, "-o", ".", "--draws", "200"])
    assert isinstance(res.exception, InputFileError)
    assert "holds an earlier plan" in str(res.exception) and "--overwrite" in str(res.exception)
    res = runner.invoke(app, ["plan", SCEN, "-o", ".", "--draws", "200", "--overwrite"])
    assert res.exit_code == 0, res.output
    again = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert again.keys() == first.keys()
    changed = [k for k in first if first[k] != again[k]]
    if changed:
        import difflib

        a, b = (x[changed[0]].decode(errors="replace").replace("><", ">\n<").splitlines()
                for x in (first, again))
        pytest.fail(f"{changed} differ:\n" + "\n".join(list(difflib.unified_diff(
            a, b, lineterm="", n=0))[:20])[:3000])
    # a smaller plan over it: the earlier plan's crew and laser files are removed
    (tmp_path.parent / "good.toml").write_text(GOOD)
    res = runner.invoke(app, ["plan", str(tmp_path.parent / "good.toml"), "-o", ".",
                              "--draws", "200", "--overwrite"])
    assert res.exit_code == 0, res.output
    names = {p.name for p in tmp_path.iterdir()}
    assert "crew_plan.json" not in names and "laser.csv" not in names
    assert {"plan.json", "report.html", MANIFEST} <= names
    assert sorted(json.loads((tmp_path / MANIFEST).read_text())["files"]) == \
        sorted(names - {MANIFEST})


def test_a_file_added_while_the_plan_is_built_is_kept_and_refused(tmp_path):
    out = tmp_path / "p"
    out.mkdir()

    def progress(done, total, label):
        if not (out / "late.txt").exists():
            (out / "late.txt").write_text("added meanwhile")

    (tmp_path / "good.toml").write_text(GOOD)
    with pytest.raises(InputFileError, match="did not write: late.txt"):
        write_plan(tmp_path / "good.toml", out, draws=200, overwrite=True, progress=progress)
    assert [p.name for p in out.iterdir()] == ["late.txt"]


def test_a_database_in_a_missing_folder_is_refused_but_the_default_folder_is_made(
        tmp_path, monkeypatch):
    # `log import --db sqlite:////nonexistent/x.sqlite` made /nonexistent at / (as root)
    db = tmp_path / "no" / "such" / "log.sqlite"
    res = runner.invoke(app, ["log", "import", str(ROOT / "tests/data/fit/run"), "--db",
                              f"sqlite:///{db}"])
    assert isinstance(res.exception, InputFileError), res.output
    assert f"mkdir -p {db.parent}" in str(res.exception)
    assert not (tmp_path / "no").exists()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the default place: made
    monkeypatch.delenv("PACELINE_DB", raising=False)
    res = runner.invoke(app, ["log", "import", str(ROOT / "tests/data/fit/run/"
                                                   "activity-small-fenix2-run.fit")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "data" / "paceline" / "log.sqlite").is_file()


@pytest.mark.parametrize("args,opt", [
    (["weather", "fetch", "11035", "--from", "2019-10-01", "--to", "2019-10-02"], "--cache"),
    (["web"], "--formations-dir"),
])
def test_folders_other_commands_write_into_need_their_parent(tmp_path, args, opt):
    # refused before the network is asked or the server starts
    target = tmp_path / "no" / "such"
    _refused([*args, opt, str(target)], f"mkdir -p {target.parent}")
    assert not (tmp_path / "no").exists()
    (tmp_path / "f").write_text("x")
    _refused([*args, opt, str(tmp_path / "f")], "is a file, not a folder")
