"""Verdicts of the false-positive re-run at racefree def2768, compared with the 627f715 run.

Run after `RACEFREE_SRC=<frozen def2768 src> bench/fp_study.py /tmp/fp2/study`:
every finding of the reports gets the verdict of the same finding (rule, object, file:line) in
classification_2026-11-29.tsv (the 627f715 run; by rule and object if only the line moved), or a
verdict from NEW below (classified by reading the code). Checks that every finding has exactly one
verdict, then writes classification_def2768.tsv, tables_def2768.md and prints the changes.
Verdicts: TP, TPb (true but benign), FP with a cause tag.
"""
import csv
import json
import sys
from collections import Counter
from pathlib import Path

WORK = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/fp2/study")
OUT = Path(__file__).resolve().parent
OLD = OUT / "classification_2026-11-29.tsv"
TAG = "def2768"

# Findings that were not in the 627f715 run: (package, rule, object, file:line) -> (verdict, cause, reason)
NEW = {
 ("requests", "RF106", "requests.sessions.Session.adapters", "requests/sessions.py:893"):
  ("FP", "start-up", "a `Session` is shared by many users' threads in practice, but `mount()` registers adapters while the session is configured, before it is used (`s.mount('https://', HTTPAdapter(...))`); no documented use mounts while other threads send"),
 ("httpx", "RF104", "httpx._client.Client._state", "httpx/_client.py:903"):
  ("TPb", "", "a `Client` is documented to be made once and shared; thread A in `send` passes `_state != CLOSED`, thread B's `close()` writes CLOSED and closes the transports, A writes OPENED: the closed client is marked open again, so later `send`s do not raise 'client has been closed' and open connections nobody closes. Needs a close while other threads still send (a shutdown-ordering bug of the program); no wrong data"),
 ("gunicorn", "RF105", "gunicorn.dirty.client.DirtyClient._writer", "gunicorn/dirty/client.py:208"):
  ("FP", "role-not-shared", "the documented way to get a `DirtyClient` is `get_dirty_client()` (thread-local) or `get_dirty_client_async()` (a ContextVar set inside the request task): one client per thread / task, never shared; the class has no async lock and one stream, so concurrent use would be wrong regardless of this check"),
 ("waitress", "RF104", "waitress.server.BaseWSGIServer.next_channel_cleanup", "waitress/server.py:267"):
  ("FP", "confined", "`readable()` is a wasyncore dispatcher method, called only by the poll loop on the main thread (`wasyncore.py:153`/`204`); task threads never call it"),
 ("waitress", "RF104", "waitress.server.BaseWSGIServer.in_connection_overflow", "waitress/server.py:275"):
  ("FP", "confined", "same: `readable()` on the asyncore main loop only"),
 ("django", "RF104", "django.core.cache.backends.redis.RedisCacheClient._pools", "django/core/cache/backends/redis.py:74"):
  ("FP", "role-not-shared", "Django documents that `caches[alias]` returns a different backend instance per thread (an asgiref `Local` in `CacheHandler`); the `RedisCacheClient` is a `cached_property` of that backend, so `_pools` is per thread. Even if shared, a duplicate pool would be the benign Oracle-pool shape"),
 ("celery", "RF104", "celery.backends.database.session.SessionManager._sessions", "celery/backends/database/session.py:72"):
  ("FP", "role-not-shared", "`SessionManager` is made in `DatabaseBackend.__init__`, and the app keeps the backend in `self._local` (a `threading.local`) unless `result_backend_thread_safe` is set (default False): one per thread. With the opt-in it would be benign (two `sessionmaker`s, one kept)"),
 ("celery", "RF106", "celery.concurrency.asynpool.AsynPool._fileno_to_outq", "celery/concurrency/asynpool.py:236"):
  ("FP", "confined", "`register_with_event_loop` iterates `_fileno_to_outq` and removes stale fds only after the loop (same call, in order); `AsynPool` is driven by the worker's one hub thread"),
 ("celery", "RF106", "celery.concurrency.asynpool.AsynPool._queues", "celery/concurrency/asynpool.py:1223"):
  ("FP", "confined", "`on_grow` and `get_process_queues` run on the hub thread (with an event loop the autoscaler is a hub timer with a `DummyLock`, `worker/autoscale.py:46-61`); `AsynPool` is only used with the event loop"),
 ("celery", "RF104", "celery.concurrency.prefork.TaskPool._pool", "celery/concurrency/prefork.py:269"):
  ("FP", "lifecycle", "check (214) and `self._pool = None` (269) are both in `on_stop`, which the worker's blueprint calls once from the main thread at shutdown; the race needs two concurrent `on_stop` calls"),
 ("aiohttp", "RF105", "aiohttp.client.ClientSession._connector", "aiohttp/client.py:1594"):
  ("FP", "lifecycle", "a `ClientSession` is shared by tasks, but the pair is two concurrent `close()` calls: the connector marks itself closed synchronously (`BaseConnector._close` sets `_closed` before the first await), so a second `close` skips, and the write after the await is the idempotent reset to None"),
 ("sqlalchemy", "RF104", "sqlalchemy.orm.instrumentation.ClassManager.local_attrs", "sqlalchemy/orm/instrumentation.py:376"):
  ("FP", "start-up", "`instrument_attribute` runs while a mapped class is declared or mappers are configured (`register_attribute` from the strategies' `init_class_attribute` inside `configure_mappers`, under `_CONFIGURE_MUTEX`); the check (propagated branch) and the store (local branch) are not even on the same path"),
 ("sqlalchemy", "RF104", "sqlalchemy.pool.impl.StaticPool.__dict__", "sqlalchemy/pool/impl.py:477"):
  ("FP", "lifecycle", "check (473) and `del self.__dict__['connection']` (477) are both in `dispose()`; the KeyError needs two threads disposing the same engine at once, which programs do once at shutdown or after fork"),
}

