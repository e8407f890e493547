"""The indicator catalogue: agreements, measures and definitions read from YAML and checked.

Every check is a small function returning problems with file and line. A definition with an
error is disabled and listed; the rest of the catalogue stays usable, so one typing error
never stops the app.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from catalogue.model import (
    Agreement,
    Bounds,
    Definition,
    Measure,
    Problem,
    YamlFile,
    read_yaml,
)

CATALOGUE_DIR = Path(__file__).resolve().parent


def _agreement_ids() -> tuple[str, tuple[str, ...]]:
    """The agreement in force (the one without an end date, else the newest) and every
    agreement's id, newest first, as agreements.yaml says: no agreement year is written in
    code anywhere (the architecture test checks it)."""
    data = yaml.safe_load((CATALOGUE_DIR / "agreements.yaml").read_text(encoding="utf-8"))
    listed = sorted(data["agreements"], key=lambda a: str(a["valid_from"]), reverse=True)
    in_force = [str(a["id"]) for a in listed if a.get("valid_to") is None]
    return (in_force or [str(listed[0]["id"])])[0], tuple(str(a["id"]) for a in listed)


CURRENT_AGREEMENT, AGREEMENT_IDS = _agreement_ids()
NUMBER_WORDS = {3: "tre", 4: "fyra", 5: "fem", 6: "sex", 7: "sju", 8: "åtta", 9: "nio", 10: "tio"}
SURVEY_TYPES = {"share", "mean", "index"}
MEASURE_KIND_FOR_TYPE = {
    "count": "count",
    "rate": "count",
    "share": "share",
    "mean": "index",
    "index": "index",
    "published_rate": "rate",
}


@dataclass
class Catalogue:
    agreements: dict[str, Agreement] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    age_groups: list[str] = field(default_factory=list)
    bounds: Bounds = field(default_factory=Bounds)
    definitions: dict[str, Definition] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    disabled: dict[str, list[Problem]] = field(default_factory=dict)  # file → its errors

    @property
    def ok(self) -> bool:
        return not any(p.level == "error" for p in self.problems)

    def agreement_name(self, agreement: str = CURRENT_AGREEMENT) -> str:
        """ "Överenskommelsen 2024", as every page, pack and document names it."""
        return f"Överenskommelsen {agreement}"

    def agreement_label(self, agreement: str = CURRENT_AGREEMENT) -> str:
        """ "Överenskommelsen 2024 (fem prioriterade områden)"."""
        found = self.agreements.get(agreement)
        if found is None:
            return self.agreement_name(agreement)
        count = NUMBER_WORDS.get(len(found.areas), str(len(found.areas)))
        return f"{self.agreement_name(agreement)} ({count} prioriterade områden)"

    def area_title(self, area_id: str, agreement: str = CURRENT_AGREEMENT) -> str:
        for area in self.agreements[agreement].areas:
            if area.id == area_id:
                return area.title
        raise KeyError(area_id)

    def areas(self, agreement: str = CURRENT_AGREEMENT) -> list[tuple[str, str]]:
        return [(a.id, a.title) for a in self.agreements[agreement].areas]

    def successors(self, old_area: str) -> list[str]:
        """The 2024 areas an area of an earlier agreement became (empty: line work)."""
        for agreement in self.agreements.values():
            for area in agreement.areas:
                if area.id == old_area:
                    return list(area.successors or [])
        raise KeyError(old_area)

    def indicators_for(self, area_id: str, agreement: str = CURRENT_AGREEMENT) -> list[str]:
        """Indicator ids of an area; for an earlier agreement, through the crosswalk."""
        current = agreement == CURRENT_AGREEMENT
        targets = {area_id} if current else set(self.successors(area_id))
        return sorted(i for i, d in self.definitions.items() if targets & set(d.areas))


def _load_agreements(file: YamlFile, catalogue: Catalogue) -> list[Problem]:
    problems: list[Problem] = []
    items = (file.data or {}).get("agreements") if isinstance(file.data, dict) else None
    if not isinstance(items, list):
        return [file.problem((), "expected a list under 'agreements'")]
    for i, item in enumerate(items):
        try:
            agreement = Agreement.model_validate(item)
        except ValidationError as exc:
            problems += file.validation_problems(exc, ("agreements", i))
            continue
        catalogue.agreements[agreement.id] = agreement
    if CURRENT_AGREEMENT not in catalogue.agreements:
        problems.append(file.problem((), f"the {CURRENT_AGREEMENT} agreement is missing"))
        return problems
    current = {a.id for a in catalogue.agreements[CURRENT_AGREEMENT].areas}
    for i, item in enumerate(items):
        agreement = (
            catalogue.agreements.get(str(item.get("id"))) if isinstance(item, dict) else None
        )
        if agreement is None or agreement.id == CURRENT_AGREEMENT:
            continue
        for j, area in enumerate(agreement.areas):
            where = ("agreements", i, "areas", j)
            if area.successors is None:
                problems.append(
                    file.problem(where, f"area {area.id}: say its successors ([] for line work)")
                )
                continue
            for successor in area.successors:
                if successor not in current:
                    problems.append(
                        file.problem(
                            (*where, "successors"),
                            f"area {area.id}: successor {successor!r} is not an area of the "
                            f"{CURRENT_AGREEMENT} agreement ({', '.join(sorted(current))})",
                        )
                    )
    return problems


MEASURES_FILE = CATALOGUE_DIR / "measures.yaml"


def declared_measures(path: Path = MEASURES_FILE) -> list[Measure]:
    """The measures measures.yaml declares (those that pass the model; ``python -m
    indicators check`` names the others), for the store's measure table to follow."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = []
    for item in data.get("measures") or []:
        try:
            found.append(Measure.model_validate(item))
        except ValidationError:
            continue
    return found


