"""Concurrent entry points: the decorators, calls, base classes and callback slots through which
frameworks and libraries run a function concurrently with other code. Data only.

Names are matched as ``package:Tail``: the first component of the resolved dotted name must be
``package`` and the name must end with ``Tail``, so ``flask:Flask.route`` matches both
``flask.Flask.route`` and ``flask.app.Flask.route``. A name without ``:`` must match exactly.

Contexts:
- ``request``: a handler run once per incoming request or job; many run at once.
- ``background``: a function run on another thread than the code that set it up (a thread
  target, an executor job, a library's callback thread); it runs concurrently with that code.
- ``task``: an asyncio task; it interleaves with other tasks at each ``await``.
- ``api``: a public function or method of a library. Its callers may call it from several
  threads or tasks at once (a web app's request threads, a worker pool); nothing in the
  library itself says so, so this is the weakest kind and rules ask more of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

REQUEST = "request"
BACKGROUND = "background"
TASK = "task"
API = "api"

ALL_POSITIONAL = -1


@dataclass(frozen=True, slots=True)
class DecoratorEntry:
    name: str  # resolved decorator (its call's function), "flask:Flask.route"
    context: str
    framework: str  # how the report names it: "Flask route"
    why: str  # what makes it concurrent
    # Not in modules of (or importing) these packages, where it runs on their event loop.
    unless_module_uses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CallEntry:
    """A call that hands a function (an argument) to something that runs it concurrently."""

    name: str  # resolved callee "threading:Thread", or ".submit" for that method on any receiver
    position: int | None  # which positional argument is the function (ALL_POSITIONAL: every one)
    keyword: str | None
    context: str
    framework: str
    why: str
    receiver_hints: tuple[str, ...] = ()  # for ".method" names: receiver text must contain one
    # Runs as one instance per call (a thread started once runs once at a time); a pool or a
    # scheduler runs many at once. A call in a loop always counts as many.
    single: bool = False
    # Not in modules of (or importing) these packages, where the name means something else.
    unless_module_uses: tuple[str, ...] = ()
    # A scheduler runs it on its own timetable, not on behalf of any caller: what it stores is the
    # program's current state for whoever reads next, not a value handed to one call.
    scheduled: bool = False
    # A coroutine function handed over runs as a task on the event loop (Socket.IO's async
    # servers), a plain one on a thread or greenlet.
    coroutines_as_tasks: bool = False


@dataclass(frozen=True, slots=True)
class BaseClassEntry:
    """Subclasses of these classes have methods that the framework runs concurrently."""

    base: str
    methods: tuple[str, ...]
    context: str
    framework: str
    why: str
    single: bool = False
    # The framework keeps one instance for the whole process (middleware, template nodes), so
    # what the methods store on `self` is shared by every request. (Tornado and Django views
    # get a new instance per request: not shared.)
    shares_instance: bool = False
    # The framework runs the methods on its event loop's one thread, plain ones too (Tornado's
    # IOLoop): only their awaits let other requests in.
    on_loop: bool = False
    # Also every method whose first parameter after `self` has this name: the framework's hooks
    # are too many to list (Django's admin calls `get_queryset(request)`, `save_model(request,
    # ...)`, `has_change_permission(request, obj)` and dozens more for each request).
    methods_taking: str | None = None
    # Also the methods whose name the class hands to this method of its own as a string: the
    # framework calls them by that name (Jinja2's `self.call_method("_render", args)` in `parse`
    # makes every render of the template call `_render` on the one extension object).
    methods_named_to: str | None = None


@dataclass(frozen=True, slots=True)
class DuckTypedEntry:
    """Classes that follow a framework protocol without naming a base class: a class defining
    one of `signature` is taken as one, and its `methods` are entry points."""

    signature: tuple[str, ...]
    methods: tuple[str, ...]
    context: str
    framework: str
    why: str
    shares_instance: bool = True
    # The signature method's first parameters after self, when the protocol fixes them
    # (`__call__(self, scope, receive, send)`): a method name alone would be too common.
    parameters: tuple[str, ...] = ()
    # Packages one of which the class's package must import (Django middleware are written in
    # packages that use Django): a protocol's method names alone also fit other classes
    # (websockets' `ServerProtocol.process_request(self, request)`).
    package_imports: tuple[str, ...] = ()
    # The numbers of positional arguments the framework makes an instance with (Django calls
    # `middleware(get_response)`, and called `middleware()` before 1.10): a class whose
    # constructor takes none of them is made by someone else (debug-toolbar's panels,
    # `Panel(toolbar, get_response)`, have `process_request` too).
    constructed_with: tuple[int, ...] = ()
    # The constructor's first parameters after self, when the protocol fixes them (an ASGI
    # middleware is made around the application it wraps: `__init__(self, app, ...)`).
    constructor_parameters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CallbackSlot:
    """A library attribute that holds callbacks, which the library runs on a thread of its own."""

    slot: str  # "litellm:success_callback"
    context: str
    framework: str
    why: str


_THREADED_WSGI = (
    "a threaded WSGI server (Flask's own server since 1.0, gunicorn gthread, waitress, mod_wsgi) "
    "runs requests concurrently on several threads"
)
_ASGI = "an ASGI server runs requests concurrently: async handlers as tasks on the event loop, sync ones in a thread pool"
_SOCKETIO = ("a Socket.IO server runs the handler for every event of every client, concurrently: on threads, "
             "greenlets or event-loop tasks by its async mode")
_HTTP_METHODS = ("route", "get", "post", "put", "delete", "patch", "head", "options", "api_route", "websocket")
_FLASK_VIEW_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "dispatch_request")

# Modules of event-loop frameworks: their sync functions run on the loop's one thread.
EVENT_LOOP_PACKAGES = ("asyncio", "tornado", "anyio", "trio", "twisted", "gevent", "eventlet", "uvloop")
_SQLALCHEMY_EVENTS = ("SQLAlchemy calls it on the thread that runs each statement or session operation: every "
                      "request thread of a program that shares the engine runs it, at once")

DECORATOR_ENTRIES: tuple[DecoratorEntry, ...] = (
    *(DecoratorEntry(f"flask:Flask.{m}", REQUEST, "Flask view", _THREADED_WSGI) for m in _HTTP_METHODS),
    *(DecoratorEntry(f"flask:Blueprint.{m}", REQUEST, "Flask view", _THREADED_WSGI) for m in _HTTP_METHODS),
    *(DecoratorEntry(f"flask:{c}.{h}", REQUEST, "Flask request hook", _THREADED_WSGI)
      for c in ("Flask", "Blueprint") for h in ("before_request", "after_request", "teardown_request", "errorhandler")),
    # werkzeug's `@Request.application` turns a function of one request into a WSGI application,
    # which the server calls for every request (pywps's `Service.__call__`).
    DecoratorEntry("werkzeug:Request.application", REQUEST, "WSGI application", _THREADED_WSGI),
    *(DecoratorEntry(f"quart:Quart.{m}", REQUEST, "Quart route", _ASGI) for m in _HTTP_METHODS),
    *(DecoratorEntry(f"fastapi:FastAPI.{m}", REQUEST, "FastAPI route", _ASGI) for m in _HTTP_METHODS),
    *(DecoratorEntry(f"fastapi:APIRouter.{m}", REQUEST, "FastAPI route", _ASGI) for m in _HTTP_METHODS),
    *(DecoratorEntry(f"fastapi:FastAPI.{h}", REQUEST, "FastAPI middleware", _ASGI) for h in ("middleware", "exception_handler")),
    *(DecoratorEntry(f"starlette:Starlette.{m}", REQUEST, "Starlette route", _ASGI) for m in ("route", "websocket_route")),
    *(DecoratorEntry(f"sanic:Sanic.{m}", REQUEST, "Sanic route", _ASGI) for m in _HTTP_METHODS),
    *(DecoratorEntry(f"aiohttp:RouteTableDef.{m}", REQUEST, "aiohttp handler", "aiohttp runs each request as a task on the event loop") for m in _HTTP_METHODS),
    DecoratorEntry("celery:Celery.task", REQUEST, "Celery task", "Celery workers run tasks concurrently (thread, gevent and eventlet pools share the process)"),
    DecoratorEntry("celery:shared_task", REQUEST, "Celery task", "Celery workers run tasks concurrently (thread, gevent and eventlet pools share the process)"),
    DecoratorEntry("celery:task", REQUEST, "Celery task", "Celery workers run tasks concurrently"),
    DecoratorEntry("dramatiq:actor", REQUEST, "Dramatiq actor", "Dramatiq workers run actors on several threads"),
    DecoratorEntry("rq:job", REQUEST, "RQ job", "RQ workers can run jobs concurrently"),
    DecoratorEntry("sqlalchemy:event.listens_for", REQUEST, "SQLAlchemy event listener", _SQLALCHEMY_EVENTS,
                   unless_module_uses=EVENT_LOOP_PACKAGES),
    DecoratorEntry("mcp:FastMCP.tool", REQUEST, "MCP tool", "MCP servers run tool calls concurrently (sync tools in a thread pool)"),
    DecoratorEntry("fastmcp:FastMCP.tool", REQUEST, "MCP tool", "MCP servers run tool calls concurrently (sync tools in a thread pool)"),
    # Socket.IO servers (Flask-SocketIO, python-socketio) run an event handler for every message,
    # for many clients at once.
    *(DecoratorEntry(f"{server}.{m}", REQUEST, "Socket.IO event handler", _SOCKETIO)
      for server in ("flask_socketio:SocketIO", "socketio:Server", "socketio:AsyncServer") for m in ("on", "event")),
)

# When the receiver's type is out of sight (`@router.get("/x")` on an imported object), a decorator
# method with one of these names whose first argument is a URL path is taken as a route.
ROUTE_DECORATOR_METHODS = frozenset(_HTTP_METHODS)
ROUTE_FALLBACK = DecoratorEntry("<route>", REQUEST, "web route", "web servers run requests concurrently")
# So is a request hook of such an object (`@app.before_request`, Sanic's `@app.on_request` and
# `@app.middleware("request")`, FastAPI's `@app.middleware("http")`): it runs for every request.
REQUEST_HOOK_DECORATOR_METHODS = frozenset({"before_request", "after_request", "teardown_request", "on_request",
                                            "on_response"})
MIDDLEWARE_DECORATOR_METHOD = "middleware"
MIDDLEWARE_KINDS = frozenset({"request", "response", "http"})
REQUEST_HOOK_FALLBACK = DecoratorEntry("<request hook>", REQUEST, "request hook",
                                       "the web framework runs its request hooks for every request, concurrently")
# `@expose("/list/")` (Flask-Admin, Flask-AppBuilder), `@cherrypy.expose`: these frameworks keep
# one instance of the view class and run its exposed methods for every request.
EXPOSING_DECORATOR = "expose"
EXPOSED_METHOD = DecoratorEntry("<expose>", REQUEST, "exposed view method",
                                "the framework keeps one instance of the view class and runs its exposed methods "
                                "for every request, on several threads at once")

_DJANGO_MIDDLEWARE = (
    "Django builds one middleware instance per process and every request thread runs its methods"
)
_DJANGO_MIDDLEWARE_METHODS = ("__call__", "process_request", "process_view", "process_response",
                              "process_exception", "process_template_response")

_DJANGO_ADMIN = ("Django's admin keeps one ModelAdmin per model (and one AdminSite) for the whole process, "
                 "and every request thread runs its views and hooks")
_SHARED_AUTH = ("a program makes one auth object and hands it to a session or client, which calls it for "
                "every request it sends, from every thread or task that sends one")
GATHERED_TASK = "asyncio.gather task"
_THREAD = "runs on a thread of its own, concurrently with the code that started it"
_POOL = "runs on a worker thread of the pool, concurrently with the caller and with other jobs"
ONE_THREAD_JOB = "worker job"
ONE_THREAD_JOB_WHY = ("runs on the one thread of its {worker}, after the jobs before it, concurrently with the "
                      "code that submits it")

_GPIO_THREAD = "RPi.GPIO calls it on its edge-detection thread, concurrently with the program's threads"
CALL_ENTRIES: tuple[CallEntry, ...] = (
    CallEntry("threading:Thread", 1, "target", BACKGROUND, "thread target", _THREAD, single=True),
    CallEntry("threading:Timer", 1, "function", BACKGROUND, "timer thread", _THREAD, single=True),
    CallEntry("_thread:start_new_thread", 0, None, BACKGROUND, "thread target", _THREAD, single=True),
    CallEntry(".submit", 0, "fn", BACKGROUND, "executor job", _POOL),
    CallEntry(".map", 0, "fn", BACKGROUND, "executor job", _POOL, receiver_hints=("executor", "pool", "Executor", "Pool")),
    CallEntry(".apply_async", 0, "func", BACKGROUND, "pool job", _POOL, receiver_hints=("pool", "Pool")),
    CallEntry(".run_in_executor", 1, None, BACKGROUND, "executor job", "the event loop runs it in a thread pool, concurrently with the loop and other jobs"),
    CallEntry("asyncio:to_thread", 0, None, BACKGROUND, "asyncio.to_thread job", "runs in the default thread pool, concurrently with the event loop"),
    CallEntry("anyio:to_thread.run_sync", 0, None, BACKGROUND, "anyio worker thread", _POOL),
    CallEntry("starlette:run_in_threadpool", 0, None, BACKGROUND, "thread-pool job", _POOL),
    # concurrent.futures runs done-callbacks on the worker thread; asyncio runs them on the loop,
    # so only receivers named like a concurrent future count.
    CallEntry(".add_done_callback", 0, "fn", BACKGROUND, "future callback", "runs on the worker thread that completes the future",
              receiver_hints=("future", "fut"),
              unless_module_uses=("asyncio", "tornado", "anyio", "trio", "twisted", "gevent", "eventlet")),
    CallEntry(".add_job", 0, "func", BACKGROUND, "scheduled job", "the scheduler runs jobs on its own worker threads",
              scheduled=True),
    CallEntry("asyncio:create_task", 0, "coro", TASK, "asyncio task", "runs as a task that interleaves with other tasks at each await"),
    CallEntry("asyncio:ensure_future", 0, "coro_or_future", TASK, "asyncio task", "runs as a task that interleaves with other tasks at each await"),
    CallEntry("asyncio:gather", ALL_POSITIONAL, None, TASK, GATHERED_TASK, "gather runs its awaitables concurrently as tasks"),
    CallEntry(".create_task", 0, "coro", TASK, "asyncio task", "runs as a task that interleaves with other tasks at each await"),
    CallEntry(".start_soon", 0, None, TASK, "task group task", "runs as a task that interleaves with other tasks at each await"),
    # A program's `socketio.start_background_task(fn)` (Flask-SocketIO, python-socketio); the
    # libraries' own `self.start_background_task` calls are their internals.
    CallEntry(".start_background_task", 0, "target", BACKGROUND, "Socket.IO background task",
              "Socket.IO runs it as a background thread, greenlet or task, beside the event handlers",
              receiver_hints=("socketio", "sio"), coroutines_as_tasks=True),
    # SQLAlchemy runs event listeners on the thread that runs the statement or session operation
    # (with its asyncio extension, the event loop's: not in modules of an event-loop program).
    CallEntry("sqlalchemy:event.listen", 2, "fn", REQUEST, "SQLAlchemy event listener", _SQLALCHEMY_EVENTS,
              unless_module_uses=EVENT_LOOP_PACKAGES),
    # RPi.GPIO runs edge-detection callbacks on a thread of its own, beside the program's.
    CallEntry("RPi:GPIO.add_event_detect", 2, "callback", BACKGROUND, "GPIO edge callback", _GPIO_THREAD),
    CallEntry("RPi:GPIO.add_event_callback", 1, "callback", BACKGROUND, "GPIO edge callback", _GPIO_THREAD),
    # Web frameworks wired by calls rather than decorators.
    CallEntry("flask:Flask.add_url_rule", 2, "view_func", REQUEST, "Flask view", _THREADED_WSGI),
    CallEntry("flask:Blueprint.add_url_rule", 2, "view_func", REQUEST, "Flask view", _THREADED_WSGI),
    CallEntry("django:path", 1, "view", REQUEST, "Django view", "Django serves requests concurrently under threaded WSGI servers and ASGI"),
    CallEntry("django:re_path", 1, "view", REQUEST, "Django view", "Django serves requests concurrently under threaded WSGI servers and ASGI"),
    CallEntry("django:url", 1, "view", REQUEST, "Django view", "Django serves requests concurrently under threaded WSGI servers and ASGI"),
    CallEntry("fastapi:Depends", 0, "dependency", REQUEST, "FastAPI dependency", _ASGI),
    CallEntry("fastapi:FastAPI.add_api_route", 1, "endpoint", REQUEST, "FastAPI route", _ASGI),
    CallEntry("fastapi:APIRouter.add_api_route", 1, "endpoint", REQUEST, "FastAPI route", _ASGI),
    CallEntry("starlette:Route", 1, "endpoint", REQUEST, "Starlette route", _ASGI),
    CallEntry("starlette:WebSocketRoute", 1, "endpoint", REQUEST, "Starlette route", _ASGI),
    CallEntry("aiohttp:web.get", 1, "handler", REQUEST, "aiohttp handler", "aiohttp runs each request as a task"),
    CallEntry("aiohttp:web.post", 1, "handler", REQUEST, "aiohttp handler", "aiohttp runs each request as a task"),
    CallEntry("aiohttp:web.route", 2, "handler", REQUEST, "aiohttp handler", "aiohttp runs each request as a task"),
    *(CallEntry(f".add_{m}", 1, "handler", REQUEST, "aiohttp handler", "aiohttp runs each request as a task",
                receiver_hints=("router",)) for m in ("get", "post", "put", "patch", "delete", "head")),
    CallEntry(".add_route", ALL_POSITIONAL, "handler", REQUEST, "route handler", "the web server runs handlers concurrently",
              receiver_hints=("router", "app")),
    # `app.before_request(self._setup_server)`, called rather than used as a decorator, on an
    # application or server object of any framework: the hook runs for every request.
    *(CallEntry(f".{hook}", 0, "f", REQUEST, "request hook",
                "the web framework runs its request hooks for every request, concurrently")
      for hook in ("before_request", "after_request", "teardown_request")),
)

THREAD_SUBCLASS = "Thread subclass"
THREAD_CLASS = "threading:Thread"
# A function handed to the constructor of the program's own Thread subclass, which its `run` calls.
THREAD_CLASS_CALLBACK = "function run by a {cls} thread"
THREAD_CLASS_CALLBACK_WHY = "the thread class keeps it and its run() calls it on the new thread, concurrently with the caller"
BASE_CLASS_ENTRIES: tuple[BaseClassEntry, ...] = (
    BaseClassEntry(THREAD_CLASS, ("run",), BACKGROUND, THREAD_SUBCLASS, _THREAD, single=True,
                   shares_instance=True),
    BaseClassEntry("django:MiddlewareMixin", _DJANGO_MIDDLEWARE_METHODS, REQUEST, "Django middleware", _DJANGO_MIDDLEWARE,
                   shares_instance=True),
    BaseClassEntry("django:Node", ("render", "render_annotated"), REQUEST, "Django template node",
                   "compiled templates are cached and one node tree is rendered by many request threads at once",
                   shares_instance=True),
    BaseClassEntry("tornado:RequestHandler", ("get", "post", "put", "patch", "delete", "head", "options", "prepare", "on_finish"),
                   REQUEST, "Tornado handler", "Tornado interleaves requests at each await", on_loop=True),
    BaseClassEntry("tornado:WebSocketHandler", ("open", "on_message", "on_close"), REQUEST, "Tornado websocket handler",
                   "Tornado interleaves connections at each await", on_loop=True),
    BaseClassEntry("django:View", ("get", "post", "put", "patch", "delete", "head", "options", "dispatch"), REQUEST,
                   "Django view", "Django serves requests concurrently under threaded WSGI servers and ASGI"),
    # Flask class-based views, and the Resource classes of Flask-RESTX and Flask-RESTful built on
    # them: Flask makes an instance per request and calls the method for the HTTP verb.
    *(BaseClassEntry(base, _FLASK_VIEW_METHODS, REQUEST, "Flask view", _THREADED_WSGI)
      for base in ("flask:MethodView", "flask:View", "flask_restx:Resource", "flask_restful:Resource")),
    BaseClassEntry("rest_framework:APIView", ("get", "post", "put", "patch", "delete", "list", "create", "retrieve", "update", "destroy"),
                   REQUEST, "Django REST framework view", "Django serves requests concurrently under threaded WSGI servers and ASGI"),
    BaseClassEntry("rest_framework:ViewSet", ("list", "create", "retrieve", "update", "partial_update", "destroy"),
                   REQUEST, "Django REST framework view", "Django serves requests concurrently under threaded WSGI servers and ASGI"),
    # DRF runs the authentication and permission classes a view lists on every request, before
    # the view (a new instance per request, but what they store elsewhere every request shares);
    # JWT packages' authentication classes are such classes too. Django runs the authentication
    # backends of AUTHENTICATION_BACKENDS for each login and each request's user lookup.
    *(BaseClassEntry(base, methods, REQUEST, f"Django REST framework {kind}",
                     "Django serves requests concurrently under threaded WSGI servers and ASGI, and DRF runs "
                     f"the view's {kind} classes for each of them")
      for kind, methods, bases in (
          ("authentication", ("authenticate", "authenticate_credentials", "authenticate_header"),
           ("rest_framework:BaseAuthentication", "rest_framework_jwt:JSONWebTokenAuthentication",
            "rest_framework_jwt:BaseJSONWebTokenAuthentication", "rest_framework_simplejwt:JWTAuthentication")),
          ("permission", ("has_permission", "has_object_permission"), ("rest_framework:BasePermission",)))
      for base in bases),
    # A gRPC service: a subclass of the `...Servicer` class that protoc generates into a
    # `*_pb2_grpc` module, wherever that module lives. The server keeps the one instance it is
    # given and runs each RPC, `def Method(self, request, context)`, on a thread of its pool (or a
    # task, with grpc.aio).
    BaseClassEntry("*_pb2_grpc.*Servicer", (), REQUEST, "gRPC servicer",
                   "a gRPC server runs every RPC on the one servicer instance it was given, concurrently, on the "
                   "threads of its executor (grpc.server(futures.ThreadPoolExecutor(...))) or as tasks (grpc.aio)",
                   shares_instance=True, methods_taking="request"),
    *(BaseClassEntry(base, ("authenticate", "get_user", "has_perm", "has_module_perms", "configure_user"), REQUEST,
                     "Django authentication backend",
                     "Django runs the configured backends for each login and each request's user, concurrently "
                     "under threaded WSGI servers and ASGI")
      for base in ("django:BaseBackend", "django:ModelBackend", "django:RemoteUserBackend")),
    # (and the standard library's own subclasses of it, which a handler derives from as often)
    *(BaseClassEntry(f"socketserver:{base}", ("handle", "setup", "finish"), REQUEST, "socketserver handler",
                     "a ThreadingMixIn server handles each connection on its own thread")
      for base in ("BaseRequestHandler", "StreamRequestHandler", "DatagramRequestHandler")),
    # A ThreadingMixIn server runs `finish_request` (and the request's shutdown and error
    # handling) on the thread it starts for each connection, on the one server object.
    *(BaseClassEntry(base, ("finish_request", "process_request_thread", "shutdown_request", "close_request",
                            "handle_error"), REQUEST, "threading server", "a ThreadingMixIn server handles each "
                     "connection on a thread of its own, with the one server object", shares_instance=True)
      for base in ("socketserver:ThreadingMixIn", "http.server:ThreadingHTTPServer", "socketserver:ThreadingTCPServer",
                   "socketserver:ThreadingUDPServer")),
    BaseClassEntry("http:BaseHTTPRequestHandler", ("do_GET", "do_POST", "do_PUT", "do_DELETE", "do_PATCH", "do_HEAD"),
                   REQUEST, "http.server handler", "ThreadingHTTPServer handles each request on its own thread"),
    BaseClassEntry("watchdog:FileSystemEventHandler", ("on_any_event", "on_created", "on_modified", "on_deleted", "on_moved"),
                   BACKGROUND, "watchdog handler", "the watchdog observer calls handlers on its own thread", single=True),
    # Django's admin makes one ModelAdmin per registered model, and one AdminSite, when the
    # process starts, and runs their views and hooks for every request.
    *(BaseClassEntry(base, ("changelist_view", "change_view", "add_view", "delete_view", "history_view",
                            "changeform_view", "index", "app_index", "login", "logout"),
                     REQUEST, "Django admin", _DJANGO_ADMIN, shares_instance=True, methods_taking="request")
      for base in ("django:ModelAdmin", "django:AdminSite")),
    # A requests auth object (`session.auth = SigV4Auth(...)`, `auth=` on each call) is made once
    # and called for every request the program sends, from every thread that sends one; httpx
    # clients keep one Auth object for all their requests, concurrent tasks included.
    # A logging filter is attached to a logger or a handler once, and every thread that logs
    # through it runs its filter() (outside the handler's lock, which only emit() holds).
    BaseClassEntry("logging:Filter", ("filter",), REQUEST, "logging filter",
                   "every thread that logs through the logger or handler it is attached to runs its filter(), "
                   "outside the handler's lock", shares_instance=True),
    # Jinja2 makes one instance of each extension per Environment, which a web app shares between
    # all its request threads: `parse` runs as templates compile, the methods it names to
    # `call_method` on every render.
    BaseClassEntry("jinja2:Extension", ("parse", "filter_stream", "preprocess"), REQUEST, "Jinja2 extension",
                   "Jinja2 keeps one extension object per environment, and every thread that compiles or renders "
                   "a template with it runs its methods", shares_instance=True, methods_named_to="call_method"),
    BaseClassEntry("requests:AuthBase", ("__call__",), REQUEST, "requests auth object", _SHARED_AUTH,
                   shares_instance=True),
    BaseClassEntry("httpx:Auth", ("auth_flow", "sync_auth_flow", "async_auth_flow"), REQUEST, "httpx auth object",
                   _SHARED_AUTH, shares_instance=True),
    BaseClassEntry("starlette:HTTPEndpoint", ("get", "post", "put", "patch", "delete"), REQUEST, "Starlette endpoint", _ASGI),
    BaseClassEntry("starlette:BaseHTTPMiddleware", ("dispatch",), REQUEST, "Starlette middleware", _ASGI),
)

DUCK_TYPED_ENTRIES: tuple[DuckTypedEntry, ...] = (
    DuckTypedEntry(("process_request", "process_response", "process_view"), _DJANGO_MIDDLEWARE_METHODS, REQUEST,
                   "Django middleware", _DJANGO_MIDDLEWARE, package_imports=("django",), constructed_with=(1, 0)),
    # An ASGI middleware, made around the application it wraps (`app.add_middleware(Profiler)`,
    # `Profiler(app)`): the framework makes one and calls it for every request.
    DuckTypedEntry(("__call__",), ("__call__",), REQUEST, "ASGI middleware",
                   "an ASGI framework makes one instance of each middleware around the application and calls it "
                   "for every request, as concurrent tasks on its event loop", parameters=("scope", "receive", "send"),
                   constructor_parameters=("app",)),
    # An application object is shared when the program makes one (a module-level instance); a
    # response or a responder with the same call protocol is made per request, so the protocol
    # alone does not share the instance.
    DuckTypedEntry(("__call__",), ("__call__",), TASK, "ASGI application",
                   "an ASGI server calls the application for every request, as concurrent tasks on its "
                   "event loop (uvicorn, hypercorn, daphne)", parameters=("scope", "receive", "send"),
                   shares_instance=False),
    DuckTypedEntry(("__call__",), ("__call__",), REQUEST, "WSGI application",
                   "a threaded WSGI server (gunicorn gthread, waitress, mod_wsgi, werkzeug threaded) calls the "
                   "application for every request, on several threads at once",
                   parameters=("environ", "start_response"), shares_instance=False),
    # The hooks of generated API SDKs (Speakeasy's `before_request(self, hook_ctx, request)`,
    # `after_success`, `after_error`): the SDK registers one hook object per client, often from a
    # private `_hooks` package, and runs it for every call of the client.
    DuckTypedEntry(("before_request", "after_success", "after_error"), ("before_request", "after_success", "after_error"),
                   REQUEST, "API SDK request hook",
                   "a generated API SDK runs the hooks registered on a client for every call of that client, on "
                   "the caller's thread or task: one hook object serves calls that overlap",
                   parameters=("hook_ctx",)),
)

# Classes whose instances are shared by convention, recognised by a method they define.
SHARED_BY_CONVENTION: tuple[tuple[str, str], ...] = (
    ("init_app", "a Flask extension: one instance per application, used by every request thread"),
)
# A descriptor (a class that defines `__get__`) whose instances sit in class bodies (`@classproperty`
# on a method, `name = Field()`, or a `property` subclass): one instance serves every instance
# of the class that holds it.
DESCRIPTOR_WHY = ("a descriptor: one instance sits in a class body and serves every instance of that class, "
                  "on every thread that reads the attribute")

# Callback interfaces that a library calls on one registered object for every run it observes
# (LangChain's callback handlers, the request hooks of generated API SDKs, span processors,
# tracers): a class that implements two or more of an interface's methods is such an observer,
# and what it keeps on itself between the calls of one run is seen by every other run.
OBSERVER_INTERFACES: tuple[tuple[str, frozenset[str]], ...] = (
    ("LangChain callback handler", frozenset({
        "on_llm_start", "on_llm_end", "on_llm_error", "on_chat_model_start", "on_chain_start", "on_chain_end",
        "on_chain_error", "on_tool_start", "on_tool_end", "on_tool_error", "on_retriever_start",
        "on_retriever_end", "on_agent_action", "on_agent_finish"})),
    ("request hook", frozenset({"before_request", "after_success", "after_error"})),
    ("span processor", frozenset({"on_start", "on_end"})),
    ("tracer", frozenset({"trace", "current_span"})),
)
OBSERVED = "so runs that overlap call it at once"
OBSERVER_WHY = "a {interface} (`{methods}`): the library calls the one registered instance for every run, " + OBSERVED

# A class decorator whose name says so makes one instance per process, which every caller gets
# (`@singleton`, `@conditional_singleton`).
SINGLETON_MARKER = "singleton"
SINGLETON_WHY = "a singleton (`{marker}`): one instance per process, which every caller and thread gets"
COMPONENT_WHY = "made and kept by the one {holder} instance ({why_holder}), so shared as it is"
# A part a package's module-level instance makes and keeps (`_s3_accessor.configuration_map`).
MODULE_PART = "used by every caller through it"
MODULE_PART_WHY = "made and kept by the module-level {name} (a {holder}), " + MODULE_PART
# A part a shared object files under a key and hands out to whoever asks for the key.
HANDED_OUT_PART_WHY = "handed out by key by a {holder} instance, {why_holder}"

# Public library classes in these roles (by the last word of their own or a base class's name)
# are made once and used by every thread or task of the program that holds them: a client, a
# connection pool, an application object. Their instance state is shared, but since
# nothing in the library shows the sharing, only the rules whose pattern is wrong under any
# concurrency (check-then-act, a check and an act split by an await, iteration while another
# caller changes the container, a library object that is not thread-safe used by two callers at
# once) report on it. A class whose docstring says it is not thread-safe
# is left out: its users are told not to share it. So is a package's namesake class (`flask.Flask`,
# `datasette.app.Datasette`): the one application or client object a program makes. So is a child
# that the shared object makes for one call from itself (a `TransactionWrapper(self)` that
# subclasses the client), one filed under a key in a container another object keeps and does not
# hand out (mitmproxy's `Http1Server`, one per client connection), and a name that denies the
# role (`QuerySetNoCache`). A session is no such
# role: in a library it is one conversation's state (a WAMP session fed by its transport, one
# resumable upload, one live model session), used by the one owner of that conversation; where a
# program shares one, a thread it starts or a module-level instance shows it.
SHARED_ROLE_SUFFIXES: tuple[str, ...] = (
    "Client", "Pool", "PoolManager", "Manager", "Cache", "App", "Application", "Api", "API",
    "Service", "Server", "Registry",
)
# Methods that tear an object down: programs run one per object, so a check and an act inside
# one do not race with another call of it.
TEARDOWN_METHODS = frozenset({
    "close", "aclose", "dispose", "stop", "shutdown", "terminate", "on_stop", "cleanup", "teardown",
    "disconnect", "__del__", "__exit__", "__aexit__",
})
# The first word of a method that tears down the part its name goes on to say (`close_session`,
# `stop_supervisor`, `disconnect_websocket`).
TEARDOWN_VERBS = frozenset({"close", "aclose", "dispose", "stop", "shutdown", "terminate", "cleanup", "teardown",
                            "disconnect"})
# The method that opens a `with` block for each that closes it, and the reverse.
ENTER_OF_EXIT = {"__exit__": "__enter__", "__aexit__": "__aenter__"}
EXIT_OF_ENTER = {enter: exit_ for exit_, enter in ENTER_OF_EXIT.items()}
# Methods that start an object up (`start`, `initialize`, `async with client:`): programs run one
# per object as they set it up, so a check and an act that only such a call reaches does not race
# with another call of it. An object that connects lazily, from its operations, is reached from
# those too. Names that only begin so are often operations (`start_span`,
# `start_background_task`), and `connect` and `open` are left out too: a pool's or an engine's
# `connect()` hands out a connection per use, as a span processor's `on_start` runs for every span.
START_UP_METHODS = frozenset({"start", "astart", "initialize", "initialise", "ainitialize", "launch", "__aenter__"})
# A module's setters (`set_start_method(m)`, `set_limit(n)`, as `socket.setdefaulttimeout` and
# `multiprocessing.set_start_method` do) configure the process: programs call them while they set
# up. Where other code calls a setter as it works (a template tag setting the context per
# request), that code reaches it. A method named so (`manager.set_agent_state(name, s)`) is often
# an object's run-time state, so only module-level functions count.
SETTER_PREFIX = "set_"
# Bases of classes that one event-loop thread drives (an asyncore dispatcher's handlers run on the
# poll loop): a server or client built on them is not shared by its role.
LOOP_DRIVEN_BASES: tuple[str, ...] = (
    "asyncore:dispatcher", "waitress:wasyncore.dispatcher", "asyncio:Protocol", "asyncio:BaseProtocol",
    "twisted:Protocol",
)
# The methods of those classes that their loop calls, on its one thread: asyncore's `handle_*`
# events and `readable`/`writable` polls, asyncio's and Twisted's protocol callbacks.
LOOP_CALLBACK_PREFIXES = ("handle_",)
LOOP_CALLBACK_METHODS = frozenset({
    "readable", "writable", "connection_made", "connection_lost", "data_received", "eof_received",
    "datagram_received", "error_received", "pause_writing", "resume_writing", "dataReceived",
    "connectionMade", "connectionLost",
})
# Names that end like a role but name a protocol (`contextlib.AbstractAsyncContextManager`).
NOT_SHARED_ROLES: tuple[str, ...] = ("ContextManager",)
SHARED_ROLE_WHY = ("a library's {role} object: programs make one and use it from every thread or task, "
                   "so its public methods run concurrently")
# (RF101 only for a call's own result kept on the object: see rf101's `_result_kept_for_its_call`.)
SHARED_ROLE_RULES = frozenset({"RF101", "RF104", "RF105", "RF106", "RF109"})

_LITELLM_THREAD = (
    "LiteLLM runs success and failure callbacks on a background thread of its own (a thread pool), "
    "not on the thread that called completion()"
)

_PAHO_THREAD = "paho-mqtt calls every `on_*` handler on its network loop thread (`loop_start()`)"

CALLBACK_SLOTS: tuple[CallbackSlot, ...] = (
    CallbackSlot("litellm:success_callback", BACKGROUND, "LiteLLM success callback", _LITELLM_THREAD),
    CallbackSlot("litellm:failure_callback", BACKGROUND, "LiteLLM failure callback", _LITELLM_THREAD),
    CallbackSlot("litellm:callbacks", BACKGROUND, "LiteLLM callback", _LITELLM_THREAD),
    CallbackSlot("litellm:_async_success_callback", TASK, "LiteLLM async success callback",
                 "LiteLLM schedules async callbacks as separate tasks"),
    CallbackSlot("litellm:input_callback", BACKGROUND, "LiteLLM input callback", _LITELLM_THREAD),
    CallbackSlot("litellm:service_callback", BACKGROUND, "LiteLLM service callback", _LITELLM_THREAD),
    *(CallbackSlot(f"paho:Client.{slot}", BACKGROUND, "MQTT callback", _PAHO_THREAD) for slot in (
        "on_message", "on_connect", "on_connect_fail", "on_disconnect", "on_subscribe", "on_unsubscribe",
        "on_publish", "on_log", "on_pre_connect")),
)


# Public API. Dunder methods that callers reach through syntax count as public.
PUBLIC_DUNDERS = frozenset(
    {"__call__", "__getitem__", "__setitem__", "__delitem__", "__contains__", "__iter__", "__next__",
     "__enter__", "__exit__", "__aenter__", "__aexit__", "__len__", "__get__", "__set__", "__class_getitem__"}
)
# Modules that are no library API: tests, examples, scripts, build and migration files, and the
# command line (`pkg/cli.py`, `pkg/cli/run.py`), which a process started from the shell runs once,
# one command on its main thread.
NON_API_PARTS = frozenset(
    {"test", "tests", "testing", "testsuite", "conftest", "examples", "example", "docs", "doc", "scripts",
     "benchmarks", "bench", "migrations", "setup", "__main__", "noxfile", "fabfile", "manage", "cli"}
)
# Folders of another library's code copied into the package (streamlit's `vendor/pympler`,
# dynaconf's `vendor/ruamel`, joblib's `externals/loky`): the package calls that copy, its users
# import the library itself, so the copy's public functions are no API of the package's.
VENDORED_PARTS = frozenset({"vendor", "vendored", "_vendor", "_vendored", "externals", "third_party", "_third_party"})
# A program's own entry functions run once, on the main thread, before and around serving.
MAIN_FUNCTIONS = frozenset({"main", "cli", "entrypoint", "entry_point", "run_cli"})
PATCHED_FUNCTION = "patched library function"
PATCH_WHY = (
    "it replaces a function of another library, so it runs wherever that library is called, "
    "from any of its callers' threads"
)
# Public functions by these names configure a library (register a handler, define an option,
# install a hook): programs call them while they set up, before their threads run.
SETUP_FUNCTION_PREFIXES = ("register", "unregister", "define", "setup", "set_up", "configure", "install",
                           "uninstall", "add_", "enable", "disable", "init", "load_config", "mount", "populate",
                           "patch", "unpatch", "bind", "instrument", "uninstrument", "set_")
# The parts of a module's name that make it the package's command line (`python -m package`).
COMMAND_LINE_PARTS = frozenset({"__main__", "cli", "scripts"})
# Functions a framework calls by this name while the program configures itself (Pyramid runs a
# package's `includeme(config)` when the application's configurator includes it).
SETUP_FUNCTION_NAMES = frozenset({"includeme"})
# A decorator whose name holds this marks set-up API (Flask's `@setupmethod`).
SETUP_MARKER = "setup"
# Last words of a set-up name: `process_initializer`, `worker_process_init`, `logging_setup`.
SETUP_FUNCTION_LAST_WORDS = frozenset({"init", "initializer", "initialiser", "initialize", "initialise", "setup",
                                       "configure", "install"})
# Words before a set-up name in an event hook's name: `on_before_init`, `on_after_configure`, `pre_setup`.
HOOK_TIME_PREFIXES = ("on_", "before_", "after_", "pre_", "post_")
# Words that mark test-support code inside a public name (`create_test_db`, `setup_test_environment`,
# `run_tests`, `reset_for_testing`): a test runner calls it while it sets up, not a server's threads.
TEST_SUPPORT_WORDS = frozenset({"test", "tests", "testing"})
# Packages of test-support code shipped with a library (`django.test`, `numpy.testing`): what only
# they call is test-support API.
TEST_SUPPORT_PACKAGES = frozenset({"test", "testing", "_testing", "test_utils", "testutils"})
# Methods that a framework calls once while the program starts, or in a one-off command process,
# on its main thread: overriding them in a subclass (or the base's own) is not concurrent API.
ALL_METHODS = ("*",)
START_UP_HOOKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("django:AppConfig", ("ready", "import_models")),
    # A management command runs once, in a process of its own: every method of it.
    ("django:BaseCommand", ALL_METHODS),
    ("django:LabelCommand", ALL_METHODS),
    ("django:AppCommand", ALL_METHODS),
    ("celery:Celery", ("autodiscover_tasks", "config_from_object", "finalize")),
)
# Modules that start threads or hand work to them (a module that imports none of these and runs
# a main loop keeps its class's methods on the loop's thread).
THREAD_PACKAGES = ("threading", "_thread", "concurrent", "multiprocessing", "asyncio")
# Frameworks whose own modules run on their loop (a module that only imports one may also be
# used from threads: a client library with both a sync and an async path): the async web
# frameworks, whose requests, middleware and start-up all run on one event loop.
EVENT_LOOP_FRAMEWORKS = ("aiohttp", "starlette", "fastapi", "litestar", "sanic", "quart")
REQUEST_CONTEXT_CODE = "request-context code"
REQUEST_CONTEXT_WHY = (
    "it reads `{name}`, so it runs while a request is handled: a threaded server (gunicorn gthread, "
    "waitress, werkzeug threaded) runs it for concurrent requests at once"
)
API_WHY = (
    "it is a public function of the library, and its callers may call it from several threads "
    "at once (a threaded web server, a worker pool)"
)


def name_matches(pattern: str, dotted: str) -> bool:
    """`package:Tail` matches a dotted name in that package ending with Tail; a pattern with `*`
    matches as a glob (`*_pb2_grpc.*Servicer`, a class protoc generates wherever its module
    lives); else exact match."""
    if "*" in pattern:
        return fnmatchcase(dotted, pattern)
    if ":" not in pattern:
        return pattern == dotted
    package, tail = pattern.split(":", 1)
    if dotted.split(".", 1)[0] != package:
        return False
    return dotted == f"{package}.{tail}" or dotted.endswith(f".{tail}")
# Methods that build or set up a new object: while they run, no other thread has the instance.
CONSTRUCTORS = frozenset({
    "__init__", "__new__", "__post_init__", "__init_subclass__", "__pydantic_init_subclass__", "__set_name__",
})
# Event-loop methods that schedule a callback to run on the loop's own thread, by the position of
# the callback among their arguments: `loop.call_soon_threadsafe(cb)`, `loop.call_later(delay, cb)`.
LOOP_SCHEDULING_METHODS: dict[str, int] = {"call_soon_threadsafe": 0, "call_soon": 0, "call_later": 1, "call_at": 1}
# Calls (by last name) that hand back the loop running the calling code, and loop methods that
# run the loop on the calling thread: a callback scheduled on that loop runs where they run.
LOOP_GETTERS = frozenset({"get_running_loop", "get_event_loop"})
LOOP_RUNNERS = frozenset({"run_forever", "run_until_complete"})
# Calls (by last name) that schedule a coroutine on an event loop that is already running.
COROUTINE_SCHEDULERS = frozenset({"ensure_future", "create_task", "run_coroutine_threadsafe"})
