"""Where scenarios come from: the built-ins, the team's scenario folder, or a file path.

Built-ins ship inside the package (``drillctl/builtin/scenarios``). The team folder is
``--scenarios-dir``, ``drill.scenarios_dir`` in drillctl.toml or ``DRILLCTL_SCENARIOS_DIR``; every
``*.yaml``/``*.yml`` in it is a scenario, and one named like a built-in replaces it. A scenario's
name is its ``name:`` field, not its file name; two files in one folder may not share a name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import yaml

from drillctl.core import inputs
from drillctl.core.errors import ConfigError, DrillError, Problem, ScenarioError
from drillctl.scenario.source import MAX_BYTES, Document, parse_document

if TYPE_CHECKING:
    from drillctl.scenario.model import ScenarioBase
    from drillctl.scenario.overrides import Assignment

# The scenario models (pydantic) are imported when a file is loaded, not with the catalog: `list`
# reads the built-ins without them (``Catalog.summaries``).

Origin = Literal["built-in", "custom", "file"]
_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader, where PyYAML has it
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Loaded:
    """A loaded scenario and where it came from."""

    scenario: ScenarioBase
    path: Path
    origin: Origin
    overrides_builtin: bool = False  # a custom file that replaces the built-in of the same name

    @property
    def source(self) -> str:
        return source_label(self.path, self.origin, self.overrides_builtin)


@dataclass(frozen=True)
class Summary:
    """What `list` shows of a scenario."""

    name: str
    severity: str
    faults: list[str]  # fault types, in the scenario's order
    path: Path
    origin: Origin
    overrides_builtin: bool = False

    @property
    def source(self) -> str:
        return source_label(self.path, self.origin, self.overrides_builtin)

    @classmethod
    def of(cls, item: Loaded) -> Summary:
        faults = [str(getattr(f, "type", "?")) for f in getattr(item.scenario, "faults", [])]
        severity, name = str(item.scenario.severity), item.scenario.name
        return cls(name, severity, faults, item.path, item.origin, item.overrides_builtin)


def source_label(path: Path, origin: Origin, overrides_builtin: bool) -> str:
    """Where a scenario comes from, as `list` says it."""
    if origin == "built-in":
        return "built-in"
    return f"{path} (overrides built-in)" if overrides_builtin else str(path)


@dataclass
class Listing:
    """Everything discovered: the scenarios that load, and the problems of those that do not."""

    scenarios: list[Loaded]
    problems: list[Problem]


def builtin_dir() -> Path:
    return Path(str(files("drillctl").joinpath("builtin", "scenarios")))


def scenario_files(folder: Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` entries of a folder, sorted (broken links too: they are errors)."""
    if not folder.is_dir():
        raise ConfigError(
            f"{folder}: scenario folder not found",
            hint="check --scenarios-dir / drill.scenarios_dir",
        )
    return sorted(
        p for p in folder.iterdir() if p.suffix in SUFFIXES and not p.name.startswith(".")
    )


def looks_like_path(ref: str) -> bool:
    return ref.endswith(SUFFIXES) or "/" in ref or Path(ref).is_file()


