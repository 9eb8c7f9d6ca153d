"""The chain of calls a report shows for an access is evidence for the race it reports: where an
access is reached both under a lock and without it, the chain shown is one without the lock."""

from __future__ import annotations

from conftest import FIXTURES, check


def test_the_trace_shown_for_an_unlocked_access_avoids_the_callers_that_lock():
    (finding,) = check(FIXTURES / "RF106" / "registry_walked_with_and_without_the_lock.py").findings
    (read,) = [access for access in finding.accesses if access.kind == "read"]
    assert [step.function.rsplit(".", 1)[-1] for step in read.trace] == ["reflect", "_pending"]
    assert read.entry_points[0].function.endswith(".reflect")
    assert read.locks == ()


def test_the_first_chain_is_kept_when_no_call_on_it_locks():
    (finding,) = check(FIXTURES / "RF106" / "subclass_inherits_the_template_method.py").findings
    (write,) = [access for access in finding.accesses if access.kind == "write"]
    assert [step.function.rsplit(".", 1)[-1] for step in write.trace] == ["run", "_execute"]
    assert write.trace[0].function.endswith("Job.run")
