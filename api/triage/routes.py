"""HTTP surface of triage: POST /api/triage."""

import logging

from fastapi import APIRouter

from api.auth.deps import StaffOrService
from api.triage.pii import mask_pii
from api.triage.schemas import TriageRequest, TriageResponse
from api.triage.service import triage

logger = logging.getLogger(__name__)

# a staff session/bearer token or the service token (action server) is required
router = APIRouter(prefix="/api", tags=["triage"], dependencies=[StaffOrService])


@router.post("/triage", response_model=TriageResponse, response_model_exclude_none=True)
def post_triage(body: TriageRequest) -> TriageResponse:
    """Route a complaint to its lead and assisting departments; logs only masked text."""
    result = triage(text=body.text)
    logger.info(
        "triage category=%s lead=%s urgency=%s text=%s",
        result.category,
        result.departments[0].name,
        result.urgency,
        mask_pii(body.text)[:200],
    )
    return result
