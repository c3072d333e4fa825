"""The Settings model: one pydantic model, one field per setting.

Each field is the single source for a setting's type, default and bounds (pydantic), and, through
its `Knob`, for how a user sets it: the CLI flag named in errors, the environment variable, whether
the config file may set it (under the field's own name) and its `brief config show` row. Adding a
setting is adding one field here; `config.settings.resolve_settings` reads flags, env and file
from the fields.

Precedence is flag > environment > config file > default. A provider preset (`--provider ollama`,
`BRIEF_PROVIDER`, `provider = "ollama"`) supplies the base URL and mode at the level where it was
given: `--provider` overrides a base URL from an env var or the config file, while a
`--base-url`/`--mode` given at the same level or higher wins over the preset. The key comes from
`--api-key`, the provider's own env var (OPENAI_API_KEY, AZURE_OPENAI_API_KEY,
OPENROUTER_API_KEY) or BRIEF_API_KEY, never from the config file. A provider's own variable is
only sent to that provider's host (OPENAI_API_KEY to api.openai.com, OPENROUTER_API_KEY to
openrouter.ai): any other `--base-url` gets a key only when it is given for it, with `--api-key`
or BRIEF_API_KEY.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from .catalog import MIN_INPUT_ROOM, list_price, window_label
from .knobs import Help, Knob
from .providers import OPENAI_URL, PROVIDERS
from .secrets import mask_secret, redact_key
from .values import (
    MODES,
    PRICE_KEYS,
    SCHEMA_MODES,
    FolderPath,
    Mode,
    NotNegative,
    Positive,
    format_duration,
    parse_duration,
    read_duration,
    read_prices,
    read_redis_url,
    without_userinfo,
)

__all__ = [
    "MODES",
    "SCHEMA_MODES",
    "DEFAULT_MODEL",
    "PRICE_KEYS",
    "Knob",
    "Settings",
    "knobs",
    "Help",
    "default_label",
    "option_help",
    "settings_rows",
    "bundled_fixtures_dir",
    "default_cache_dir",
    "mask_secret",
    "redact_key",
    "parse_duration",
]

DEFAULT_MODEL = "gpt-4o-mini"


def default_cache_dir() -> Path:
    """The per-user cache folder (e.g. ~/.cache/brief on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("brief", appauthor=False))


def bundled_fixtures_dir() -> Path:
    """The recorded responses shipped with brief (the wheel's copy, else the checkout's)."""
    packaged = Path(__file__).parents[1] / "fixtures"
    return packaged if packaged.is_dir() else Path(__file__).parents[2] / "fixtures"


def recordings_fingerprint(directory: Path) -> str:
    """A hash of every recording in `directory`: editing or re-recording one changes it."""
    digest = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.json")):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            continue
    return digest.hexdigest()[:12]


def _show_cache_dir(s: Settings) -> str:
    return str(s.cache_dir) + (" (not used: cache_url is set)" if s.cache_url is not None else "")


def _show_key(s: Settings) -> str:
    preset = PROVIDERS.get(s.provider or "")
    if s.api_key is not None:
        return mask_secret(s.api_key)
    if s.key_withheld:
        return f"(none; {s.key_withheld})"
    if preset is not None and not preset.key_required:
        return "(none; not needed)"
    if preset is None and s.base_url:
        return "(none)"
    return f"(none; set {s.key_env})"


def _show_prices(s: Settings) -> str:
    """The configured prices; without any, the built-in list price that applies to the model (or none)."""
    configured = "; ".join(
        f"{m}: in {p['input_per_mtok']:g}, out {p['output_per_mtok']:g} USD/Mtok" for m, p in s.prices.items()
    )
    if configured:
        return configured
    price = list_price(s.model, s.base_url)
    if price is None:
        return "(none)"
    return f"{s.model}: in {price.input:g}, out {price.output:g} USD/Mtok (built in: OpenAI's list price)"


