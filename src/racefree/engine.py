"""The pipeline, one way: discover -> summarize -> index -> analysis -> rules -> findings."""

from __future__ import annotations

import gc
import os
import pickle
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from racefree.analysis.entry_points import find_entry_points, is_test_module
from racefree.analysis.evidence import EvidenceBuilder
from racefree.analysis.locks import LockModel
from racefree.analysis.reachability import Reachability
from racefree.analysis.shared_state import collect_shared_objects
from racefree.config import Config
from racefree.discover import SourceFile, discover
from racefree.findings import Finding
from racefree.index import ProgramIndex
from racefree.knowledge.merged import BUILT_IN, Knowledge
from racefree.rules import ALL_RULES
from racefree.source_frames import attach_code
from racefree.suppressions import UnusedSuppression, apply_suppressions, unused_suppressions
from racefree.summarize import FileError, summarize_source
from racefree.summarize.cache import SummaryCache, cache_key, default_cache_dir
from racefree.summarize.model import ModuleSummary

# Below this many files, worker processes cost more than they save.
PARALLEL_THRESHOLD = 40
# A chunk handed to a worker holds about 1/(CHUNK_SHARE * processes) of the bytes left to
# summarise; each worker has CHUNKS_IN_FLIGHT chunks queued, so that it never waits for the next.
CHUNK_SHARE = 4
CHUNKS_IN_FLIGHT = 2


@dataclass(slots=True)
class CheckOptions:
    paths: list[str]
    use_cache: bool = True
    jobs: int = 0
    cache_dir: str | None = None
    config: Config = field(default_factory=Config)
    warn_unused_ignores: bool = False
    progress: Callable[[int, int], None] | None = None  # called with (files summarised, files)


@dataclass(slots=True)
class CheckResult:
    findings: list[Finding]
    errors: list[FileError]
    files: int
    lines: int
    seconds: float
    usage_errors: bool = False
    entry_points: int = 0
    suppressed: int = 0  # findings silenced by `# racefree: ignore` comments
    unused_ignores: list[UnusedSuppression] | None = None  # None: not looked for


def run_check(options: CheckOptions) -> CheckResult:
    started = time.perf_counter()
    config = options.config
    found = discover(options.paths)
    files = [f for f in found.files if not config.excluded(f.path)]
    errors = [FileError(path, "no such file or directory, or not a Python file") for path in found.missing]
    cache = None
    if options.use_cache:
        cache = SummaryCache(Path(options.cache_dir) if options.cache_dir else default_cache_dir())
    with _without_cyclic_gc():
        summaries, file_errors = summarize_all(files, cache, options.jobs, options.progress)
        findings, entry_count = analyse(summaries, config.knowledge)
    errors.extend(file_errors)
    attach_code(findings)
    unused = None
    if options.warn_unused_ignores:
        unused = unused_suppressions([s.path for s in summaries], findings, config)
    findings, suppressed = apply_suppressions(findings)
    findings = [f for f in findings if config.rule_enabled(f.rule) and not config.ignored_in_file(f.rule, f.file)]
    return CheckResult(
        findings=findings,
        suppressed=suppressed,
        unused_ignores=unused,
        errors=errors,
        files=len(files),
        lines=sum(s.lines for s in summaries),
        seconds=time.perf_counter() - started,
        usage_errors=bool(found.missing) and not found.files,
        entry_points=entry_count,
    )


def analyse(summaries: list[ModuleSummary], knowledge: Knowledge = BUILT_IN) -> tuple[list[Finding], int]:
    """knowledge: the built-in tables and the project's additions; applied here, not when
    summarising, so cached summaries hold the same whatever the configuration."""
    index = ProgramIndex.build(summaries)
    entries = find_entry_points(index, knowledge)
    reach = Reachability(index, entries)
    locks = LockModel(index, reach.entry_functions, knowledge)
    evidence = EvidenceBuilder(index, reach, locks)
    findings: list[Finding] = []
    for shared in collect_shared_objects(index, reach, locks, knowledge):
        if all(is_test_module(f.info.module.module) for f in shared.writes() + shared.uses()):
            continue  # a project's own tests start threads on purpose; their races are not the product's
        for rule in ALL_RULES:
            if shared.only_rules is None or rule.code in shared.only_rules:
                findings.extend(rule.check(shared, evidence))
    findings.sort(key=Finding.sort_key)
    return findings, len(entries)


