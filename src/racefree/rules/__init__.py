"""The rules, one module each: code, name, documentation, fix and check."""

from __future__ import annotations

from racefree.rules import (
    rf101_per_request_state,
    rf102_handoff_through_shared_state,
    rf103_lost_update,
    rf104_check_then_act,
    rf105_check_then_act_across_await,
    rf106_iteration_while_mutated,
    rf107_unsynchronized_lazy_init,
    rf108_temporary_override,
    rf109_shared_unsafe_object,
    rf110_lookup_after_membership_test,
)
from racefree.rules.base import Rule

ALL_RULES: tuple[Rule, ...] = (
    rf101_per_request_state.RULE,
    rf102_handoff_through_shared_state.RULE,
    rf103_lost_update.RULE,
    rf104_check_then_act.RULE,
    rf105_check_then_act_across_await.RULE,
    rf106_iteration_while_mutated.RULE,
    rf107_unsynchronized_lazy_init.RULE,
    rf108_temporary_override.RULE,
    rf109_shared_unsafe_object.RULE,
    rf110_lookup_after_membership_test.RULE,
)


def rule_by_code(code: str) -> Rule | None:
    return next((rule for rule in ALL_RULES if rule.code == code.upper()), None)
