"""The rooms' HTTP routes: join links, the QR code for the projector, the answers as CSV."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, abort, redirect, request

from app.rooms import normalize_code

from .rooms import classroom, join_url

rooms_http = Blueprint("rooms", __name__)


@rooms_http.get("/join/<code>")
def join_page(code: str) -> Any:
    """A join link: the page, following the room."""
    try:
        code = normalize_code(code)
    except ValueError:
        abort(404)
    return redirect(f"/?room={code}", code=302)


@rooms_http.get("/room/<code>/qr.svg")
def join_qr(code: str) -> Response:
    """The join URL as a QR code (SVG), for the projector."""
    import segno

    try:
        code = normalize_code(code)
    except ValueError:
        abort(404)
    if not classroom().hub.exists(code):
        abort(404)
    out = io.BytesIO()
    segno.make(join_url(code), error="m").save(out, kind="svg", scale=10, border=2,
                                                dark="#000", light="#fff")
    return Response(out.getvalue(), mimetype="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@rooms_http.get("/room/<code>/polls.csv")
def polls_csv(code: str) -> Response:
    """Every poll answer of the room (presenter only: header X-Room-Token)."""
    try:
        code = normalize_code(code)
    except ValueError:
        abort(404)
    room = classroom().rooms.get(code)
    if room is None or not room.check_token(request.headers.get("X-Room-Token")):
        abort(403)
    return Response(room.answers_csv(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="polls-{code}.csv"',
        "Cache-Control": "no-store",
    })
