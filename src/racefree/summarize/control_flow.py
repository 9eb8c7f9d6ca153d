"""Statements that steer control: branches and loops, the checks their tests make for the writes
that follow, `try`/`finally` resets, and the locks held by `with` and by acquire/release.

Mixed into ModuleSummarizer, whose frames it updates.
"""

from __future__ import annotations

import ast

from racefree.knowledge.sync import named_like_a_lock
from racefree.summarize.model import (
    CLAIMED, LAZY_IF_REBOUND, OP_LOAD, OP_MUTATE, OP_REBIND, OP_SLOT_LOAD, OP_SLOT_STORE, READ, WRITE, Ref,
)
from racefree.summarize.optional_locks import lockless_branch
from racefree.summarize.presence import keys_of_test, presence_of_test, set_makes_true
from racefree.summarize.syntax import (
    MISSING_KEY,
    MISSING_NAME,
    NESTED_SCOPES,
    absences_tested_with_a_condition,
    always_leaves,
    binds_names,
    breaks_out,
    can_leave_loop,
    catches_import_error,
    caught_absences,
    compared_with_identity,
    dotted_text,
    is_main_guard,
    only_sleeps,
    runs_until_stopped,
    tests_for_presence,
    tests_only_emptiness,
    version_test_outcome,
    waits_each_round,
)


