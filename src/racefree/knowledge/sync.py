"""Synchronisation primitives and containers that are safe to share between threads or tasks."""

# Objects whose constructors make a lock-like primitive: `with obj:` orders what runs inside.
LOCK_CONSTRUCTORS = frozenset(
    {
        "threading.Lock", "threading.RLock", "threading.Condition", "threading.Semaphore",
        "threading.BoundedSemaphore", "_thread.allocate_lock", "_thread.RLock",
        "asyncio.Lock", "asyncio.Condition", "asyncio.Semaphore", "asyncio.BoundedSemaphore",
        "multiprocessing.Lock", "multiprocessing.RLock", "anyio.Lock", "trio.Lock",
        "gevent.lock.RLock", "gevent.lock.Semaphore", "filelock.FileLock",
    }
)

# Synchronisation objects bound to an event loop: an object that keeps them is used on that
# loop's thread. THREAD_PRIMITIVES are those meant for threads.
LOOP_BOUND_PRIMITIVES = frozenset({
    "asyncio.Lock", "asyncio.Condition", "asyncio.Semaphore", "asyncio.BoundedSemaphore", "asyncio.Event",
    "asyncio.Queue", "asyncio.LifoQueue", "asyncio.PriorityQueue", "anyio.Lock", "anyio.Event", "trio.Lock",
    "trio.Event",
})
THREAD_PRIMITIVES = (LOCK_CONSTRUCTORS - LOOP_BOUND_PRIMITIVES) | {
    "threading.Event", "threading.Barrier", "queue.Queue", "queue.SimpleQueue", "queue.LifoQueue",
    "queue.PriorityQueue",
}
# Modules whose import says that code works with threads.
THREAD_MODULES = frozenset({"threading", "_thread", "concurrent", "multiprocessing", "queue"})

# Names used for locks when the constructor is out of sight (an attribute set in another class,
# a lock passed in): a `with` on a name containing one of these is taken as a lock.
LOCK_NAME_HINTS = ("lock", "mutex", "semaphore", "_sem", "cond", "_cv")


def named_like_a_lock(name: str) -> bool:
    """`_lock`, `requests_lock`, `_state_conditions`, `_cache_locks`: the name says it holds a lock."""
    lowered = name.lower()
    return any(hint in lowered for hint in LOCK_NAME_HINTS)

# Constructors of per-thread / per-task storage and thread-safe containers: their contents are
# never reported.
SAFE_CONTAINER_CONSTRUCTORS = frozenset(
    {
        "threading.local", "_threading_local.local", "contextvars.ContextVar",
        "queue.Queue", "queue.SimpleQueue", "queue.LifoQueue", "queue.PriorityQueue",
        "asyncio.Queue", "asyncio.LifoQueue", "asyncio.PriorityQueue", "multiprocessing.Queue",
        "threading.Event", "asyncio.Event", "threading.Barrier",
        "werkzeug.local.Local", "werkzeug.local.LocalStack", "asgiref.local.Local",
        "gevent.local.local", "eventlet.corolocal.local",
    }
) | LOCK_CONSTRUCTORS

# Other libraries' module-level objects that keep their attributes per thread: sniffio's
# `thread_local` (a `threading.local`), which trio and anyio set and restore around each run.
OTHER_LIBRARIES_PER_THREAD_OBJECTS = frozenset({"sniffio.thread_local", "sniffio._impl.thread_local"})

# Bases whose subclasses keep their instance attributes per thread (or per task).
PER_THREAD_BASES = frozenset({
    "threading.local", "_threading_local.local", "_thread._local", "werkzeug.local.Local", "asgiref.local.Local",
    # per greenlet, the unit of concurrency of a gevent or eventlet server
    "gevent.local.local", "eventlet.corolocal.local",
})

# Constructors of storage that holds a value per thread or per task: an instance kept there is
# not shared (`_local.client = Client()`, `client_var.set(Client())`).
PER_THREAD_STORAGE = PER_THREAD_BASES | {"contextvars.ContextVar"}