def _load_measures(file: YamlFile, catalogue: Catalogue) -> list[Problem]:
    problems: list[Problem] = []
    items = file.data.get("measures") if isinstance(file.data, dict) else None
    if not isinstance(items, list):
        return [file.problem((), "expected a list under 'measures'")]
    ages = file.data.get("age_groups", [])
    if not isinstance(ages, list) or not all(isinstance(a, str) for a in ages):
        problems.append(file.problem(("age_groups",), "age_groups must be a list of texts"))
    else:
        catalogue.age_groups = list(ages)
    try:
        catalogue.bounds = Bounds.model_validate(file.data.get("bounds") or {})
    except ValidationError as exc:
        problems += file.validation_problems(exc, ("bounds",))
    for i, item in enumerate(items):
        try:
            measure = Measure.model_validate(item)
        except ValidationError as exc:
            problems += file.validation_problems(exc, ("measures", i))
            continue
        if measure.id in catalogue.measures:
            problems.append(file.problem(("measures", i), f"measure {measure.id} twice"))
        catalogue.measures[measure.id] = measure
    for i, item in enumerate(items):
        measure = catalogue.measures.get(str(item.get("id"))) if isinstance(item, dict) else None
        if measure is None or measure.part_of is None:
            continue
        parent = catalogue.measures.get(measure.part_of)
        if parent is None or parent.source != measure.source or parent.kind != measure.kind:
            problems.append(
                file.problem(
                    ("measures", i, "part_of"),
                    f"part_of {measure.part_of!r}: expected a measure of the same source and kind",
                )
            )
    return problems


def check_definition(
    file: YamlFile,
    definition: Definition,
    catalogue: Catalogue,
    known_region: Callable[[str], bool] | None,
) -> list[Problem]:
    """The rules a single valid definition must also meet against the rest of the catalogue:
    where it lies, what its type needs of its measures, its breakdowns and levels, its
    targets (each problem with its file and line)."""
    return [
        *_check_place(file, definition, catalogue),
        *_check_measures(file, definition, catalogue),
        *_check_levels(file, definition, known_region),
        *_check_targets(file, definition, known_region),
    ]


def _check_place(file: YamlFile, definition: Definition, catalogue: Catalogue) -> list[Problem]:
    """The id is the file's name, the areas are the agreement in force's, the folder the
    first area."""
    problems: list[Problem] = []
    if file.path.stem != definition.id:
        problems.append(file.problem(("id",), f"id {definition.id!r} differs from the file name"))
    areas = {a.id for a in catalogue.agreements[CURRENT_AGREEMENT].areas}
    for i, area in enumerate(definition.areas):
        if area not in areas:
            problems.append(
                file.problem(
                    ("areas", i),
                    f"area {area!r} is not an area of the {CURRENT_AGREEMENT} agreement "
                    f"({', '.join(sorted(areas))})",
                )
            )
    if file.path.parent.name != definition.areas[0]:
        problems.append(
            file.problem(
                ("areas", 0),
                f"the file lies in {file.path.parent.name}/ but its first area is "
                f"{definition.areas[0]!r}",
            )
        )
    return problems


