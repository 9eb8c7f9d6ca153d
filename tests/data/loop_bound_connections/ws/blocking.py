"""The same connection guarded by `threading.Lock`s: it is shared between threads."""
import threading
from concurrent.futures import Future


class BlockingConnection:
    def __init__(self, transport):
        self.transport = transport
        self.conn_mutex = threading.Lock()
        self.recv_lock = threading.Lock()
        self.data_finished_fut = None

    def send(self, data):
        with self.conn_mutex:
            self.transport.write(data)

    def recv(self):
        with self.recv_lock:
            self.data_finished_fut = Future()
        return self.data_finished_fut.result()

    def end_connection(self):
        if self.data_finished_fut is not None and not self.data_finished_fut.done():
            self.data_finished_fut.cancel()
            self.data_finished_fut = None
