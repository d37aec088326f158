"""HTTP routes and security headers."""

from __future__ import annotations

from pathlib import Path

from app.engine import PHASES, SETTINGS
from app.sessions import SPEEDS
from app.web.factory import page_folder
from app.web.security import CONTENT_SECURITY_POLICY


def test_settings_api_describes_the_controls(client) -> None:
    body = client.get("/api/settings").get_json()
    assert body["settings"] == SETTINGS
    assert [s["label"] for s in body["speeds"]] == [s.label for s in SPEEDS]
    assert [s["level"] for s in body["speeds"]] == list(range(len(SPEEDS)))
    assert body["speeds"][-1]["per_second"] is None
    assert body["phases"] == list(PHASES)
    assert body["problems"]["xor"] == [0, 1, 1, 0]
    assert 0 <= body["defaults"]["speed"] < len(SPEEDS)


def test_every_response_has_the_security_headers(client) -> None:
    for path in ("/api/settings", "/healthz", "/no-such-page"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY


def test_healthz_counts_sessions(client, sock) -> None:
    assert client.get("/healthz").get_json() == {"ok": True, "degraded": [], "sessions": 1,
                                                 "students": 0, "warm": True}


def test_the_page_is_served_when_its_template_exists(client) -> None:
    template = page_folder("templates") / "index.html"
    response = client.get("/")
    assert response.status_code == (200 if template.exists() else 500)


def test_static_files_come_from_the_page_folder(app) -> None:
    assert Path(app.static_folder) == page_folder("static")
    assert Path(app.template_folder) == page_folder("templates")


def test_secret_key_is_kept_in_the_instance_folder(make_app, tmp_path) -> None:
    first = make_app(SECRET_KEY=None, INSTANCE_PATH=str(tmp_path))
    assert len(first.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").read_text() == first.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    again = make_app(SECRET_KEY=None, INSTANCE_PATH=str(tmp_path))
    assert again.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert make_app(SECRET_KEY="given").config["SECRET_KEY"] == "given"
