"""One `complete` call as a chain of answers: the first, then validation and cut-off re-asks.

`Call` counts what the chain's HTTP requests sent and received (requests, resends, re-asks, usage);
`CURRENT_CALL` tells the retry layer which call a request belongs to; `shorter_chat` builds the
re-ask for an answer cut off by the output limit; `request_bound` is the most requests a call can send.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from ..config.settings import Settings

__all__ = ["CURRENT_CALL", "Call", "Completion", "LENGTH_REASK", "last_json", "request_bound", "shorter_chat"]

T = TypeVar("T", bound=BaseModel)

LENGTH_REASK = (
    "Your previous answer was cut off by the output token limit (finish_reason=length), so it is "
    "not valid JSON. Answer again, complete and shorter: fewer items, shorter sentences."
)


def request_bound(settings: Settings) -> int:
    """The most HTTP requests one `complete` call can send: attempts x answers (the first, validation and cut-off re-asks)."""
    return settings.max_attempts * (1 + settings.max_reasks + settings.max_length_reasks)


@dataclass
class Completion(Generic[T]):
    """A parsed response and what it cost."""

    value: T
    usage: dict[str, int] = field(default_factory=dict)
    attempts: int = 1  # HTTP requests sent for it, failed ones included
    grounded: bool = True  # False when the final answer only passed without the grounding check
    raw: str | None = None  # the answer's JSON as the model sent it (for a re-ask that names its failing items)


@dataclass
class Call:
    """One `complete` call as its HTTP requests see it: what it is, what it sent and received, what that cost."""

    what: str  # names the call in log lines, e.g. "brief of 001.txt"
    reask: bool = False  # the whole call re-asks an earlier answer (its first request counts as a re-ask)
    requests: int = 0  # HTTP requests sent, resent ones included
    resent: int = 0  # of those, resent after a transient fault
    reasks: int = 0  # of those, re-asks (validation or cut-off), first sendings only
    responses: int = 0  # answers received (via instructor's hooks)
    usage: dict[str, int] = field(default_factory=dict)
    chain_start: int | None = None  # messages in the first request of instructor's current chain
    messages: list[Any] = field(default_factory=list)  # the messages of the last request sent

    def sent(self, messages: list[Any], attempt: int) -> None:
        """Count one HTTP request: `attempt` 1 is its first sending, more a resend after a fault."""
        self.requests += 1
        if attempt > 1:
            self.resent += 1
            return
        if self.reask or self.requests - self.resent > 1:  # every first sending but the call's first is a re-ask
            self.reasks += 1
        if self.chain_start is None:
            self.chain_start = len(messages)
        self.messages = list(messages)

    def reask_turns(self) -> list[dict[str, Any]]:
        """The re-ask turns instructor added to its current chain (earlier answers and their errors), as plain text turns.

        A tool call becomes the assistant's text and its tool result a user turn: instructor would send
        a carried tool-call turn's empty content as `[]`, which OpenAI refuses."""
        turns: list[dict[str, Any]] = []
        for m in self.messages[self.chain_start :] if self.chain_start is not None else []:
            calls = m.get("tool_calls") if isinstance(m, dict) else None
            if calls:
                turns.append({"role": "assistant", "content": "\n".join(c["function"]["arguments"] for c in calls)})
            elif isinstance(m, dict) and m.get("role") == "tool":
                turns.append({"role": "user", "content": m.get("content") or ""})
            else:
                turns.append(m)
        return turns

    def add(self, response: Any) -> None:
        self.responses += 1
        usage = getattr(response, "usage", None)
        data = usage if isinstance(usage, dict) else getattr(usage, "model_dump", dict)()
        for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
            value = (data or {}).get(name)
            if isinstance(value, int):
                self.usage[name] = self.usage.get(name, 0) + value


def last_json(completion: Any) -> str | None:
    """The raw structured payload of a chat completion, whatever the mode."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError):
        return None
    if getattr(message, "tool_calls", None):
        return message.tool_calls[0].function.arguments
    content = getattr(message, "content", None) or ""
    start, end = content.find("{"), content.rfind("}")
    return content[start : end + 1] if start != -1 and end > start else None


def shorter_chat(chat: list[Any], turns: list[dict[str, Any]]) -> list[Any]:
    """The messages that re-ask a cut-off answer: `chat`, the chain's re-ask turns (what validation taught; not the
    cut-off answer), and the request for a shorter answer (in the last user turn, asked once if cut off again)."""
    chat = [*chat, *turns]
    last = chat[-1]
    content = last.get("content") if isinstance(last, dict) else None
    if isinstance(content, str) and content.endswith(LENGTH_REASK):
        return chat
    if last.get("role") == "user" and turns and isinstance(content, str):
        return [*chat[:-1], {**last, "content": f"{content}\n\n{LENGTH_REASK}"}]
    return [*chat, {"role": "user", "content": LENGTH_REASK}]


CURRENT_CALL: ContextVar[Call | None] = ContextVar(
    "brief_llm_call", default=None
)  # the `complete` call a request belongs to