def _check_measures(file: YamlFile, definition: Definition, catalogue: Catalogue) -> list[Problem]:
    """A rate has its denominator; each measure is declared, of the kind the type needs and
    from the indicator's source."""
    problems: list[Problem] = []
    if definition.type == "rate" and (definition.denominator is None or definition.per is None):
        problems.append(
            file.problem(
                ("type",), "a rate needs 'denominator: population' and 'per' (1000 or 100000)"
            )
        )
    if definition.type != "rate" and definition.denominator is not None:
        problems.append(
            file.problem(
                ("denominator",), f"a denominator belongs to rates, not to {definition.type}"
            )
        )
    wanted_kind = MEASURE_KIND_FOR_TYPE[definition.type]
    for i, measure_id in enumerate(definition.measures):
        measure = catalogue.measures.get(measure_id)
        if measure is None:
            problems.append(
                file.problem(("measures", i), f"measure {measure_id!r} is not in measures.yaml")
            )
        elif measure.kind != wanted_kind:
            problems.append(
                file.problem(
                    ("measures", i),
                    f"measure {measure_id} is a {measure.kind}; type {definition.type} needs "
                    f"a {wanted_kind}",
                )
            )
        elif measure.source != definition.source:
            problems.append(
                file.problem(
                    ("measures", i),
                    f"measure {measure_id} comes from {measure.source}, not {definition.source}",
                )
            )
    return problems


def _check_levels(
    file: YamlFile, definition: Definition, known_region: Callable[[str], bool] | None
) -> list[Problem]:
    """A survey indicator splits by sex; absent means zero for counts only; a comparison
    with municipalities names known ones and has the level."""
    problems: list[Problem] = []
    if definition.type in SURVEY_TYPES and "sex" not in definition.breakdowns:
        problems.append(
            file.problem(("breakdowns",), "a survey indicator must support the breakdown by sex")
        )
    if definition.absent_is_zero and definition.type != "count":
        problems.append(file.problem(("absent_is_zero",), "absent_is_zero is for counts only"))
    if definition.comparison and "municipality" not in definition.levels:
        problems.append(
            file.problem(("comparison",), "comparison needs 'municipality' among the levels")
        )
    for i, code in enumerate(definition.comparison):
        if known_region is not None and not known_region(code):
            problems.append(
                file.problem(("comparison", i), f"{code!r} is not a known municipality code")
            )
    return problems


def _check_targets(
    file: YamlFile, definition: Definition, known_region: Callable[[str], bool] | None
) -> list[Problem]:
    """A target applies before its year, for the city, all districts or a known one."""
    problems: list[Problem] = []
    for i, target in enumerate(definition.targets):
        if target.applies_from.year > target.year:
            problems.append(
                file.problem(
                    ("targets", i, "applies_from"),
                    f"the target for {target.year} cannot apply only from {target.applies_from}",
                )
            )
        if (
            known_region is not None
            and target.scope not in ("city", "all")
            and not known_region(target.scope)
        ):
            problems.append(
                file.problem(
                    ("targets", i, "scope"),
                    f"scope {target.scope!r} is not 'city', 'all' or a known district",
                )
            )
    return problems


SOURCES_FILE = CATALOGUE_DIR.parent / "data" / "reference" / "sources.yaml"


def protected_sources(path: Path = SOURCES_FILE) -> set[str]:
    """The sources declared ``disclosure: protected`` (the city's surveys and registers,
    uploads): their small figures are hidden (indicators.disclosure)."""
    try:
        # libyaml (PyYAML's C binding): the same safe loading, many times faster
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    except OSError:
        return set()
    return {str(s["id"]) for s in data.get("sources", []) if s.get("disclosure") == "protected"}


