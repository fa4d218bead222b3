"""HTTP surface of triage: POST /api/triage (staff on the public app, service token internally)."""

import logging

from fastapi import APIRouter, Depends

from api.auth.deps import current_principal
from api.deps import ServiceAuth
from api.triage.schemas import TriageRequest, TriageResponse
from api.triage.service import triage
from knowledge.triage.pii import mask_pii

logger = logging.getLogger(__name__)

# public app: a staff session/bearer token; internal listener: the service token (action server)
router = APIRouter(prefix="/api", tags=["triage"], dependencies=[Depends(current_principal)])
internal_router = APIRouter(prefix="/api", tags=["triage (internal)"], dependencies=[ServiceAuth])
# the action server's contract: every call it makes is under /api/internal
actions_router = APIRouter(
    prefix="/api/internal", tags=["triage (actions)"], dependencies=[ServiceAuth]
)


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


for _router in (router, internal_router, actions_router):
    _router.add_api_route(
        "/triage",
        post_triage,
        methods=["POST"],
        response_model=TriageResponse,
        response_model_exclude_none=True,
    )
