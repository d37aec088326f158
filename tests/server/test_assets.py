"""The page's assets over HTTP: the bundle under hashed names, precompressed and cached for a
year; the page never cached and compressed; the modules in development; refusals."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any

import brotli
import pytest

from app.web import assets
from app.web.factory import page_folder

STATIC = page_folder("static")


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A copy of the static folder with a small fake bundle in dist/ (no npm needed)."""
    static = tmp_path / "static"
    shutil.copytree(STATIC, static, ignore=shutil.ignore_patterns("dist", "vendor"))
    dist = static / "dist"
    dist.mkdir()
    files = {"app.js": "app-ABC123.js", "app.css": "app-DEF456.css"}
    (dist / files["app.js"]).write_text("console.log('bundle');\n" * 50)
    (dist / files["app.css"]).write_text("body { color: red; }\n" * 50)
    (dist / f"{files['app.js']}.map").write_text('{"version": 3}')
    for name in files.values():
        data = (dist / name).read_bytes()
        (dist / f"{name}.br").write_bytes(brotli.compress(data))
        (dist / f"{name}.gz").write_bytes(gzip.compress(data))
    (dist / "manifest.json").write_text(json.dumps({"files": files}))
    return static


def app_on(make_app: Any, static: Path, **config: Any) -> Any:
    app = make_app(**config)
    app.static_folder = str(static)
    app.extensions["backprop_assets"] = assets.load(static, config.get("ASSETS", "bundle"))
    return app


def linked(html: str) -> list[str]:
    return re.findall(r'<(?:script|link rel="stylesheet")[^>]* (?:src|href)="([^"]+)"', html)


def test_the_page_links_the_hashed_bundle_and_is_never_cached(make_app, built) -> None:
    client = app_on(make_app, built).test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert linked(page.get_data(as_text=True)) == ["assets/app-DEF456.css", "assets/app-ABC123.js"]
    assert page.headers["Cache-Control"] == "no-cache"
    # the icon is inline: one request fewer
    assert 'rel="icon" href="data:image/svg+xml,' in page.get_data(as_text=True)


@pytest.mark.parametrize(("accept", "encoding", "decode"), [
    ("gzip, deflate, br", "br", brotli.decompress),
    ("gzip", "gzip", gzip.decompress),
    ("identity", None, lambda data: data),
])
def test_bundle_files_come_precompressed_and_immutable(make_app, built, accept, encoding,
                                                       decode) -> None:
    client = app_on(make_app, built).test_client()
    response = client.get("/assets/app-ABC123.js", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert decode(response.data) == (built / "dist" / "app-ABC123.js").read_bytes()
    assert response.mimetype == "text/javascript"
    cache = response.headers["Cache-Control"]
    assert "immutable" in cache and "max-age=31536000" in cache and "public" in cache
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "Content-Disposition" not in response.headers
    again = client.get("/assets/app-ABC123.js", headers={
        "Accept-Encoding": accept, "If-None-Match": response.headers["ETag"].strip('"')})
    assert again.status_code == 304
    response.close()
    again.close()


def test_only_the_manifests_files_are_served(make_app, built) -> None:
    client = app_on(make_app, built).test_client()
    with client.get("/assets/app-ABC123.js.map") as found:
        assert found.status_code == 200
    for name in ("manifest.json", "app-ABC123.js.br", "..%2Fmanifest.json", "nope.js",
                 "app-DEF456.css.map"):  # the css map was not built here
        assert client.get(f"/assets/{name}").status_code == 404, name


def test_html_and_json_answers_are_compressed(client) -> None:
    for path in ("/", "/api/settings"):
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        packed = client.get(path, headers={"Accept-Encoding": "br"})
        assert packed.headers["Content-Encoding"] == "br"
        assert brotli.decompress(packed.data) == plain.data
        assert len(packed.data) < len(plain.data) / 2, path


def test_development_mode_links_the_modules(make_app, built) -> None:
    client = app_on(make_app, built, ASSETS="dev").test_client()
    assert linked(client.get("/").get_data(as_text=True)) == [
        "static/css/app.css", "static/js/main.js"]
    assert client.get("/assets/app-ABC123.js").status_code == 404
    with client.get("/static/js/main.js") as module:
        assert module.status_code == 200


def test_without_a_bundle_the_modules_are_served_with_a_warning(tmp_path, caplog) -> None:
    static = tmp_path / "static"
    shutil.copytree(STATIC, static, ignore=shutil.ignore_patterns("dist", "vendor"))
    with caplog.at_level(logging.WARNING, logger="app.web.assets"):
        chosen = assets.load(static, "bundle")
    assert chosen.dev and chosen.script == "static/js/main.js"
    assert "no page bundle" in caplog.text


def test_a_bundle_older_than_its_sources_is_reported(built, caplog) -> None:
    manifest = built / "dist" / "manifest.json"
    source = built / "js" / "main.js"
    old = source.stat().st_mtime - 60
    os.utime(manifest, (old, old))
    with caplog.at_level(logging.WARNING, logger="app.web.assets"):
        chosen = assets.load(built, "bundle")
    assert not chosen.dev
    assert "older than static/js" in caplog.text


def test_an_unknown_mode_is_refused(built) -> None:
    with pytest.raises(ValueError, match="ASSETS"):
        assets.load(built, "fast")
