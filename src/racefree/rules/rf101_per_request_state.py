"""RF101 per-request-state-in-shared-object

## What it does
Finds request handlers (and the code they call) that store values into module-level or
class-level state that other code then reads back. Also finds data of the current request
(computed from `flask.request` or a handler's `request` parameter) stored in a public attribute
of shared state that nothing in the checked code reads: it is there for the application to read
(`auth.username` after `@auth.login_required`). Functions patched over another library count as
handlers: they run on every call of that library, from its callers' threads. What a handler
keeps on `self` where the framework makes a handler for each request (a Tornado `RequestHandler`,
a Django or Flask class-based view) is that request's own, even when the handler hands work to a
thread of its own. Library API is no handler: a public function that stores a value is a setter,
called when its caller chooses. But API that keeps a value of its own call in state every caller
shares (a module global, a class attribute, an attribute of the package's module-level instance),
reads it back and clears it before returning (`self.now = base`, then a helper reads `self.now`,
then `self.now = None`) uses that state as scratch space, and two calls share it; so does API
that has one helper store an argument of its call there and then, in the same call, others read
it back (`strength(password, user_words)` keeps the words in the module's table of word lists,
then runs the matchers over that table), a context manager that keeps a value of its block there
for its `__exit__`: a new object it makes as the current one (`Factory.current_tracer =
factory.create_tracer()` in `__enter__`, read back in `__exit__`), or what the block found and
must put back (a module-level `use_master` whose `__enter__` saves `self.old =
this_thread_is_pinned()`), and an object used as a decorator
(`@metrics.timer("db")`, whose `__call__` hands back a wrapper that keeps it): every call of the
decorated function, on any thread, runs through the one object, and what one call keeps on it
between `__enter__` and `__exit__` (a start time) the next call replaces. So does an
observer that a library calls for every run (a LangChain callback handler, an SDK's request
hook, a tracer): what one callback stores on it for the run's next callback, the next run's
callbacks replace, on threads or, for an async handler, while the run awaits the work it observes. And a list defined in a class body that methods fill through `self`
(`spans: list = []`, then `self.spans.append(span)` and `self.spans[-1]`) is one list for every
instance, though the code reads as if each had its own: requests that each make an instance
still push onto and read the same list (not on a model class, pydantic's or msgspec's, which
copies each declared default into every instance). So is a dict defined in a class body that
methods fill through `self` with the instance's own entries (`_attributes: dict = {}`, then
`self._attributes.update(report)`, or `self.stat_data[key] = info[key]` in `__init__`): each
device reads the entries another stored last (not one the class also names as its own,
`cls._cache`, or as a constant, `ROUTES`, nor one filled under a test of it, a memo meant to be
shared, nor totals added up in it). So is a parameter's mutable default that the
function fills per call (`def _send(self, path, query_params={}):`, then
`query_params["access_token"] = self.token`): Python makes the default once, when the `def`
runs, so every call that omits the argument stores into the same dict, and each sends the
others' tokens (not a value every call stores alike, nor a memo filled under computed keys);
also where the object keeps the default (`def __init__(self, events=[]): self._events = events`,
itself or through its base's `__init__`) and its methods fill it (`self._events.append(event)`):
every instance made without the argument holds the one list.
And so is the mutable default of a `ContextVar` (`ContextVar("steps", default=[])`), changed in
place through what `.get()` returns: every thread and task that has not set the variable gets
the one list made at import, so the per-context stack the variable was meant to give is shared.
And so is another library's process-wide setting that a class sets to each instance's own value
as the instance is made (`openai.api_key = api_key` in a client's constructor, or in the pydantic
validator that runs as one is made): the other library reads it on every call, so every
instance, on every thread, runs with the value of the one made last, and a multi-tenant service
sends one tenant's requests with another's key. So is the class's own attribute, written through
the class as each instance is made (`RemoteConnection.extra_headers = config.extra_headers`) and
read back by its methods: a connection made on one thread swaps the headers of the sessions that
other threads drive.
And so is a client that every thread shares keeping one call's result on itself: the call resets
an attribute as it begins (`self.last_response = None`, `self.responses = []`), fills it with its
own response and reads it back for itself (`return self.last_response`, or the next helper its
caller runs, `send(payloads)` then `parse_responses()`); a concurrent call resets or replaces it
in between, and the caller gets another request's response.

## Why is this bad?
Web servers, task queues and MCP servers run handlers concurrently. A value one request writes
into shared state is visible to every other request: when two requests overlap, one of them
reads the other's value and runs with the wrong parameters, user or limits. Nothing fails
loudly; the results are quietly wrong. Async handlers are no exception: tasks on one event loop
switch at each await, so a value read after the reading task has awaited (since it began, or
since its own write) may be another request's; a read before any await sees the task's own.

## Example
```python
from flask import Flask, request

from mcts import search

app = Flask(__name__)
server_config = {"depth": 1}

@app.route("/v1/chat/completions", methods=["POST"])
def proxy():
    server_config["depth"] = request.json.get("depth", 1)   # this request's value...
    return run_search()

def run_search():
    return search(depth=server_config["depth"])             # ...or the next request's
```

## Use instead
```python
from flask import Flask, request

from mcts import search

app = Flask(__name__)
server_config = {"depth": 1}

@app.route("/v1/chat/completions", methods=["POST"])
def proxy():
    depth = request.json.get("depth", server_config["depth"])
    return run_search(depth)                                # pass per-request data down

def run_search(depth):
    return search(depth=depth)
```
Where the reader is many calls away, a `contextvars.ContextVar` set in the handler gives each
request (thread or task) its own value.
"""

