"""A namespace whose attributes each thread (and each task) sees on its own, like asgiref's, and a
plain namespace beside it. Both lock their storage while they change it."""
import threading


class Local:
    def __init__(self):
        object.__setattr__(self, "_storage", threading.local())
        object.__setattr__(self, "_lock", threading.RLock())

    def __getattr__(self, name):
        with self._lock:
            return getattr(self._storage, name)

    def __setattr__(self, name, value):
        with self._lock:
            setattr(self._storage, name, value)


class Namespace:
    """A plain namespace: one set of attributes for every thread."""

    def __init__(self):
        self._lock = threading.RLock()
        self.current = None

    def replace(self, current):
        with self._lock:
            old, self.current = self.current, current
        return old
