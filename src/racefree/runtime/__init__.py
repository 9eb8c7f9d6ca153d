"""The run-time half of racefree: a happens-before race detector (`racefree run`).

The pipeline a traced program goes through, one module per step:

    scope.py      which source files are instrumented
    rewrite.py    source -> AST with access probes inserted (pure function of the source)
    importer.py   the import hook that executes rewritten modules
    probes.py     the functions the rewritten code calls: classify the object, then record
    detector.py   logical threads, vector clocks, FastTrack shadow state, race detection
    sync_threading.py / sync_asyncio.py / sync_socket.py
                  patches that turn synchronisation into happens-before edges
    findings.py   a Race: both accesses, both stacks, where each thread was created
    report_text.py / report_json.py
                  renderers: a function of the findings alone
    session.py    start and stop everything above
    command.py    `racefree run` (documentation lives there)
    pytest_plugin.py  `pytest --racefree`
"""