PKGS = ["flask", "werkzeug", "requests", "httpx", "starlette", "urllib3", "gunicorn", "waitress", "uvicorn", "tornado",
        "django", "celery", "fastapi", "aiohttp", "sqlalchemy", "jinja2"]
RULES = ["RF101", "RF102", "RF103", "RF104", "RF105", "RF106", "RF107"]
SHOW = {"TP": "TP", "TPb": "TP benign"}


def pct(a, b):
    return f"{a}/{b} = {100 * a / b:.0f}%" if b else "n/a"


def main():
    old = {}
    for r in csv.DictReader(OLD.open(), delimiter="\t"):
        old.setdefault(r["package"], []).append(r)
    summary = {r["dist"]: r for r in json.loads((WORK / "summary.json").read_text())}
    rows, removed, used_new = [], [], set()
    for pkg in PKGS:
        findings = json.loads((WORK / f"{pkg}.json").read_text()).get("findings", [])
        assert summary[pkg]["sample"] == len(findings), pkg  # every finding classified
        taken = set()
        for i, f in enumerate(findings):
            loc = f"{f['file']}:{f['line']}"
            key = (f["rule"], f["object"], loc)
            cands = [o for o in old.get(pkg, []) if (o["rule"], o["object"], o["location"]) == key and id(o) not in taken]
            change = "kept"
            if not cands:
                cands = [o for o in old.get(pkg, []) if (o["rule"], o["object"]) == key[:2] and id(o) not in taken]
                change = "moved"
            if cands:
                o = cands[0]
                taken.add(id(o))
                assert (pkg, *key) not in NEW, key
                verdict, cause, reason = o["verdict"], o["cause"], o["reason"]
                if change == "moved":
                    reason += f" (was {o['location']})"
                prev = o["index"]
            else:
                verdict, cause, reason = NEW[(pkg, *key)]
                used_new.add((pkg, *key))
                change, prev = "new", ""
            rows.append(dict(package=pkg, index=i, rule=f["rule"], object=f["object"], location=loc, verdict=verdict,
                             cause=cause, reason=reason, change=change, index_627f715=prev))
        removed += [o for o in old.get(pkg, []) if id(o) not in taken]
    assert used_new == set(NEW), set(NEW) - used_new

    cols = ["package", "index", "rule", "object", "location", "verdict", "cause", "reason", "change", "index_627f715"]
    with open(OUT / f"classification_{TAG}.tsv", "w") as out:
        out.write("\t".join(cols) + "\n")
        for r in rows:
            out.write("\t".join(str(r[c]) for c in cols) + "\n")

    md = ["| package | version | lines | files | findings | classified | TP | of which benign | FP | precision | 627f715 |",
          "|---|---|---|---|---|---|---|---|---|---|---|"]
    tot, tot_old = Counter(), Counter()
    for pkg in PKGS:
        s = summary[pkg]
        c = Counter(r["verdict"] for r in rows if r["package"] == pkg)
        oc = Counter(r["verdict"] for r in old.get(pkg, []))
        tp, otp, n, on = c["TP"] + c["TPb"], oc["TP"] + oc["TPb"], s["findings"], len(old.get(pkg, []))
        md.append(f"| {pkg} | {s['version']} | {s['lines']:,} | {s['files']} | {n} | {n} (all) | {tp} | {c['TPb']} | "
                  f"{c['FP']} | {pct(tp, n)} | {pct(otp, on)} |")
        tot.update(lines=s["lines"], files=s["files"], n=n, tp=tp, tpb=c["TPb"], fp=c["FP"])
        tot_old.update(n=on, tp=otp)
    md.append(f"| **total** | | **{tot['lines']:,}** | **{tot['files']}** | **{tot['n']}** | **{tot['n']}** | "
              f"**{tot['tp']}** | **{tot['tpb']}** | **{tot['fp']}** | **{tot['tp']}/{tot['n']} = "
              f"{100 * tot['tp'] / tot['n']:.1f}%** | {tot_old['tp']}/{tot_old['n']} = {100 * tot_old['tp'] / tot_old['n']:.1f}% |")
    md += ["", "| rule | findings | TP (benign) | FP | precision | 627f715 |", "|---|---|---|---|---|---|"]
    oldrows = [r for v in old.values() for r in v]
    for rule in RULES:
        rs = [r for r in rows if r["rule"] == rule]
        ors = [r for r in oldrows if r["rule"] == rule]
        tp = sum(r["verdict"] != "FP" for r in rs)
        tpb = sum(r["verdict"] == "TPb" for r in rs)
        otp = sum(r["verdict"] != "FP" for r in ors)
        md.append(f"| {rule} | {len(rs)} | {tp} ({tpb}) | {len(rs) - tp} | {pct(tp, len(rs))} | {pct(otp, len(ors))} |")
    tags = Counter(r["cause"] for r in rows if r["verdict"] == "FP")
    otags = Counter(r["cause"] for r in oldrows if r["verdict"] == "FP")
    md += ["", "| cause | FPs now | 627f715 | packages now |", "|---|---|---|---|"]
    for t in sorted(set(tags) | set(otags), key=lambda t: (-tags[t], -otags[t], t)):
        by = Counter(r["package"] for r in rows if r["verdict"] == "FP" and r["cause"] == t)
        md.append(f"| `{t}` | {tags[t]} | {otags[t]} | {', '.join(f'{p} {n}' for p, n in by.most_common()) or '-'} |")
    md += ["", "### Removed since 627f715", "", "| package | # (627f715) | rule | object | file:line | old verdict |",
           "|---|---|---|---|---|---|"]
    for o in removed:
        v = SHOW.get(o["verdict"], f"FP [{o['cause']}]")
        md.append(f"| {o['package']} | {o['index']} | {o['rule']} | `{o['object']}` | {o['location']} | {v} |")
    md += ["", "## Findings, one row each (def2768)", ""]
    for pkg in PKGS:
        rs = [r for r in rows if r["package"] == pkg]
        if not rs:
            continue
        md += [f"### {pkg} {summary[pkg]['version']}", "", "| # | rule | object | file:line | verdict | change | reason |",
               "|---|---|---|---|---|---|---|"]
        for r in rs:
            v = SHOW.get(r["verdict"], f"FP [{r['cause']}]")
            ch = "**new**" if r["change"] == "new" else f"{r['change']} (#{r['index_627f715']})"
            md.append(f"| {r['index']} | {r['rule']} | `{r['object']}` | {r['location']} | {v} | {ch} | {r['reason']} |")
        md.append("")
    (OUT / f"tables_{TAG}.md").write_text("\n".join(md) + "\n")
    print(f"findings {len(rows)}: TP {sum(r['verdict'] == 'TP' for r in rows)}, TPb {sum(r['verdict'] == 'TPb' for r in rows)}, "
          f"FP {sum(r['verdict'] == 'FP' for r in rows)}; kept {sum(r['change'] != 'new' for r in rows)}, "
          f"new {sum(r['change'] == 'new' for r in rows)}, removed {len(removed)} "
          f"({Counter(o['verdict'] + ('/' + o['cause'] if o['cause'] else '') for o in removed)})")


if __name__ == "__main__":
    main()
