"""racefree: find, prove and fix race conditions on shared state in concurrent Python code."""

__version__ = "0.1.0"
