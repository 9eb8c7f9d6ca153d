"""The server side, in a module of its own that uses neither threads nor an event loop itself:
it closes whichever connection it was given."""
from ws.blocking import BlockingConnection
from ws.protocol import WebsocketProtocol


class WebsocketServer:
    def __init__(self, transport):
        self.websocket = WebsocketProtocol(transport)

    def close(self):
        self.websocket.end_connection()


class BlockingServer:
    def __init__(self, transport):
        self.connection = BlockingConnection(transport)

    def close(self):
        self.connection.end_connection()
