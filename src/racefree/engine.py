"""The pipeline, one way: discover -> summarize -> index -> analysis -> rules -> findings."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
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
    summaries, file_errors = summarize_all(files, cache, options.jobs, options.progress)
    errors.extend(file_errors)
    findings, entry_count = analyse(summaries, config.knowledge)
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
    evidence = EvidenceBuilder(index, reach)
    findings: list[Finding] = []
    for shared in collect_shared_objects(index, reach, locks, knowledge):
        if all(is_test_module(f.info.module.module) for f in shared.writes()):
            continue  # a project's own tests start threads on purpose; their races are not the product's
        for rule in ALL_RULES:
            findings.extend(rule.check(shared, evidence))
    findings.sort(key=Finding.sort_key)
    return findings, len(entries)


def summarize_all(files: list[SourceFile], cache: SummaryCache | None, jobs: int,
                  progress: Callable[[int, int], None] | None = None):
    """Summaries of the files, from the cache or made in worker processes. Workers read the files,
    summarise, write the cache and return pickled bytes: each summary is pickled once, and the
    parent only unpickles."""
    summaries: list[ModuleSummary] = []
    errors: list[FileError] = []
    cache_dir = str(cache.directory) if cache is not None else None
    work = [(source.path, source.module, source.is_package, cache_dir) for source in files]
    for item, result in zip(work, _summarize_many(work, jobs, progress or _no_progress)):
        if isinstance(result, bytes):
            try:
                result = pickle.loads(result)
            except Exception:  # a damaged cache entry: summarise again, without the cache
                result = _summarize_one((*item[:3], None), in_worker=False)
        (summaries if isinstance(result, ModuleSummary) else errors).append(result)
    summaries.sort(key=lambda s: s.path)
    return summaries, errors


def _no_progress(done: int, total: int) -> None:
    pass


def _summarize_many(work: list[tuple], jobs: int, progress: Callable[[int, int], None]) -> list:
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(work) < PARALLEL_THRESHOLD:
        serial = []
        for item in work:
            serial.append(_summarize_one(item, in_worker=False))
            progress(len(serial), len(work))
        return serial
    # Large files first, so that no worker is left with a big one at the end.
    order = sorted(range(len(work)), key=lambda i: -_size(work[i][0]))
    chunk = max(1, min(16, len(work) // (workers * 8)))
    results: list = [None] * len(work)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        mapped = pool.map(_summarize_one, [work[i] for i in order], chunksize=chunk)
        for done, (i, result) in enumerate(zip(order, mapped), start=1):
            results[i] = result
            progress(done, len(work))
    return results


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _summarize_one(item: tuple[str, str, bool, str | None], in_worker: bool = True):
    """A summary or FileError for one file; pickled bytes when it must cross to the parent (or
    comes from the cache), the object itself otherwise."""
    path, module, is_package, cache_dir = item
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return FileError(path, f"cannot read: {exc.strerror or exc}")
    cache = SummaryCache(Path(cache_dir)) if cache_dir else None
    key = cache_key(data, module, is_package) if cache is not None else ""
    if cache is not None:
        blob = cache.load_bytes(key)
        if blob is not None:
            return blob
    result = summarize_source(data, path, module, is_package)
    if cache is None and not in_worker:
        return result
    blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    if cache is not None:
        cache.store_bytes(key, blob)
    return blob if in_worker else result


def load_program(paths: list[str], use_cache: bool = True) -> ProgramIndex:
    """The analysed program's index, for tools that change code by what the analysis knows."""
    cache = SummaryCache(default_cache_dir()) if use_cache else None
    summaries, _ = summarize_all(discover(paths).files, cache, 0)
    return ProgramIndex.build(summaries)
