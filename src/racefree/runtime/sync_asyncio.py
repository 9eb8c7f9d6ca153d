"""Happens-before edges from asyncio: each task is a logical thread.

* creating a task orders everything its creator did before it (fork);
* a future's completion orders everything its completer did before whoever reads the outcome
  (`await`, `result()`, `exception()`), so awaiting a task joins it, and `run_in_executor`
  chains through the executor's concurrent future;
* `asyncio.Lock`, `Semaphore`, `Event`, `Queue` and `Condition` created by traced code order
  release/set/put before acquire/wait/get.

asyncio's C Future and Task cannot be observed from Python, so their pure-Python twins (which the
standard library keeps for exactly this kind of use) are installed in their place, before user
code creates an event loop.
"""

from __future__ import annotations

import asyncio
import asyncio.futures
import asyncio.locks
import asyncio.queues
import asyncio.tasks
import contextvars
from _thread import get_ident

from racefree.runtime import detector, stacks
from racefree.runtime.detector import SyncClock


class TracedFuture(asyncio.futures._PyFuture):
    def __init__(self, *, loop=None):
        super().__init__(loop=loop)
        self._racefree_sync = SyncClock()

    # Called by set_result, set_exception and cancel (and a task's end) through name mangling.
    def _Future__schedule_callbacks(self):
        detector.release(self._racefree_sync)
        super()._Future__schedule_callbacks()

    def result(self):
        try:
            return super().result()
        finally:
            if self.done():
                detector.acquire(self._racefree_sync)

    def exception(self):
        try:
            return super().exception()
        finally:
            if self.done():
                detector.acquire(self._racefree_sync)


class TracedTask(asyncio.tasks._PyTask, TracedFuture):
    def __init__(self, coro, *, loop=None, name=None, context=None, **kwargs):
        logical = detector.new_thread("task", "task", detector.current(), stacks.capture(1))
        logical.ident = get_ident()
        context = contextvars.copy_context() if context is None else context.copy()
        context.run(detector._task_thread.set, logical)
        super().__init__(coro, loop=loop, name=name, context=context, **kwargs)
        coro_name = getattr(coro, "__qualname__", None) or type(coro).__name__
        logical.name = f"{self.get_name()} ({coro_name})"


def install(patches) -> None:
    for module in (asyncio, asyncio.futures):
        patches._set(module, "Future", TracedFuture)
    for module in (asyncio, asyncio.tasks):
        patches._set(module, "Task", TracedTask)

    for cls in (asyncio.Lock, asyncio.Event, asyncio.Semaphore, asyncio.Queue):
        patches._track_on_init(cls)
    _receive_after_await(patches, asyncio.Lock, "acquire")
    patches._publish_before(asyncio.Lock, "release")
    _receive_after_await(patches, asyncio.Semaphore, "acquire")
    patches._publish_before(asyncio.Semaphore, "release")
    patches._publish_before(asyncio.BoundedSemaphore, "release")
    patches._publish_before(asyncio.Event, "set")
    _receive_after_await(patches, asyncio.Event, "wait")
    patches._publish_before(asyncio.Queue, "put_nowait")
    patches._receive_after(asyncio.Queue, "get_nowait", when=lambda item: True)

    # Copying a finished future's outcome into another (run_in_executor, wrap_future,
    # run_coroutine_threadsafe) runs in whatever context scheduled it; it observes nothing itself,
    # it only passes the clock on to whoever awaits the destination.
    for name in ("_copy_future_state", "_set_concurrent_future_state"):
        patches._set(asyncio.futures, name, _passing_clock_on(getattr(asyncio.futures, name)))

    original_condition_init = asyncio.Condition.__init__

    def condition_init(self, lock=None):
        traced = patches.created_by_traced_code(1, self)
        original_condition_init(self, lock)
        if traced and getattr(self._lock, "_racefree_sync", None) is None:
            self._lock._racefree_sync = SyncClock()

    patches._set(asyncio.Condition, "__init__", condition_init)


def _receive_after_await(patches, cls, name) -> None:
    original = getattr(cls, name)

    async def receive(self, *args, **kwargs):
        result = await original(self, *args, **kwargs)
        sync = getattr(self, "_racefree_sync", None)
        if sync is not None:
            detector.acquire(sync)
        return result

    patches._set(cls, name, receive)


def _passing_clock_on(original):
    def copy_state(source, destination):
        detector.transfer(getattr(source, "_racefree_sync", None),
                          getattr(destination, "_racefree_sync", None))
        with detector.transparent():
            original(source, destination)

    return copy_state
