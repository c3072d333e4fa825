"""The shape of a request: instructor's mode for each --mode, the schema a mode sends, the output-token limit,
the request body (for the Batch API), and instructor's per-model work done once per process.

instructor is imported inside the functions that need it, so importing this module is cheap.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from ..config.settings import Settings

__all__ = [
    "chat_request_body",
    "check_async_validators_once",
    "instructor_mode",
    "output_limit",
    "schema_request",
    "wrapped_model",
]

T = TypeVar("T", bound=BaseModel)


def instructor_mode(name: str) -> Any:
    """instructor's Mode for one of brief's --mode names."""
    import instructor

    return {
        "tools": instructor.Mode.TOOLS,
        "json": instructor.Mode.JSON,
        "md_json": instructor.Mode.MD_JSON,
        "json_schema": instructor.Mode.JSON_SCHEMA,
        "json_object_schema": instructor.Mode.JSON,
    }[name]


def schema_request(mode: str, response_model: type[BaseModel]) -> dict[str, Any]:
    """What a mode adds to instructor's request: for `json_object_schema` (llama.cpp's servers), instructor's JSON mode
    with the answer's JSON Schema in `response_format`, so the server decodes only JSON that fits it."""
    if mode != "json_object_schema":
        return {}
    return {"extra_body": {"response_format": {"type": "json_object", "schema": response_model.model_json_schema()}}}


def output_limit(settings: Settings) -> dict[str, int]:
    """The request's output-token limit: `max_completion_tokens` for OpenAI and Azure (newer models refuse
    `max_tokens`), `max_tokens` for every other server (local servers know only that name)."""
    if not settings.max_output_tokens:
        return {}
    openai_like = settings.provider in ("openai", "azure") or (settings.provider is None and not settings.base_url)
    return {"max_completion_tokens" if openai_like else "max_tokens": settings.max_output_tokens}


def chat_request_body(
    settings: Settings, response_model: type[BaseModel], messages: list[dict[str, str]]
) -> dict[str, Any]:
    """The JSON body `complete` sends for these messages (model, messages, tools or response format), e.g. for the Batch API."""
    from instructor.processing.response import handle_response_model

    mode = instructor_mode(settings.mode)
    _, kwargs = handle_response_model(response_model, mode=mode, messages=[dict(m) for m in messages])
    return {
        "model": settings.model,
        **kwargs,
        **output_limit(settings),
        **schema_request(settings.mode, response_model).get("extra_body", {}),
    }


_WRAPPED: dict[type, Any] = {}
_CHECKED: set[Any] = set()  # response models instructor's async-validator check has passed


def check_async_validators_once() -> None:
    """Make instructor check each response model for async validators once per process, not 7 times a request.

    instructor (1.x, v2 core) calls `reject_async_validators(response_model)` seven times for every
    request, and each call walks the model's whole class tree and every field's type: about a
    third of brief's CPU per answer. The check depends only on the class, so a class that passed
    once passes again; one that fails is checked (and raises) every time, as before. Done by
    replacing the function where instructor looks it up; skipped if instructor moved it.
    """
    try:
        from instructor.v2.core import patch
        from instructor.v2.validation import async_validators
    except ImportError:  # pragma: no cover - another instructor layout: it keeps its own check
        return
    original = getattr(async_validators, "reject_async_validators", None)
    if original is None or getattr(original, "brief_once", False):
        return

    def reject_async_validators(response_model: Any) -> None:
        check = reject_async_validators.__wrapped__  # type: ignore[attr-defined]  # set by our patch below, on instructor's function
        try:
            if response_model in _CHECKED:
                return
        except TypeError:  # unhashable (e.g. a parametrized alias): check it every time
            return check(response_model)
        check(response_model)
        _CHECKED.add(response_model)

    reject_async_validators.brief_once = True  # type: ignore[attr-defined]  # marks instructor's function as patched
    reject_async_validators.__wrapped__ = original  # type: ignore[attr-defined]  # keeps instructor's original for the check
    async_validators.reject_async_validators = reject_async_validators  # looked up at each call by instructor's core
    if getattr(patch, "reject_async_validators", None) is original:
        patch.reject_async_validators = reject_async_validators  # imported by name when instructor loaded


def wrapped_model(model: type[T]) -> type[T]:
    """The response model as instructor wraps it, made once per model (instructor would build a new class per request)."""
    if model not in _WRAPPED:
        import instructor

        _WRAPPED[model] = instructor.openai_schema(model)
    return _WRAPPED[model]
