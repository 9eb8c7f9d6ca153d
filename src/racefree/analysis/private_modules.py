"""Which private modules a package shows its users. A module whose path has a part that starts
with an underscore below the top-level package (`prefect._internal.analytics.client`,
`azure.servicebus._pyamqp.sender`) is the package's own: users import what its public modules
import from it (`from ._client import Client` in `httpx/__init__.py`), not the module itself. A
function or class there that no public module imports runs only where the package calls it, in
its callers' modes; it is no library API of its own.

A public module that imports a private module whole (`from . import _utils`), or everything in
it (`from ._impl import *`), shows all of it. Whatever a public module imports counts, whether it
re-exports it or uses it itself: the analysis cannot tell a public function that hands a private
class's instance to its caller from one that keeps it.
"""

from __future__ import annotations

from racefree.index import ProgramIndex
from racefree.summarize.model import FunctionSummary


def is_private_module(module: str) -> bool:
    """A part below the top-level package starts with an underscore (`pkg._internal.x`); the
    top-level package's own name does not count (`_pytest` is pytest's implementation)."""
    return any(_private_part(part) for part in module.split(".")[1:])


def _private_part(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


class PrivateModules:
    def __init__(self, index: ProgramIndex):
        self.index = index
        self._shown: set[str] | None = None  # names public modules import, as written and as defined

    def hidden(self, module: str, summary: FunctionSummary) -> bool:
        """The function is defined in a private module, and no public module imports it, its
        class or a subclass of it (`AsyncOpenAI`, whose users call the `request` it inherits from
        `_base_client.AsyncAPIClient`), its module or a package above its module."""
        if not is_private_module(module):
            return False
        shown = self._shown_names()
        if not shown:
            return False  # no public module at all: the analysed code is the package's inside
        top = f"{module}.{summary.qualname.split('.', 1)[0]}"
        if top in self.index.classes:
            if any(self._shown_definition(class_id) for class_id in self.index.subclasses_and_self(top)):
                return False
        elif top in shown:
            return False
        return not self._shown_module(module)

    def _shown_definition(self, name: str) -> bool:
        module = name.rsplit(".", 1)[0]
        while module not in self.index.modules and "." in module:
            module = module.rsplit(".", 1)[0]  # a nested class: `pkg._impl.Outer.Inner`
        return name in self._shown_names() or not is_private_module(module) or self._shown_module(module)

    def _shown_module(self, module: str) -> bool:
        """A public module imports the module whole, or a private package above it."""
        parts = module.split(".")
        first_private = next((i for i, part in enumerate(parts) if i and _private_part(part)), len(parts))
        private_packages = {".".join(parts[:i]) for i in range(first_private + 1, len(parts) + 1)}
        return not self._shown_names().isdisjoint(private_packages)

    def _shown_names(self) -> set[str]:
        if self._shown is None:
            shown: set[str] = set()
            for module in self.index.modules.values():
                if is_private_module(module.module):
                    continue
                shown.add(module.module)
                shown.update(module.star_imports)
                for imported in module.imports.values():
                    shown.add(imported.target)
                    shown.add(self.index.resolve_dotted(imported.target).name)
            self._shown = shown
        return self._shown
