"""Thin adapter: the domain's triage (knowledge.triage) as the HTTP response model."""

from api.triage.schemas import TriageResponse
from knowledge.triage import triage as domain_triage


def triage(*, text: str) -> TriageResponse:
    """Triage one complaint in the domain and hand it back in the API's response shape."""
    return TriageResponse.model_validate(domain_triage(text=text).model_dump())