class Catalog:
    """Finds and loads scenarios; ``variables`` is the config/env layer (``Settings.vars``)."""

    def __init__(
        self,
        team_dir: Path | None,
        variables: Mapping[str, str] | None = None,
        builtins: Path | None = None,
    ) -> None:
        self.team_dir = team_dir
        self.variables = dict(variables or {})
        self.builtins = builtins or builtin_dir()

    def load(self, ref: str, sets: Sequence[Assignment] = ()) -> Loaded:
        """A scenario by name (custom first, then built-in) or by file path."""
        if looks_like_path(ref):
            path = Path(ref)
            return Loaded(self._load(path, sets), path, "file", self._shadows(path))
        custom = self._named(ref, self._team_files(), "custom")
        if custom:
            return Loaded(
                self._load(custom, sets), custom, "custom", self._builtin_named(ref) is not None
            )
        builtin = self._builtin_named(ref)
        if builtin:
            return Loaded(self._load(builtin, sets), builtin, "built-in")
        raise DrillError(f"no scenario named {ref!r}", hint=f"known: {', '.join(self.names())}")

    def listing(self) -> Listing:
        """Every built-in and custom scenario; a custom one replaces the built-in of its name."""
        builtins, problems = self._load_all(scenario_files(self.builtins), "built-in")
        custom, more = self._load_all(self._team_files(), "custom")
        return Listing(_custom_first(builtins, custom, lambda s: s.scenario.name), problems + more)

    def summaries(self) -> tuple[list[Summary], list[Problem]]:
        """``listing()`` as `list` shows it. The team's files are validated (problems come back
        with the rest); the built-ins are read, not validated: they ship with drillctl and its
        tests validate them, and validating them made every `list` import every fault type."""
        builtins = [_builtin_summary(path) for path in scenario_files(self.builtins)]
        custom, problems = self._load_all(self._team_files(), "custom")
        summaries = [Summary.of(c) for c in custom]
        return _custom_first(builtins, summaries, lambda s: s.name), problems

    def names(self) -> list[str]:
        found = {name for _, name in _names_in(scenario_files(self.builtins))}
        found |= {name for _, name in _names_in(self._team_files())}
        return sorted(found)

    # --- internals ---------------------------------------------------------------------------

    def _load(
        self, path: Path, sets: Sequence[Assignment] = (), among: frozenset[str] = frozenset()
    ) -> ScenarioBase:
        from drillctl.scenario.loader import load_path

        return load_path(path, variables=self.variables, sets=sets, among=among)[0]

    def _team_files(self) -> list[Path]:
        return scenario_files(self.team_dir) if self.team_dir else []

    def _builtin_named(self, name: str) -> Path | None:
        return self._named(name, scenario_files(self.builtins), "built-in")

    def _named(self, name: str, paths: list[Path], kind: str) -> Path | None:
        """The one file in ``paths`` whose ``name:`` is ``name``; two of them is an error."""
        hits = [path for path, found in _names_in(paths) if found == name]
        if len(hits) > 1:
            raise ScenarioError(duplicate_problems(hits, name))
        if not hits:  # a file that would not parse but is called NAME.yaml: show why
            broken = [p for p in paths if p.stem == name]
            if broken:
                self._load(broken[0])
        return hits[0] if hits else None

    def _load_all(self, paths: list[Path], origin: Origin) -> tuple[list[Loaded], list[Problem]]:
        loaded: list[Loaded] = []
        problems: list[Problem] = []
        among = _fault_types_in(paths) if paths else frozenset()
        for path in paths:
            try:
                loaded.append(Loaded(self._load(path, among=among), path, origin))
            except ScenarioError as exc:
                problems += exc.problems
        problems += check_unique_names(paths)
        return loaded, problems

    def _shadows(self, path: Path) -> bool:
        if self.team_dir is None or path.resolve().parent != self.team_dir.resolve():
            return False
        name = next((n for _, n in _names_in([path])), None)
        return name is not None and self._builtin_named(name) is not None


_Item = TypeVar("_Item", Loaded, Summary)


def _custom_first(
    builtins: list[_Item], custom: list[_Item], name: Callable[[_Item], str]
) -> list[_Item]:
    """Built-ins and custom scenarios by name; a custom one replaces (and is marked as replacing)
    the built-in of its name."""
    taken, builtin_names = {name(c) for c in custom}, {name(b) for b in builtins}
    merged = [b for b in builtins if name(b) not in taken]
    merged += [replace(c, overrides_builtin=name(c) in builtin_names) for c in custom]
    return sorted(merged, key=name)


def _names_in(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """(file, its ``name:``) for each file that parses; a cheap read without validation."""
    out = []
    for path in paths:
        doc = _peek(path)
        name = doc.data.get("name") if doc and isinstance(doc.data, dict) else None
        if isinstance(name, str):
            out.append((path, name))
    return out


def _builtin_summary(path: Path) -> Summary:
    """A built-in's row, read with libyaml: no positions needed (a built-in has no problems to
    locate), and the located parse of seven files was a tenth of `list`."""
    data = yaml.load(path.read_bytes(), Loader=_FAST) if path.is_file() else {}
    data = data if isinstance(data, dict) else {}
    faults = [f.get("type") if isinstance(f, dict) else None for f in data.get("faults") or []]
    name, severity = str(data.get("name", path.stem)), str(data.get("severity", "?"))
    return Summary(name, severity, [str(t or "?") for t in faults], path, "built-in")


def _fault_types_in(paths: Iterable[Path]) -> frozenset[str]:
    """The built-in fault types the files name, read without validation (``model.model_for``)."""
    from drillctl.scenario.model import fault_types

    docs = (_peek(path) for path in paths)
    return frozenset().union(*(fault_types(doc.data) or () for doc in docs if doc))


def _peek(path: Path) -> Document | None:
    try:
        doc, problems = parse_document(inputs.read_bytes(path, limit=MAX_BYTES), str(path))
    except ScenarioError:
        return None
    return None if problems else doc


def check_unique_names(paths: Iterable[Path]) -> list[Problem]:
    """Two files of one folder with the same ``name:``: one problem per extra file."""
    by_folder: dict[tuple[Path, str], list[Path]] = {}
    for path, name in _names_in(paths):
        by_folder.setdefault((path.parent.resolve(), name), []).append(path)
    return [
        p
        for (_, name), hits in by_folder.items()
        if len(hits) > 1
        for p in duplicate_problems(hits, name)
    ]


def duplicate_problems(paths: list[Path], name: str) -> list[Problem]:
    first, *others = sorted(paths)
    problems = []
    for path in others:
        doc = _peek(path)
        mark = doc.mark_for(("name",)) if doc else None
        line, col = (mark.line, mark.col) if mark else (1, 1)
        problems.append(
            Problem(
                str(path),
                line,
                col,
                "name",
                f"duplicate scenario name {name!r}: {first.name} in the same folder has it",
            )
        )
    return problems
