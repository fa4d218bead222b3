"""The one loader of the triage data (departments, categories, signals, labelled complaints), read once per process."""

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.triage.models import CategoryFile, Department, FactsFile, PiiFile, UrgencyFile

DATA = Path(__file__).resolve().parents[1] / "data"
TRIAGE = DATA / "triage"
DEPARTMENTS = TRIAGE / "departments.yml"

M = TypeVar("M", bound=BaseModel)


class TriageDataError(ValueError):
    """A triage data file is missing, malformed or inconsistent; the message names the file."""


def _read(path: Path, model: type[M]) -> M:
    """Parse one YAML file into its model, naming the file on failure."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise TriageDataError(f"{path}: {exc}") from exc


@lru_cache
def load_departments() -> dict[str, Department]:
    """Departments by canonical name (file order), from knowledge/data/triage/departments.yml."""
    path = DEPARTMENTS
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        deps = [Department.model_validate(d) for d in raw["departments"]]
    except (OSError, yaml.YAMLError, ValidationError, KeyError, TypeError) as exc:
        raise TriageDataError(f"{path}: {exc}") from exc
    return {d.name: d for d in deps}


@lru_cache
def load_categories() -> CategoryFile:
    """Categories, checked against the departments and duty ids they cite."""
    path = TRIAGE / "categories.yml"
    data = _read(path, CategoryFile)
    deps = load_departments()
    duty_ids = {duty.id for d in deps.values() for duty in d.duties}
    names = {c.name for c in data.categories}
    if data.fallback not in names:
        raise TriageDataError(f"{path}: fallback {data.fallback!r} is not a category")
    for cat in data.categories:
        cited = [cat.lead, *cat.assists, *(c.department for c in cat.conditional_assists)]
        for dep in cited:
            if dep not in deps:
                raise TriageDataError(f"{path}: {cat.name}: unknown department {dep!r}")
        for other in cat.not_with:
            if other not in names:
                raise TriageDataError(f"{path}: {cat.name}: unknown category {other!r} in not_with")
        for duty in [*cat.duties, *(c.duty for c in cat.conditional_assists)]:
            if duty not in duty_ids:
                raise TriageDataError(f"{path}: {cat.name}: unknown duty {duty!r}")
    return data


@lru_cache
def load_urgency() -> UrgencyFile:
    """Urgency signals and hedges, each signal group pointing at an existing category."""
    path = TRIAGE / "urgency.yml"
    data = _read(path, UrgencyFile)
    names = {c.name for c in load_categories().categories}
    for signal in data.signals:
        if signal.category not in names:
            raise TriageDataError(f"{path}: {signal.label}: unknown category {signal.category!r}")
    return data


@lru_cache
def load_pii_rules() -> PiiFile:
    """PII regexes and name rules."""
    return _read(TRIAGE / "pii.yml", PiiFile)


@lru_cache
def load_fact_rules() -> FactsFile:
    """Fact-extraction patterns."""
    return _read(TRIAGE / "facts.yml", FactsFile)


def duty_by_id() -> dict[str, tuple[str, str]]:
    """Map duty id → (department name, verbatim quote)."""
    return {
        duty.id: (dep.name, duty.quote)
        for dep in load_departments().values()
        for duty in dep.duties
    }


def department_names() -> tuple[str, ...]:
    """Canonical department names in file order: the one list accounts, routing and the model use."""
    return tuple(load_departments())


def department_aliases() -> dict[str, str]:
    """Every way of writing a department (name, short name, aliases) → its canonical name."""
    out: dict[str, str] = {}
    for dep in load_departments().values():
        for alias in (dep.name, dep.short, *dep.aliases):
            out.setdefault(alias, dep.name)
    return out
