"""Happens-before edges through a server's sockets.

A client can only react to what a server already sent it. So on the server side, every response
sent on (or close of) an accepted connection happens-before every later `accept()`: a request
sent after the previous response arrived is ordered after that response's work, while two
requests in flight at once stay unordered. Client-side sockets (connect()) make no edges: a
server calling a backend learns nothing about other requests from it.
"""

from __future__ import annotations

import socket
import weakref

from racefree.runtime import detector
from racefree.runtime.detector import SyncClock

_responses = SyncClock()
_served: weakref.WeakSet = weakref.WeakSet()


def install(patches) -> None:
    Socket = socket.socket
    original_accept = Socket.accept

    def accept(self):
        connection, address = original_accept(self)
        _served.add(connection)
        detector.acquire(_responses)
        return connection, address

    patches._set(Socket, "accept", accept)
    for name in ("send", "sendall", "shutdown", "close"):
        original = getattr(Socket, name)
        patches._set(Socket, name, _publishing(original))


def _publishing(original):
    def publish(self, *args, **kwargs):
        if self in _served:
            detector.release(_responses)
        return original(self, *args, **kwargs)

    return publish
