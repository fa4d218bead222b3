"""POST /api/chat: the web chat's gateway to the conversation engine."""

from __future__ import annotations

from fastapi import APIRouter

from api.chat import service
from api.chat.schemas import ChatRequest, ChatResponse
from api.deps import EngineDep, SettingsDep

router = APIRouter(prefix="/api", tags=["chat"])


@router.post(
    "/chat",
    response_model=ChatResponse,
    response_model_exclude_none=True,
    responses={422: {"description": "输入不合法"}},
)
async def chat(body: ChatRequest, engine: EngineDep, settings: SettingsDep) -> ChatResponse:
    """Send one message and get the turn's replies with citations (from the knowledge base alone while the engine is down)."""
    return await service.converse(
        engine=engine, settings=settings, sender_id=body.sender_id, text=body.text
    )
