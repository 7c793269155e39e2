"""The central table of rules: one module per rule, each exposing `RULE`.

Codes: ND000 syntax errors; ND1xx loop rules shared with ruff PERF / perflint; ND2xx the
performance-relevant rules of ruff's other families (C4, SIM, RUF, PL, FURB); ND3xx rules
beyond the peers that rely on dependency analysis.
"""

from __future__ import annotations

import importlib

from .base import Rule

RULE_MODULES: tuple[str, ...] = (
    "nd101_unnecessary_list_cast",
    "nd102_incorrect_dict_iterator",
    "nd103_try_except_in_loop",
    "nd104_manual_list_comprehension",
    "nd105_manual_list_copy",
    "nd106_manual_dict_comprehension",
    "nd107_loop_invariant_statement",
    "nd108_global_name_in_loop",
    "nd109_memoryview_over_bytes",
    "nd110_dotted_import_in_loop",
    "nd111_tuple_over_list",
    "nd201_unnecessary_generator",
    "nd202_unnecessary_list_comprehension_call",
    "nd203_unnecessary_collection_call",
    "nd204_unnecessary_double_cast",
    "nd205_unnecessary_comprehension",
    "nd206_unnecessary_map",
    "nd207_comprehension_in_call",
    "nd208_dict_fromkeys",
    "nd209_reimplemented_any_all",
    "nd210_in_dict_keys",
    "nd211_first_element_of_copy",
    "nd212_quadratic_list_summation",
    "nd213_unnecessary_key_check",
    "nd214_repeated_equality_comparison",
    "nd215_unnecessary_dict_index_lookup",
    "nd216_unnecessary_list_index_lookup",
    "nd217_for_loop_writes",
    "nd218_readlines_in_for",
    "nd219_delete_full_slice",
    "nd220_check_and_remove_from_set",
    "nd221_for_loop_set_mutations",
    "nd222_sorted_min_max",
    "nd301_loop_invariant_expression",
    "nd302_membership_in_list_in_loop",
    "nd303_list_pop_front",
    "nd304_string_concat_in_loop",
    "nd305_regex_literal_in_loop",
    "nd306_quadratic_search_own_collection",
    "nd307_nested_loop_join",
    "nd308_deepcopy_in_loop",
    "nd309_len_of_copy",
    "nd310_repeated_pure_call",
    "nd311_numpy_elementwise_loop",
    "nd312_pandas_row_iteration",
    "nd313_pandas_concat_in_loop",
    "nd314_file_read_in_loop",
    "nd315_naive_recursion",
    "nd316_membership_in_copy",
    "nd317_loop_invariant_len",
    "nd318_iterating_dict_keys",
)


def _load() -> tuple[Rule, ...]:
    rules = [importlib.import_module(f"{__package__}.{name}").RULE for name in RULE_MODULES]
    codes = [rule.code for rule in rules]
    if len(set(codes)) != len(codes):
        raise RuntimeError(f"duplicate rule codes in registry: {sorted(codes)}")
    return tuple(sorted(rules, key=lambda rule: rule.code))


RULES: tuple[Rule, ...] = _load()
_BY_CODE = {rule.code: rule for rule in RULES}


def rule_by_code(code: str) -> Rule | None:
    """The rule with `code`, or None."""
    return _BY_CODE.get(code.upper())
