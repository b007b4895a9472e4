"""The packages of chalicelib depend on each other one way: no package reaches back into one that needs it.

Dependencies are read from the source, as a newcomer reads them: every `chalicelib.<package>` a module imports,
or names as a lazily loaded module (`lazy_module`, `Schemas`), since both are calls at run time.
"""
import re
from collections import defaultdict
from pathlib import Path

LIB = Path(__file__).resolve().parents[2] / "chalicelib"
NAMED = re.compile(r"^\s*(?:from|import) chalicelib\.([a-z_]+)|(?:lazy_module|Schemas)\(\s*\"chalicelib\.([a-z_]+)", re.M)
# Cycles older than this test, each a known debt: the test fails on any other, and on one of these growing.
KNOWN = {
    frozenset({"core", "db"}): "core's request path reads API keys, audit and idempotency records (db), whose "
                               "pages and settings are core's",
    frozenset({"patients", "visits"}): "a visit's check-in reads the patient's coverage and eligibility; a patient's "
                                       "eligibility check names its visit",
    frozenset({"claims", "tasks"}): "a claim's move closes its tasks (claims/open_tasks.py); the task list shows "
                                    "their claims",
}


def dependencies() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module in LIB.rglob("*.py"):
        package = module.relative_to(LIB).parts[0]
        if package.endswith(".py"):
            continue
        named = {static or lazy for static, lazy in NAMED.findall(module.read_text())}
        graph[package] |= named - {package}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def test_no_package_depends_on_one_that_depends_on_it_beyond_the_known_debts():
    assert set(cycles(dependencies())) <= set(KNOWN), "a new import cycle between chalicelib packages"


def test_the_claim_packages_depend_one_way():
    graph = dependencies()
    # edi writes what claims hold; scrubbing judges it; claims build and keep it; submission and tracking move it
    order = ["edi", "scrubbing", "claims", "submission", "tracking", "jobs"]
    for lower, package in enumerate(order):
        for higher in order[lower + 1:]:
            assert higher not in graph[package], f"{package} depends on {higher}, which depends on it"


def test_the_cycle_finder_finds_a_cycle_through_three_packages():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset("abc")]