from __future__ import annotations

from racefree.analysis.concurrency import PREEMPTIVE, may_run_concurrently, self_concurrency
from racefree.analysis.entry_points import is_test_module, set_up_name
from racefree.analysis.library_settings import makes_or_validates_an_instance, sets_a_library_setting_per_instance
from racefree.analysis.pairs import hand_off, is_fixed_slot_write, write_read_races
from racefree.analysis.shared_state import DECORATOR_OBJECT, ROLE_SHARED, SINGLETON_ATTRIBUTE, unique_facts
from racefree.index import CLASS_ATTR, CONTEXT_DEFAULT, DEFAULT_ARGUMENT
from racefree.knowledge.entry_points import CONSTRUCTORS, EXIT_OF_ENTER, OBSERVED, PATCHED_FUNCTION
from racefree.knowledge.requests import REQUEST_OBJECTS, REQUEST_PARAMETER_SOURCE
from racefree.rules.base import Rule, entry_description, function_name, make_finding, short_name
from racefree.summarize.model import CALL, OP_REBIND, OP_SLOT_STORE, WRITE

BUILTIN_LIST = "builtins.list"
BUILTIN_DICT = "builtins.dict"
# Libraries whose model classes copy each class-level declaration into every instance.
FIELD_MODEL_PACKAGES = frozenset({"pydantic", "pydantic_settings", "sqlmodel", "msgspec", "attr", "attrs"})


# Why state is shared by every caller of the process, whoever made the object.
PROCESS_WIDE_REASONS = ("module-level object", "class attribute of", SINGLETON_ATTRIBUTE)


