"""Benchmark (a): dict get/set on a module global from 4 threads (racy on purpose)."""
import sys
import threading

COUNTS = {}


def work(iterations):
    for i in range(iterations):
        COUNTS["hits"] = COUNTS.get("hits", 0) + 1


iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
threads = [threading.Thread(target=work, args=(iterations,)) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
