"""requirements.lock (what ./dev and CI install, hash-checked) satisfies pyproject.toml:
every dependency and every extra ./dev installs, at a version its range allows."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
#: The extras ./dev installs besides the base dependencies.
EXTRAS = ("test", "redis", "serve")


def locked() -> dict[str, Version]:
    """name -> version of every pin in the lock that applies to this Python."""
    pins: dict[str, Version] = {}
    environment = default_environment()
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+))?", line)
        if match is None:
            continue
        name, version, marker = match.groups()
        if marker and not Requirement(f"x; {marker.strip()}").marker.evaluate(environment):
            continue
        pins[canonicalize_name(name)] = Version(version)
    return pins


def test_the_lock_pins_every_dependency_within_its_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"],
              *(r for extra in EXTRAS for r in project["optional-dependencies"][extra])]
    pins = locked()
    assert len(pins) > 20
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run ./dev lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"{name}=={pins[name]} is outside {requirement.specifier}: run ./dev lock"


def test_every_pin_is_hash_checked() -> None:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = [line for line in text.splitlines() if re.match(r"^[A-Za-z0-9_.\-]+==", line)]
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text)
    assert pins and all("--hash=sha256:" in block for block in blocks if "==" in block)


def test_redis_and_gunicorn_are_extras_not_requirements() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    assert not base & {"redis", "gunicorn"}
    assert "python-socketio" in base  # its private seams are patched: pinned directly
    extras = project["optional-dependencies"]
    assert [Requirement(r).name for r in extras["redis"]] == ["redis"]
    assert [Requirement(r).name for r in extras["serve"]] == ["gunicorn"]
