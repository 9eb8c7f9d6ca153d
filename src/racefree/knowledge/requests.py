"""What holds the data of the request being handled: a value computed from one of these is
per-request data, and storing it in shared state hands it to every other request."""

# Request-context globals of web frameworks, by the dotted name they are imported from.
REQUEST_OBJECTS = frozenset({
    "flask.request", "flask.globals.request", "flask.session", "flask.globals.session",
    "quart.request", "quart.globals.request", "quart.session", "quart.websocket",
    "bottle.request", "werkzeug.local.request", "cherrypy.request", "cherrypy.session",
})

# Globals that stand for an object of the current request or application context (werkzeug
# LocalProxy objects): each request sees its own, so what is stored in them is not shared.
PER_REQUEST_GLOBALS = REQUEST_OBJECTS | frozenset({
    "flask.g", "flask.globals.g", "quart.g", "quart.globals.g", "flask.globals.request_ctx",
    "flask.globals.app_ctx", "cherrypy.response", "cherrypy.serving", "cherrypy.thread_data",
})

# Handler parameters that hold the request (Django, DRF, FastAPI, Starlette, aiohttp, Sanic).
REQUEST_PARAMETER_NAMES = frozenset({"request", "req"})

# How a request parameter appears among a value's sources.
REQUEST_PARAMETER_SOURCE = "param:request"


def request_object(imports: dict, name: str, attr: str | None = None) -> str | None:
    """The request object a module-level name reaches, by what it was imported as: `request`
    from `from flask import request`, or `flask` then `.request` after `import flask`."""
    imported = imports.get(name)
    if imported is None:
        return None
    if imported.target in REQUEST_OBJECTS:
        return imported.target
    if attr is not None and f"{imported.target}.{attr}" in REQUEST_OBJECTS:
        return f"{imported.target}.{attr}"
    return None