class Settings(BaseModel):
    """Everything a run needs to know about the endpoint, the cache and the limits.

    Fields with a Knob are user settings (flag/env/file/`config show`), in `config show` order;
    fields without one are set from Python only (or derived by `resolve_settings`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # --- the endpoint (provider, base_url, mode and api_key follow the preset rules above)
    provider: Annotated[
        str | None,
        Knob("--provider", "BRIEF_PROVIDER"),
        Help(
            "Server preset: openai | azure | ollama | vllm | llamacpp | lmstudio | openrouter. "
            "Sets the default base URL, mode and key env var; explicit flags win."
        ),
    ] = None
    model: Annotated[str, Knob("--model", "BRIEF_MODEL", short="-m"), Help("Model name.")] = DEFAULT_MODEL
    base_url: Annotated[
        str | None,
        Knob("--base-url", "OPENAI_BASE_URL", default_text="the provider's, else OpenAI"),
        Help("OpenAI-compatible endpoint, e.g. http://gpu-box:11434/v1."),
    ] = None
    api_key: Annotated[
        SecretStr | None,
        Knob("--api-key", file=False, show=_show_key),
        Help(  # env var: the provider's key_env
            "API key for this endpoint; prefer the provider's env var (OPENAI_API_KEY, AZURE_OPENAI_API_KEY, OPENROUTER_API_KEY; "
            "each is sent only to its provider's host) or BRIEF_API_KEY (any endpoint). Never logged or cached."
        ),
    ] = None
    mode: Annotated[
        Mode,
        Knob("--mode", "BRIEF_MODE", default_text="the provider's, else tools"),
        Help("Structured-output mode: tools | json | md_json | json_schema | json_object_schema."),
    ] = "tools"
    # --- the cache and the work
    cache_dir: Annotated[
        FolderPath,
        Knob("--cache-dir", "BRIEF_CACHE_DIR", show=_show_cache_dir, default_text="the user cache dir"),
        Help("Cache folder."),
    ] = Field(default_factory=default_cache_dir)
    cache_url: Annotated[
        SecretStr | None,
        BeforeValidator(read_redis_url),
        Knob("--cache-url", "BRIEF_CACHE_URL", show=lambda s: s.cache_location if s.cache_url else "(none)"),
        Help(
            "Shared Redis cache instead of the folder, e.g. redis://host:6379/0 (rediss:// for TLS); its password is never shown."
        ),
    ] = None
    cache_ttl: Annotated[
        float | None,
        read_duration("cache_ttl"),
        Knob(
            "--cache-ttl",
            "BRIEF_CACHE_TTL",
            text=True,
            default_text="never",
            show=lambda s: "(never expires)" if s.cache_ttl is None else format_duration(s.cache_ttl),
        ),
        Help("Cache entries written now expire after this long: seconds, or 30m, 12h, 7d."),
    ] = None
    use_cache: Annotated[
        bool, Knob("--no-cache", file=False, show=False), Help("Neither read nor write the cache.")
    ] = True
    cache_lease: Annotated[
        float,
        read_duration("cache_lease"),
        Knob(env="BRIEF_CACHE_LEASE", unit="s"),
        Help("Seconds a worker's claim on an article lasts unless renewed (cache_url shared by several workers)."),
    ] = 30.0
    concurrency: Annotated[
        int, Field(ge=1), Knob("--concurrency", "BRIEF_CONCURRENCY", short="-c"), Help("Requests in flight at once.")
    ] = 8
    # --- retries
    timeout: Annotated[
        float,
        Positive,
        Knob(
            "--timeout",
            unit="s",
            default_text=(
                "60; 900 for the local presets (ollama, vllm, llamacpp, lmstudio), whose timed-out requests are not resent"
            ),
        ),
        Help("Seconds to wait for each answer."),
    ] = 60.0
    max_output_tokens: Annotated[
        int,
        Field(ge=256),
        Knob("--max-output-tokens"),
        Help("Output-token limit of every request; a longer (or looping) answer is cut off and re-asked shorter."),
    ] = 4096
    context_window: Annotated[
        int | None,
        Field(ge=2048),
        Knob(
            "--context-window",
            "BRIEF_CONTEXT_WINDOW",
            default_text="known for OpenAI's models, else 32768",
            show=lambda s: window_label(s.model, s.context_window),
        ),
        Help("Tokens the model reads per request; summary and comparison calls are sized to it."),
    ] = None
    max_attempts: Annotated[
        int, Field(ge=1), Knob(), Help("Transport attempts per HTTP request (429, 5xx, timeouts, dropped connections).")
    ] = 5
    max_reasks: Annotated[int, NotNegative, Knob(), Help("Validation re-asks per call.")] = 2
    max_length_reasks: Annotated[
        int,
        NotNegative,
        Knob(),
        Help("Re-asks per call of an answer cut off by the output limit (apart from the validation re-asks)."),
    ] = 2
    max_elapsed: Annotated[float, Positive, Knob(), Help("Seconds per HTTP request, across its transport retries.")] = (
        300.0
    )
    backoff_initial: Annotated[
        float, NotNegative, Knob(), Help("Seconds before the first retry; doubles each time, plus jitter.")
    ] = 1.0
    backoff_max: Annotated[float, NotNegative, Knob(), Help("Cap on one backoff wait, in seconds.")] = 30.0
    retry_after_max: Annotated[float, NotNegative, Knob(), Help("Cap on a server's Retry-After, in seconds.")] = 120.0
    # --- limits and budgets
    max_article_chars: Annotated[
        int,
        Field(ge=1000),
        Knob("--max-article-chars"),
        Help(
            "Trim longer articles to this many characters before sending them (the briefing notes what was left out)."
        ),
    ] = 20_000
    rpm: Annotated[
        int | None,
        Positive,
        Knob("--rpm"),
        Help("At most this many requests per minute (client-side, spread evenly), to stay under the account's quota."),
    ] = None
    tpm: Annotated[
        int | None,
        Positive,
        Knob("--tpm"),
        Help("At most this many tokens per minute (estimated: request characters / 4 plus the answer allowance)."),
    ] = None
    max_cost: Annotated[
        float | None,
        Positive,
        Knob("--max-cost"),
        Help(
            "Budget in USD: start no request that would take the run past it (needs the model's price). Exit 2 if articles were left."
        ),
    ] = None
    max_tokens: Annotated[
        int | None, Positive, Knob("--max-tokens"), Help("Budget in tokens (prompt + answer), like --max-cost.")
    ] = None
    min_verified_share: Annotated[
        float,
        Field(ge=0, le=1),
        Knob(env="BRIEF_MIN_VERIFIED_SHARE"),
        Help(
            "Below this share of evidence quotes verified (or with most articles degraded), the run says the model looks too weak and exits 2; 0: never."
        ),
    ] = 0.5
    batch: Annotated[
        bool,
        Knob("--batch", file=False, show=False),
        Help(
            "Send the articles through the OpenAI Batch API (half price, results within 24 h); rerunning resumes a pending batch."
        ),
    ] = False
    prices: Annotated[
        dict[str, dict[str, float]],
        BeforeValidator(read_prices),
        Knob(show=_show_prices, default_text="built in for OpenAI's models on OpenAI's endpoint"),
        Help('USD per million tokens per model, as [prices."<model>"] input_per_mtok = 0.15, output_per_mtok = 0.60.'),
    ] = Field(default_factory=dict)
    # --- set per run, not in the config file
    replay_dir: Annotated[
        Path | None,
        Knob("--replay", file=False, show=False),
        Help("Answer requests from recordings in this folder instead of an endpoint."),
    ] = None
    record_dir: Annotated[
        Path | None,
        Knob("--record", file=False, show=False),
        Help("Save every live response as a recording in this folder (for --replay and tests)."),
    ] = None
    batch_poll: float = 30.0  # seconds between batch status checks
    # --- derived by resolve_settings
    replay_is_default: bool = False  # True when no endpoint was configured and bundled recordings are used
    sources: dict[str, str] = Field(
        default_factory=dict
    )  # setting -> "flag" | "env:VAR" | "file:<path>" | "provider:<name>" | "default"
    key_env: str | None = "OPENAI_API_KEY"  # the env var the key is read from; None: only --api-key
    config_file: Path | None = None  # the config file the settings were read from
    problems: tuple[str, ...] = ()  # what is missing for a live run (only with resolve_settings(lenient=True))
    key_withheld: str | None = None  # why a key found in the environment is not sent to this endpoint

    @field_validator("context_window")
    @classmethod
    def _leaves_room_for_input(cls, window: int | None, info: ValidationInfo) -> int | None:
        output = info.data.get("max_output_tokens")
        if window is not None and output is not None and window - output - window // 10 < MIN_INPUT_ROOM:
            raise ValueError(
                f"context_window {window} leaves no room for input after the output-token limit of {output} "
                f"(max_output_tokens); raise it to at least {-(-(MIN_INPUT_ROOM + output) * 10 // 9)} or lower --max-output-tokens"
            )
        return window

    @property
    def endpoint(self) -> str:
        """A label for the endpoint that never contains the key."""
        if self.replay_dir is not None:
            if self.replay_is_default:
                return "replay:bundled fixtures/"
            return f"replay:{self.replay_dir}"
        return without_userinfo(self.base_url) if self.base_url else OPENAI_URL

    @property
    def local_server(self) -> bool:
        """True for the local-server presets (ollama, vllm, llamacpp, lmstudio): a timed-out request is not resent."""
        preset = PROVIDERS.get(self.provider or "")
        return preset is not None and preset.local

    @property
    def cache_location(self) -> str:
        """Where the cache is, safe to show: the Redis URL with its password masked, the folder, or '(off)'."""
        if not self.use_cache:
            return "(off: --no-cache)"
        if self.cache_url is not None:
            from ..util.urls import masked_url

            return masked_url(self.cache_url.get_secret_value())
        return str(self.cache_dir)

    @property
    def secrets(self) -> list[str]:
        """Every secret a log line must never show: the API key and the cache URL's password."""
        found = [self.api_key.get_secret_value()] if self.api_key else []
        if self.cache_url is not None:
            from ..util.urls import url_password

            password = url_password(self.cache_url.get_secret_value())
            found += [password] if password else []
        return [s for s in found if len(s) >= 6]

    @cached_property
    def namespace(self) -> str:
        """Cache namespace: recorded answers never mix with paid ones, and new recordings invalidate old ones."""
        return f"replay-{recordings_fingerprint(self.replay_dir)}" if self.replay_dir is not None else "live"

    def with_(self, **changes: Any) -> Settings:
        """A copy with `changes` applied and validated."""
        return type(self).model_validate({**{name: getattr(self, name) for name in type(self).model_fields}, **changes})