class ControlFlowVisits:
    def _try(self, node: ast.Try) -> None:
        tried_from = len(self.frame.summary.accesses)
        imported_before = set(self.summary.imports) if self._is_toplevel() and catches_import_error(node) else None
        self._block(node.body)
        if imported_before is not None:
            for local in set(self.summary.imports) - imported_before:
                self.summary.imports[local].optional = True
        tried = self.frame.summary.accesses[tried_from:]
        for handler in node.handlers:
            if handler.type is not None:
                self._expr(handler.type)
            if handler.name:
                self.frame.caught.append(handler.name)
            self.frame.in_handler += 1
            absent = self._absences_caught(handler, tried)
            if absent:
                self.frame.enclosing_checks.append(absent)
            self._block(handler.body)
            if absent:
                self.frame.enclosing_checks.pop()
                # the latest test, for what follows (`except KeyError: pass`, then the store)
                self.frame.checks.update(absent)
            self.frame.in_handler -= 1
            if handler.name:
                self.frame.caught.pop()
        self._block(node.orelse)
        frame = self.frame
        start = len(frame.summary.accesses)
        self._block(node.finalbody)
        # `finally: self._waiter = None`: a reset that runs however the block ended acts on no
        # test made before the `try`, unless that test encloses it (`if n >= N: try: flush()
        # finally: n = 0` resets because of the test).
        first_line = node.finalbody[0].lineno if node.finalbody else node.lineno
        for access in frame.summary.accesses[start:]:
            if (access.kind == WRITE and access.op == OP_REBIND and access.stores_scalar
                    and access.checked_at is not None and access.checked_at < first_line
                    and not any(access.ref in checks for checks in frame.enclosing_checks)):
                access.checked_at = None
                access.check_is_lazy_init = False
                access.await_between = False

    def _absences_caught(self, handler: ast.ExceptHandler, tried: list) -> dict:
        """`try: self._lock except AttributeError: self._lock = Lock()`: a handler for a missing
        attribute or name tests, as `if not hasattr(self, "_lock"):` does, that what the `try`
        read is not there yet; what it stores acts on that test (a lazy initialisation). One for
        a missing key (`try: return cls._fns[code] except KeyError: cls._fns[code] = ...`) tests,
        as `if code not in cls._fns:` does, that the entry the `try` looked up is not there."""
        caught = caught_absences(handler.type)
        checks = {}
        for access in tried:
            if access.kind != READ:
                continue
            if access.op == OP_LOAD and MISSING_NAME in caught:
                checks[access.ref] = (access.line, True, self.frame.awaits)
            elif access.op == OP_SLOT_LOAD and MISSING_KEY in caught:
                checks.setdefault(access.ref, (access.line, False, self.frame.awaits))
        return checks

    def _for(self, node: ast.For | ast.AsyncFor) -> None:
        self._iterated(node.iter)
        if type(node) is ast.AsyncFor:
            self.frame.awaits += 1
            self.frame.awaits_seen += 1
        self._store(node.target, None, {}, node)
        if self.frame.scope is not None and self.writes_stores:
            self._note_store_api_loop(node.target, node.iter)
        element_of = self._common_container(node.iter)
        if element_of is not None and type(node.target) is ast.Name and self.frame.scope is not None:
            # `for base in (stats["total"], stats[model]): base["n"] += 1` changes stats.
            self.frame.aliases[node.target.id] = element_of
        key = _key_of_iteration(node.target, node.iter)
        container = self.ref_of(key[1]) if key is not None and self.frame.scope is not None else None
        if container is not None:  # `for k, v in d.items(): d[k] = 0` stores over an entry it has
            self.frame.loop_keys[key[0]] = container
        table = self._walked_table(node) if self.frame.scope is not None else None
        if table is not None:
            self.frame.loop_tables[node.target.id] = table
        listed = _functions_listed(node) if self.frame.scope is not None else None
        if listed:
            self.frame.loop_callees[node.target.id] = listed
        self.frame.loop_depth += 1
        self._publications_in(node.body)
        self._block(node.body)
        self.frame.loop_depth -= 1
        if container is not None:
            self.frame.loop_keys.pop(key[0], None)
        if table is not None:
            self.frame.loop_tables.pop(node.target.id, None)
        if listed:
            self.frame.loop_callees.pop(node.target.id, None)
        self._block(node.orelse)

    def _walked_table(self, node: ast.For | ast.AsyncFor) -> Ref | None:
        """`for hook in _HOOKS:`, `for handler in self._handlers.values():`: a module-level or
        own container walked element by element into one name, which the body may call."""
        if type(node.target) is not ast.Name:
            return None
        walked = node.iter
        if type(walked) is ast.Call and type(walked.func) is ast.Attribute and walked.func.attr == "values" \
                and not walked.args:
            walked = walked.func.value
        if type(walked) not in (ast.Name, ast.Attribute):
            return None
        table = self.ref_of(walked)
        if table is None or not table.names_a_table_holder():
            return None
        return table

    def _common_container(self, node: ast.expr) -> Ref | None:
        """The shared container whose elements a tuple or list literal lists, if all are its."""
        if type(node) not in (ast.Tuple, ast.List) or not node.elts:
            return None
        refs = {self.ref_of(e.value) if type(e) is ast.Subscript else None for e in node.elts}
        return refs.pop() if len(refs) == 1 else None

    def _while(self, node: ast.While) -> None:
        frame = self.frame
        if frame.loop_depth == 0 and frame.scope is not None and not frame.summary.is_async \
                and runs_until_stopped(node, frame.self_name) \
                and not can_leave_loop(node.body):
            frame.summary.serves_forever = True
        waits = waits_each_round(node)
        if frame.loop_depth == 0 and frame.scope is not None and not frame.summary.is_async \
                and waits and not can_leave_loop(node.body):
            frame.summary.polls = True
        start = len(frame.summary.accesses)
        checks = self._test(node.test)
        self.frame.loop_depth += 1
        # A call in `while self._running:` runs while a flag holds, not to load what is missing:
        # the loop's test is no lazy-load guard for the calls in its body.
        self.frame.enclosing_checks.append({ref: (line, False, awaits) for ref, (line, _, awaits) in checks.items()})
        self._block(node.body)
        self.frame.enclosing_checks.pop()
        self.frame.loop_depth -= 1
        if checks and not breaks_out(node.body):
            # The loop ends only when its test, run again after the body's awaits, fails: code
            # after it acts on that last test (`while not self.buffer: await ...` then `pop`).
            frame.checks.update({ref: (line, lazy, frame.awaits) for ref, (line, lazy, _) in checks.items()})
        if waits:  # what the loop reads, it polls: `while not self.ready: time.sleep(0.1)`
            for access in frame.summary.accesses[start:]:
                if access.kind == READ:
                    access.polled = True
        self._block(node.orelse)

    def _if(self, node: ast.If) -> None:
        known = version_test_outcome(node.test)
        if known is not None:
            # `if sys.version_info >= (2, 5): ... else: <Python 2.4 code>`: only one branch runs
            # on the Pythons racefree analyses for; the other is dead code.
            self._block(node.body if known else node.orelse)
            return
        if self._is_toplevel() and not self.class_stack and not self._in_main_block and is_main_guard(node.test):
            # The script part of a module: what it binds are a script's names, not the module's.
            self._in_main_block = True
            self.summary.main_block = (node.lineno, node.end_lineno or node.lineno)
            try:
                self._if(node)
            finally:
                self._in_main_block = False
            return
        earlier = dict(self.frame.checks)
        checks = self._test(node.test)
        start = len(self.frame.summary.accesses)
        self.frame.enclosing_checks.append(checks)
        # `if lock.acquire(False):` (a try-lock) holds the lock in its body; `if not
        # lock.acquire(False):` in its else branch, and after the `if` when the body leaves.
        lock = None
        failed_lock = None
        test = node.test
        if type(test) is ast.Call and type(test.func) is ast.Attribute and test.func.attr == "acquire":
            lock = self._lock_ref(test.func.value)
        elif type(test) is ast.UnaryOp and type(test.op) is ast.Not and type(test.operand) is ast.Call \
                and type(test.operand.func) is ast.Attribute and test.operand.func.attr == "acquire":
            failed_lock = self._lock_ref(test.operand.func.value)
        # `if self._lock: with self._lock: ... else: ...`: the branch without the lock runs on an
        # object made for one thread (see summarize/optional_locks).
        optional = lockless_branch(node) if self.frame.scope is not None else None
        absent = self._lock_ref(optional[0]) if optional is not None else None
        if absent is not None and optional[1]:
            lock = lock or absent
        elif absent is not None and failed_lock is None:
            failed_lock = absent
        if lock is not None:
            self.frame.locks.append(lock)
        # An await in a branch that leaves (`if full: await reject(); return`) does not run
        # before the code after the `if`: only the branches that fall through count.
        before = self.frame.awaits
        guards, present = self.frame.param_guards, self.frame.present
        in_body, in_else = self._guards_of_test(test) if self.frame.scope is not None else ([], [])
        set_in_body, set_in_else = presence_of_test(test, self.ref_of) if self.frame.scope is not None else ([], [])
        if self.frame.scope is not None:  # and the keys it proves present (`if key in self._models:`)
            keys_in_body, keys_in_else = keys_of_test(test, self.ref_of)
            set_in_body, set_in_else = set_in_body + keys_in_body, set_in_else + keys_in_else
        held, held_present = len(guards), len(present)
        guards.extend(in_body)
        present.extend(set_in_body)
        at_body = dict(self.frame.checks)
        self._block(node.body)
        made_in_body = _checks_made(at_body, self.frame.checks)
        if checks and tests_for_presence(test):
            self._not_initialising(node.lineno, start)
        del guards[held:]
        del present[held_present:]
        body_leaves = always_leaves(node.body)
        after_body = before if body_leaves else self.frame.awaits
        if lock is not None and lock in self.frame.locks:
            self.frame.locks.remove(lock)
        self.frame.awaits = before
        guards.extend(in_else)
        present.extend(set_in_else)
        if failed_lock is not None:
            self.frame.locks.append(failed_lock)
        at_else = dict(self.frame.checks)
        self._block(node.orelse)
        made_in_else = _checks_made(at_else, self.frame.checks)
        else_leaves = bool(node.orelse) and always_leaves(node.orelse)
        if failed_lock is not None and failed_lock in self.frame.locks and not body_leaves:
            self.frame.locks.remove(failed_lock)  # else it is held from here on
        if not body_leaves:
            del guards[held:]  # else the else branch's tests hold on after a guard clause
            del present[held_present:]
        if else_leaves and not body_leaves:
            guards.extend(in_body)  # `if x is None: ... else: return`: x is None from here on
            present.extend(set_in_body)
        after_else = before if else_leaves else self.frame.awaits
        self.frame.awaits = max(after_body, after_else)
        # A test made in one branch saw only that branch's awaits after it: an await in the other
        # branch (`if n is None: ... await sleep(0)` / `elif n in self.channels: raise`) does not
        # run between it and the code after the `if`.
        if body_leaves:
            self._drop_tests_of_a_leaving_branch(made_in_body, at_body)
        if else_leaves:
            self._drop_tests_of_a_leaving_branch(made_in_else, at_else)
        self._count_awaits_of_the_branch(made_in_body, after_body)
        self._count_awaits_of_the_branch(made_in_else, after_else)
        self.frame.enclosing_checks.pop()
        if body_leaves:
            self.frame.guard_checks.update(checks)
        # (A branch that only sleeps, `if elapsed < interval: await asyncio.sleep(...)`, paces
        # the code after it on what the test read: that code acts on the test, later.)
        if checks and not body_leaves and not else_leaves and not only_sleeps(node.body) \
                and not binds_names(node.body) and not binds_names(node.orelse) \
                and not any(a.kind == WRITE and a.ref in checks for a in self.frame.summary.accesses[start:]):
            self._forget_unguarded_checks(checks, earlier)
        else:
            self._consume_acted_checks(checks, earlier, start, node.body)

    def _drop_tests_of_a_leaving_branch(self, made: dict, before: dict) -> None:
        """Tests made inside a branch that always leaves (`if _configuration_done: if _config_file
        != config_file: raise ...; return`) ran only on the path that left: the code after the
        `if` runs without them, so its writes do not act on them. (The `if`'s own test runs on
        both paths, and stays.)"""
        for ref, value in made.items():
            if self.frame.checks.get(ref) == value:
                self._restore_check(ref, before)

    def _restore_check(self, ref: Ref, earlier: dict) -> None:
        """Put the test in force on ref back as it was in an earlier snapshot of the checks."""
        if ref in earlier:
            self.frame.checks[ref] = earlier[ref]
        else:
            self.frame.checks.pop(ref, None)

    def _count_awaits_of_the_branch(self, made: dict, after_branch: int) -> None:
        """Restamp the tests a branch made, still in force, so that the awaits counted after them
        from here on are those of their own branch, and any that follow the `if`."""
        checks = self.frame.checks
        for ref, (line, lazy, awaits) in made.items():
            if checks.get(ref) == (line, lazy, awaits):
                checks[ref] = (line, lazy, self.frame.awaits - (after_branch - awaits))

    def _not_initialising(self, test_line: int, start: int) -> None:
        """The body of `if X:` or `if X is not None:` runs when the object is already there:
        a change to its contents after that test (`if handlers: handlers.remove(h)`) does not
        initialise it. (Rebinding it there, `if self._pool is not None: ... self._pool = None`,
        is a reset, which stays out of check-then-act as before.)"""
        for access in self.frame.summary.accesses[start:]:
            if access.kind == WRITE and access.checked_at == test_line and access.op in (OP_MUTATE, OP_SLOT_STORE):
                access.check_is_lazy_init = False

    def _forget_unguarded_checks(self, checks: dict, earlier: dict) -> None:
        """Both branches fall through, bind no local and leave the tested object alone: the code
        after the `if` runs whatever its test found, with the same values (`if len(self.requests)
        > 1: flush()` then `self.requests.pop(0)`), so it does not act on that test. The writes
        inside a branch do, and so do those after a branch that leaves (`if key in cache: return
        cache[key]`), that sets what they use (`if name not in levels: old = default`) or that
        creates the object they fill (`if self.children is None: self.children = set()` then
        `self.children.add(pid)`); the tests before it stay as they were."""
        for ref in checks:
            self._restore_check(ref, earlier)

    def _consume_acted_checks(self, checks: dict, earlier: dict, start: int, body: list[ast.stmt]) -> None:
        """A test whose branch only emptied the object and fell through is spent: the code after
        the `if` runs on an object the test no longer describes (`if len(cache) > N:
        cache.clear()` then `cache[k] = v`), so later writes act on the test before it, if any.
        Other writes in the branch keep the test: `if stale: cache.pop(k, None)` leaves the key
        absent, as the test's other outcome does, and a later `cache[k] = v` acts on both."""
        if always_leaves(body):
            return
        frame = self.frame
        writes: dict[Ref, bool] = {}
        for access in frame.summary.accesses[start:]:
            if access.kind == WRITE and access.ref in checks:
                writes[access.ref] = writes.get(access.ref, True) and id(access) in frame.check_free_writes
        for ref in (ref for ref, only_check_free in writes.items() if only_check_free):
            self._restore_check(ref, earlier)

    def _test(self, test: ast.expr) -> dict:
        """A condition: what it reads counts as a check for writes that follow in this function.
        Returns the checks it makes, for the body it guards."""
        frame = self.frame
        start = len(frame.summary.accesses)
        frame.in_test = True
        self._expr(test)
        frame.in_test = False
        made: dict[Ref, tuple[int, bool, int]] = {}
        if frame.scope is None:
            return made
        lazy = tests_only_emptiness(test)
        absent = () if lazy else {self.ref_of(subject) for subject in absences_tested_with_a_condition(test)}
        for access in frame.summary.accesses[start:]:
            if access.kind == READ:
                initialises = lazy or (LAZY_IF_REBOUND if access.ref in absent else False)
                made[access.ref] = (test.lineno, initialises if access.op == OP_LOAD else False, frame.awaits)
                # `if self._token.has_expired:` tests the token through one of its attributes: a
                # later `self._token = fetch()` acts on that test as much as on `if not self._token`.
                for holder in _holders(access.ref):
                    made.setdefault(holder, (test.lineno, False, frame.awaits))
        # `if self._owner is current:` asks whether the caller owns the object, which no other
        # thread or task can change: another's store names another owner.
        for node in compared_with_identity(test, frame.thread_ids):
            owner = self.ref_of(node)
            if owner in made:
                frame.owner_tests.add((owner, test.lineno))
        for sub in (ast.walk(test) if frame.taint else ()):
            kind = type(sub)
            key = sub.id if kind is ast.Name else self.ref_of(sub) if kind is ast.Attribute else None
            if key is not None and key in frame.taint:
                ref, whole, awaits = frame.taint[key]
                made.setdefault(ref, (test.lineno, whole and lazy, awaits))
        frame.checks.update(made)  # the latest test: in double-checked locking, the re-check
        return made

    def _with(self, node: ast.With | ast.AsyncWith) -> None:
        frame = self.frame
        pushed = 0
        for item in node.items:
            self._expr(item.context_expr)
            lock = self._lock_ref(item.context_expr)
            if self._is_self(item.context_expr):
                self._enters_own_context(node)
            elif type(item.context_expr) in (ast.Name, ast.Attribute):
                self._enters_context_of(item.context_expr, node)
            elif type(item.context_expr) is ast.Call and type(item.context_expr.func) in (ast.Name, ast.Attribute):
                # `with _Writer(model) as writer:` enters the object it makes; `writer` is that
                # object (`__enter__` returning `self`), so `writer.write()` is its method.
                self._enters_context_of(item.context_expr.func, node)
            if lock is not None:
                frame.locks.append(lock)
                pushed += 1
            if item.optional_vars is not None:
                # (in a function: at module level, `with gr.Blocks() as demo:` builds a layout once,
                # at import, which is no instance the module's users share as they run)
                made = item.context_expr if type(item.context_expr) is ast.Call and type(item.optional_vars) is ast.Name \
                    and not self._is_toplevel() else None
                self._store(item.optional_vars, made, {}, node)
        if type(node) is ast.AsyncWith:
            frame.awaits += 1
            frame.awaits_seen += 1
        self._block(node.body)
        if pushed:
            del frame.locks[-pushed:]
            frame.new_claim = self._claimed_flag(node.body)

    def _enters_own_context(self, node: ast.With | ast.AsyncWith) -> None:
        """`with self:` runs the object's own `__enter__` and `__exit__` (`__aenter__` and
        `__aexit__` for `async with`): calls of those methods, as `self.__enter__()` would be."""
        self._record_block_calls(node, ("self", self.frame.class_name, ()), "self")

    def _enters_context_of(self, context: ast.expr, node: ast.With | ast.AsyncWith) -> None:
        """`async with rate_limiter:` runs the object's `__aenter__` and `__aexit__`: calls of
        those methods, which the index resolves where it knows the object's class."""
        ref = self.ref_of(context)
        if ref is not None:
            self._record_block_calls(node, (ref.root_kind, ref.root, ref.attrs), dotted_text(context) or "")

    def _record_block_calls(self, node: ast.With | ast.AsyncWith, owner: tuple[str, str, tuple], text: str) -> None:
        """The calls of the owner's `__enter__`/`__exit__` (`__aenter__`/`__aexit__`) a `with` block
        makes: on entry, and for the exit as the block ends."""
        methods = ("__aenter__", "__aexit__") if type(node) is ast.AsyncWith else ("__enter__", "__exit__")
        lines = (node.lineno, getattr(node, "end_lineno", None) or node.lineno)
        root_kind, root, attrs = owner
        for method, line in zip(methods, lines):
            self._record_implied_call(self._interned((root_kind, root, (*attrs, method))), line, node.col_offset,
                                      f"{text}.{method}")

    def _claimed_flag(self, body: list[ast.stmt]) -> tuple[Ref, bool] | None:
        """The flag a locked block claims: it leaves when the flag is set (`if self._running:
        raise RuntimeError("already running")`) and sets it before the lock is released
        (`self._running = True`). The code after the block runs only in the one caller that
        claimed it, until the flag is cleared (in a `finally`), so it is ordered with the other
        runs of that code as if it held a lock of the flag's own: a claim, named by the flag's
        reference with CLAIMED appended. With it, whether the block refuses the other callers by
        raising (see flag_claims)."""
        for claim, tests, refuses in self.flag_claims(body, across_awaits=True).values():
            self.claim_its_tests(claim, tests)
            return claim, refuses
        return None

    def claim_its_tests(self, claim: Ref, tests: list[ast.expr]) -> None:
        """The reads in the tests that led to a claim count as made under it: a caller that
        reads there while another holds the claim finds the flag set and leaves, so a check made
        there and an act made under the claim are one step."""
        spans = [(test.lineno, getattr(test, "end_lineno", test.lineno) or test.lineno) for test in tests]
        first = min(start for start, _ in spans)
        for access in reversed(self.frame.summary.accesses):
            if access.line < first:
                break
            if access.kind == READ and claim not in access.locks \
                    and any(start <= access.line <= end for start, end in spans):
                access.locks = (*access.locks, claim)

    def flag_claims(self, body: list[ast.stmt], across_awaits: bool) -> dict[int, tuple[Ref, list[ast.expr], bool]]:
        """The statements of a block that claim a flag the block tested and left on (see
        _claimed_flag), by index, with the tests that led to each and whether every one of them
        leaves by raising: a method that refuses that way also claims for its caller, who goes on
        after it returns (joblib's `_reset_run_tracking`), where a `return` (a span's `end()`
        ending it only once) claims nothing past it. On one event loop no lock is needed, only
        no await between the test and the store (`if self._connecting: raise ...;
        self._connecting = True`)."""
        tested: set[Ref] = set()
        tests: list[ast.expr] = []
        refuses = True
        claims: dict[int, tuple[Ref, list[ast.expr], bool]] = {}
        looked_up: dict[str, tuple[Ref, ast.expr]] = {}  # `existing = self._inflight.get(key)`
        for index, stmt in enumerate(body):
            if tested and not across_awaits and _awaits(stmt):
                tested.clear()  # another task may have claimed the flag meanwhile
                tests.clear()
                refuses = True
            if type(stmt) is ast.If and always_leaves(stmt.body) and not stmt.orelse:
                # The flags whose being set makes it leave: `if self._running:`, `... is not None`,
                # either side of an `or`. (`if not self._started: raise` lets every caller past once
                # the flag is set: setting it claims nothing.) Or the containers where finding the
                # key makes it leave (`if key in self._inflight:`, or `if existing is not None:`
                # after `existing = self._inflight.get(key)`), with the lookups that made the test.
                flags = set_makes_true(stmt.test, self.ref_of)
                found, lookups = _found_by_lookup(stmt.test, looked_up, self.ref_of)
                if flags or found or tested:  # the tests from the first on a flag: only a caller past it makes them
                    tested.update(flags)
                    tested.update(found)
                    tests.append(stmt.test)
                    tests.extend(lookups)
                    refuses = refuses and type(stmt.body[-1]) is ast.Raise
            elif type(stmt) in (ast.Assign, ast.AnnAssign) and stmt.value is not None:
                targets = stmt.targets if type(stmt) is ast.Assign else [stmt.target]
                lookup = _lookup_in(stmt.value, self.ref_of)
                for target in targets:
                    if type(target) is ast.Name:
                        if lookup is not None:
                            looked_up[target.id] = (lookup, stmt.value)
                        else:
                            looked_up.pop(target.id, None)
                if not tested or (type(stmt.value) is ast.Constant and not stmt.value.value):
                    continue
                for target in targets:
                    # A flag set, or an entry filed under the key the test looked for (a future
                    # other callers will find and await).
                    ref = self.ref_of(target.value if type(target) is ast.Subscript else target)
                    if ref is not None and ref in tested:
                        claims[index] = (Ref(ref.root_kind, ref.root, (*ref.attrs, CLAIMED)), list(tests), refuses)
        return claims

    def _lock_ref(self, node: ast.expr) -> Ref | None:
        """The lock an expression names: shared state (`self._lock`), or one of the per-key locks
        a shared container holds (`self._locks[key]`, a local bound to one), named by the
        container: two accesses under it for the same key are ordered, and different keys do not
        touch the same slot."""
        ref = self.ref_of(node)
        if ref is not None:
            return ref
        if type(node) is ast.Call and type(node.func) is ast.Name and node.func.id == "getattr" \
                and len(node.args) >= 2 and type(node.args[1]) is ast.Constant and type(node.args[1].value) is str:
            # `with getattr(self, "_lock", nullcontext()):`, a lock the object may not have
            return self.ref_of(ast.Attribute(value=node.args[0], attr=node.args[1].value, ctx=ast.Load()))
        if type(node) is ast.Name:
            return self.frame.lock_elements.get(node.id)
        if type(node) is ast.Subscript:
            return self._lock_container(node.value)
        if type(node) is ast.Attribute and type(node.value) is ast.Name and node.value.id in self.frame.made:
            # `pool = Pool(...)`, then `async with pool._cond:`: the lock of an object the function
            # made, by the class it made, as its own methods name it (`self._cond`).
            return Ref("made", f"{self.frame.summary.qualname}:{self.frame.made[node.value.id]}", (node.attr,))
        return None

    def _lock_container(self, node: ast.expr) -> Ref | None:
        """node names a shared container of locks (`self._cache_locks`)."""
        ref = self.ref_of(node)
        if ref is None:
            return None
        return ref if named_like_a_lock(ref.attrs[-1] if ref.attrs else ref.root) else None

    def _note_lock_element(self, name: str, value: ast.expr | None) -> None:
        """`key_lock = self._locks[key]`, `= self._locks.get(key)`, `= self._locks.setdefault(key, Lock())`."""
        frame = self.frame
        container = None
        if type(value) is ast.Subscript:
            container = self._lock_container(value.value)
        elif type(value) is ast.Call and type(value.func) is ast.Attribute and value.func.attr in ("get", "setdefault"):
            container = self._lock_container(value.func.value)
        if container is not None:
            frame.lock_elements[name] = container
        else:
            frame.lock_elements.pop(name, None)

    def _held_on_entry(self, lock: Ref) -> None:
        """`lock.release()` of a lock this function did not take: its caller took it (urllib3's
        `acquire_and_get` ... `set_and_release`), so what ran before here ran under it."""
        summary = self.frame.summary
        for access in summary.accesses:
            if lock not in access.locks:
                access.locks = (*access.locks, lock)
        for call in summary.calls:
            if lock not in call.locks:
                call.locks = (*call.locks, lock)

    def _expr_stmt(self, node: ast.Expr) -> None:
        value = node.value
        # `await self._lock.acquire()`: an asyncio lock taken by hand, as a thread's is.
        awaited = type(value) is ast.Await and type(value.value) is ast.Call
        if awaited and type(value.value.func) is ast.Attribute and value.value.func.attr == "acquire":
            lock = self._lock_ref(value.value.func.value)
            if lock is not None:
                self._expr(value)  # the await itself: other tasks run while it waits
                self.frame.locks.append(lock)
                return
        if type(value) is ast.Call and type(value.func) is ast.Attribute:
            method = value.func.attr
            if method in ("acquire", "release"):
                lock = self._lock_ref(value.func.value)
                if lock is not None:
                    if method == "acquire":
                        self.frame.locks.append(lock)
                    elif lock in self.frame.locks:
                        self.frame.locks.remove(lock)
                    elif self.frame.scope is not None:
                        self._held_on_entry(lock)
                    return
        self._expr(value)