def check(obj, evidence):
    # A library function that stores into shared state is a setter by design (`set_level`,
    # `set_debuglevel`) unless something runs it per request or per call: API reach alone is not
    # enough, but a function patched over another library's runs on every call of that library.
    if obj.kind in (DEFAULT_ARGUMENT, CONTEXT_DEFAULT):
        return _default_filled_per_call(obj, evidence)
    if obj.why_shared.endswith(ROLE_SHARED):
        return _result_kept_for_its_call(obj, evidence)  # shared by its role only: this form alone
    races = []
    callers = {}  # write -> the API function whose call stores it and reads it back through helpers
    for race in write_read_races(obj, across_awaits=True):
        if race.write.on_background_thread or _one_constant_for_all(obj, race.write) or race.write.in_lazy_loader:
            continue  # (a loader run on first use sets the state up once: RF107's)
        if not _set_by_callers(race.write) or obj.why_shared.endswith(OBSERVED) or _scratch_of_its_call(obj, race) \
                or _kept_between_enter_and_exit(obj, race):
            races.append(race)
        elif (caller := _handed_between_its_helpers(obj, race)) is not None:
            races.append(race)
            callers[id(race.write)] = caller
    if not races:
        return _request_data_left_for_the_caller(obj, evidence) or _class_list_used_per_instance(obj, evidence) \
            or _instance_setting_in_a_library(obj, evidence)
    parties = hand_off(obj, races)
    writes, reads, readers, first = parties.writes, parties.reads, parties.readers, parties.first
    name = short_name(obj)
    per = "per call" if first.api_only or any(r.entry.framework == PATCHED_FUNCTION for r in first.modes.values()) \
        else "per request"
    # Tasks of one event loop only: the reads come after an await, where other tasks run.
    after = "" if any(may_run_concurrently(race.write, read) == PREEMPTIVE for race in races for read in race.reads) \
        else " after an await"
    where = f"`{function_name(first)}` ({entry_description(first)})"
    if id(first) in callers:  # `zxcvbn()` stores through one helper and reads through another
        where = f"`{function_name(first)}`, called by `{callers[id(first)].rsplit('.', 1)[-1]}`,"
    message = (
        f"`{name}` is shared state written {per} in {where} and read back{after} in "
        f"{', '.join(f'`{r}`' for r in readers[:3])}: concurrent {per.split()[1]}s see each other's values"
    )
    return [make_finding(RULE, obj, evidence, message, _why_concurrent(obj, first), writes, reads)]


def _scratch_of_its_call(obj, race) -> bool:
    """Library API that keeps a value of its own call in state every caller shares (a module
    global, a class attribute, an attribute of the package's module-level instance), reads it
    back, itself or in a function it calls, and clears it before it returns (`self.now =
    settings.BASE`, then `self._parse_date(...)` reads `self.now`, then `self.now = None`): no
    setter, but scratch space that two calls share. Only the reads between the store and the
    clear race with the other call."""
    write = race.write
    if not obj.why_shared.startswith(PROCESS_WIDE_REASONS) or write.access.checked_at is not None:
        return False
    index = write.reach.index if write.reach is not None else None
    if index is None or write.access.stores_constant is not None:
        return False
    ref = write.access.ref
    cleared = [a.line for a in write.info.summary.accesses
               if a.kind == WRITE and a.ref == ref and a.line > write.access.line and a.stores_constant is not None
               and not a.in_handler]
    if not cleared:
        return False
    called = _called_from(index, write.fid, write.access.line, max(cleared))
    race.reads = [read for read in race.reads
                  if (read.fid == write.fid and write.access.line < read.access.line < max(cleared)) or read.fid in called]
    return bool(race.reads)


def _kept_between_enter_and_exit(obj, race) -> bool:
    """A context manager whose `__enter__` keeps a value of the block it opens in state every
    caller shares and reads it back in its `__exit__` (or later in `__enter__`): a new object made
    for the block (`Factory.current_tracer = factory.create_tracer()`, then in `__exit__`
    `Factory.current_tracer.record_completion()`), or what the block found and must put back (a
    module-level `use_master` whose `__enter__` saves `self.old = this_thread_is_pinned()` for its
    `__exit__`). Two blocks that overlap share one slot: each exits with the other's value. Not a
    constant (`self.entered = True`), nor a value made on first use (tested first: RF107's)."""
    write = race.write
    exit_method = EXIT_OF_ENTER.get(write.info.summary.name)
    if exit_method is None or not obj.why_shared.startswith(PROCESS_WIDE_REASONS) \
            or write.access.checked_at is not None or write.access.stores_constant is not None \
            or write.access.stores_scalar or write.access.op != OP_REBIND:
        return False
    race.reads = [read for read in race.reads
                  if (read.fid == write.fid and read.access.line > write.access.line)
                  or (read.info.summary.name == exit_method and read.info.class_id == write.info.class_id)]
    return bool(race.reads)


