"""An attribute that a class only declares in its body (`current_event: dict`) and that code sets
through the class is one object for every instance: a subclass method's `self.current_event` reads
it, and the finding names that read."""

from __future__ import annotations

from conftest import FIXTURES, check


def test_a_subclass_read_of_a_declared_class_attribute_is_a_read_of_the_base_attribute():
    (finding,) = check(FIXTURES / "RF101" / "event_declared_on_the_base_set_per_request.py").findings
    assert finding.object.endswith("BaseRouter.current_event")
    reads = {access.function.rsplit(".", 1)[-1] for access in finding.accesses if access.kind == "read"}
    assert "dispatch" in reads
    assert "read back in `EventRouter.dispatch`" in finding.message
