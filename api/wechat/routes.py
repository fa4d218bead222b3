"""GET/POST /wechat: the 公众号 server-verification handshake and message callback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from wechatpy import parse_message

from api.config import get_settings
from api.deps import EngineDep
from api.wechat.codec import PushParams, RejectedPush
from api.wechat.config import MAX_BODY_BYTES, can_push
from api.wechat.service import WeChatChannel, build_channel

logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Build the channel at startup, saying which settings are missing; let late answers finish on stop."""
    settings = get_settings()
    channel = build_channel(settings)
    app.state.wechat_channel = channel
    if channel.missing:
        logger.warning(
            "wechat: channel not configured, missing settings: %s", ", ".join(channel.missing)
        )
    elif not can_push(settings):
        logger.info(
            "wechat: no WECHAT_APPID/WECHAT_APPSECRET; slow answers are delivered with the next message"
        )
    yield
    await channel.aclose()


router = APIRouter(tags=["wechat"], lifespan=lifespan)


def get_channel(request: Request) -> WeChatChannel:
    """The app's channel (built lazily if the app was started without this router's lifespan)."""
    channel = getattr(request.app.state, "wechat_channel", None)
    if channel is None:
        channel = request.app.state.wechat_channel = build_channel(get_settings())
    return channel


ChannelDep = Annotated[WeChatChannel, Depends(get_channel)]


def _params(
    signature: str, timestamp: str, nonce: str, encrypt_type: str = "", msg_signature: str = ""
) -> PushParams:
    return PushParams(
        signature=signature,
        timestamp=timestamp,
        nonce=nonce,
        encrypt_type=encrypt_type,
        msg_signature=msg_signature,
    )


def _not_configured(channel: WeChatChannel) -> Response:
    return PlainTextResponse(
        f"WeChat channel not configured: missing {', '.join(channel.missing)}; set them in the environment.",
        status_code=503,
    )


def _rejected(error: RejectedPush, request: Request) -> Response:
    """Log why (never the payload) and answer with the status only."""
    client = request.client.host if request.client else "?"
    logger.warning("wechat: rejected %s from %s: %s", request.method, client, error.reason)
    return PlainTextResponse(
        "forbidden" if error.status == 403 else "bad request", status_code=error.status
    )


@router.get("/wechat", response_class=PlainTextResponse, include_in_schema=False)
async def handshake(
    request: Request,
    channel: ChannelDep,
    signature: str = "",
    timestamp: str = "",
    nonce: str = "",
    echostr: str = "",
) -> Response:
    """Server verification: a valid signature is answered with echostr."""
    if channel.codec is None:
        return _not_configured(channel)
    try:
        channel.codec.verify(_params(signature, timestamp, nonce))
    except RejectedPush as error:
        return _rejected(error, request)
    return PlainTextResponse(echostr)


@router.post("/wechat", include_in_schema=False)
async def receive(
    request: Request,
    channel: ChannelDep,
    engine: EngineDep,
    signature: str = "",
    timestamp: str = "",
    nonce: str = "",
    encrypt_type: str = "",
    msg_signature: str = "",
) -> Response:
    """A user message or event: answered with a passive XML reply (encrypted if it came encrypted)."""
    if channel.codec is None:
        return _not_configured(channel)
    body = await request.body()
    params = _params(signature, timestamp, nonce, encrypt_type, msg_signature)
    try:
        if len(body) > MAX_BODY_BYTES:
            raise RejectedPush(413, "push too large")
        xml = channel.codec.open(body, params)
        try:
            message = parse_message(xml)
        except Exception as error:  # xmltodict/expat errors, missing MsgType
            raise RejectedPush(400, f"unparseable push ({type(error).__name__})") from error
        if message is None:
            raise RejectedPush(400, "empty push")
    except RejectedPush as error:
        return _rejected(error, request)
    reply = await channel.respond(message, engine=engine)
    sealed = channel.codec.seal(reply, params)
    media = "application/xml" if sealed.startswith("<xml>") else "text/plain"
    return Response(sealed, media_type=media)
