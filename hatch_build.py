"""Wheel build hook: make sure the page's browser libraries are in static/vendor/.

static/vendor/ is generated from node_modules (`npm ci`, then `npm run vendor`) and is not
in git. A wheel must carry it so that installing the wheel needs no node. When it is
missing at build time (a fresh clone, an sdist build), this hook runs npm; when npm is not
available either, the build fails with a message that says what to do.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: Files the page imports from static/vendor/ (see tools/vendor.mjs).
REQUIRED = ("socket.io.esm.min.js",)


class VendorHook(BuildHookInterface):
    """Run npm to fill static/vendor/ before the wheel is built."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        """Check static/vendor/; run `npm ci` and `npm run vendor` when a file is missing."""
        root = Path(self.root)
        vendor = root / "static" / "vendor"
        if self.target_name != "wheel" or all((vendor / name).is_file() for name in REQUIRED):
            return
        npm = shutil.which("npm")
        if npm is None or not (root / "package.json").is_file():
            raise RuntimeError(
                "static/vendor/ is missing and npm is not available: run `npm ci && npm run "
                "vendor` in the checkout (or install Node.js) before building the wheel"
            )
        if not (root / "node_modules" / "socket.io-client").is_dir():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                           cwd=root, check=True)
        subprocess.run([npm, "run", "--silent", "vendor"], cwd=root, check=True)
        missing = [name for name in REQUIRED if not (vendor / name).is_file()]
        if missing:
            raise RuntimeError(f"npm run vendor did not produce {', '.join(missing)}")