def _check_protected_overlaps(catalogue: Catalogue) -> None:
    """Two definitions of a protected source over measure sets that overlap but differ (A+B
    and A), or over parts of one measure (3–7 kap. and 3 kap., ``part_of``), would be
    protected each on its own, and their difference could narrow a hidden figure down: the
    second is disabled with the reason."""
    protected = protected_sources()

    def root(measure: str) -> str:  # the top of a part_of tree (3–7 kap. for 3 kap.)
        seen_here = {measure}
        while (found := catalogue.measures.get(measure)) is not None and found.part_of:
            measure = found.part_of
            if measure in seen_here:
                break
            seen_here.add(measure)
        return measure

    seen: dict[frozenset[str], tuple[frozenset[str], str]] = {}  # measures → (roots, id)
    for indicator, definition in sorted(catalogue.definitions.items()):
        if definition.source not in protected or definition.type == "published_rate":
            continue
        mine = frozenset(definition.measures)
        roots = frozenset(root(m) for m in mine)
        clash = next((other for measures, (their_roots, other) in seen.items()
                      if measures != mine and (measures & mine or their_roots & roots)),
                     None)  # fmt: skip
        if clash is None:
            seen.setdefault(mine, (roots, indicator))
            continue
        problem = Problem(
            catalogue.files[indicator], None,
            f"measures overlap those of {clash}, or are parts of the same measure "
            f"({definition.source} is protected): the two "
            "would be protected apart and their difference could give a hidden figure away; "
            "use the same measures or none in common",
        )  # fmt: skip
        catalogue.problems.append(problem)
        catalogue.disabled[catalogue.files[indicator]] = [problem]
        del catalogue.definitions[indicator]


# The catalogue read last, under the signature of its files (see current_catalogue).
_CURRENT: dict[Path, tuple[tuple[tuple[str, int, int], ...], Catalogue]] = {}


def current_catalogue(root: Path = CATALOGUE_DIR) -> Catalogue:
    """:func:`load_catalogue` of ``root``, read again only when one of its files, or the
    sources' file, changed (time or size): a command line that checks a load against the
    catalogue and then refreshes the results reads it once. The same object is handed to
    every caller: read it, never change it."""
    paths = [*sorted(root.rglob("*.yaml")), SOURCES_FILE]
    signature = tuple(
        (str(p), s.st_mtime_ns, s.st_size) for p in paths if (s := _stat(p)) is not None
    )
    known = _CURRENT.get(root)
    if known is not None and known[0] == signature:
        return known[1]
    catalogue = load_catalogue(root)
    _CURRENT[root] = (signature, catalogue)
    return catalogue


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def load_catalogue(
    root: Path = CATALOGUE_DIR, known_region: Callable[[str], bool] | None = None
) -> Catalogue:
    """Read and check everything; never raises for a problem in the files."""
    catalogue = Catalogue()
    for name, loader in (("agreements.yaml", _load_agreements), ("measures.yaml", _load_measures)):
        file, problems = read_yaml(root / name, root)
        catalogue.problems += problems
        if file is not None:
            catalogue.problems += loader(file, catalogue)
    if CURRENT_AGREEMENT not in catalogue.agreements:
        return catalogue

    seen: dict[str, str] = {}
    for path in sorted((root / "definitions").rglob("*.yaml")):
        file, problems = read_yaml(path, root)
        if file is None:
            catalogue.problems += problems
            catalogue.disabled[str(path.relative_to(root))] = problems
            continue
        try:
            definition = Definition.model_validate(file.data)
        except ValidationError as exc:
            problems = file.validation_problems(exc)
        else:
            problems = check_definition(file, definition, catalogue, known_region)
            if definition.id in seen:
                problems.append(
                    file.problem(
                        ("id",), f"id {definition.id} is also used by {seen[definition.id]}"
                    )
                )
        catalogue.problems += problems
        if problems:
            catalogue.disabled[file.name] = problems
            continue
        seen[definition.id] = file.name
        catalogue.definitions[definition.id] = definition
        catalogue.files[definition.id] = file.name
    for indicator, definition in list(catalogue.definitions.items()):
        if definition.beside is not None and definition.beside not in catalogue.definitions:
            catalogue.problems.append(
                Problem(
                    catalogue.files[indicator],
                    None,
                    f"beside: {definition.beside!r} is not an indicator (not shown beside)",
                    level="warning",
                )
            )
            catalogue.definitions[indicator] = definition.model_copy(update={"beside": None})
    _check_protected_overlaps(catalogue)
    for area_id, _ in catalogue.areas():
        count = len(catalogue.indicators_for(area_id))
        if count < 3:
            catalogue.problems.append(
                Problem("definitions", None, f"area {area_id} has {count} indicators (3 or more)",
                        level="warning")
            )  # fmt: skip
    return catalogue
