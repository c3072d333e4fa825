"""What brief knows about models by name: OpenAI's list prices and context windows.

Facts about a model, not about a run: `llm.cost` turns the prices into a run's estimated cost and
budget, `llm.context` turns the windows into how much one request may hold. Both tables match a
model by its longest listed prefix, so dated snapshots ('gpt-4o-mini-2024-07-18') take their
family's entry unless listed themselves. Prices change: the table is a convenience, and every
figure brief prints from it is labelled an estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "CONTEXT_WINDOWS",
    "DEFAULT_CONTEXT_WINDOW",
    "MIN_INPUT_ROOM",
    "PRICES",
    "Price",
    "known_window",
    "list_price",
    "window_label",
    "window_of",
]

DEFAULT_CONTEXT_WINDOW = 32_768
MIN_INPUT_ROOM = 1_024  # below this a summary call could not hold even a few briefs


def _longest_prefix(model: str, table: Mapping[str, object]) -> str | None:
    name = model.lower().rsplit("/", 1)[-1]  # 'openai/gpt-4o-mini' behind a router is still gpt-4o-mini
    matches = [prefix for prefix in table if name == prefix or name.startswith(prefix + "-")]
    return max(matches, key=len) if matches else None


@dataclass(frozen=True)
class Price:
    """USD per million prompt (input) and completion (output) tokens."""

    input: float
    output: float
    source: str = "brief's price table"


# OpenAI list prices, standard tier, USD per 1M tokens.
PRICES: dict[str, Price] = {
    "gpt-5": Price(1.25, 10.00),
    "gpt-5-mini": Price(0.25, 2.00),
    "gpt-5-nano": Price(0.05, 0.40),
    "gpt-4.1": Price(2.00, 8.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4o-2024-05-13": Price(5.00, 15.00),
    "gpt-4o-mini": Price(0.15, 0.60),
    "gpt-4-turbo": Price(10.00, 30.00),
    "gpt-3.5-turbo": Price(0.50, 1.50),
    "o1": Price(15.00, 60.00),
    "o1-mini": Price(1.10, 4.40),
    "o3": Price(2.00, 8.00),
    "o3-mini": Price(1.10, 4.40),
    "o4-mini": Price(1.10, 4.40),
}


def _is_openai(base_url: str | None) -> bool:
    """True for OpenAI's own endpoint (no --base-url, or api.openai.com)."""
    return base_url is None or "api.openai.com" in base_url


def list_price(model: str, base_url: str | None) -> Price | None:
    """OpenAI's list price of `model`, on OpenAI's own endpoint only (elsewhere the same name may cost anything)."""
    if not _is_openai(base_url) or "/" in model:
        return None
    found = _longest_prefix(model, PRICES)
    return PRICES[found] if found else None


# Input tokens per request, from OpenAI's model pages.
CONTEXT_WINDOWS: dict[str, int] = {
    "gpt-5": 272_000,  # 400k in all, of which up to 128k output
    "gpt-4.1": 1_047_576,
    "gpt-4o": 128_000,
    "gpt-4-turbo": 128_000,
    "gpt-3.5-turbo": 16_385,
    "o1": 200_000,
    "o1-mini": 128_000,
    "o3": 200_000,
    "o4-mini": 200_000,
}


def known_window(model: str) -> int | None:
    """OpenAI's published input window of `model`, wherever it is served, or None for a model brief does not know."""
    found = _longest_prefix(model, CONTEXT_WINDOWS)
    return CONTEXT_WINDOWS[found] if found else None


def window_of(model: str, setting: int | None) -> tuple[int, str]:
    """(the context window in tokens, where it comes from): the setting, else the known window, else the default."""
    if setting:
        return setting, "set"
    known = known_window(model)
    if known:
        return known, f"known for {model}"
    return DEFAULT_CONTEXT_WINDOW, "brief's default for a model it does not know"


def window_label(model: str, setting: int | None) -> str:
    """'128,000 tokens (known for gpt-4o-mini)': the window and where it comes from, as `config show` and `brief check` say it."""
    window, source = window_of(model, setting)
    return f"{window:,} tokens ({source})"
