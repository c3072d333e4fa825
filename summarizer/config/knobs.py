"""How a user sets one Settings field: its `Knob` (flag, env var, file key, `config show` row) and `Help` (its description)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import Field

__all__ = ["Help", "Knob"]


@dataclass(frozen=True)
class Knob:
    """How a user sets one Settings field; the field's description is its help text.

    The config-file key is the field's name. A field with a Knob is a user setting: `config show`
    lists it, brief.toml may set it, and, with a `flag`, the commands it applies to take it as an
    option generated from this Knob (summarizer/cli/options.py); the README's settings table is
    generated from the same fields.
    """

    flag: str | None = None  # the CLI flag, named in errors; a bool field's flag switches it away from its default
    env: str | None = None  # the environment variable, if any
    file: bool = True  # may be set in brief.toml
    show: bool | Callable[[Any], str] = True  # a `brief config show` row (a callable formats the Settings' value)
    unit: str = ""  # shown after the value, e.g. "s"
    short: str | None = None  # a one-letter alias of the flag, e.g. "-m"
    default_text: str | None = None  # the default as help and README say it, where the value alone would not tell
    text: bool = False  # the flag takes text that the field's validator reads (e.g. a duration like 7d)


def Help(text: str) -> Any:  # noqa: N802  (a marker beside Knob, like pydantic's Field)
    """The field's description: the help of its flag, the README's settings table, the JSON schema."""
    return Field(description=text)
