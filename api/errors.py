"""Typed errors of the app and how they map to HTTP responses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class AppError(Exception):
    """Base for errors that carry their own HTTP status and a message a person can read."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(AppError):
    status_code = 404


class Unauthorized(AppError):
    status_code = 401


class Forbidden(AppError):
    status_code = 403


class Conflict(AppError):
    status_code = 409


class EngineUnavailable(AppError):
    """Rasa or the action server cannot answer now."""

    status_code = 503


_FIELD_NAMES = {"text": "消息内容", "sender_id": "会话编号", "q": "查询词"}


def _describe(errors: list[dict]) -> str:
    """One Chinese sentence per problem, so callers see what to fix."""
    parts = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        field = _FIELD_NAMES.get(loc[-1], loc[-1]) if loc else "请求"
        kind = error.get("type", "")
        if kind == "missing":
            parts.append(f"缺少{field}")
        elif kind in ("string_too_short", "too_short"):
            parts.append(f"{field}不能为空")
        elif kind in ("string_too_long", "too_long"):
            limit = (error.get("ctx") or {}).get("max_length")
            parts.append(f"{field}太长（最多 {limit} 个字）" if limit else f"{field}太长")
        elif kind == "string_pattern_mismatch":
            parts.append(f"{field}不能为空白，也不能包含非法字符")
        elif kind == "json_invalid":
            parts.append("请求不是合法的 JSON")
        else:
            parts.append(f"{field}格式不正确")
    return "；".join(dict.fromkeys(parts)) or "请求格式不正确"


VALIDATION_ERROR_SCHEMA = {
    "title": "HTTPValidationError",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "中文说明"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["detail"],
}


def _document_validation_errors(app: FastAPI) -> None:
    """The OpenAPI schema says what a 422 really looks like here (a Chinese `detail` string + `errors`)."""
    default_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = default_openapi()
        schema.setdefault("components", {}).setdefault("schemas", {})["HTTPValidationError"] = (
            VALIDATION_ERROR_SCHEMA
        )
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    """Map typed errors and validation errors to JSON with a Chinese `detail`."""
    _document_validation_errors(app)

    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail})

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = jsonable_encoder(exc.errors(), custom_encoder={Exception: str})
        for error in errors:
            error.pop("input", None)  # never echo (possibly personal) input back
        return JSONResponse(
            status_code=422, content={"detail": _describe(errors), "errors": errors}
        )
