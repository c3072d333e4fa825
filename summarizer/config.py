"""Settings and their resolution, in one place: flag > environment > config file > default."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from .errors import ConfigError

__all__ = ["MODES", "DEFAULT_MODEL", "Settings", "resolve_settings", "config_paths", "bundled_fixtures_dir", "default_cache_dir"]

MODES = ("tools", "json", "md_json", "json_schema")
DEFAULT_MODEL = "gpt-4o-mini"

# setting name -> environment variable
ENV_VARS = {
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "BRIEF_MODEL",
    "cache_dir": "BRIEF_CACHE_DIR",
    "mode": "BRIEF_MODE",
    "concurrency": "BRIEF_CONCURRENCY",
}
FILE_KEYS = {"model", "base_url", "mode", "cache_dir", "concurrency", "timeout", "max_attempts", "max_reasks"}


def default_cache_dir() -> Path:
    """The per-user cache folder (e.g. ~/.cache/brief on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("brief", appauthor=False))


def config_paths() -> list[Path]:
    """Config files looked at, first found wins: ./brief.toml, then the user config dir."""
    from platformdirs import user_config_dir

    return [Path.cwd() / "brief.toml", Path(user_config_dir("brief", appauthor=False)) / "brief.toml"]


def bundled_fixtures_dir() -> Path:
    """The recorded responses shipped with brief (the wheel's copy, else the checkout's)."""
    packaged = Path(__file__).parent / "fixtures"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "fixtures"


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know about the endpoint, the cache and the limits."""

    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key: SecretStr | None = None
    mode: str = "tools"
    cache_dir: Path = field(default_factory=default_cache_dir)
    use_cache: bool = True
    concurrency: int = 8
    replay_dir: Path | None = None
    record_dir: Path | None = None
    timeout: float = 60.0
    max_attempts: int = 5  # transport attempts per request (429/5xx/timeouts)
    max_elapsed: float = 300.0  # seconds, per request, across transport retries
    max_reasks: int = 2  # validation re-asks per request
    replay_is_default: bool = False  # True when no endpoint was configured and bundled recordings are used
    sources: dict[str, str] = field(default_factory=dict)  # setting -> "flag" | "env" | "file:<path>" | "default"

    @property
    def endpoint(self) -> str:
        """A label for the endpoint that never contains the key."""
        if self.replay_dir is not None:
            return f"replay:{self.replay_dir}"
        return self.base_url or "https://api.openai.com/v1"

    @property
    def namespace(self) -> str:
        """Cache namespace: recorded answers never mix with paid ones."""
        return "replay" if self.replay_dir is not None else "live"

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _read_config_file(path: Path | None) -> tuple[dict[str, Any], str | None]:
    candidates = [path] if path else config_paths()
    for candidate in candidates:
        if candidate and candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{candidate}: not valid TOML ({exc}); fix the file or move it away") from exc
            table = data.get("brief", data)
            unknown = sorted(set(table) - FILE_KEYS)
            if "api_key" in table:
                raise ConfigError(f"{candidate}: keys do not belong in the config file; remove api_key and set OPENAI_API_KEY instead")
            if unknown:
                raise ConfigError(f"{candidate}: unknown setting(s) {unknown}; allowed: {sorted(FILE_KEYS)}")
            return table, str(candidate)
        if path is not None:
            raise ConfigError(f"{path}: config file not found; check --config")
    return {}, None


def resolve_settings(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Build Settings from CLI flags (None = not given), environment and config file."""
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    env = os.environ if env is None else env
    file_values, file_label = _read_config_file(config_file)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in ("model", "base_url", "api_key", "mode", "cache_dir", "concurrency", "timeout", "max_attempts", "max_reasks"):
        if name in flags:
            values[name], sources[name] = flags[name], "flag"
        elif ENV_VARS.get(name) and env.get(ENV_VARS[name]):
            values[name], sources[name] = env[ENV_VARS[name]], f"env:{ENV_VARS[name]}"
        elif name in file_values:
            values[name], sources[name] = file_values[name], f"file:{file_label}"
        else:
            sources[name] = "default"
    for name in ("use_cache", "replay_dir", "record_dir"):
        if name in flags:
            values[name] = flags[name]

    mode = str(values.get("mode", "tools")).lower()
    if mode not in MODES:
        raise ConfigError(f"unknown mode {mode!r}; use --mode with one of: {', '.join(MODES)}")
    values["mode"] = mode
    if "api_key" in values:
        values["api_key"] = SecretStr(str(values["api_key"]))
    if "cache_dir" in values:
        values["cache_dir"] = Path(values["cache_dir"]).expanduser()
    for name, cast in (("concurrency", int), ("timeout", float), ("max_attempts", int), ("max_reasks", int)):
        if name in values:
            try:
                values[name] = cast(values[name])
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{name} must be a number, got {values[name]!r} (from {sources[name]})") from exc
    if values.get("concurrency", 1) < 1:
        raise ConfigError("concurrency must be at least 1; pass --concurrency 1 or more")
    if values.get("replay_dir") is not None:
        values["replay_dir"] = Path(values["replay_dir"])
        if not values["replay_dir"].is_dir():
            raise ConfigError(f"--replay {values['replay_dir']}: no such folder of recordings")
    elif "api_key" not in values and "base_url" not in values:
        values["replay_dir"] = bundled_fixtures_dir()
        values["replay_is_default"] = True
    if values.get("replay_dir") is not None and values.get("record_dir") is not None:
        raise ConfigError("--record needs a live endpoint: set OPENAI_API_KEY or pass --base-url, and drop --replay")
    return Settings(**values, sources=sources)