def _handed_between_its_helpers(obj, race) -> str | None:
    """Library API that stores an argument of its call in state every caller shares and then, in
    the same call, has a helper read it back (`zxcvbn(password, user_inputs)` runs
    `set_user_input_dictionary(user_inputs)`, which keeps the inputs in the module's table of
    dictionaries, then `omnimatch(password)`, which matches against that table): no setter whose
    caller chooses when to call it, but a call that passes its own value through shared state, as
    a request handler does, and two calls meet there. Only the reads the call makes after the
    store race with the other call."""
    write = race.write
    decorator = obj.why_shared.endswith(DECORATOR_OBJECT)  # every call's value is its own: a start time
    if (not (obj.why_shared.startswith(PROCESS_WIDE_REASONS) or decorator) or write.access.checked_at is not None
            or not (write.access.stores_argument or decorator) or write.reach is None):
        return None
    index = write.reach.index
    after_the_store: dict[str, str] = {}  # function the call runs after the store -> that caller
    # The writer itself is a setter, unless it clears what it stored (`_scratch_of_its_call`):
    # look at the functions that call it, a few calls up.
    for caller in sorted(_callers_of(index, write.fid) - {write.fid}):
        if not _runs_concurrently(write.reach, caller):
            continue  # module code, tests, set-up: no call that meets another
        edges = [(edge.line, {edge.callee} | _called_from(index, edge.callee, 0, 1 << 30))
                 for edge in index.calls_from.get(caller, ())]
        stored_at = [line for line, reached in edges if write.fid in reached]
        if stored_at:
            first = min(stored_at)
            for fid in (fid for line, reached in edges if line > first for fid in reached):
                after_the_store.setdefault(fid, caller)
    race.reads = [read for read in race.reads if read.fid in after_the_store]
    return after_the_store[race.reads[0].fid] if race.reads else None


def _runs_concurrently(reach, fid: str) -> bool:
    """The function is itself an entry point that runs many times at once (a public function of
    the library, a request handler): not one it calls, which may call it in an order of its own."""
    info = reach.index.functions.get(fid)
    if info is None or is_test_module(info.module.module) or reach.only_while_setting_up(fid):
        return False
    if set_up_name(info.summary.name) or info.summary.name.startswith("start"):
        return False  # `initialize()`, `start_dashboard()`: a program does it once, as it sets up
    return any(mode.multiple for mode in reach.entry_modes.get(fid, ()))


def _callers_of(index, fid: str, depth: int = 3) -> set[str]:
    """The functions that call fid, and those that call them, a few calls up."""
    found: set[str] = set()
    layer = [fid]
    while layer and depth:
        depth -= 1
        layer = [edge.caller for callee in layer for edge in index.calls_to.get(callee, ()) if edge.caller not in found]
        found.update(layer)
    return found


def _called_from(index, fid: str, after: int, before: int, depth: int = 4) -> set[str]:
    """The functions that fid calls between the lines, and those they call, a few calls deep."""
    found: set[str] = set()
    layer = [edge.callee for edge in index.calls_from.get(fid, ()) if after < edge.line < before]
    while layer and depth:
        depth -= 1
        layer = [callee for callee in layer if callee not in found and callee != fid]
        found.update(layer)
        layer = [edge.callee for callee in layer for edge in index.calls_from.get(callee, ())]
    return found


