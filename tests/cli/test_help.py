"""--help for every command: units in square brackets kept, bool flags shown as flags, nothing
cut at 80 columns (issue 14 item 5). Walks the whole command tree, so new commands are checked
too."""

import pytest
import typer.main
from typer.testing import CliRunner

from paceline.cli import app
from paceline.cli._help import first_sentence

runner = CliRunner()


def _walk(command, path=()):
    yield path, command
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        yield from _walk(sub, (*path, name))


COMMANDS = list(_walk(typer.main.get_command(app)))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_tree_has_every_group():
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"predict", "plan", "crew plan", "formation show", "log fitness"} <= names


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) or "paceline"
                                                        for p, _ in COMMANDS])
def test_help_keeps_every_word_at_80_columns(path, command):
    res = runner.invoke(app, [*path, "--help"], terminal_width=80, env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    out = res.output
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert "…" not in out.replace("400 m … marathon", ""), out
    flat = _flat(out)
    # every parameter's help whole, units in square brackets included (Rich markup ate "[m/s]")
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            assert _flat(text) in flat, f"{param.name}: {text!r} not whole in\n{out}"
        if getattr(param, "is_flag", False) and not getattr(param, "secondary_opts", None):
            assert f"{param.opts[0]} <" not in out, f"flag {param.opts[0]} shown with a metavar"
    assert "<bool>" not in out
    # a group lists each command's whole first sentence, not one cut with "..."
    for name, sub in (getattr(command, "commands", None) or {}).items():
        assert _flat(first_sentence(sub.help)) in flat, f"{name}'s summary cut in\n{out}"


def test_a_unit_in_brackets_survives():
    res = runner.invoke(app, ["crew", "plan", "--help"], terminal_width=80)
    assert "Solver limit [s]" in _flat(res.output)
