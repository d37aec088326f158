"""The Socket.IO extension, created bare and bound to an app in the factory."""

from __future__ import annotations

from flask_socketio import SocketIO

socketio = SocketIO()
