"""Settings and their resolution: flag > environment > config file > default, read from the fields' Knobs.

The model itself (one field per setting) is `config.model.Settings`, re-exported here.

Nothing here names a particular setting except the four a provider preset touches (provider,
base_url, mode, api_key), the cache folder vs Redis URL rule, and the run's derived state
(replay, problems). Every other setting is
picked, validated and reported generically: add it as a field of `Settings` and it is resolved.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ConfigError
from .providers import ENDPOINT_KEY_ENV, OPENAI_HOST, Provider, get_provider, key_allowed_for, preset_base_url
from .values import without_userinfo  # the URL as it may be shown
from .model import (  # noqa: F401  (re-exported: the settings API lives here)
    DEFAULT_MODEL,
    MODES,
    PRICE_KEYS,
    Knob,
    Settings,
    bundled_fixtures_dir,
    default_cache_dir,
    knobs,
    mask_secret,
    redact_key,
    parse_duration,
    recordings_fingerprint,
    settings_rows,
)

__all__ = [
    "DEFAULT_MODEL",
    "MODES",
    "PRICE_KEYS",
    "Knob",
    "Settings",
    "bundled_fixtures_dir",
    "config_paths",
    "default_cache_dir",
    "find_config_file",
    "mask_secret",
    "redact_key",
    "parse_duration",
    "read_config_file",
    "resolve_settings",
    "settings_rows",
]

_SECRET_WORDS = ("key", "token", "secret", "password")
_LEVELS = {"flag": 3, "env": 2, "file": 1, "default": 0}
_DERIVED = {"replay_is_default", "sources", "key_env", "config_file", "problems", "key_withheld"}
_PRESET_FIELDS = ("base_url", "mode")
_REQUIREMENTS = {  # pydantic error type -> what the value must be
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text",
    "path_type": "a path",
    "dict_type": "a table",
}


def config_paths() -> list[Path]:
    """Config files looked at, first found wins: ./brief.toml, then the user config dir."""
    from platformdirs import user_config_dir

    return [Path.cwd() / "brief.toml", Path(user_config_dir("brief", appauthor=False)) / "brief.toml"]


def find_config_file(path: Path | None = None) -> Path | None:
    """The config file in use: `path` if given (it must exist), else the first of `config_paths()`."""
    if path is not None:
        if not Path(path).is_file():
            raise ConfigError(f"{path}: config file not found; check --config")
        return Path(path)
    return next((p for p in config_paths() if p.is_file()), None)


def read_config_file(path: Path | None) -> tuple[dict[str, Any], Path | None]:
    """The settings table of the config file in use (checked for keys and unknown settings), and its path."""
    found = find_config_file(path)
    if found is None:
        return {}, None
    try:
        data = tomllib.loads(found.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{found}: not valid TOML ({exc}); fix the file or move it away") from exc
    table = data.get("brief", data)
    allowed = sorted(name for name, knob in knobs().items() if knob.file)
    secrets = sorted(
        k for k in table if k not in allowed and any(word in k.lower() for word in _SECRET_WORDS)
    )  # max_tokens is a setting
    if secrets:
        raise ConfigError(
            f"{found}: keys do not belong in the config file; remove {', '.join(secrets)} and set the provider's env var "
            "instead (OPENAI_API_KEY, AZURE_OPENAI_API_KEY, OPENROUTER_API_KEY) or pass --api-key"
        )
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ConfigError(f"{found}: unknown setting(s) {unknown}; allowed: {allowed}")
    return table, found


class _Levels:
    """Where each setting's raw value comes from: flags, then env, then the file."""

    def __init__(
        self, flags: Mapping[str, Any], env: Mapping[str, str], file_values: Mapping[str, Any], file_path: Path | None
    ):
        self.flags, self.env, self.file_values, self.file_label = flags, env, file_values, str(file_path)

    def pick(self, name: str, knob: Knob | None) -> tuple[Any, str] | None:
        """(value, source) from the highest level that sets `name`, or None."""
        if name in self.flags:
            return self.flags[name], "flag"
        if knob is not None and knob.env and self.env.get(knob.env):
            return self.env[knob.env], f"env:{knob.env}"
        if knob is not None and knob.file and name in self.file_values:
            return self.file_values[name], f"file:{self.file_label}"
        return None


def _level(source: str) -> int:
    return _LEVELS.get(source.split(":", 1)[0], 0)


def _fix(name: str, source: str, knob: Knob | None) -> str:
    """What to correct: the flag, the env var or the config-file key the value came from."""
    kind, _, where = source.partition(":")
    if kind == "env":
        return f"fix or unset {where}"
    if kind == "file":
        return f"fix `{name}` in {where}"
    return f"fix {knob.flag if knob and knob.flag else name}"


