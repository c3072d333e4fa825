"""How much one request may hold: the model's context window and the input room of a call.

A summary or comparison call is sized to the model that reads it, not to a fixed number of
sources: GPT-4o reads a 186-source story in one call, a local model loaded with an 8k context
gets it in groups that fit. The window is `--context-window` (`context_window` in brief.toml,
`BRIEF_CONTEXT_WINDOW`), else OpenAI's published window for a model brief knows by name,
else `DEFAULT_CONTEXT_WINDOW` (`config.catalog` holds both): the native length of most current
small models (Qwen2.5, Mistral), and about what brief assumed before it was a setting. Ollama and
LM Studio load 4096 unless told more, which is too little for an article request as well.

Every request also asks for up to `max_output_tokens` (endpoints such as vLLM and OpenAI reject
a request whose prompt plus output limit exceeds the window), and tokens are estimated, not
counted (tiktoken needs downloads): UTF-8 bytes / 4, which is about right for English and
overestimates Cyrillic and Latvian, plus a tenth of the window held back for the estimate's error.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..config.catalog import CONTEXT_WINDOWS, DEFAULT_CONTEXT_WINDOW, MIN_INPUT_ROOM, window_of
from .prompts import schema_json

if TYPE_CHECKING:  # pragma: no cover
    from ..config.settings import Settings

__all__ = [
    "CONTEXT_WINDOWS",
    "DEFAULT_CONTEXT_WINDOW",
    "MIN_INPUT_ROOM",
    "context_window",
    "input_room",
    "prompt_tokens",
    "schema_tokens",
    "text_tokens",
    "window_source",
]


def context_window(settings: Settings) -> int:
    """The model's context window in tokens: the setting, else the known window of the model, else the default."""
    return window_of(settings.model, settings.context_window)[0]


def window_source(settings: Settings) -> str:
    """Where `context_window` comes from, for notes and errors."""
    return window_of(settings.model, settings.context_window)[1]


def input_room(settings: Settings) -> int:
    """Estimated prompt tokens one request may hold: the window less the output limit and a tenth for the estimate's error."""
    window = context_window(settings)
    return max(MIN_INPUT_ROOM, window - settings.max_output_tokens - window // 10)


def text_tokens(text: str) -> int:
    """Estimated tokens of `text`: UTF-8 bytes / 4, rounded up."""
    return -(-len(text.encode("utf-8")) // 4)


@cache
def schema_tokens(response_model: type[BaseModel]) -> int:
    """Estimated tokens of the answer's JSON Schema, which every request carries (as tools or in the prompt)."""
    return text_tokens(schema_json(response_model))


def prompt_tokens(messages: list[dict[str, str]], response_model: type[BaseModel]) -> int:
    """Estimated prompt tokens of one request: its messages and the answer's schema."""
    return sum(text_tokens(m["content"]) for m in messages) + schema_tokens(response_model)
