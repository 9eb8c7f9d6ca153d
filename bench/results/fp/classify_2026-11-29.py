"""Verdicts of the 2026-11-29 false-positive study (racefree 627f715), one per finding.

Run after `bench/fp_study.py /tmp/fp/study`: checks that every finding of the reports has a
verdict (same rule, object and line), and writes classification_2026-11-29.tsv and the markdown
tables used in bench/results/false_positives.md.
Verdicts: TP, TPb (true but benign), FP. Tags name the general cause of an FP.
"""
import json
import sys
from collections import Counter
from pathlib import Path

WORK = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/fp/study")
OUT = Path(__file__).resolve().parent

V = {
 "werkzeug": [
  ("TPb", "", "two concurrent debugger-console requests (werkzeug's threaded dev server) both see `0 not in self.frames` and each build a `_ConsoleFrame`; the second replaces the first, so one console's namespace is lost (debugger only)"),
  ("FP", "lock-missed", "the read-modify-write at 469-470 is inside `with self._failed_pin_auth.get_lock():` (multiprocessing.Value's own lock); the analyser does not take `get_lock()` as a lock"),
  ("TP", "", "the reset `value = 0` at 507 is unlocked while `_fail_pin_auth` increments under `get_lock()`: A reads 9, B (correct PIN) writes 0, A writes 10, and the debugger locks out after a successful login (debugger only, minor)"),
  ("FP", "start-up", "`Map.add` is route registration during set-up (Flask refuses it after the first request); `update()` re-checks under `_remap_lock`"),
  ("FP", "per-request", "a `Response` is built per request; `__call__(environ, start_response)` makes it look like the one WSGI application but no two threads hold the same Response"),
  ("FP", "per-request", "same: `Response.headers` of a per-request Response"),
  ("FP", "per-request", "same: `Response._on_close` of a per-request Response"),
  ("FP", "per-request", "same: `Response.response` of a per-request Response"),
  ("FP", "per-request", "same: `Response.headers` written in `set_data` of a per-request Response"),
  ("FP", "per-request", "same: `_ensure_sequence` on a per-request Response"),
 ],
 "httpx": [
  ("TPb", "", "module-global lazy init `if len(MAP) == 0: MAP = _load()` can run twice from two threads; both build the same mapping"),
 ],
 "starlette": [
  ("FP", "per-request", "`RequestBodyLimitResponder` is constructed per request in `RequestBodyLimitMiddleware.__call__` (body_limit.py:41); its `__call__(scope, receive, send)` made it look like the shared ASGI app"),
  ("FP", "per-request", "same object: `_receive` of a per-request responder"),
  ("FP", "per-request", "same object: `_send` of a per-request responder"),
  ("FP", "start-up", "`Router.mount`/`host` add routes while the app is set up; request tasks only iterate `routes`"),
  ("TPb", "", "two first requests both pass `if not self.config_checked` across the await and both run the idempotent `check_config()`"),
 ],
 "urllib3": [
  ("FP", "lock-missed", "the per-key RLock is acquired in `acquire_and_get` and released at the end of `set_and_release`, so line 62 runs under it; the analyser only sees `with` blocks"),
 ],
 "gunicorn": [
  ("FP", "confined", "the arbiter is single-threaded (`reap_workers`, `spawn_worker`, `reload` all run from the master loop; signal handlers only enqueue); `WORKERS = {}` is a class attribute of a one-per-process class"),
  ("FP", "happens-before", "`stop()` reads `_loop` after `self._ready.wait()`, and `_serve` sets `_loop` before `_ready.set()`"),
  ("FP", "happens-before", "`_shutdown` runs via `loop.call_soon_threadsafe` on the loop thread that wrote `_server`"),
  ("FP", "start-up", "`is_http2_available` is called from config validation and socket set-up at boot; idempotent anyway"),
  ("TP", "", "`self.nr += 1` in `handle_request`/`handle_http2_request` runs on the gthread pool threads unlocked; increments are lost, `max_requests` is overshot"),
 ],
 "waitress": [
  ("FP", "confined", "`handle_write` runs only on the asyncore main-loop thread; check and write are in the same call"),
  ("FP", "confined", "`service()` of one channel runs one task at a time on the task thread; the next task is queued only after `requests.pop`"),
  ("FP", "no-guard", "the unlocked `len(self.requests) > 1` only decides whether to flush; the `pop(0)` is under `requests_lock` and does not rely on it"),
 ],
 "fastapi": [
  ("FP", "loop-atomic", "`openapi()` is called from the async `/openapi.json` handler on the event loop, with no await between check and write; concurrent requests cannot interleave there"),
  ("FP", "loop-atomic", "same call, same reason: `_openapi_routes_version`"),
 ],
 "jinja2": [
  ("TPb", "", "`get_lexer`: two threads can both miss the LRU cache and build equal `Lexer` objects; last one wins"),
 ],
 "aiohttp": [
  ("FP", "happens-before", "`_read_and_available_len` runs in `run_in_executor` and the payload's task awaits it before `close()`/`_close()`; the await orders the write before the read"),
  ("FP", "no-guard", "in `_wait` the check (raise if a waiter exists) and `self._waiter = fut` happen before the await; the write after it is the `finally: self._waiter = None` reset, which acts on nothing (and `EMPTY_PAYLOAD` overrides the readers)"),
  ("FP", "loop-atomic", "`AccessLogger._get_local_time` runs on the server's event loop, no await inside; at worst two loops compute the same tz"),
  ("FP", "loop-atomic", "same call: `_cached_tz_expires`"),
  ("FP", "happens-before", "the `FileResponse` is created inside the executor job `_resolve_path_to_response` and handed to the loop through the awaited future; no one else sees it before"),
  ("FP", "happens-before", "same object: `_reason` of a response built in the executor job"),
 ],
 "celery": [
  ("FP", "no-guard", "the dedup check is for redelivered tasks that already *succeeded*; the `add` happens after the task ran, a lock around check and add would not change anything, and the key is the caller's own task id"),
  ("FP", "thread-local", "`_LockDepth` subclasses `threading.local`: `value` is per thread"),
  ("FP", "confined", "the beat `Scheduler` runs in the one beat service thread/process (`Service.start` loop); nothing else mutates `schedule`"),
  ("FP", "confined", "same: `merge_inplace` on the beat thread only"),
  ("FP", "confined", "both accesses run on the pidbox's own `_loop` thread (`_connect` and `_connection_retry_setting` are called from it); one thread"),
  ("FP", "per-request", "`Signature` is a dict built per call; `options` is a per-instance key (`getitem_property`), not a class attribute"),
  ("FP", "per-request", "same: `Signature.options` of a per-call signature"),
  ("TPb", "", "`rdb.debugger()`: two threads in `set_trace` can both create an `Rdb`; each gets its own debugger, the slot keeps the last"),
  ("FP", "start-up", "`_RACE_PROTECTION` is a re-entrancy guard of `autodiscover_tasks`, which runs while the app is finalised/imported"),
  ("FP", "start-up", "`ChainMap.bind_to` registers config observers while the app is configured; `_observers = ()` on the class is shadowed in `__init__`"),
  ("FP", "unused-method", "on the shared `successful_requests` set, the iterating paths (`update`, `as_dict`, `__iter__`, re-adding an existing id) are never run while pool threads add"),
  ("FP", "no-guard", "`if item in self._data: discard(item)` then store under the same key: the key is the caller's own task id, no other thread adds it"),
  ("TPb", "", "`utils.debug.ps()` lazy psutil `Process` can be built twice; same value"),
  ("FP", "happens-before", "`stop()` sets `__is_shutdown` before testing `running`; if `run` has not set `running` yet it sees the event and exits at once, so nothing is lost"),
  ("FP", "confined", "`scheduler` is written in `run` and read in `_next_entry`, which only `run` calls: the timer's own thread"),
  ("TP", "", "with `-P threads` `apply_target` calls `accept_callback` on the pool threads, so `task_accepted` runs there and `all_total_count[0] += 1` loses increments (wrong `stats` total)"),
  ("TPb", "", "`task_ready` in C_BENCH mode (debug benchmark): `all_count += 1` from pool threads loses increments of a benchmark counter"),
 ],
 "django": [
  ("FP", "start-up", "`Apps.populate` runs in `django.setup()` under `Apps._lock` before requests; readers run after `ready`"),
  ("FP", "start-up", "`settings.configure()` is start-up code (reached here from the `startproject` management command)"),
  ("FP", "per-request", "class-based views get a new instance per request (`View.as_view`); `AutocompleteJsonView.process_request` is its own helper, not middleware"),
  ("FP", "per-request", "`request.session` of the per-request `HttpRequest`"),
  ("FP", "per-request", "`request.user` of the per-request `HttpRequest`"),
  ("FP", "start-up", "`GISConfig.ready()` runs once in `django.setup()`"),
  ("TPb", "", "`_srid_cache`: two request threads can both miss and query `SpatialRefSys`; same entry stored twice"),
  ("TPb", "", "`SITE_CACHE`: two threads can both miss and query the Site; same value stored"),
  ("FP", "start-up", "the list is only read by the single-threaded `findstatic` command; in a server the mixed-up contents are never read"),
  ("FP", "start-up", "iteration in the `findstatic` management command, single-threaded"),
  ("FP", "start-up", "`load_middleware` runs while the handler is constructed (`WSGIHandler.__init__`, or in `LiveServerThread` before it serves); request threads start after"),
  ("FP", "start-up", "same: construction-time `_template_response_middleware`"),
  ("FP", "start-up", "same: construction-time `_exception_middleware`"),
  ("FP", "start-up", "same: construction-time `_view_middleware`"),
  ("FP", "start-up", "same: construction-time `_template_response_middleware`"),
  ("FP", "start-up", "same: construction-time `_exception_middleware`"),
  ("FP", "start-up", "same: construction-time `_middleware_chain`"),
  ("FP", "start-up", "the global write at line 86 runs only when the user calls `register_serializer` (documented not thread-safe, a set-up API); the lazy path writes a local dict (`serializers is not None`)"),
  ("FP", "start-up", "same set-up API against `get_public_serializer_formats`"),
  ("TPb", "", "`RAN_DB_VERSION_CHECK`: two new connections can both run the version check once; idempotent"),
  ("TPb", "", "oracle pool: two threads can both create a pool; `setdefault` keeps one, the other pool is dropped (a leaked pool, harmless otherwise)"),
  ("FP", "start-up", "`auto_created` fields are built while model classes are prepared at import/`populate`"),
  ("TPb", "", "`Field.creation_counter += 1` from fields built at query time (`Window.as_sqlite` output fields) can lose an increment; duplicate counters only matter for model declarations, made at import"),
  ("FP", "atomic-swap", "`receivers` is rebuilt as a new list and rebound under `Signal.lock`; readers take one reference (`not self.receivers`) and `_live_receivers` locks"),
  ("FP", "per-request", "the write is into the per-render `Context` (a parameter aliased to `self.context` through `self.render(self.context)`); the node stored with a context is a per-render copy"),
  ("FP", "thread-local", "`connections` keeps connections in an asgiref `Local`: `connections[alias] = conn` in `LiveServerThread` is that thread's own; iteration is over the settings aliases (and it is test code)"),
  ("FP", "start-up", "`check_errors` wraps `django.setup()` in runserver's main thread, once"),
  ("TPb", "", "`_format_modules_cache`: two request threads can both build the same module list for a language"),
  ("TPb", "", "`_translations`: two threads can both build a `DjangoTranslation` for a language; one wins, same content"),
  ("FP", "per-request", "`BaseListView.object_list` of a per-request view instance"),
 ],
 "sqlalchemy": [
  ("TPb", "", "`_memoized_schema` LRU memo: two threads can both parse the same schema name; same tuple stored"),
  ("FP", "start-up", "`@_inspects(...)` decorators run at import"),
  ("FP", "start-up", "composite accessors are set up during declarative scan / mapper configuration"),
  ("FP", "start-up", "`@strategy_for(...)` decorators run at import"),
  ("FP", "lock-missed", "`RelationshipProperty.do_init` runs inside `configure_mappers`, which holds the global `_CONFIGURE_MUTEX` (caller's lock)"),
  ("TP", "", "`close_all_sessions()` iterates the `_sessions` weak dict while another thread's `Session()` inserts: 'dictionary changed size during iteration' (rare: shutdown/teardown while requests still run)"),
  ("TPb", "", "`annotated_classes`: two threads can both create the annotated subclass for a new class; one is kept"),
  ("FP", "unused-method", "`clear()` is never called on the module-level `ischema` MetaData; it is only read"),
  ("TPb", "", "`LRUCache._counter += 1` can lose increments; SQLAlchemy's LRUCache is documented as tolerant of races and only uses the counter for approximate recency"),
  ("FP", "unused-method", "`values()` is never called on the shared LRU caches (`_memoized_schema`, compiled caches); only get/set"),
  ("TPb", "", "`PluginLoader.load`: two threads creating engines at once can both load the dialect entry point; same value"),
  ("TPb", "", "`_creation_order += 1` from objects built at runtime can lose an increment; the order only matters for declarations made at import"),
 ],
}