def _result_kept_for_its_call(obj, evidence):
    """State that a call resets as it begins (`self.last_response = None`, `self.responses =
    []`), fills with its own result (`self.last_response = Response(...)`, `.append(response)`)
    and reads back for itself, in the same function (`return self.last_response`) or in the next
    helper its caller runs (`send_request(payloads)`, then `parse_responses()`): scratch space of
    one call, on an object every call shares (a client all threads use). Another call's reset or
    result lands between the fill and the read, and the caller gets another request's response."""
    index = obj.facts[0].reach.index if obj.facts and obj.facts[0].reach is not None else None
    if index is None:
        return []
    for reset in obj.writes():
        if not reset.access.stores_empty or reset.locks or reset.access.checked_at is not None \
                or self_concurrency(reset) != PREEMPTIVE:
            continue
        fills = [w for w in obj.writes() if w.fid == reset.fid and w.access.line > reset.access.line
                 and not w.access.stores_empty and w.access.stores_constant is None and not w.locks]
        if not fills:
            continue
        fill = fills[0]
        # Read back as the call's result: returned by the function (`return self.last_response`),
        # or by the helper whose result its caller returns (`return self.parse_responses()`).
        reads = [r for r in obj.reads() if r.fid == fill.fid and r.access.line > fill.access.line and not r.locks
                 and r.access.ref in r.info.summary.returns]
        caller = None
        if not reads:
            after = _called_after_by_its_callers(index, fill.fid, write_reach=fill.reach)
            reads = [r for r in obj.reads() if r.fid in after and not r.locks
                     and _returns_the_result_of(index.functions[after[r.fid]].summary, r.info.summary.name)]
            caller = after.get(reads[0].fid) if reads else None
        if not reads:
            continue
        where = f"`{function_name(fill)}` ({entry_description(fill)})"
        if caller is not None:
            where = f"`{function_name(fill)}`, called by `{caller.rsplit('.', 1)[-1]}`,"
        message = (
            f"`{short_name(obj)}` is reset and filled with the call's own result in {where} and read back "
            f"in {', '.join(sorted({f'`{function_name(r)}`' for r in reads})[:3])}: a concurrent call resets or "
            f"replaces it in between, and this call reads another call's result"
        )
        return [make_finding(RULE, obj, evidence, message, _why_concurrent(obj, fill),
                             unique_facts([reset, *fills]), unique_facts(reads))]
    return []


def _returns_the_result_of(summary, method: str) -> bool:
    """The function returns what a method of its own object returns (`return self.parse_responses()`)."""
    return any(ref.root_kind == "self" and ref.attrs == (method, CALL) for ref in summary.returns)


def _called_after_by_its_callers(index, fid: str, write_reach) -> dict[str, str]:
    """The functions that the callers of fid (which themselves run many times at once) call
    directly after their call of it, with that caller."""
    found: dict[str, str] = {}
    for edge in index.calls_to.get(fid, ()):
        caller = edge.caller
        if write_reach is None or not _runs_concurrently(write_reach, caller):
            continue
        for later in index.calls_from.get(caller, ()):
            if later.line > edge.line and later.callee != fid:
                found.setdefault(later.callee, caller)
    return found


