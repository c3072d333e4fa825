"""The base of every model: strict fields, cached JSON Schema, and the validation context.

Compatibility rule for `SCHEMA_VERSION` (major.minor): a minor bump only adds optional fields;
a major bump renames, removes or retypes a field. Consumers should accept any minor version of
the major they were written for.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationInfo

__all__ = [
    "SCHEMA_VERSION",
    "VALIDATION_CONTEXT",
    "validation_context",
    "ActorKind",
    "Position",
    "Precision",
    "StrictModel",
    "ResponseModel",
    "asked_for",
    "all_fields_set",
    "with_shared_fields_set",
]

SCHEMA_VERSION = "1.7"


# Validation context (source text, valid citations) for the response models. Passed either as
# pydantic's `context=` or, for LLM calls, through this variable: instructor renders every
# message as a Jinja template when given `context=`, which would rewrite article text such as
# "{{ 7*7 }}" before the model sees it.
VALIDATION_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("brief_validation_context", default=None)


def validation_context(info: ValidationInfo) -> dict[str, Any]:
    """The context of the current validation: pydantic's own, else the one set for an LLM call."""
    return info.context or VALIDATION_CONTEXT.get() or {}


ActorKind = Literal["person", "state", "government_body", "organization", "media", "group", "other"]
Position = Literal["supportive", "conciliatory", "neutral", "mixed", "critical", "hostile"]
Precision = Literal["day", "month", "year", "unknown"]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """pydantic's JSON Schema, generated once per class and options (instructor asks for it on every request).

        instructor wraps the response model in a new subclass per request (marked `__wrapped__`,
        no fields of its own), so the cache is keyed by the class it wraps. A fresh copy is
        returned each time, so callers may change it.
        """
        origin = cls.__dict__.get("__wrapped__", cls)
        if not (
            isinstance(origin, type)
            and issubclass(origin, StrictModel)
            and origin.model_fields.keys() == cls.model_fields.keys()
        ):
            origin = cls
        key = (origin, args, tuple(sorted(kwargs.items(), key=lambda kv: kv[0])))
        try:
            cached = _SCHEMA_CACHE.get(key)
        except TypeError:  # unhashable options: no caching
            return super().model_json_schema(*args, **kwargs)
        if cached is None:
            cached = _SCHEMA_CACHE[key] = json.dumps(super().model_json_schema(*args, **kwargs))
        return json.loads(cached)


_SCHEMA_CACHE: dict[tuple[Any, ...], str] = {}


class ResponseModel(StrictModel):
    """A model the LLM answers. Its schema still asks for no extra keys, but extra keys are ignored
    when reading, and `repairs` lists what was normalized or dropped while reading the answer
    (see `lenient`). Output models (briefings, digests) stay strict."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"additionalProperties": False})
    _repairs: Any = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:  # the answer's content, not how it was read
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # equal by content and mutable: unhashable, as pydantic models are

    @property
    def repairs(self) -> Any:
        """The `lenient.Repairs` of the answer this was read from (empty when nothing needed fixing)."""
        if self._repairs is None:
            from .lenient import Repairs

            self._repairs = Repairs()
        return self._repairs


def asked_for(*names: str) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` for a response model whose fields `names` have defaults when reading but are still asked for."""

    def extra(schema: dict[str, Any]) -> None:
        schema["additionalProperties"] = False
        required = schema.setdefault("required", [])
        required += [n for n in names if n not in required]
        order = list(schema.get("properties", {}))
        required.sort(key=lambda n: order.index(n) if n in order else len(order))

    return extra


M = TypeVar("M", bound=BaseModel)


@cache
def all_fields_set(cls: type[BaseModel]) -> set[str]:
    """The one set of field names shared by the models of `cls` given every field (see `with_shared_fields_set`)."""
    return set(cls.model_fields)


def with_shared_fields_set(model: M) -> M:
    """`model`, holding its class's shared set of field names when every field was given (the same set, by value).

    pydantic gives each model its own set of the fields given: 200-700 bytes, often more than the
    model's values (a merged timeline holds tens of thousands of accounts and quotes). A set that
    already names every field never changes (assigning a field adds a name it holds; copies copy it),
    so one set can serve them all.
    """
    shared = all_fields_set(type(model))
    if model.__pydantic_fields_set__ == shared:
        object.__setattr__(model, "__pydantic_fields_set__", shared)
    return model
