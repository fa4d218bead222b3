"""Knowledge endpoints: public search and lookup, and the internal answer used by the action server."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api.auth.deps import require_roles
from api.deps import ServiceAuth, SettingsDep
from api.kb import service
from api.kb.schemas import (
    AnswerRead,
    AnswerRequest,
    EntryRead,
    FlowRoute,
    SearchResults,
    SourcesOverview,
)

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])
internal_router = APIRouter(prefix="/api/internal", tags=["internal"], dependencies=[ServiceAuth])
admin_router = APIRouter(
    prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_roles("admin"))]
)


@admin_router.get("/sources", response_model=SourcesOverview)
def sources() -> SourcesOverview:
    """Admins see which sources are in force, when each was last checked, and what needs updating."""
    return service.sources_overview()


@router.get("/search", response_model=SearchResults)
def search_entries(
    q: Annotated[str, Query(min_length=1, max_length=200, description="查询词，例如「陪产假」")],
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> SearchResults:
    """Operators search the knowledge base directly."""
    return service.search(query=q, limit=limit)


@router.get(
    "/{entry_id}", response_model=EntryRead, responses={404: {"description": "没有这个条目"}}
)
def get_entry(entry_id: str) -> EntryRead:
    """One entry with its quoted clause and section path."""
    return service.get_entry(entry_id=entry_id)


@internal_router.post("/answer", response_model=AnswerRead)
def answer(body: AnswerRequest, settings: SettingsDep) -> AnswerRead:
    """The cited answer for the action server (service token required)."""
    return service.answer(request=body, settings=settings)


@internal_router.post("/flow-route/{flow}", response_model=FlowRoute)
def flow_route(
    flow: Literal["complaint", "operator_guide", "leave_calculator"],
    body: AnswerRequest,
    settings: SettingsDep,
) -> FlowRoute:
    """Start the flow, or answer the one question it really is (service token required)."""
    return service.route_flow(request=body, flow=flow, settings=settings)
