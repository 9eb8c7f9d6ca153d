"""Attributes and module names set to None with an annotation that names the class they will hold."""
from __future__ import annotations

import typing
from typing import Callable, Dict, Optional, Union


class Pool:
    def acquire(self):
        return self


class Engine:
    pool_class: Optional[Pool] = None

    def __init__(self):
        self.optional: Optional[Pool] = None
        self.union: Union[Pool, None] = None
        self.qualified: typing.Optional[Pool] = None
        self.pipe: Pool | None = None
        self.pipe_first: None | Pool = None
        self.forward: "Pool | None" = None
        self.bare: Pool = None
        self.mapping: Dict[str, Pool] = None
        self.factory: Optional[Callable[[], Pool]] = None
        self.either: Union[Pool, Engine, None] = None
        self.builtin: Optional[int] = None
        self.broken: "Pool |" = None

    def start(self):
        self.optional = Pool()


shared_pool: Optional[Pool] = None
lazy_pool: Pool | None = None


def get_lazy_pool() -> Pool:
    global lazy_pool
    if lazy_pool is None:
        lazy_pool = Pool()
    return lazy_pool
