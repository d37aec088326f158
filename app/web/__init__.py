"""The web layer: Flask app factory, Socket.IO events, HTTP routes, the wire format.

    from app.web import create_app, socketio
    app = create_app({"TESTING": True})
"""

from .extensions import socketio
from .factory import create_app

__all__ = ["create_app", "socketio"]