def _class_list_used_per_instance(obj, evidence):
    """A list defined in a class body that methods fill through `self` (`spans: list = []`, then
    `self.spans.append(span)` and `self.spans[-1]`): written as if each instance had its own, but
    one list for every instance, so concurrent requests, each with an instance of its own, push
    onto and read from the same list. So is a dict defined there that methods fill through `self`
    with the instance's own entries (`_attributes: dict = {}`, then `self._attributes.update(
    parsed)`, or `self.stat_data[key] = info[key]` in `__init__`): each device reads the entries
    another stored last. Not a dict the class also names as shared (`cls._cache`,
    `Registry._cache`), nor one filled under a test of its own (`if key not in self._memo:`),
    which is a memo every instance is meant to share."""
    if obj.kind != CLASS_ATTR or obj.typed not in (BUILTIN_LIST, BUILTIN_DICT):
        return []
    index = obj.facts[0].reach.index if obj.facts and obj.facts[0].reach is not None else None
    class_id = obj.name.rsplit(".", 1)[0]
    if index is None or class_id not in index.classes or _model_with_fields(index, class_id):
        return []
    if obj.typed == BUILTIN_LIST:
        fills = [w for w in obj.writes()
                 if w.access.appends and w.access.ref.root_kind == "self" and not w.locks and self_concurrency(w)]
    elif _named_as_shared_or_memo(obj, index.classes[class_id][1]):
        return []
    else:
        fills = [w for w in obj.writes()
                 if w.access.ref.root_kind == "self" and not w.locks and self_concurrency(w)
                 and _fills_as_an_instance_would(w)]
    reads = [r for r in obj.reads() if r.access.ref.root_kind == "self" and r.concurrent and not r.locks]
    if not fills or not reads:
        return []
    others = [w for w in obj.writes() if w.access.ref.root_kind == "self" and w.concurrent and w not in fills]
    first = fills[0]
    kind, how = ("list", "push onto and read each other's entries") if obj.typed == BUILTIN_LIST \
        else ("dict", "read the entries another instance stored last")
    message = (
        f"`{short_name(obj)}` is a {kind} defined in the class body that `{function_name(first)}` "
        f"({entry_description(first)}) fills through `self`, as if each instance had its own: every "
        f"instance shares the one {kind}, so concurrent calls {how}"
    )
    return [make_finding(RULE, obj, evidence, message, _why_concurrent(obj, first),
                         unique_facts([*fills, *others]), unique_facts(reads))]


def _fills_as_an_instance_would(write) -> bool:
    """Merges the instance's own mapping in (`self._attributes.update(parsed)`), stores a field by
    a constant key (`self._attributes["Mode"] = mode`), or stores what the constructor was given
    (`self.stat_data[key] = info[key]` in `__init__`): what an instance's own dict gets. Entries
    stored under computed keys elsewhere (`self._cache[message_id] = result`) are a table's,
    which a class-level dict may be meant to be."""
    access = write.access
    if access.removes:
        return False
    return access.merges or (access.op == OP_SLOT_STORE and (
        access.slot is not None or write.info.summary.name in CONSTRUCTORS))


def _named_as_shared_or_memo(obj, class_summary) -> bool:
    """The class dict is used as the class's own (`cls._cache`, `Registry._cache`), named as a
    constant of the class (`ROUTES`) or declared `ClassVar[dict]`, filled under a test of it (`if
    key not in self._memo: self._memo[key] = ...`) or added up in it (`self._usage[model] =
    self._usage.get(model, 0) + n`): shared on purpose (the totals' race is RF103's)."""
    name = obj.name.rsplit(".", 1)[-1]
    return name.isupper() or name in class_summary.declared_class_vars or any(
        fact.access.ref.root_kind != "self" for fact in obj.facts) or any(
        w.access.checked_at is not None or w.access.key_checked_at is not None or w.access.read_modify_write
        for w in obj.writes())


