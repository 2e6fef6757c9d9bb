"""socketio-inspector: a desktop monitor and client for Socket.IO servers."""
__version__ = "0.1.0"
