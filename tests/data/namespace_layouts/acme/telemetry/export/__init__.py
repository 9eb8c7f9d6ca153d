"""A batch processor: a worker thread exports queued spans; `force_flush` leaves a flush request
for it. Both sides touch the request only under the condition, through private helpers."""

import threading

from acme.telemetry.processing import SpanProcessor


class _FlushRequest:
    def __init__(self):
        self.event = threading.Event()
        self.num_spans = 0


class BatchSpanProcessor(SpanProcessor):
    def __init__(self, exporter):
        self.exporter = exporter
        self.queue = []
        self.done = False
        self.condition = threading.Condition(threading.Lock())
        self._flush_request = None
        self.worker_thread = threading.Thread(target=self.worker, daemon=True)
        self.worker_thread.start()

    def on_end(self, span):
        with self.condition:
            self.queue.append(span)

    def worker(self):
        while not self.done:
            with self.condition:
                self.condition.wait()
                request = self._take_flush_request()
                batch, self.queue = self.queue, []
            self.exporter.export(batch)
            if request is not None:
                request.event.set()

    def _take_flush_request(self):
        request = self._flush_request
        self._flush_request = None
        return request

    def _flush_request_or_new(self):
        if self._flush_request is None:
            self._flush_request = _FlushRequest()
        return self._flush_request

    def force_flush(self, timeout=None):
        with self.condition:
            request = self._flush_request_or_new()
            self.condition.notify_all()
        return request.event.wait(timeout)