def _default_filled_per_call(obj, evidence):
    """A parameter's mutable default that the function fills with values of its own call
    (`def _send(self, path, query_params={}):` then `query_params["access_token"] = self.token`,
    or `items.append(item)`): Python made the default once, so every call that omits the argument
    stores into and reads from the same dict or list, concurrent calls included (and one call
    leaves its values for the next, whoever makes it: the bug needs no second thread to show,
    only a second caller, so any entry point that reaches the store counts). A value every
    call stores alike (`headers["Content-Type"] = "application/json"`) and a memo filled under
    computed keys (`_memo[n] = value`) are not reported."""
    writes = [w for w in obj.writes()
              if not w.locks and w.modes
              and (w.access.appends or (w.access.op == OP_SLOT_STORE and w.access.slot is not None
                                        and w.access.stores_constant is None))]
    if not writes:
        return []
    first = writes[0]
    kind = "list" if obj.typed == BUILTIN_LIST else "dict" if obj.typed and obj.typed.endswith("dict") else "object"
    what = "appends to it" if first.access.appends else f"stores `{first.access.slot}` in it"
    if obj.kind == CONTEXT_DEFAULT:
        variable = obj.name.rsplit(".", 2)[-2]
        message = (
            f"`{variable}` is a ContextVar whose default is one {kind} made at import, and "
            f"`{function_name(first)}` ({entry_description(first)}) {what} in place: every thread and task "
            f"that has not set the variable gets that one {kind} from `.get()`, so they see each other's entries"
        )
    else:
        definer, parameter = obj.name.rsplit(".", 1)
        made_in = evidence.index.functions.get(definer)
        if made_in is None or made_in.fid == first.fid:
            message = (
                f"`{parameter}` defaults to one {kind} made when `{function_name(first)}` was defined, and "
                f"`{function_name(first)}` ({entry_description(first)}) {what} per call: every call that omits the "
                f"argument shares it, so concurrent calls see and send each other's values"
            )
        else:  # kept on the object (`self._events = events`), changed by its other methods
            message = (
                f"`{parameter}` of `{made_in.summary.qualname}` defaults to one {kind} made when it was defined, "
                f"which the object keeps as `{first.access.ref.text()}`, and `{function_name(first)}` "
                f"({entry_description(first)}) {what}: every instance made without the argument holds that one "
                f"{kind}, so concurrent users of different instances see each other's entries"
            )
    reads = [r for r in obj.reads() if r.fid in {w.fid for w in writes}]
    fix = DEFAULT_FIX if obj.kind == DEFAULT_ARGUMENT else CONTEXT_DEFAULT_FIX
    return [make_finding(RULE, obj, evidence, message, _why_concurrent(obj, first), writes, unique_facts(reads),
                         fix=fix)]


DEFAULT_FIX = ("Default the parameter to None and make a new container in each call (`params = dict(params or {})`, "
               "`items = list(items or [])`): a default is made once, when the `def` runs, and shared by every call.")
CONTEXT_DEFAULT_FIX = ("Give the ContextVar an immutable default (`()`, `None`) and set a new object for each change "
                       "(`steps_var.set((*steps_var.get(), step))`): `.get()` hands the one default to every thread "
                       "and task that has not set the variable.")


def _model_with_fields(index, class_id: str) -> bool:
    """A class derived (directly or not) from a model library's base (pydantic's `BaseModel`,
    SQLModel, msgspec's `Struct`): what its body declares are fields, copied into each instance."""
    return any(base.split(".", 1)[0] in FIELD_MODEL_PACKAGES for base in index.external_bases(class_id))


def _one_constant_for_all(obj, write) -> bool:
    """Every store that can run concurrently binds the same constant (`self._owns_transport =
    True`, `should_exit = True`): no request leaves a value of its own for another to read. (A
    flag one run sets to True and another to False is each run's setting.)"""
    constant = write.access.stores_constant
    return constant is not None and all(
        w.access.stores_constant == constant for w in obj.writes() if w.concurrent)


def _request_data_left_for_the_caller(obj, evidence):
    """Data of the current request stored in a public attribute of shared state, with no reader
    in the analysed code: the attribute is there for the application to read (`auth.username`
    after `@auth.login_required`), and a concurrent request replaces it before that read."""
    if obj.name.rsplit(".", 1)[-1].startswith("_") or obj.reads():
        return []  # private, or read here (and then the reads decide: ordered by a lock, or racing)
    writes = [w for w in obj.writes()
              if w.concurrent and is_fixed_slot_write(w) and not w.on_background_thread and not _set_by_callers(w)
              and not w.locks and stores_request_data(w.access)
              and (self_concurrency(w) == PREEMPTIVE or _hook_before_the_handler(w))]
    if not writes:
        return []
    first = writes[0]
    message = (
        f"`{short_name(obj)}` is shared state that `{function_name(first)}` ({entry_description(first)}) "
        f"fills with data of the current request for other code to read: a concurrent request replaces "
        f"it before that code reads it"
    )
    siblings = [w for w in obj.writes() if w.fid in {x.fid for x in writes} and is_fixed_slot_write(w)]
    return [make_finding(RULE, obj, evidence, message, _why_concurrent(obj, first),
                         unique_facts([*writes, *siblings]), [])]