def knobs() -> dict[str, Knob]:
    """Every user setting, in `config show` order: field name -> Knob."""
    found = {}
    for name, info in Settings.model_fields.items():
        knob = next((m for m in info.metadata if isinstance(m, Knob)), None)
        if knob is not None:
            found[name] = knob
    return found


def default_label(name: str) -> str | None:
    """The default of setting `name` as help and the README say it; None when there is nothing to say (no value, a switch)."""
    knob, info = knobs()[name], Settings.model_fields[name]
    if knob.default_text is not None:
        return knob.default_text
    if info.default is None or info.default_factory is not None or isinstance(info.default, bool):
        return None
    return (f"{info.default:g}" if isinstance(info.default, float) else str(info.default)) + knob.unit


def option_help(name: str) -> str:
    """The help of setting `name`'s flag: its description, then its env var and default."""
    knob, description = knobs()[name], Settings.model_fields[name].description or ""
    default = default_label(name)
    return description + (f" Env: {knob.env}." if knob.env else "") + (f" Default: {default}." if default else "")


def settings_rows(s: Settings) -> list[tuple[str, str, str]]:
    """(setting, value as shown, source) for every setting `brief config show` lists."""
    rows = []
    for name, knob in knobs().items():
        if knob.show is False:
            continue
        value = getattr(s, name)
        if callable(knob.show):
            text = knob.show(s)
        elif value is None:
            text = "(none)"
        elif isinstance(value, float):
            text = f"{value:g}{knob.unit}"
        else:
            text = f"{value}{knob.unit}"
        rows.append((name, text, s.sources.get(name, "default")))
    return rows
