"""Complaint triage: route a free-text complaint to the departments named by 攀仁府办〔2020〕128号."""

from knowledge.triage.assign import category_for, category_names, departments_for, triage
from knowledge.triage.models import LabelledComplaint, TriageResult

__all__ = [
    "LabelledComplaint",
    "TriageResult",
    "category_for",
    "category_names",
    "departments_for",
    "triage",
]