def _instance_setting_in_a_library(obj, evidence):
    """Another library's process-wide setting set to each instance's own value as the instance is
    made (`openai.api_key = openai_api_key` in a client's constructor or validator): the other
    library reads it on every call, so every instance, on every thread, uses the value of the one
    made last (see analysis/library_settings)."""
    writes = [w for w in obj.writes() if w.concurrent and sets_a_library_setting_per_instance(obj, w)]
    if not writes:
        return []
    first = writes[0]
    if obj.kind == CLASS_ATTR:  # the class's own: its methods read it back, for every instance
        # (not read only where the class sets itself up: sentry-sdk's integration keeps its
        # constructor's `cloud_provider` for its `setup_once`, which runs once per process)
        reads = [r for r in obj.reads() if not makes_or_validates_an_instance(r.info.summary)
                 and not set_up_name(r.info.summary.name) and not r.only_while_setting_up
                 and r.reach is not None and r.reach.modes(r.fid)]
        if not reads:
            return []
        readers = list(dict.fromkeys(f"`{function_name(r)}`" for r in reads))
        message = (
            f"`{short_name(obj)}` is one value for every instance of the class, which `{function_name(first)}` "
            f"({entry_description(first)}) sets to each new instance's own and {', '.join(readers[:3])} "
            f"{'reads' if len(readers) == 1 else 'read'} back: "
            f"every instance, on every thread, runs with the value of the one made last"
        )
        return [make_finding(RULE, obj, evidence, message, _why_concurrent(obj, first), writes, unique_facts(reads),
                             fix=CLASS_SETTING_FIX)]
    library = obj.name.rsplit(".", 1)[0]
    message = (
        f"`{obj.name}` is a process-wide setting of `{library}` that `{function_name(first)}` "
        f"({entry_description(first)}) sets to each new instance's own value: every instance, on every "
        f"thread, runs with the value of the one made last"
    )
    return [make_finding(RULE, obj, evidence, message, _why_concurrent(obj, first), writes, [], fix=LIBRARY_SETTING_FIX)]


LIBRARY_SETTING_FIX = (
    "Keep the value on the instance and hand it to the library on each call (`create(..., "
    "api_key=self.api_key)`), or give each instance a client object of the library made with its "
    "own settings; set the module attribute only where the program configures itself, once."
)


CLASS_SETTING_FIX = (
    "Keep the value on the instance (`self.user_agent = ...`) and read it through `self`; keep a "
    "class-level value only as the default that instances start from, never write it per instance."
)


def _hook_before_the_handler(write) -> bool:
    """An async request hook or middleware (Sanic's `@app.middleware("request")`): it runs before
    the handler, which reads what the hook left only after awaits of its own, where the hooks of
    other requests on the loop run."""
    return self_concurrency(write) is not None and any(
        "hook" in reach.entry.framework or "middleware" in reach.entry.framework for reach in write.modes.values())


def _why_concurrent(obj, first) -> str:
    entry = next(iter(first.modes.values())).entry
    return f"{obj.why_shared}; {entry_description(first)} runs concurrently: {entry.why}"


def _set_by_callers(write) -> bool:
    """Reached only as library API that callers call when they choose (a setter), not per call
    of something else (a request handler, a function patched over another library)."""
    return write.api_only and not any(reach.entry.framework == PATCHED_FUNCTION for reach in write.modes.values())


def stores_request_data(access) -> bool:
    return any(source in REQUEST_OBJECTS or source == REQUEST_PARAMETER_SOURCE for source in access.value_sources)


RULE = Rule(
    code="RF101",
    name="per-request-state-in-shared-object",
    severity="high",
    summary="a request handler stores per-request values in shared state that other code reads back",
    doc=__doc__.split("\n", 2)[2],
    fix="Keep per-request values out of shared state: pass them down as arguments or in a per-request "
    "object; where the reader is many calls away, use a contextvars.ContextVar set by the handler.",
    check=check,
)
