"""The detector keeps one shadow table per object. Two threads that first touch one object at once
must end up with the same table: a table made by one thread between the other's miss and its
store is kept, not replaced (the accesses recorded in it would be lost)."""

import threading

from racefree.runtime import probes, sites
from racefree.runtime.detector import LocationTable


def test_a_table_made_meanwhile_is_kept():
    shared = {}
    made_meanwhile = probes._item_tables[id(shared)] = LocationTable(shared, "shared", "item")
    try:
        # The second thread missed before the first stored: it must take the stored table.
        assert probes._new_table(probes._item_tables, shared, "shared", "item") is made_meanwhile
    finally:
        del probes._item_tables[id(shared)]


def test_a_stale_table_of_a_dead_object_is_replaced():
    shared = {}
    stale = LocationTable(object(), "gone", "item")  # an earlier object that had the same id
    probes._item_tables[id(shared)] = stale
    try:
        table = probes._new_table(probes._item_tables, shared, "shared", "item")
        assert table is not stale and table.owner is shared
    finally:
        del probes._item_tables[id(shared)]


def test_threads_first_touching_one_object_share_its_table():
    shared = {}
    tables = []
    start = threading.Barrier(8)
    site = sites.register(sites.Site("app", "app.py", 1, 0, "shared"))

    def first_touch():
        start.wait()
        tables.append(probes._items(shared, probes._kind(shared), site))

    threads = [threading.Thread(target=first_touch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len({id(table) for table in tables}) == 1
    finally:
        probes._item_tables.pop(id(shared), None)
