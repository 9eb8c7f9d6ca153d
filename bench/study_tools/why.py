"""why.py TREE TARGET NAME: why racefree reports (or does not report) an object, for reading a
miss or a false alarm: the raw accesses to objects whose name ends with NAME (with the modes
each function is reached in), the shared objects built from them (why shared, writes, reads)
and what each rule finds on them. Run with PYTHONPATH=<repository>/src, from anywhere."""
import os
import sys

tree, target, name = sys.argv[1], sys.argv[2], sys.argv[3]
os.chdir(tree)

from racefree.analysis.entry_points import find_entry_points  # noqa: E402
from racefree.analysis.evidence import EvidenceBuilder  # noqa: E402
from racefree.analysis.locks import LockModel  # noqa: E402
from racefree.analysis.reachability import Reachability  # noqa: E402
from racefree.analysis.shared_state import collect_shared_objects  # noqa: E402
from racefree.engine import load_program  # noqa: E402
from racefree.knowledge.merged import BUILT_IN  # noqa: E402
from racefree.rules import ALL_RULES  # noqa: E402

index = load_program([target], use_cache=False)
reach = Reachability(index, find_entry_points(index, BUILT_IN))
print("ACCESSES")
for fid, info in index.functions.items():
    for access in info.summary.accesses:
        named = index.name_of(info, access.ref)
        if named and named.endswith(name):
            modes = sorted(f"{mode.context}{'' if mode.preemptive else ' (on a loop)'}" for mode in reach.modes(fid))
            print(f"  {access.kind:5} {access.op:10} {named} {info.module.path}:{access.line} in {fid} "
                  f"modes={modes} checked_at={access.checked_at} made={access.stores_instance}")
locks = LockModel(index, reach.entry_functions, BUILT_IN)
evidence = EvidenceBuilder(index, reach, locks)
print("SHARED")
for shared in collect_shared_objects(index, reach, locks, BUILT_IN):
    if shared.name.endswith(name):
        print(" ", shared.name, "|", shared.why_shared)
        for fact in shared.writes():
            print("    W", fact.access.line, fact.fid, fact.access.op, "preemptive" if fact.preemptive else "")
        for fact in shared.reads():
            print("    R", fact.access.line, fact.fid, fact.access.op, "preemptive" if fact.preemptive else "")
        for rule in ALL_RULES:
            for finding in rule.check(shared, evidence):
                print("    FINDING", finding.rule, finding.message[:200])
