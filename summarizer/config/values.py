"""How a setting's value is written and read: the modes, durations ('30m', '7d'), prices, paths, a Redis
URL, and a URL as it may be shown. Each reader is a `mode="before"` validator of one Settings field,
raising ValueError with what the value should look like.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, SecretStr

from ..errors import ConfigError

__all__ = [
    "FolderPath",
    "MODES",
    "Mode",
    "NotNegative",
    "PRICE_KEYS",
    "Positive",
    "SCHEMA_MODES",
    "format_duration",
    "parse_duration",
    "read_duration",
    "read_mode",
    "read_path",
    "read_prices",
    "read_redis_url",
    "without_userinfo",
]

MODES = ("tools", "json", "md_json", "json_schema", "json_object_schema")
SCHEMA_MODES = (
    "json_schema",
    "json_object_schema",
)  # modes that send the answer's JSON Schema: the server decodes only JSON fitting it
PRICE_KEYS = ("input_per_mtok", "output_per_mtok")  # USD per million tokens


def without_userinfo(url: str) -> str:
    """Drop `user:password@` from a URL so it can be shown and logged."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def read_mode(value: Any) -> Any:
    text = str(value).strip().lower()
    if text not in MODES:
        raise ValueError(f"mode must be one of: {', '.join(MODES)}")
    return text


def read_path(value: Any) -> Any:
    return Path(value).expanduser() if isinstance(value, (str, Path)) else value


def read_prices(raw: Any) -> dict[str, dict[str, float]]:
    example = '[prices."gpt-4o-mini"] input_per_mtok = 0.15, output_per_mtok = 0.60'
    if not isinstance(raw, dict):
        raise ValueError(f"prices must be a table per model, e.g. {example}")
    prices: dict[str, dict[str, float]] = {}
    for model, entry in raw.items():
        if not isinstance(entry, dict) or set(entry) != set(PRICE_KEYS):
            got = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
            raise ValueError(
                f"prices for {model!r} need exactly {' and '.join(PRICE_KEYS)} (USD per million tokens), got {got}; e.g. {example}"
            )
        for name, value in entry.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"prices.{model}.{name} must be a number >= 0 (USD per million tokens), got {value!r}")
        prices[model] = {name: float(entry[name]) for name in PRICE_KEYS}
    return prices


_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _seconds(value: Any) -> float:
    """Seconds from a number or '90s', '30m', '12h', '7d'; ValueError saying what a duration is otherwise."""
    import re

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(value).lower())
        if match is None:
            raise ValueError("a duration like 3600, 90s, 30m, 12h or 7d")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds <= 0:
        raise ValueError("more than 0")
    return seconds


def parse_duration(value: Any, what: str, example: str) -> float:
    """Seconds from a number or '90s', '30m', '12h', '7d'; ConfigError naming `example` otherwise."""
    try:
        return _seconds(value)
    except ValueError as exc:
        leave = ", or leave it out" if str(exc) == "more than 0" else ""
        raise ConfigError(f"{what} must be {exc}, got {value!r}; e.g. {example}{leave}") from None


def format_duration(seconds: float) -> str:
    """A duration as one would write it: 2592000 -> '30d', 5400 -> '90m', 90 -> '90s' (never '2.592e+06s')."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and float(seconds / size).is_integer():
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s" if float(seconds).is_integer() else f"{seconds:.3f}".rstrip("0") + "s"


def read_duration(name: str) -> BeforeValidator:
    def validate(value: Any) -> Any:
        if value is None:
            return None
        try:
            return _seconds(value)
        except ValueError as exc:
            raise ValueError(f"{name} must be {exc}") from None

    return BeforeValidator(validate)


def read_redis_url(value: Any) -> Any:
    """A Redis URL for the shared cache ('' means none); the message never shows its password."""
    if value is None or isinstance(value, SecretStr):
        return value
    from ..util.urls import is_redis_url, masked_url

    url = str(value).strip()
    if not url:
        return None
    if not is_redis_url(url):
        raise ValueError(
            f"cache_url {masked_url(url)!r} is not a Redis URL; write it as redis://host:6379/0 (rediss:// for TLS), or use --cache-dir for a folder"
        )
    return url


Mode = Annotated[str, BeforeValidator(read_mode)]
FolderPath = Annotated[Path, BeforeValidator(read_path)]
Positive = Field(gt=0)
NotNegative = Field(ge=0)
