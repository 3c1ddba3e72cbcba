"""Every gallery script in examples/ runs and writes its figure (issue 14 item 9).

A gallery script answers one question, has ``main(out_dir)`` and writes ``<its name>.png``
there. New scripts are picked up from the folder.
"""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GALLERY = sorted(p for p in (ROOT / "examples").glob("*.py")
                 if "def main(out_dir" in p.read_text(encoding="utf-8"))


def test_the_gallery_has_its_questions():
    names = {p.stem for p in GALLERY}
    assert {"vienna_v_worth", "heat_cost", "which_pacer_where", "twenty_years"} <= names


@pytest.mark.parametrize("script", GALLERY, ids=[p.stem for p in GALLERY])
def test_gallery_script_writes_its_figure(script, tmp_path, capsys):
    spec = importlib.util.spec_from_file_location(script.stem, script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.__doc__ and "?" in mod.__doc__.splitlines()[0], "the docstring asks its question"
    mod.main(tmp_path)
    png = tmp_path / f"{script.stem}.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 15_000
    assert capsys.readouterr().out.strip(), "prints its answer"