def _secret_fields() -> set[str]:
    return {name for name, info in Settings.model_fields.items() if "SecretStr" in str(info.annotation)}


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _errors(exc: ValidationError, values: Mapping[str, Any], sources: Mapping[str, str]) -> str:
    """One line per invalid setting: what it must be, what it was, where it came from, what to fix."""
    lines: dict[str, str] = {}
    all_knobs = knobs()
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "settings"
        if name in lines:
            continue
        source = sources.get(name, "flag")
        if error["type"] == "value_error":
            statement = str(error.get("ctx", {}).get("error", error["msg"]))
        else:
            ctx = error.get("ctx", {})
            if "ge" in ctx:
                requirement = f"at least {_number(ctx['ge'])}"
            elif "gt" in ctx:
                requirement = f"more than {_number(ctx['gt'])}"
            else:
                requirement = _REQUIREMENTS.get(error["type"], error["msg"][0].lower() + error["msg"][1:])
            statement = f"{name} must be {requirement}"
        if name in values and name not in _secret_fields():
            statement += f", got {values[name]!r}"
        lines[name] = f"{statement} (from {source}); {_fix(name, source, all_knobs.get(name))}"
    return "\n".join(lines.values())


DEV_ENV = ("BRIEF_UPDATE_RECORDINGS",)  # read by the test suite, not by brief


def unknown_env_vars(env: Mapping[str, str] | None = None) -> list[str]:
    """One line per BRIEF_* variable in `env` that is no setting (so it changes nothing), naming what does."""
    import difflib

    env = os.environ if env is None else env
    all_knobs = knobs()
    known = {k.env for k in all_knobs.values() if k.env} | {ENDPOINT_KEY_ENV, *DEV_ENV}
    lines = []
    for name in sorted(v for v in env if v.startswith("BRIEF_") and v not in known):
        field = name[len("BRIEF_") :].lower()
        knob = all_knobs.get(field)
        if knob is not None:
            ways = [w for w in (knob.flag and f"pass {knob.flag}", knob.file and f"set `{field}` in brief.toml") if w]
            fix = " or ".join(ways) if ways else "it has no environment variable"
        else:
            close = difflib.get_close_matches(name, sorted(known - set(DEV_ENV)), n=2)
            fix = (
                f"did you mean {' or '.join(sorted(close))}?"
                if close
                else f"brief reads {', '.join(sorted(known - set(DEV_ENV)))}"
            )
        lines.append(f"{name} is not a brief setting and changes nothing; {fix}")
    return lines


def resolve_settings(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    *,
    lenient: bool = False,
) -> Settings:
    """Build Settings from CLI flags (field name -> value, None = not given), environment and config file.

    Invalid values raise ConfigError, one line per setting naming where it came from and what to
    fix. A missing key or Azure endpoint raises ConfigError naming the fix; with `lenient=True` it
    is listed in `Settings.problems` instead (for `brief config show` and `brief check`).
    """
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    unknown = sorted(set(flags) - set(Settings.model_fields) | (set(flags) & _DERIVED))
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {unknown}; Settings has: {sorted(set(Settings.model_fields) - _DERIVED)}"
        )
    env = os.environ if env is None else env
    file_values, file_path = read_config_file(config_file)
    levels = _Levels(flags, env, file_values, file_path)
    if file_values.get("cache_url"):  # refused even when a flag, BRIEF_CACHE_URL or BRIEF_CACHE_DIR overrides it
        _refuse_file_password(str(file_values["cache_url"]).strip(), f"file:{file_path}")
    all_knobs = knobs()
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}

    # every plain setting: the highest level that sets it
    for name in Settings.model_fields:
        if name in _DERIVED or name in _PRESET_FIELDS or name in ("provider", "api_key"):
            continue
        picked = levels.pick(name, all_knobs.get(name))
        if picked is None:
            if name in all_knobs:
                sources[name] = "default"
        else:
            values[name], sources[name] = picked

    _cache_rules(values, sources)

    provider: Provider | None = None
    provider_level = 0
    picked = levels.pick("provider", all_knobs["provider"])
    if picked is not None and str(picked[0]).strip():
        provider = get_provider(str(picked[0]), origin=picked[1])
        values["provider"], sources["provider"] = provider.name, picked[1]
        provider_level = _level(picked[1])
    else:
        sources["provider"] = "default"

    # base URL and mode: an explicit value at the provider's level or above wins over the preset
    for name in _PRESET_FIELDS:
        explicit = levels.pick(name, all_knobs[name])
        preset = None
        if provider is not None:
            preset = preset_base_url(provider, env) if name == "base_url" else provider.mode
        if explicit is not None and (preset is None or _level(explicit[1]) >= provider_level):
            values[name], sources[name] = explicit
        elif preset is not None:
            values[name], sources[name] = preset, f"provider:{provider.name}"  # type: ignore[union-attr]  # a preset exists only with a provider
        else:
            sources[name] = "default"

    url_problems = []
    if "base_url" in values:
        values["base_url"] = str(values["base_url"]).strip()
        bad_url = _url_problem(values["base_url"], sources["base_url"])
        if bad_url:
            url_problems.append(bad_url)

    # a preset's timeout (local servers generate slowly) unless a timeout was given at any level
    if provider is not None and provider.timeout and "timeout" not in values:
        values["timeout"], sources["timeout"] = provider.timeout, f"provider:{provider.name}"

    # the key: --api-key, else the provider's own variable (only to the provider's own hosts), else BRIEF_API_KEY
    key_env = provider.key_env if provider is not None else Settings.model_fields["key_env"].default
    key_hosts = provider.key_hosts if provider is not None else (OPENAI_HOST,)
    key_withheld = None
    if key_env and not key_allowed_for(key_hosts, values.get("base_url")):
        if env.get(key_env):
            key_withheld = (
                f"{key_env} is set but only ever sent to {' or '.join(key_hosts)}, not to {without_userinfo(values['base_url'])}; "
                f"to use a key there pass --api-key or set {ENDPOINT_KEY_ENV}"
            )
        key_env = ENDPOINT_KEY_ENV
    if "api_key" in flags:
        values["api_key"], sources["api_key"] = flags["api_key"], "flag"
        key_withheld = None
    elif key_env and env.get(key_env):
        values["api_key"], sources["api_key"] = env[key_env], f"env:{key_env}"
    elif env.get(ENDPOINT_KEY_ENV):
        values["api_key"], sources["api_key"] = env[ENDPOINT_KEY_ENV], f"env:{ENDPOINT_KEY_ENV}"
        key_withheld = None
    else:
        sources["api_key"] = "default"

    try:
        settings = Settings(
            **values, sources=sources, key_env=key_env, config_file=file_path, key_withheld=key_withheld
        )
    except ValidationError as exc:
        raise ConfigError(_errors(exc, values, sources)) from None
    return _with_endpoint(settings, provider, lenient=lenient, problems=url_problems)


