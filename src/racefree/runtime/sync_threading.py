"""Happens-before edges from `threading`, `queue` and `concurrent.futures`.

Which synchronisation counts:

* thread start (fork) and join, and `concurrent.futures` submit -> task -> `result()`: always,
  since these are how work is handed to another thread;
* locks, conditions, semaphores, events, barriers and queues *created by traced code*. A lock
  that a library creates for its own bookkeeping (logging's handler lock, a queue's internal
  mutex) is left alone: it orders accesses only by the luck of the schedule, and honouring it
  would hide real races in one run and show them in the next.

Everything is patched before user code is imported, so locks created at import time (module
level `lock = threading.Lock()`) are covered.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures._base
import queue
import sys
import threading
from _thread import RLock as _CRLock
from _thread import allocate_lock as _allocate_lock

from racefree.runtime import detector, stacks
from racefree.runtime.detector import SyncClock


class TrackedLock:
    """threading.Lock with a vector clock: release publishes, acquire receives."""

    __slots__ = ("_lock", "_sync", "__weakref__")

    def __init__(self):
        self._lock = _allocate_lock()
        self._sync = SyncClock()

    def acquire(self, blocking=True, timeout=-1):
        acquired = self._lock.acquire(blocking, timeout)
        if acquired:
            detector.acquire(self._sync)
        return acquired

    __enter__ = acquire

    def release(self):
        detector.release(self._sync)
        self._lock.release()

    def __exit__(self, *exc_info):
        self.release()

    def locked(self):
        return self._lock.locked()

    def _at_fork_reinit(self):
        self._lock._at_fork_reinit()

    def __repr__(self):
        return f"<racefree tracked {self._lock!r}>"


class TrackedRLock(TrackedLock):
    __slots__ = ()

    def __init__(self):
        self._lock = _CRLock()
        self._sync = SyncClock()

    # The protocol threading.Condition uses to release an RLock fully while waiting.
    def _is_owned(self):
        return self._lock._is_owned()

    def _release_save(self):
        detector.release(self._sync)
        return self._lock._release_save()

    def _acquire_restore(self, state):
        self._lock._acquire_restore(state)
        detector.acquire(self._sync)


class Patches:
    """Installs the patches once; `traced_file(filename)` says whose primitives count."""

    def __init__(self, traced_file):
        self.traced_file = traced_file
        self._undo: list[tuple[object, str, object]] = []

    def _set(self, owner, name, value):
        self._undo.append((owner, name, owner.__dict__.get(name, _MISSING)))
        setattr(owner, name, value)

    def undo(self):
        for owner, name, old in reversed(self._undo):
            if old is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, old)
        self._undo.clear()  # racefree: ignore[RF106] -- runs once, as the session stops

    def created_by_traced_code(self, depth: int, obj=None) -> bool:
        """Is the code that constructed this primitive traced?

        Subclass constructors (BoundedSemaphore -> Semaphore, LifoQueue -> Queue) are skipped,
        so the question is asked of whoever wrote `BoundedSemaphore(...)`. A primitive that a
        library object builds for itself (a Thread's internal Event) belongs to that library.
        """
        frame = sys._getframe(depth + 1)
        while (obj is not None and frame is not None and frame.f_code.co_name == "__init__"
               and frame.f_locals.get("self") is obj):
            frame = frame.f_back
        return frame is not None and self.traced_file(frame.f_code.co_filename)

    def install(self):
        self._threads()
        self._locks()
        self._semaphores_events_barriers()
        self._queues()
        self._futures()

    # -- threads -----------------------------------------------------------------------------

    def _threads(self):
        Thread = threading.Thread
        original_start, original_bootstrap, original_join = (
            Thread.start, Thread._bootstrap_inner, Thread.join)

        def start(self):
            self._racefree_thread = detector.new_thread(
                self.name, "thread", detector.current(), stacks.capture(1))
            return original_start(self)

        def _bootstrap_inner(self):
            logical = getattr(self, "_racefree_thread", None)
            if logical is None:
                logical = detector.new_thread(self.name, "thread", None, None)
            detector.bind_os_thread(logical)
            try:
                original_bootstrap(self)
            finally:
                detector.unbind_os_thread(logical)

        def join(self, timeout=None):
            original_join(self, timeout)
            logical = getattr(self, "_racefree_thread", None)
            if logical is not None:
                detector.acquire_clock(logical.final_vc)

        self._set(Thread, "start", start)
        self._set(Thread, "_bootstrap_inner", _bootstrap_inner)
        self._set(Thread, "join", join)

    # -- locks and conditions ----------------------------------------------------------------

    def _locks(self):
        patches = self

        # Classes, not functions: libraries store `lock_class = threading.Lock` as a class
        # attribute and call `self.lock_class()`, which would bind a function to `self`.
        class Lock:
            def __new__(cls):
                return TrackedLock() if patches.created_by_traced_code(1) else _allocate_lock()

        class RLock:
            def __new__(cls, *args, **kwargs):
                return TrackedRLock() if patches.created_by_traced_code(1) else _CRLock()

        self._set(threading, "Lock", Lock)
        self._set(threading, "RLock", RLock)
        original_init = threading.Condition.__init__

        def condition_init(self, lock=None):
            if lock is None and patches.created_by_traced_code(1, self):
                lock = TrackedRLock()
            original_init(self, lock)

        self._set(threading.Condition, "__init__", condition_init)

    # -- semaphores, events, barriers ----------------------------------------------------------

    def _track_on_init(self, cls):
        patches = self
        original_init = cls.__init__

        def __init__(self, *args, **kwargs):
            self._racefree_sync = SyncClock() if patches.created_by_traced_code(1, self) else None
            original_init(self, *args, **kwargs)

        self._set(cls, "__init__", __init__)

    def _semaphores_events_barriers(self):
        Semaphore, BoundedSemaphore, Event, Barrier = (
            threading.Semaphore, threading.BoundedSemaphore, threading.Event, threading.Barrier)
        for cls in (Semaphore, Event, Barrier):
            self._track_on_init(cls)
        self._receive_after(Semaphore, "acquire", when=bool)
        self._set(Semaphore, "__enter__", Semaphore.acquire)
        self._publish_before(Semaphore, "release")
        self._publish_before(BoundedSemaphore, "release")
        self._publish_before(Event, "set")
        self._receive_after(Event, "wait", when=bool)
        self._receive_after(Event, "is_set", when=bool)
        self._publish_before(Barrier, "wait")
        self._receive_after(Barrier, "wait", when=lambda result: True)

    def _publish_before(self, cls, name):
        original = getattr(cls, name)

        def publish(self, *args, **kwargs):
            sync = getattr(self, "_racefree_sync", None)
            if sync is not None:
                detector.release(sync)
            return original(self, *args, **kwargs)

        self._set(cls, name, publish)

    def _receive_after(self, cls, name, when):
        original = getattr(cls, name)

        def receive(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            sync = getattr(self, "_racefree_sync", None)
            if sync is not None and when(result):
                detector.acquire(sync)
            return result

        self._set(cls, name, receive)

    # -- queue.Queue: put happens-before the get that returns it -------------------------------

    def _queues(self):
        Queue = queue.Queue
        self._track_on_init(Queue)
        self._publish_before(Queue, "put")
        self._receive_after(Queue, "get", when=lambda item: True)
        original_task_done, original_join = Queue.task_done, Queue.join

        def task_done(self):
            sync = getattr(self, "_racefree_sync", None)
            if sync is not None:
                done = self.__dict__.setdefault("_racefree_done", SyncClock())
                detector.release(done)
            original_task_done(self)

        def join(self):
            original_join(self)
            done = self.__dict__.get("_racefree_done")
            if done is not None:
                detector.acquire(done)

        self._set(Queue, "task_done", task_done)
        self._set(Queue, "join", join)

    # -- concurrent.futures: submit -> task runs -> result() -----------------------------------

    def _futures(self):
        Future = concurrent.futures._base.Future
        original_init = Future.__init__

        def future_init(self):
            original_init(self)
            self._racefree_sync = SyncClock()

        self._set(Future, "__init__", future_init)
        for name in ("set_result", "set_exception"):
            self._publish_before(Future, name)
        for name in ("result", "exception"):
            self._receive_finished(Future, name)

        Executor = concurrent.futures.ThreadPoolExecutor
        original_submit = Executor.submit

        def submit(self, fn, /, *args, **kwargs):
            handoff = SyncClock()
            detector.release(handoff)

            def run_after_submit(*args, **kwargs):
                detector.acquire(handoff)
                return fn(*args, **kwargs)

            return original_submit(self, run_after_submit, *args, **kwargs)

        self._set(Executor, "submit", submit)

    def _receive_finished(self, cls, name):
        original = getattr(cls, name)

        def receive(self, *args, **kwargs):
            try:
                return original(self, *args, **kwargs)
            finally:
                sync = getattr(self, "_racefree_sync", None)
                if sync is not None and self.done():
                    detector.acquire(sync)

        self._set(cls, name, receive)


_MISSING = object()
