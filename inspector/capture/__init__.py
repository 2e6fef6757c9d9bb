"""The capture process: the network loop, the Session and the session-file writer, apart
from the window (as Wireshark's dumpcap is apart from its GUI).  `host.py` is the
capture, `protocol.py` the window protocol, `client.py` the window's end of it (no Qt),
`__main__.py` the process (`python -m inspector.capture`)."""