def _checks_made(before: dict, after: dict) -> dict:
    """The tests made or remade between two snapshots of a frame's checks."""
    return {ref: value for ref, value in after.items() if before.get(ref) != value}


def _key_of_iteration(target: ast.expr, iterated: ast.expr) -> tuple[str, ast.expr] | None:
    """The loop variable that holds each key of a container, and the container: `for k in d`,
    `for k in d.keys()`, `for k, v in d.items()`."""
    if type(iterated) is ast.Call and type(iterated.func) is ast.Attribute and not iterated.args:
        method, container = iterated.func.attr, iterated.func.value
    elif type(iterated) in (ast.Name, ast.Attribute):
        method, container = None, iterated
    else:
        return None
    if method in (None, "keys") and type(target) is ast.Name:
        return target.id, container
    if method == "items" and type(target) is ast.Tuple and len(target.elts) == 2 and type(target.elts[0]) is ast.Name:
        return target.elts[0].id, container
    return None


def _awaits(stmt: ast.stmt) -> bool:
    """The statement can let another task run: it awaits, outside any function it defines."""
    work: list[ast.AST] = [stmt]
    while work:
        node = work.pop()
        if type(node) in (ast.Await, ast.AsyncWith, ast.AsyncFor):
            return True
        if type(node) not in NESTED_SCOPES or node is stmt:
            work.extend(ast.iter_child_nodes(node))
    return False


