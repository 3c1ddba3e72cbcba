"""The examples in the model docstrings run: a docstring example that drifts from the code
(air_cost's 1.0407 for a function that returns 1.0383) misleads every reader of the API docs."""

import doctest
import importlib
import pkgutil

import pytest

import paceline.course
import paceline.formation
import paceline.models

PACKAGES = (paceline.models, paceline.formation, paceline.course)
MODULES = sorted(
    {m.name for pkg in PACKAGES for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + ".")}
    | {"paceline.units"}
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) in {name} fail"