# Signalling: what a thread does before `event.set()` happens before what another thread does
# after `event.wait()` on the same event returns (threading.Event, asyncio.Event).
EVENT_SIGNAL_METHODS = frozenset({"set"})
# What a thread calls to say it is ready: an event's `set`, a condition's `notify`, a future's
# `set_result`.
READY_SIGNAL_METHODS = EVENT_SIGNAL_METHODS | {"notify", "notify_all", "set_result"}
EVENT_WAIT_METHODS = frozenset({"wait"})
# What the thread that started another waits on for it to be ready: an event, a condition, or
# the future the thread completes (`self._ready.result()`).
READY_WAIT_METHODS = EVENT_WAIT_METHODS | {"result"}

# Classes (by the end of their name) whose instances a program must make only once where it
# keeps one: a lock or condition (two threads that each make one exclude nothing), and objects
# that hold connections, threads or a process-wide registration (a second client's connections
# and worker threads are leaked when its store is overwritten, and calls made through it are lost).
LOCK_LIKE_SUFFIXES: tuple[str, ...] = ("Lock", "Semaphore", "Condition")
MADE_ONCE_SUFFIXES: tuple[str, ...] = LOCK_LIKE_SUFFIXES + (
    "Client", "Session", "Pool", "PoolManager", "Connection", "Engine", "Executor", "Provider", "Thread",
)


# Functions that make such an object, as written: a requests session, a new event loop (run on a
# thread of its own by who keeps it), a database engine (with its connection pool), a
# thread-local namespace (a second one replaces the first, and every thread's values in it are
# lost: a thread that stored its value in the first finds nothing, or an attribute error).
MADE_ONCE_FACTORIES = frozenset({
    "requests.session", "asyncio.new_event_loop", "new_event_loop",
    "sqlalchemy.create_engine", "create_engine", "create_async_engine",
    "threading.local",
})

# Models loaded from disk or the network: seconds of loading and gigabytes of memory each, so a
# second copy made by a thread that passed the same test is the harm (OOM on a GPU, a request
# stalled behind a second load). By the method or function that loads one (`AutoModel.
# from_pretrained(name)`, `whisper.load_model("base")`), or by the class (`SentenceTransformer(name)`).
MODEL_LOADING_CALLS = frozenset({"from_pretrained", "load_model", "load_checkpoint"})
MODEL_CLASSES = frozenset({"SentenceTransformer", "CrossEncoder", "Llama", "WhisperModel", "TextEmbedding"})


# Temporary files and directories, removed when the object is collected: a second one made by a
# thread that passed the same test replaces the first, whose directory is deleted under the caller
# that was handed its path.
REMOVED_WHEN_COLLECTED = frozenset({"TemporaryDirectory", "NamedTemporaryFile", "SpooledTemporaryFile", "TemporaryFile"})


def removed_when_collected(class_text: str) -> bool:
    """`tempfile.TemporaryDirectory`: see REMOVED_WHEN_COLLECTED."""
    return class_text.rsplit(".", 1)[-1] in REMOVED_WHEN_COLLECTED


def is_lock_like(class_text: str) -> bool:
    """`threading.Lock`, `asyncio.Semaphore`, `RLock`: by the end of the class's name."""
    return class_text.rsplit(".", 1)[-1].endswith(LOCK_LIKE_SUFFIXES)


def made_once(class_text: str) -> bool:
    """`threading.Lock`, `Session`, `QdrantClient`, `AutoModel.from_pretrained`: a class of which a
    second instance, made where the program keeps one, does harm (see MADE_ONCE_SUFFIXES,
    MODEL_LOADING_CALLS and REMOVED_WHEN_COLLECTED)."""
    last = class_text.rsplit(".", 1)[-1]
    return class_text in MADE_ONCE_FACTORIES or last.endswith(MADE_ONCE_SUFFIXES) \
        or last in MODEL_LOADING_CALLS or last in MODEL_CLASSES or last in REMOVED_WHEN_COLLECTED
