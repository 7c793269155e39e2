"""What a call may change: summaries of the module's own functions (bottom-up, recursion to a
fixed point), the tables of builtins and standard-library modules, and the unknown-call default.
Each case is checked by the definitions the caller gets at the call's line."""

from __future__ import annotations

import gc
import textwrap

from neurodebug.analyzers.document import analyze_source


def changes(source: str, function: str) -> set[tuple[str, int]]:
    """(name, line) of every change of an object `function`'s statements may make."""
    facts = analyze_source(textwrap.dedent(source).encode())
    found = facts.functions_named(function)[0]
    return {(d.var, d.line) for d in found.definitions if d.how in ("mutation", "alias", "call")}


def test_own_function_that_changes_its_parameter_changes_the_argument() -> None:
    source = """\
        def fill(target, items):
            for item in items:
                target.append(item)

        def count(target):
            return len(target)

        def f(rows, extra):
            fill(rows, extra)
            n = count(rows)
            return rows, extra, n
        """
    # `fill` changes its first parameter only; `count` changes nothing
    assert changes(source, "f") == {("rows", 9)}
    f = analyze_source(textwrap.dedent(source).encode()).functions_named("f")[0]
    # the read of `rows` at line 10 sees both the parameter and the call's change of it
    assert f.reaching_definitions(10, "rows") == {8, 9}
    assert f.data_kind("rows", 9, 10) == "call"
    assert f.data_kind("rows", 8, 10) == "value"


def test_a_change_passed_on_through_another_function_counts() -> None:
    source = """\
        def push(t, v):
            t.append(v)

        def push_twice(t, v):
            push(t, v)
            push(t, v)

        def f(xs):
            push_twice(xs, 1)
            return xs
        """
    assert changes(source, "f") == {("xs", 9)}
    assert changes(source, "push_twice") == {("t", 5), ("t", 6)}


def test_mutual_recursion_reaches_a_fixed_point() -> None:
    source = """\
        def even(xs, n):
            if n:
                odd(xs, n - 1)

        def odd(ys, n):
            if n:
                even(ys, n - 1)
            else:
                ys.append(n)

        def f(data):
            even(data, 4)
            return data
        """
    assert changes(source, "f") == {("data", 12)}
    assert changes(source, "even") == {("xs", 3)}


def test_recursion_that_changes_nothing_stays_a_read() -> None:
    source = """\
        def depth(tree):
            return 1 + max((depth(c) for c in tree.children), default=0)

        def f(tree):
            d = depth(tree)
            return tree, d
        """
    assert changes(source, "f") == set()


def test_module_globals_and_closure_variables_a_callee_changes() -> None:
    source = """\
        CACHE = {}

        def reset():
            CACHE.clear()

        def f(key):
            reset()
            return CACHE.get(key)

        def g(items):
            seen = set()
            def remember(x):
                seen.add(x)
            for item in items:
                remember(item)
            return seen
        """
    assert changes(source, "f") == {("CACHE", 7)}
    assert changes(source, "g") == {("seen", 15)}


def test_methods_called_on_self_use_their_own_summaries() -> None:
    source = """\
        class Box:
            def __init__(self):
                self.items = []

            def size(self):
                return len(self.items)

            def add(self, x):
                self.items.append(x)

            @staticmethod
            def clear_list(xs):
                xs.clear()

            def run(self, y, zs):
                self.size()
                self.add(y)
                self.clear_list(zs)
                return self, y, zs
        """
    # `size` reads `self`, `add` changes it (not `y`); a static method gets no receiver
    assert changes(source, "Box.run") == {("self", 17), ("zs", 18)}


def test_constructing_an_own_class_runs_its_init() -> None:
    source = """\
        class Registry:
            def __init__(self, into):
                into.append(self)

        class Point:
            pass

        def f(all_registries, coords):
            r = Registry(all_registries)
            p = Point(coords)
            return all_registries, coords, r, p
        """
    assert changes(source, "f") == {("all_registries", 9)}


def test_unknown_calls_may_change_what_they_are_given() -> None:
    source = """\
        from somewhere import process

        def f(a, b, c, d, decorated_arg, flag):
            process(a)
            handler = lambda t: t.append(1)
            handler(b)
            c.frobnicate(d)
            helper(decorated_arg)
            process(flag is None)
            return a, b, c, d, decorated_arg

        def trace(fn):
            return fn

        @trace
        def helper(x):
            return x
        """
    # an unknown decorator may wrap the call in anything; `flag is None` passes no object
    assert changes(source, "f") == {
        ("a", 4),
        ("b", 6),
        ("c", 7),
        ("d", 7),
        ("decorated_arg", 8),
    }


def test_builtins_and_standard_library_functions_from_the_tables() -> None:
    source = """\
        import copy
        import json
        from copy import deepcopy
        from operator import setitem

        def f(xs, it, out, fp, table, doc):
            print(len(xs), sorted(xs), file=out)
            first = next(it)
            json.dumps(doc)
            json.dump(doc, fp)
            clone = copy.deepcopy(xs) + deepcopy(xs)
            setitem(table, "k", first)
            raise ValueError(xs)
        """
    assert changes(source, "f") == {("out", 7), ("it", 8), ("fp", 10), ("table", 12)}


def test_a_module_function_or_method_kept_in_a_name_is_looked_up_as_itself() -> None:
    source = """\
        import re

        def f(prefix, seen, item, base, obj):
            escape = re.escape
            add = seen.add
            pattern = escape(prefix)
            add(item)
            super(base, obj).__init__()
            return pattern, seen, item
        """
    # `re.escape` only reads; `seen.add` stores `item` and changes `seen` (and so `add`, which
    # holds a part of it); `super(…)` reads
    assert changes(source, "f") == {("seen", 7), ("add", 7)}


