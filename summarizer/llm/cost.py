"""Token usage -> estimated cost, and the `--max-cost` / `--max-tokens` budget of a run.

Prices are USD per million tokens. Brief knows OpenAI's list prices for its common chat models
(standard tier; the Batch API is half price) and applies them only on OpenAI's own endpoint;
a `[prices."<model>"]` table in brief.toml (input_per_mtok, output_per_mtok) sets or overrides
the price for any endpoint. Prices change: the table is a convenience, and every
figure brief prints from it is labelled an estimate.

The budget is checked before each request is sent: its estimated tokens (prompt characters / 4
plus an allowance for the answer) are reserved, and once a request would take the run past the
budget no new request is started. Requests already in flight finish and are kept (cached); their
real usage replaces the reservation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..config.catalog import PRICES, Price, list_price

if TYPE_CHECKING:  # pragma: no cover
    from ..config.settings import Settings

__all__ = [
    "BATCH_DISCOUNT",
    "COMPLETION_ALLOWANCE",
    "PRICES",
    "Budget",
    "Price",
    "Reservation",
    "budget_for",
    "cost_usd",
    "estimate_tokens",
    "price_for",
    "sum_usage",
]

COMPLETION_ALLOWANCE = 2000  # tokens reserved for an answer when the request sets no max_tokens
BATCH_DISCOUNT = 0.5


def price_for(settings: Settings) -> Price | None:
    """The price of `settings.model`: from the config file's [prices], else OpenAI's list price on OpenAI's endpoint, else None."""
    configured = settings.prices.get(settings.model)
    if configured:
        return Price(
            configured["input_per_mtok"],
            configured["output_per_mtok"],
            source=f"prices in {settings.config_file or 'the config file'}",
        )
    return list_price(settings.model, settings.base_url)


def sum_usage(*usages: dict[str, int]) -> dict[str, int]:
    """Token counts added up, field by field (prompt_tokens, completion_tokens, ...)."""
    total: dict[str, int] = {}
    for usage in usages:
        for name, value in usage.items():
            total[name] = total.get(name, 0) + value
    return total


def cost_usd(usage: dict[str, int], price: Price | None, *, batch: bool = False) -> float | None:
    """Estimated USD cost of `usage` (prompt/completion tokens), or None when the price is unknown."""
    if price is None:
        return None
    total = (usage.get("prompt_tokens", 0) * price.input + usage.get("completion_tokens", 0) * price.output) / 1_000_000
    return total * (BATCH_DISCOUNT if batch else 1.0)


@cache
def _schema_chars(model: type[BaseModel]) -> int:
    return len(json.dumps(model.model_json_schema()))


def estimate_tokens(messages: list[dict[str, str]], response_model: type[BaseModel] | None = None) -> dict[str, int]:
    """Estimated usage of one request: prompt = (message + schema characters) / 4, plus the answer allowance."""
    chars = sum(len(m.get("content") or "") for m in messages) + (
        _schema_chars(response_model) if response_model else 0
    )
    prompt = chars // 4 + 4 * len(messages)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": COMPLETION_ALLOWANCE,
        "total_tokens": prompt + COMPLETION_ALLOWANCE,
    }


@dataclass
class Reservation:
    """Tokens and dollars set aside for one request until its real usage is known."""

    tokens: int
    cost: float