PKGS = ["flask", "werkzeug", "requests", "httpx", "starlette", "urllib3", "gunicorn", "waitress", "uvicorn", "tornado",
        "django", "celery", "fastapi", "aiohttp", "sqlalchemy", "jinja2"]


def main():
    summary = {r["dist"]: r for r in json.loads((WORK / "summary.json").read_text())}
    rows, per_pkg, tags = [], {}, Counter()
    tag_examples = {}
    for pkg in PKGS:
        findings = json.loads((WORK / f"{pkg}.sample.json").read_text())
        verdicts = V.get(pkg, [])
        assert len(verdicts) == len(findings), (pkg, len(verdicts), len(findings))
        c = Counter()
        for f, (verdict, tag, reason) in zip(findings, verdicts):
            c[verdict] += 1
            if verdict == "FP":
                tags[tag] += 1
                tag_examples.setdefault(tag, []).append(f"{pkg} {f['file']}:{f['line']} {f['rule']} `{f['object']}`")
            rows.append((pkg, f["index"], f["rule"], f["object"], f"{f['file']}:{f['line']}", verdict, tag, reason))
        per_pkg[pkg] = c
    with open(OUT / "classification_2026-11-29.tsv", "w") as out:
        out.write("package\tindex\trule\tobject\tlocation\tverdict\tcause\treason\n")
        for r in rows:
            out.write("\t".join(str(x) for x in r) + "\n")
    # markdown
    md = []
    md.append("| package | version | lines | files | findings | classified | TP | of which benign | FP | precision |")
    md.append("|---|---|---|---|---|---|---|---|---|---|")
    tot = Counter()
    for pkg in PKGS:
        s, c = summary[pkg], per_pkg[pkg]
        tp = c["TP"] + c["TPb"]
        n = s["findings"]
        prec = f"{tp}/{n} = {100 * tp / n:.0f}%" if n else "n/a"
        md.append(f"| {pkg} | {s['version']} | {s['lines']:,} | {s['files']} | {n} | {s['sample']} (all) | {tp} | {c['TPb']} | {c['FP']} | {prec} |")
        tot.update(lines=s["lines"], files=s["files"], n=n, tp=tp, tpb=c["TPb"], fp=c["FP"])
    md.append(f"| **total** | | **{tot['lines']:,}** | **{tot['files']}** | **{tot['n']}** | **{tot['n']}** | **{tot['tp']}** | **{tot['tpb']}** | **{tot['fp']}** | **{tot['tp']}/{tot['n']} = {100 * tot['tp'] / tot['n']:.1f}%** |")
    md.append("")
    md.append("FP causes: " + ", ".join(f"{t} {n}" for t, n in tags.most_common()))
    md.append("")
    for pkg in PKGS:
        pr = [r for r in rows if r[0] == pkg]
        if not pr:
            continue
        md.append(f"### {pkg} {summary[pkg]['version']}")
        md.append("")
        md.append("| # | rule | object | file:line | verdict | reason |")
        md.append("|---|---|---|---|---|---|")
        for _, i, rule, obj, loc, verdict, tag, reason in pr:
            v = {"TP": "TP", "TPb": "TP benign", "FP": f"FP [{tag}]"}[verdict]
            md.append(f"| {i} | {rule} | `{obj}` | {loc} | {v} | {reason} |")
        md.append("")
    (OUT / "tables_2026-11-29.md").write_text("\n".join(md) + "\n")
    print("\n".join(md[:22]))
    for t, ex in sorted(tag_examples.items(), key=lambda kv: -len(kv[1])):
        print(t, len(ex), ex[:4])


if __name__ == "__main__":
    main()