def _shared_container(node: ast.expr, ref_of) -> Ref | None:
    """The shared object a name or attribute names (`self._inflight`, a module global), not a
    local."""
    ref = ref_of(node) if type(node) in (ast.Name, ast.Attribute) else None
    return ref if ref is not None and (ref.attrs or ref.root_kind == "global") else None


def _lookup_in(value: ast.expr, ref_of) -> Ref | None:
    """The shared container a value looks a key up in: `self._inflight.get(key)`."""
    if type(value) is ast.Call and type(value.func) is ast.Attribute and value.func.attr == "get" and value.args:
        return _shared_container(value.func.value, ref_of)
    return None


def _found_by_lookup(test: ast.expr, looked_up: dict[str, tuple[Ref, ast.expr]], ref_of) -> tuple[list[Ref], list[ast.expr]]:
    """The containers in which finding a key makes the test true (`key in self._inflight`, or a
    local looked up there, `existing` or `existing is not None`), and the lookups behind it."""
    if type(test) is ast.BoolOp and type(test.op) is ast.Or:
        found, lookups = [], []
        for value in test.values:
            more, behind = _found_by_lookup(value, looked_up, ref_of)
            found += more
            lookups += behind
        return found, lookups
    if type(test) is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) is ast.In:
        ref = _shared_container(test.comparators[0], ref_of)
        return ([ref], []) if ref is not None else ([], [])
    name = test
    if type(test) is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) is ast.IsNot \
            and type(test.comparators[0]) is ast.Constant and test.comparators[0].value is None:
        name = test.left
    if type(name) is ast.Name and name.id in looked_up:
        ref, lookup = looked_up[name.id]
        return [ref], [lookup]
    return [], []


def _functions_listed(node: ast.For | ast.AsyncFor) -> list[ast.expr] | None:
    """`for matcher in [dictionary_match, self._date_match]:`: the names a list or tuple written
    in the header gives the loop's name in turn, when all are plain or dotted names."""
    elements = node.iter.elts if type(node.iter) in (ast.List, ast.Tuple) else None
    if type(node.target) is not ast.Name or not elements:
        return None
    if not all(type(e) is ast.Name or (type(e) is ast.Attribute and type(e.value) is ast.Name) for e in elements):
        return None
    return elements


def _holders(ref: Ref) -> list[Ref]:
    """The shared objects a read of `ref` goes through: `self._token` for `self._token.expires`,
    `_state` and `_state.session` for `_state.session.closed`."""
    least = 1 if ref.root_kind == "self" else 0
    return [Ref(ref.root_kind, ref.root, ref.attrs[:length]) for length in range(least, len(ref.attrs))]