def _url_problem(url: str, source: str) -> str | None:
    """Why `url` cannot be an endpoint ('what: fix'), or None. A URL without http:// or https:// is never guessed at."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is not None and parts.scheme in ("http", "https") and host:
        return None
    example = f"http://{url}" if "://" not in url and url else "http://127.0.0.1:8000/v1"
    return (
        f"base URL {url!r} (from {source}) is not an http:// or https:// URL: pass it with its scheme, "
        f"e.g. --base-url {example} (or fix OPENAI_BASE_URL / `base_url` in brief.toml)"
    )


def _cache_rules(values: dict[str, Any], sources: dict[str, str]) -> None:
    """A cache folder set at a higher level than a Redis URL wins over it (e.g. --cache-dir over BRIEF_CACHE_URL),
    and the URL's password is a secret: refused in the config file like a key."""
    if "cache_url" not in values:
        return

    raw = values["cache_url"]
    url, origin = str(raw.get_secret_value() if hasattr(raw, "get_secret_value") else raw).strip(), sources["cache_url"]
    if not url or _level(sources.get("cache_dir", "default")) > _level(origin):
        values.pop("cache_url")
        sources["cache_url"] = "default"
        return
    _refuse_file_password(url, origin)


def _refuse_file_password(url: str, origin: str) -> None:
    """A password in the config file's cache_url is refused like a key, whichever setting is in use."""
    from ..util.urls import url_password

    if origin.startswith("file:") and url_password(url):
        raise ConfigError(
            f"{origin[5:]}: cache_url holds a password, and secrets do not belong in the config file; put the URL in "
            "BRIEF_CACHE_URL (e.g. in an env file only you can read) and keep cache_url without the password, or remove it"
        )


def _with_endpoint(
    s: Settings, provider: Provider | None, *, lenient: bool, problems: list[str] | None = None
) -> Settings:
    """Replay when no endpoint is configured; what a live run still lacks (ConfigError unless lenient)."""
    problems = list(problems or [])
    changes: dict[str, Any] = {}
    if s.replay_dir is not None:
        if not s.replay_dir.is_dir():
            raise ConfigError(f"--replay {s.replay_dir}: no such folder of recordings")
    elif provider is not None:
        if s.base_url is None:
            problems.append(
                f"provider {provider.name} needs your resource's endpoint: set {provider.base_url_env}=https://<resource>.openai.azure.com "
                f"(or pass --base-url https://<resource>.openai.azure.com/openai/v1)"
            )
        if provider.key_required and s.api_key is None:
            problems.append(
                f"provider {provider.name} needs an API key: "
                + (s.key_withheld or f"set {s.key_env} (or pass --api-key)")
            )
    elif s.api_key is None and s.base_url is None:
        changes = {"replay_dir": bundled_fixtures_dir(), "replay_is_default": True}
    if (changes.get("replay_dir") or s.replay_dir) is not None and s.record_dir is not None:
        raise ConfigError(
            "--record needs a live endpoint: set OPENAI_API_KEY, pass --provider or --base-url, and drop --replay"
        )
    if problems and not lenient:
        raise ConfigError("; ".join(problems))
    return s.model_copy(update={**changes, "problems": tuple(problems)})
