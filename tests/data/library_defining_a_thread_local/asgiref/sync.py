"""Runs a coroutine from sync code on an executor kept for the calling thread, as asgiref's
AsyncToSync does: `executors.current` is saved, set for the call, and put back."""
from concurrent.futures import ThreadPoolExecutor

from asgiref.local import Local, Namespace


class AsyncToSync:
    executors = Local()
    shared = Namespace()

    def __call__(self, job):
        old_executor = getattr(self.executors, "current", None)
        executor = ThreadPoolExecutor(max_workers=1)
        self.executors.current = executor
        try:
            return executor.submit(job).result()
        finally:
            self.executors.current = old_executor

    def run_shared(self, job):
        old_executor = getattr(self.shared, "current", None)
        executor = ThreadPoolExecutor(max_workers=1)
        self.shared.current = executor
        try:
            return executor.submit(job).result()
        finally:
            self.shared.current = old_executor
