import os
import sys

# `python -m racefree` puts the working directory first on sys.path, where the analysed project's
# own modules (an `ast.py`, a `logging.py`, a copy of the standard library) would shadow the ones
# racefree imports, and be compiled from source on every run. The `racefree` script has no such
# entry; pip's __main__ removes it the same way. The runtime detector adds it back for programs
# that expect it, as python would.
if sys.path and sys.path[0] in ("", os.getcwd()):
    sys.path.pop(0)

from racefree.cli import main  # noqa: E402

raise SystemExit(main())
