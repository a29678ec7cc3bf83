"""Print drillctl's package-level import graph and its cycles (a cross-check of `lint-imports`).

    .venv/bin/python bench/package_graph.py [importer:imported ...]

Each line is a package and the packages it imports; the pairs given as arguments list the module
imports behind that arrow. The last line names every strongly connected component (a cycle).
"""

from __future__ import annotations

import collections
import sys

import grimp


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "<root>"


def package_edges(graph: grimp.ImportGraph) -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            pair = (package_of(module), package_of(imported))
            if pair[0] != pair[1]:
                edges[pair].append(f"{module} -> {imported}")
    return edges


def cycles(successors: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one package."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in successors.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while (top := stack.pop()) != node:
                component.append(top)
            if component:
                found.append(sorted([*component, node]))

    for node in list(successors):
        if node not in index:
            visit(node)
    return found


def main(pairs: list[str]) -> None:
    edges = package_edges(grimp.build_graph("drillctl"))
    successors: dict[str, set[str]] = collections.defaultdict(set)
    for importer, imported in edges:
        successors[importer].add(imported)
    for package in sorted(successors):
        print(package, "->", ", ".join(sorted(successors[package])))
    for pair in pairs:
        importer, imported = pair.split(":")
        print(f"--- {importer} -> {imported}", *sorted(edges[(importer, imported)]), sep="\n")
    print("package cycles:", cycles(successors) or "none")


if __name__ == "__main__":
    main(sys.argv[1:])
