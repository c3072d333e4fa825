"""Provider presets: the base URL, structured-output mode and key variable each server needs.

A preset only fills in defaults; `--base-url`, `--mode` and `--api-key` (or their env vars and
config-file keys) still win. Modes follow what each server accepts:

- OpenAI, Azure OpenAI, OpenRouter: `tools` (function calling; instructor's recommended mode).
- Local servers get the answer's JSON Schema, so they decode only JSON that fits it (constrained
  decoding: a small model cannot answer with broken or mis-shaped JSON, and answers faster):
  - Ollama (0.5+), vLLM and LM Studio: `json_schema` (`response_format: {"type": "json_schema", ...}`;
    LM Studio rejects `json_object`);
  - llama.cpp: `json_object_schema` (`response_format: {"type": "json_object", "schema": {...}}`),
    which both its C++ server (`llama-server`) and llama-cpp-python's server accept; the latter
    rejects `json_schema` (HTTP 500).
  A server that refuses the schema (HTTP 400/500 naming it: an older Ollama) is asked without it
  from then on (`json`; LM Studio `md_json`), with a warning and a note (llm.client).

Local servers (Ollama, vLLM, llama.cpp, LM Studio) often generate on a CPU or a small GPU: one
brief can take minutes. Their presets wait `LOCAL_TIMEOUT` seconds per request instead of 60.

Azure uses its v1 API (`https://<resource>.openai.azure.com/openai/v1`), which takes the plain
OpenAI client with the Azure key and no `api-version`; `--model` is the deployment name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import ConfigError

__all__ = [
    "Provider",
    "PROVIDERS",
    "OPENAI_URL",
    "OPENAI_HOST",
    "ENDPOINT_KEY_ENV",
    "url_host",
    "key_allowed_for",
    "get_provider",
    "preset_base_url",
    "azure_v1_url",
    "LOCAL_TIMEOUT",
]

OPENAI_URL = "https://api.openai.com/v1"
OPENAI_HOST = "api.openai.com"
LOCAL_TIMEOUT = 900.0  # 15 minutes: a small model on CPU at a few tokens per second, up to --max-output-tokens
ENDPOINT_KEY_ENV = "BRIEF_API_KEY"  # a key meant for whatever endpoint is configured (--base-url)


def url_host(url: str | None) -> str | None:
    """The host name of `url` (lower case), or None when it has none."""
    from urllib.parse import urlsplit

    if not url:
        return None
    try:
        return (urlsplit(url).hostname or "").lower() or None
    except ValueError:
        return None


def key_allowed_for(hosts: tuple[str, ...], base_url: str | None) -> bool:
    """True when a key bound to `hosts` may be sent to `base_url` (None: OpenAI's endpoint)."""
    if not hosts:
        return True
    host = url_host(base_url or OPENAI_URL)
    return host is not None and any(host == h or host.endswith("." + h) for h in hosts)


@dataclass(frozen=True)
class Provider:
    """What brief needs to know to talk to one kind of server."""

    name: str
    title: str
    base_url: str | None  # None: derived from `base_url_env` (azure)
    mode: str
    key_env: str | None  # environment variable holding the key; None: only --api-key
    key_required: bool
    base_url_env: str | None = None
    start_hint: str = ""  # how to get the server running, for `brief check`
    timeout: float | None = None  # seconds per request, when the preset needs more than the default
    key_hosts: tuple[str, ...] = ()  # hosts the key from `key_env` may be sent to; (): the endpoint the user configured

    def key_allowed_for(self, base_url: str | None) -> bool:
        """May the key from `key_env` go to `base_url`? Only to this provider's own hosts, when it has fixed ones."""
        return key_allowed_for(self.key_hosts, base_url)

    @property
    def local(self) -> bool:
        """A server on your own machine (it may generate slowly, and keeps generating an abandoned answer)."""
        return not self.key_required


PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider("openai", "OpenAI", OPENAI_URL, "tools", "OPENAI_API_KEY", True, key_hosts=(OPENAI_HOST,)),
        Provider(
            "azure", "Azure OpenAI", None, "tools", "AZURE_OPENAI_API_KEY", True, base_url_env="AZURE_OPENAI_ENDPOINT"
        ),
        Provider(
            "ollama",
            "Ollama",
            "http://127.0.0.1:11434/v1",
            "json_schema",
            None,
            False,
            start_hint="start it with `ollama serve`",
            timeout=LOCAL_TIMEOUT,
        ),
        Provider(
            "vllm",
            "vLLM",
            "http://127.0.0.1:8000/v1",
            "json_schema",
            "VLLM_API_KEY",
            False,
            start_hint="start it with `vllm serve MODEL`",
            timeout=LOCAL_TIMEOUT,
        ),
        Provider(
            "llamacpp",
            "llama.cpp server",
            "http://127.0.0.1:8080/v1",
            "json_object_schema",
            None,
            False,
            start_hint="start it with `llama-server -m MODEL.gguf`",
            timeout=LOCAL_TIMEOUT,
        ),
        Provider(
            "lmstudio",
            "LM Studio",
            "http://127.0.0.1:1234/v1",
            "json_schema",
            None,
            False,
            start_hint="start its server with `lms server start`",
            timeout=LOCAL_TIMEOUT,
        ),
        Provider(
            "openrouter",
            "OpenRouter",
            "https://openrouter.ai/api/v1",
            "tools",
            "OPENROUTER_API_KEY",
            True,
            key_hosts=("openrouter.ai",),
        ),
    )
}


def get_provider(name: str, *, origin: str = "--provider") -> Provider:
    """The preset called `name` (case-insensitive); ConfigError naming the choices otherwise."""
    found = PROVIDERS.get(name.strip().lower())
    if found is None:
        raise ConfigError(
            f"unknown provider {name!r} (from {origin}); pass --provider (or set BRIEF_PROVIDER, or `provider` in brief.toml) with one of: {' | '.join(PROVIDERS)}"
        )
    return found


def azure_v1_url(endpoint: str) -> str:
    """`https://res.openai.azure.com` (with or without `/openai[/v1]`) -> the v1 API base URL."""
    url = endpoint.strip().rstrip("/")
    if url.endswith("/openai/v1"):
        return url
    if url.endswith("/openai"):
        return url + "/v1"
    return url + "/openai/v1"


def preset_base_url(provider: Provider, env: Mapping[str, str]) -> str | None:
    """The base URL the preset implies (None for Azure without AZURE_OPENAI_ENDPOINT)."""
    if provider.base_url_env:
        endpoint = env.get(provider.base_url_env)
        return azure_v1_url(endpoint) if endpoint else None
    return provider.base_url