def summarize_all(files: list[SourceFile], cache: SummaryCache | None, jobs: int,
                  progress: Callable[[int, int], None] | None = None):
    """Summaries of the files, from the cache or made here and in worker processes.

    The cache is looked up here first (reading and hashing a file costs little), so that an
    unchanged tree starts no processes. Only summaries made in a worker cross a process boundary,
    pickled once; the parent summarises a share of the files itself, which it need not unpickle."""
    results: list[ModuleSummary | FileError | None] = [None] * len(files)
    work: list[tuple[int, tuple]] = []
    cache_dir = str(cache.directory) if cache is not None else None
    for i, source in enumerate(files):
        if cache is not None:
            try:
                data = Path(source.path).read_bytes()
            except OSError as exc:
                results[i] = FileError(source.path, f"cannot read: {exc.strerror or exc}")
                continue
            key = cache_key(data, source.module, source.is_package)
            blob = cache.load_bytes(key)
            if blob is not None:
                try:
                    results[i] = pickle.loads(blob)
                    continue
                except Exception:  # a damaged cache entry: summarise again and replace it
                    pass
        work.append((i, (source.path, source.module, source.is_package, cache_dir)))
    done = len(files) - len(work)
    report = progress or _no_progress
    if done:
        report(done, len(files))

    def finished(position: int, result) -> None:
        nonlocal done
        results[work[position][0]] = pickle.loads(result) if isinstance(result, bytes) else result
        done += 1
        report(done, len(files))

    _summarize_many([item for _, item in work], jobs, finished)
    summaries = [r for r in results if isinstance(r, ModuleSummary)]
    errors = [r for r in results if isinstance(r, FileError)]
    summaries.sort(key=lambda s: s.path)
    return summaries, errors


def _no_progress(done: int, total: int) -> None:
    pass


def _summarize_many(work: list[tuple], jobs: int, finished: Callable[[int, object], None]) -> None:
    """Summarise every item, calling finished(position, result) for each: a summary, a FileError
    or, from a worker, one of them pickled.

    The parent is one of the `jobs` processes: workers take chunks of the largest files left, the
    parent the smallest file left, one at a time, between collecting what the workers return.
    Chunks shrink as the work runs out (a share of what is left), so all end at about the same
    time."""
    processes = jobs or os.cpu_count() or 1
    if processes <= 1 or len(work) < PARALLEL_THRESHOLD:
        for position, item in enumerate(work):
            finished(position, _summarize_one(item, in_worker=False))
        return
    sizes = [_size(item[0]) for item in work]
    order = deque(sorted(range(len(work)), key=lambda i: -sizes[i]))  # largest first
    remaining = sum(sizes)
    chunks: dict[Future, list[int]] = {}
    with ProcessPoolExecutor(max_workers=processes - 1, initializer=gc.disable) as pool:
        while order or chunks:
            for future in [f for f in chunks if f.done()]:
                for position, blob in zip(chunks.pop(future), future.result()):
                    finished(position, blob)
            while order and len(chunks) < CHUNKS_IN_FLIGHT * (processes - 1):
                target = remaining // (CHUNK_SHARE * processes)
                chunk = [order.popleft()]
                taken = sizes[chunk[0]]
                while order and taken < target:
                    chunk.append(order.popleft())
                    taken += sizes[chunk[-1]]
                remaining -= taken
                chunks[pool.submit(_summarize_chunk, [work[i] for i in chunk])] = chunk
            if order:
                position = order.pop()
                remaining -= sizes[position]
                finished(position, _summarize_one(work[position], in_worker=False))
            elif chunks:
                wait(chunks, return_when=FIRST_COMPLETED)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _summarize_chunk(items: list[tuple]) -> list:
    return [_summarize_one(item) for item in items]


def _summarize_one(item: tuple[str, str, bool, str | None], in_worker: bool = True):
    """A summary or FileError for one file, stored in the cache when there is one; pickled bytes
    when it must cross to the parent."""
    path, module, is_package, cache_dir = item
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return FileError(path, f"cannot read: {exc.strerror or exc}")
    result = summarize_source(data, path, module, is_package)
    if cache_dir is None and not in_worker:
        return result
    blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    if cache_dir is not None:  # keyed by the bytes read here, whatever the parent read before
        SummaryCache(Path(cache_dir)).store_bytes(cache_key(data, module, is_package), blob)
    return blob if in_worker else result


def load_program(paths: list[str], use_cache: bool = True) -> ProgramIndex:
    """The analysed program's index, for tools that change code by what the analysis knows."""
    cache = SummaryCache(default_cache_dir()) if use_cache else None
    with _without_cyclic_gc():
        summaries, _ = summarize_all(discover(paths).files, cache, 0)
        return ProgramIndex.build(summaries)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Summaries and the index are a large graph of small objects that lives to the end of the
    run: the cyclic collector would walk it again and again while it grows, and free nothing (on
    the standard library it tripled the time to unpickle the summaries and nearly doubled the
    analysis). Reference counting still frees what is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
