"""The chain-rule fixtures are what the engine makes today (see chain_fixtures.py)."""

from __future__ import annotations

import pytest
from chain_fixtures import FIXTURES, SPECS, build, text


@pytest.mark.parametrize("name", sorted(SPECS))
def test_fixture_is_the_engines_frame(name: str) -> None:
    settings, steps = SPECS[name]
    path = FIXTURES / f"{name}.json"
    assert path.read_text(encoding="utf-8") == text(build(settings, steps)), (
        f"{path.name} is stale: run .venv/bin/python tests/js/chain_fixtures.py")
