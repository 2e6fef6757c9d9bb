"""The server's own view, through its Admin UI namespace: the protocol (protocol.py), what
the server says about itself (view.py) and the commands given through it (admin.py)."""
