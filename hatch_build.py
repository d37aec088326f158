"""Wheel build hook: the page's browser libraries (static/vendor/) and its production bundle
(static/dist/) go into the wheel.

Both folders are generated from node_modules (`npm ci`, then `npm run build`, which copies the
vendor files and runs esbuild: tools/build.mjs) and are not in git. A wheel must carry them so
that installing it needs no node. When they are missing or older than the page's sources at
build time (a fresh clone, an sdist build, an edited module), this hook runs npm; when npm is
not available either, the build fails with a message that says what to do.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: Files the page imports from static/vendor/ (see tools/vendor.mjs).
REQUIRED = ("socket.io.esm.min.js", "msgpack.esm.js")


def bundle_is_fresh(root: Path) -> bool:
    """static/dist/ holds a manifest, its files, and is newer than every source of the page."""
    static = root / "static"
    manifest = static / "dist" / "manifest.json"
    try:
        files = json.loads(manifest.read_text())["files"].values()
    except (OSError, ValueError, KeyError, AttributeError):
        return False
    if not all((static / "dist" / name).is_file() for name in files):
        return False
    sources = [*static.glob("js/*.js"), *static.glob("css/*.css"), root / "package-lock.json"]
    built = manifest.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in sources if p.is_file())


class VendorHook(BuildHookInterface):
    """Run npm to fill static/vendor/ and static/dist/ before the wheel is built."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        """Build the page with npm when its generated files are missing or stale."""
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        build_data["artifacts"].extend(["/static/vendor/*", "/static/dist/*"])
        vendor = root / "static" / "vendor"
        if all((vendor / name).is_file() for name in REQUIRED) and bundle_is_fresh(root):
            return
        npm = shutil.which("npm")
        if npm is None or not (root / "package.json").is_file():
            raise RuntimeError(
                "static/vendor/ or static/dist/ is missing or stale and npm is not available: "
                "run `npm ci && npm run build` in the checkout (or install Node.js) before "
                "building the wheel"
            )
        installed = root / "node_modules" / ".package-lock.json"  # npm's record of the install
        if not installed.is_file() or \
                (root / "package-lock.json").stat().st_mtime > installed.stat().st_mtime:
            subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                           cwd=root, check=True)
        subprocess.run([npm, "run", "--silent", "build", "--", "--quiet"], cwd=root, check=True)
        missing = [name for name in REQUIRED if not (vendor / name).is_file()]
        if missing or not bundle_is_fresh(root):
            produced = ", ".join(missing) or "a fresh bundle"
            raise RuntimeError(f"npm run build did not produce {produced}")
