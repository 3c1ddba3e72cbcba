"""Every reason code the live package can reject a read with is registered and documented.

`bad-field` and `unsupported` were once emitted without being in docs/live.md: a timing crew
reading an answer could not look them up.
"""

import ast
import re
from pathlib import Path

import paceline.live
from paceline.live.formats import REASON_CODES

ROOT = Path(__file__).resolve().parents[2]
PKG = Path(paceline.live.__file__).parent


def _emitted() -> dict[str, list[str]]:
    """Codes in every ``BadRead(code, …)`` call of the package, with where."""
    out: dict[str, list[str]] = {}
    for f in sorted(PKG.glob("*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "BadRead"):
                arg = node.args[0]
                # a code is written where it is raised (a literal, or a choice of two), so
                # that this scan sees every one
                if isinstance(arg, ast.IfExp):
                    consts = [arg.body, arg.orelse]
                else:
                    consts = [arg]
                assert all(isinstance(c, ast.Constant) for c in consts), (
                    f"{f.name}:{node.lineno}: BadRead with a computed code")
                consts = [c.value for c in consts]
                for c in consts:
                    out.setdefault(c, []).append(f"{f.name}:{node.lineno}")
    return out


def test_every_emitted_code_is_registered():
    emitted = _emitted()
    assert set(emitted) <= set(REASON_CODES), {c: emitted[c] for c in set(emitted)
                                               - set(REASON_CODES)}
    assert set(REASON_CODES) <= set(emitted), set(REASON_CODES) - set(emitted)  # none stale


def test_every_code_is_documented_with_its_cause():
    doc = (ROOT / "docs" / "live.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (.+) \|$", doc, flags=re.M))
    for code in REASON_CODES:
        assert code in rows, f"docs/live.md has no row for the reason code {code!r}"
        assert len(rows[code]) > 20
