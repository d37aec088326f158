"""The page's assets: the production bundle (content-hashed, cached for a year, precompressed)
or, for development, the unbundled ES modules; and compression of the page and JSON answers.

`tools/build.mjs` (`npm run build`, run by `./dev setup` and the wheel's build hook) writes
`static/dist/`: `app-<hash>.js` and `app-<hash>.css` with their source maps, `.br` and `.gz`
copies, and `manifest.json` naming them. This module serves them under `/assets/<name>`:
the brotli or gzip copy by the request's Accept-Encoding (`Vary: Accept-Encoding`), with
`Cache-Control: public, max-age=31536000, immutable` (a new build has new names, so a cached
file is never stale). The page itself is `Cache-Control: no-cache`, so a browser always learns
the newest names. HTML and JSON answers are compressed on the fly by Flask-Compress.

Which assets the page loads: config `ASSETS` ("bundle" or "dev"), else the environment's
`BACKPROP_XOR_ASSETS` (`./dev serve --dev` sets it), else "bundle". Without a built bundle the
page falls back to the modules, with a warning in the log.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request, send_file
from flask_compress import Compress

log = logging.getLogger(__name__)

#: A year: the longest lifetime caches honour; hashed names make it safe.
IMMUTABLE_SECONDS = 365 * 24 * 3600
#: Environment variable choosing the assets when the config does not.
ENVIRONMENT = "BACKPROP_XOR_ASSETS"
MODES = ("bundle", "dev")
TYPES = {".js": "text/javascript", ".css": "text/css", ".map": "application/json"}
#: Precompressed copies next to each bundle file, best first.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))

assets = Blueprint("assets", __name__)
compress = Compress()


@dataclass(frozen=True)
class PageAssets:
    """What the page's <head> links: the script, the style sheet, the icon (a data: URL)."""

    dev: bool
    script: str
    style: str
    icon: str
    files: frozenset[str] = field(default_factory=frozenset)  # servable names under /assets/


def load(static: Path, mode: str) -> PageAssets:
    """The assets for `mode` from the static folder; the modules when no bundle was built."""
    if mode not in MODES:
        raise ValueError(f"ASSETS: {mode!r} is not one of {', '.join(MODES)}")
    icon = "data:image/svg+xml," + urllib.parse.quote((static / "img" / "favicon.svg").read_text())
    dev = PageAssets(True, "static/js/main.js", "static/css/app.css", icon)
    if mode == "dev":
        return dev
    try:
        files = json.loads((static / "dist" / "manifest.json").read_text())["files"]
        script, style = files["app.js"], files["app.css"]
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("no page bundle in %s (run `./dev setup` or `npm run build`): serving the "
                    "unbundled modules", static / "dist")
        return dev
    stale = newest_source(static) > (static / "dist" / "manifest.json").stat().st_mtime
    if stale:
        log.warning("the page bundle in %s is older than static/js or static/css: run "
                    "`npm run build` (or `./dev setup`)", static / "dist")
    names = {script, style, f"{script}.map", f"{style}.map"}
    return PageAssets(False, f"assets/{script}", f"assets/{style}", icon, frozenset(names))


def newest_source(static: Path) -> float:
    """The newest modification time among the page's own sources (0 without them)."""
    sources = [*static.glob("js/*.js"), *static.glob("css/*.css")]
    return max((p.stat().st_mtime for p in sources), default=0.0)


def install(app: Flask) -> None:
    """Choose the page's assets, serve the bundle, compress HTML and JSON, set cache headers."""
    mode = app.config.get("ASSETS") or os.environ.get(ENVIRONMENT) or "bundle"
    chosen = load(Path(app.static_folder or "static"), mode)
    app.extensions["backprop_assets"] = chosen
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "application/json"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    app.register_blueprint(assets)
    app.context_processor(lambda: {"page_assets": app.extensions["backprop_assets"]})
    app.after_request(page_not_cached)


def page_not_cached(response: Response) -> Response:
    """The page must be revalidated every time: it names the bundle's current files."""
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-cache")
    return response


def chosen_encoding(accepted: Any, path: Path) -> tuple[str | None, Path]:
    """The best precompressed copy of `path` the client accepts: (encoding or None, file)."""
    for encoding, suffix in ENCODINGS:
        copy = path.with_name(path.name + suffix)
        if accepted[encoding] > 0 and copy.is_file():
            return encoding, copy
    return None, path


@assets.get("/assets/<name>")
def asset(name: str) -> Response:
    """One file of the bundle; 404 for any name the manifest does not list."""
    chosen: PageAssets = current_app.extensions["backprop_assets"]
    if name not in chosen.files:
        abort(404)
    path = Path(current_app.static_folder or "static") / "dist" / name
    if not path.is_file():  # listed but not built (a map left out)
        abort(404)
    encoding, file = chosen_encoding(request.accept_encodings, path)
    response = send_file(file, mimetype=TYPES[path.suffix], conditional=True, etag=True,
                         max_age=IMMUTABLE_SECONDS)
    response.headers.pop("Content-Disposition", None)  # it would name the .br copy
    response.cache_control.immutable = True
    response.cache_control.public = True
    response.vary.add("Accept-Encoding")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response
