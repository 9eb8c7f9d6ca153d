"""The interpreter's own streams and hooks, which code swaps to redirect what the process prints
or how it reports errors and warnings."""

# Swapping one of these around a call is what `contextlib.redirect_stdout` does, and the
# standard library documents that as unsuitable for library code and most threaded programs:
# a helper that does it is a tool for one thread (a command line, a REPL, a test runner).
INTERPRETER_STREAMS_AND_HOOKS = frozenset({
    "sys.stdout", "sys.stderr", "sys.stdin", "sys.excepthook", "sys.displayhook", "sys.unraisablehook",
    "sys.breakpointhook", "warnings.showwarning", "warnings.formatwarning",
})
