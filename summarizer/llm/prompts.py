"""Load and render the prompt templates in `prompts/` (packaged into the wheel as summarizer/prompts).

A prompt is a pair of files, `<name>.system.md` and `<name>.user.md`, using `$variable`
placeholders. Rendering is strict: a placeholder nobody supplied, or a supplied value the
template never uses, is a PromptError. The hash of both files goes into cache keys, recording
keys and briefing metadata, so editing a prompt visibly invalidates what was made with it.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import PromptError

__all__ = ["Prompt", "escape_closing_tag", "load_prompt", "prompts_dir", "schema_hash", "schema_json", "short_hash"]


def prompts_dir() -> Path:
    """Where the templates live: inside the installed wheel, else the checkout's top-level prompts/."""
    packaged = Path(__file__).parents[1] / "prompts"
    return packaged if packaged.is_dir() else Path(__file__).parents[2] / "prompts"


def short_hash(data: str | bytes, n: int = 12) -> str:
    """A short sha256 hex digest, used for content-addressed ids."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:n]


@cache
def schema_json(model: type[BaseModel]) -> str:
    """A response model's JSON Schema, compact and sorted, as the model sees it (made once per model)."""
    return json.dumps(model.model_json_schema(), sort_keys=True, separators=(",", ":"))


@cache
def schema_hash(model: type[BaseModel]) -> str:
    """Hash of a response model's JSON Schema (`schema_json`)."""
    return short_hash(schema_json(model))


@dataclass(frozen=True)
class Prompt:
    """A system + user template pair with a content hash."""

    name: str
    system: str
    user: str

    @property
    def hash(self) -> str:
        return short_hash(f"{self.system}\x00{self.user}")

    @property
    def variables(self) -> set[str]:
        found = set()
        for text in (self.system, self.user):
            for _, named, braced, _ in string.Template.pattern.findall(text):
                if named or braced:
                    found.add(named or braced)
        return found

    def render(self, **values: Any) -> list[dict[str, str]]:
        """Chat messages with every placeholder filled; missing or unused values are errors."""
        missing = self.variables - values.keys()
        unused = values.keys() - self.variables
        if missing:
            raise PromptError(
                f"prompt {self.name!r} needs {sorted(missing)} but they were not supplied; check prompts/{self.name}.*.md"
            )
        if unused:
            raise PromptError(
                f"prompt {self.name!r} does not use {sorted(unused)}; add the placeholder to prompts/{self.name}.*.md or stop passing it"
            )
        return [
            {"role": "system", "content": string.Template(self.system).substitute(values).strip()},
            {"role": "user", "content": string.Template(self.user).substitute(values).strip()},
        ]


def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    """Read `<name>.system.md` and `<name>.user.md` from the prompts folder (re-read each call, so an edit shows)."""
    directory = directory or prompts_dir()
    parts = {}
    for part in ("system", "user"):
        path = directory / f"{name}.{part}.md"
        try:
            parts[part] = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise PromptError(f"missing prompt template {path}; reinstall brief or restore the file") from exc
    return _checked_prompt(name, parts["system"], parts["user"])


@cache
def _checked_prompt(name: str, system: str, user: str) -> Prompt:
    """A Prompt from template text, its placeholders checked once per distinct text."""
    parts = {"system": system, "user": user}
    prompt = Prompt(name=name, **parts)
    try:
        prompt.variables  # noqa: B018 - surfaces malformed '$' usage at load time
        for text in parts.values():
            string.Template(text).substitute(dict.fromkeys(prompt.variables, ""))
    except ValueError as exc:
        raise PromptError(f"prompt {name!r} is malformed ({exc}); write a literal dollar sign as $$") from exc
    return prompt


@lru_cache(maxsize=16)
def _closing(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(\s*)/(\s*{re.escape(tag)})", re.IGNORECASE)


def escape_closing_tag(text: str, tag: str) -> str:
    """Neutralise every spelling of `</tag>` in untrusted text put inside a <tag> fence ('</article' -> '<\\/article')."""
    return _closing(tag).sub(r"<\1\\/\2", text)
