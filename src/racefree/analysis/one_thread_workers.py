"""Classes that keep one worker thread and run the jobs handed to them on it, one at a time.

sentry-sdk's `BackgroundWorker` is the usual shape: `start()` makes `self._thread =
threading.Thread(target=self._target)` when none is alive, `submit(callback)` puts the callback on
a queue, and `_target` takes the callbacks off the queue and calls them in turn. Jobs submitted to
such a worker run on its one thread, so they do not race with each other (they still race with
the threads that submit them). A thread pool keeps its threads in a collection (`self._threads.add(t)`)
or starts them in a loop, and stays a pool.
"""

from __future__ import annotations

from racefree.index import ProgramIndex
from racefree.knowledge.entry_points import name_matches
from racefree.summarize.model import OP_REBIND

THREAD_CLASS = "threading:Thread"


def worker_class_of_method(index: ProgramIndex, fid: str | None, known: dict[str, bool]) -> str | None:
    """The class of the method `fid` when that class is a one-thread worker, else None."""
    if fid is None or fid not in index.functions:
        return None
    info = index.functions[fid]
    class_name = info.summary.class_name
    if not class_name or "<locals>" in info.summary.qualname:
        return None
    class_id = f"{info.module.module}.{class_name}"
    return class_id if is_one_thread_worker(index, class_id, known) else None


def is_one_thread_worker(index: ProgramIndex, class_id: str, known: dict[str, bool]) -> bool:
    """The class (with its bases) makes exactly one thread, outside any loop, runs one of its
    own methods on it, and keeps it in one attribute (`self._thread = Thread(target=self._run)`)."""
    if class_id not in known:
        known[class_id] = _one_thread_site(index, class_id)
    return known[class_id]


def _one_thread_site(index: ProgramIndex, class_id: str) -> bool:
    classes = [c for c in index.mro(class_id) if c in index.classes]
    methods = [f"{index.classes[c][0].module}.{qualname}" for c in classes
               for qualname in index.classes[c][1].methods.values()]
    sites = []
    for fid in methods:
        info = index.functions.get(fid)
        if info is None:
            continue
        for call in info.summary.calls:
            if call.callee is None or not call.function_args:
                continue
            symbol = index.resolve_ref(info.module, call.callee, info.summary.class_name)
            if symbol is not None and any(name_matches(THREAD_CLASS, n) for n in (symbol.name, symbol.typed) if n):
                sites.append((info, call))
    if len(sites) != 1:
        return False
    info, call = sites[0]
    if call.in_loop:
        return False
    targets = [index.resolve_function_arg(info, arg) for arg in call.function_args]
    if not any(t in methods for t in targets):
        return False
    return any(access.line == call.line and access.op == OP_REBIND and access.ref.root_kind == "self"
               and len(access.ref.attrs) == 1 for access in info.summary.accesses)