def test_methods_by_name_and_type() -> None:
    source = """\
        def f(x, y, parts, xs, other, obj):
            out = []
            out.append(x)
            obj.items.add(y)
            text = ", ".join(parts)
            list.append(xs, 1)
            str.join(", ", other)
            return out, x, y, parts, xs, other
        """
    # storing methods change the receiver, not what they store; `list.append(xs, …)` is a
    # method called through its class: its first argument is the receiver
    assert changes(source, "f") == {("out", 3), ("obj", 4), ("xs", 6)}


def test_names_of_immutable_types_are_never_changed() -> None:
    source = """\
        from somewhere import process

        def f(rows):
            n = len(rows)
            label = "total"
            process(n, label)
            return n, label
        """
    assert changes(source, "f") == set()


def test_a_rebound_name_is_not_the_builtin() -> None:
    source = """\
        def f(xs, len):
            size = len(xs)
            return xs, size
        """
    assert changes(source, "f") == {("xs", 2)}


def test_a_change_reaches_the_names_sharing_the_object() -> None:
    source = """\
        def normalise(row):
            row.sort()

        def f(rows):
            first = rows[0]
            normalise(first)
            return rows
        """
    assert changes(source, "f") == {("first", 6), ("rows", 6)}


def test_star_and_keyword_parameters_map_their_arguments() -> None:
    source = """\
        def drain_all(*queues):
            for q in queues:
                q.clear()

        def configure(name, **options):
            options["hooks"].append(name)

        def f(a, b, hooks, name):
            drain_all(a, b)
            configure(name, hooks=hooks)
            return a, b, hooks, name
        """
    assert changes(source, "f") == {("a", 9), ("b", 9), ("hooks", 10)}


def test_changing_a_loop_element_changes_its_container() -> None:
    source = """\
        def sort_rows(table):
            for row in table:
                row.sort()

        def clear_groups(groups):
            for name, members in sorted(groups.items()):
                members.clear()

        def f(table, groups, ids):
            sort_rows(table)
            clear_groups(groups)
            for i in ids:
                i.refresh()
            return table, groups
        """
    assert changes(source, "sort_rows") == {("row", 3), ("table", 3)}
    assert changes(source, "f") == {("table", 10), ("groups", 11), ("i", 13), ("ids", 13)}


def test_a_closure_changes_what_it_names_wherever_it_may_run() -> None:
    """A nested function handed to a call, and a lambda kept in a name when it is called or
    handed on, may change the objects they close over there (as lib2to3's test_refactor hands
    the code under test a function that appends to a list it reads afterwards)."""
    source = textwrap.dedent(
        """
        def f(tree, walk):
            sizes = {}
            def keep(node):
                sizes[node] = len(node)
            walk(tree, visit=keep)
            return max(sizes.values())

        def g(items, total):
            seen = []
            note = lambda x: seen.append(x)
            note(1)
            items.sort(key=note)
            return len(seen) + total
        """
    )
    module = analyze_source(source.encode())
    f_edges = {(e.var, e.def_line, e.use_line) for e in module.functions_named("f")[0].data_edges}
    assert ("sizes", 6, 7) in f_edges  # `walk(tree, visit=keep)` may store
    g_edges = {(e.var, e.def_line, e.use_line) for e in module.functions_named("g")[0].data_edges}
    assert {("seen", 12, 14), ("seen", 13, 14)} <= g_edges  # `note(1)`, and `key=note`
    changed = changes(source, "g")
    assert ("seen", 12) in changed and ("total", 12) not in changed  # only what it names


def test_every_lambda_a_name_may_hold_counts() -> None:
    """`note` holds the lambda on one branch and `print` on the other: the call that may run
    the lambda still changes what it closes over (the later binding does not hide it)."""
    source = """\
    def g(items, quiet):
        seen = []
        if quiet:
            note = lambda x: seen.append(x)
        else:
            note = print
        items.sort(key=note)
        return seen
    """
    assert ("seen", 7) in changes(source, "g")


CYCLE_FREE = """\
def walk(tree, seen):
    if tree in seen:
        return 0
    seen.add(tree)
    total = 0
    for child in tree.children:
        total += walk(child, seen)
    return total + count(tree)


def count(tree):
    n = 0
    for i in range(3):
        n += i
    return n


class Box:
    def __init__(self, items):
        self.items = items

    def grow(self, item):
        self.items.append(item)
        return walk(self, set())
"""


def test_a_modules_facts_are_freed_by_reference_counting_alone() -> None:
    """The module's scopes, graphs and summaries hold no reference back to the facts or to
    `ModuleCalls` (nor does the dataflow leave a self-calling closure behind): when the last
    facts object goes, everything goes at once, without waiting for the garbage collector,
    which otherwise spent a third of the analysis time on them."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds stays in gc.garbage to be looked at
    try:
        facts = analyze_source(CYCLE_FREE.encode())
        for function in facts.functions:
            function.compute_all()
        walk = facts.functions_named("walk")[0]
        assert walk.calls is not None and walk.graph.sites  # calls were resolved
        kinds = (type(walk), type(walk.calls), type(facts), type(walk.graph))
        del facts, function, walk
        gc.collect()  # only cyclic garbage is left for it to find
        left = [type(found).__name__ for found in gc.garbage if isinstance(found, kinds)]
        assert left == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
