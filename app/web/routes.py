"""HTTP routes: the page, the settings table the page builds its controls from, health."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from app import __version__
from app.engine import BOOLEAN_FUNCTIONS, PHASES, PROBLEM_NAMES, SETTINGS
from app.engine.activations import SATURATED_BELOW
from app.engine.problems import input_count
from app.sessions import DEFAULT_SPEED, SURFACE_RESOLUTION, speeds_table, sweeps
from app.sessions.commands import MAX_EPOCHS, MAX_NETS

pages = Blueprint("pages", __name__)


def settings_payload() -> dict[str, Any]:
    """Everything the page needs to build its controls (docs/protocol.md, HTTP)."""
    return {
        "settings": SETTINGS,
        "speeds": speeds_table(),
        "phases": list(PHASES),
        "problems": {name: list(table) for name, table in BOOLEAN_FUNCTIONS.items()},
        "problem_inputs": {name: input_count(name) for name in PROBLEM_NAMES},
        "defaults": {"speed": DEFAULT_SPEED},
        "surface_resolution": SURFACE_RESOLUTION,
        "saturated_below": SATURATED_BELOW,
        "sweep": {"nets": {"default": sweeps.DEFAULT_NETS, "min": 1, "max": MAX_NETS},
                  "epochs": {"default": sweeps.DEFAULT_EPOCHS, "min": 1, "max": MAX_EPOCHS},
                  "bins": sweeps.BINS},
        "version": __version__,
    }


@pages.get("/")
def index() -> str:
    """The page."""
    return render_template("index.html", version=__version__)


@pages.get("/api/settings")
def api_settings() -> Any:
    """The settings table, speeds, phases and problems."""
    return jsonify(settings_payload())


@pages.get("/healthz")
def healthz() -> Any:
    """Liveness: sessions and students held, kernels compiled, what background work fails.

    `ok` is false while anything is degraded (a loop that keeps failing, a session
    that cannot be saved, the database, the link to other processes); `degraded`
    lists each as {part, error, since}. The status stays 200: the server serves.
    """
    extensions = current_app.extensions
    degraded = extensions["backprop_health"].degraded()
    store = extensions.get("backprop_store")
    if store is not None and store.failing is not None:
        degraded.append({"part": "database", "error": store.failing, "since": None})
    return jsonify({"ok": not degraded, "degraded": degraded,
                    "sessions": len(extensions["backprop_sessions"]),
                    "students": len(extensions["backprop_classroom"].viewers),
                    "warm": extensions["backprop_warm"].is_set()})