@dataclass
class Budget:
    """A run's spending limit in tokens and/or USD; `reserve` says whether a request may start."""

    max_tokens: int | None = None
    max_cost: float | None = None
    price: Price | None = None
    spent_tokens: int = 0
    spent_cost: float = 0.0
    reserved_tokens: int = 0
    reserved_cost: float = 0.0
    stopped: bool = False
    shortfall: str = ""  # what the request that stopped the run needed set aside, and what was left, for the refusal

    @property
    def limited(self) -> bool:
        return self.max_tokens is not None or self.max_cost is not None

    def _cost(self, usage: dict[str, int], batch: bool) -> float:
        return cost_usd(usage, self.price, batch=batch) or 0.0

    def reserve(self, estimate: dict[str, int], *, batch: bool = False) -> Reservation | None:
        """Set aside `estimate` if it fits; None (and no new request from now on) if it would not."""
        if not self.limited:
            return Reservation(0, 0.0)
        tokens, cost = estimate.get("total_tokens", 0), self._cost(estimate, batch)
        over_tokens = (
            self.max_tokens is not None and self.spent_tokens + self.reserved_tokens + tokens > self.max_tokens
        )
        over_cost = self.max_cost is not None and self.spent_cost + self.reserved_cost + cost > self.max_cost
        if self.stopped or over_tokens or over_cost:
            self._stop(tokens, cost, self.reserved_tokens, self.reserved_cost)
            return None
        self.reserved_tokens += tokens
        self.reserved_cost += cost
        return Reservation(tokens, cost)

    async def reserve_when_room(self, estimate: dict[str, int], *, poll: float = 0.05) -> Reservation | None:
        """`reserve`, but a request that does not fit only because of the requests still in flight
        waits for their real usage instead of stopping the run (their reservations are estimates: an
        answer rarely takes its whole allowance). None once the request would not fit even alone."""
        import asyncio

        if not self.limited:
            return Reservation(0, 0.0)
        tokens, cost = estimate.get("total_tokens", 0), self._cost(estimate, False)
        while not self.stopped:
            if (self.max_tokens is not None and self.spent_tokens + tokens > self.max_tokens) or (
                self.max_cost is not None and self.spent_cost + cost > self.max_cost
            ):
                break  # it would not fit even after every request in flight settled
            if not self.reserved_tokens and not self.reserved_cost:
                return self.reserve(estimate)
            fits = (
                self.max_tokens is None or self.spent_tokens + self.reserved_tokens + tokens <= self.max_tokens
            ) and (self.max_cost is None or self.spent_cost + self.reserved_cost + cost <= self.max_cost)
            if fits:
                return self.reserve(estimate)
            await asyncio.sleep(poll)
        self._stop(tokens, cost, 0, 0.0)
        return None

    def _stop(self, tokens: int, cost: float, held_tokens: int, held_cost: float) -> None:
        """No new request from now on; the first stop remembers why, in figures."""
        from ..render.money import format_usd

        if not self.stopped:
            if self.max_tokens is not None and self.spent_tokens + held_tokens + tokens > self.max_tokens:
                left = max(self.max_tokens - self.spent_tokens - held_tokens, 0)
                self.shortfall = (
                    f"the next request needed about {tokens:,} tokens set aside (its prompt and a {COMPLETION_ALLOWANCE:,}-token "
                    f"answer allowance; its real use is known only after) and {left:,} were left"
                )
            elif self.max_cost is not None:
                left_usd = max(self.max_cost - self.spent_cost - held_cost, 0.0)
                self.shortfall = (
                    f"the next request needed about {format_usd(cost)} set aside and {format_usd(left_usd)} was left"
                )
        self.stopped = True

    def settle(self, reservation: Reservation | None, usage: dict[str, int], *, batch: bool = False) -> None:
        """Replace a reservation by what the request really used (failed requests cost tokens too)."""
        if reservation is not None:
            self.reserved_tokens -= reservation.tokens
            self.reserved_cost -= reservation.cost
        self.spent_tokens += usage.get(
            "total_tokens", usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0)
        )
        self.spent_cost += self._cost(usage, batch)

    def describe(self) -> str:
        """The limit, as the user set it: '--max-cost $0.50' or '--max-tokens 100000'."""
        from ..render.money import format_usd  # the one money format (render/ owns it; render/__init__ imports nothing)

        parts = []
        if self.max_cost is not None:
            parts.append(f"--max-cost {format_usd(self.max_cost)}")
        if self.max_tokens is not None:
            parts.append(f"--max-tokens {self.max_tokens}")
        return " and ".join(parts)

    def refusal(self) -> str:
        """Why an article was not done, for its note."""
        why = f": {self.shortfall}" if self.shortfall else ""
        return (
            f"not done: sending it would have taken the run past its budget ({self.describe()}{why}); "
            "rerun with a larger budget to finish it (articles already done are cached and not paid again)"
        )


def budget_for(settings: Settings) -> Budget:
    """The run's budget from `settings` (max_cost needs a known price: ConfigError otherwise)."""
    from ..errors import ConfigError

    price = price_for(settings)
    if settings.max_cost is not None and price is None:
        raise ConfigError(
            f"--max-cost needs the price of model {settings.model!r}, which brief does not know for {settings.endpoint}; "
            f'add [prices."{settings.model}"] with input_per_mtok and output_per_mtok (USD per million tokens) to brief.toml, '
            "or limit tokens with --max-tokens instead"
        )
    return Budget(max_tokens=settings.max_tokens, max_cost=settings.max_cost, price=price)
