"""A websocket connection that guards its sends and receives with `asyncio.Lock`s, as sanic's
websocket protocol does: those locks belong to one event loop, and the module uses no threads, so
the connection is used on that loop's thread and its plain methods run one at a time there."""
import asyncio


class WebsocketProtocol:
    def __init__(self, transport):
        self.transport = transport
        self.conn_mutex = asyncio.Lock()
        self.recv_lock = asyncio.Lock()
        self.data_finished_fut = None

    async def send(self, data):
        async with self.conn_mutex:
            self.transport.write(data)
            await asyncio.sleep(0)

    async def recv(self):
        async with self.recv_lock:
            self.data_finished_fut = asyncio.get_running_loop().create_future()
            return await self.data_finished_fut

    def end_connection(self):
        if self.data_finished_fut is not None and not self.data_finished_fut.done():
            self.data_finished_fut.cancel()
            self.data_finished_fut = None
