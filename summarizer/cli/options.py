"""Typer options generated from the Settings model, so each setting is declared once (config/model.py).

A command lists the settings it takes and receives them as one `flags` dict for `settings_from`:

    @app.command("check")
    @settings_options(*ENDPOINT, "timeout", "context_window")
    def check(flags: SettingFlags, ...) -> None:
        settings = settings_from(**flags)

Each option's names, type and help (the field's description, its env var and default) come from
the field and its Knob; the options appear in the Settings model's order, followed by --config.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import SecretStr

from ..config.model import Settings, knobs, option_help

__all__ = ["ALL", "CACHE", "ENDPOINT", "ArticlePaths", "SettingFlags", "setting_option", "settings_options"]

# The article files and folders `brief run` and `brief digest` read.
ArticlePaths = Annotated[
    list[Path],
    typer.Argument(
        metavar="PATH",
        help="Article files and folders (folders are read recursively for *.txt).",
        show_default=False,
    ),
]

F = TypeVar("F", bound=Callable[..., Any])

SettingFlags = dict[str, Any]  # field name -> value given on the command line (None: not given), plus "config"

ENDPOINT = ("provider", "model", "base_url", "api_key", "mode")
CACHE = ("cache_dir", "cache_url", "cache_ttl")
ALL = tuple(name for name, knob in knobs().items() if knob.flag)  # every setting with a flag, in model order

ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Config file (TOML). Default: ./brief.toml, then the user config dir.", show_default=False
    ),
]


def _value_type(name: str) -> type:
    """The type the flag parses: the field's own (without None), text for SecretStr and for fields read by a validator."""
    if knobs()[name].text:
        return str
    annotation = Settings.model_fields[name].annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    return str if annotation is SecretStr else typing.cast(type, annotation)


def _is_switch(name: str) -> bool:
    return Settings.model_fields[name].annotation is bool


def setting_option(name: str, **override: Any) -> Any:
    """`Annotated[...]` for the option of setting `name`; `override` replaces typer.Option arguments (e.g. help, show_default)."""
    knob = knobs()[name]
    if knob.flag is None:
        raise ValueError(f"setting {name} has no flag; give its Knob one to make it an option")
    names = (knob.flag, knob.short) if knob.short else (knob.flag,)
    if _is_switch(name):
        return Annotated[bool, typer.Option(*names, help=option_help(name), **override)]
    options = {"help": option_help(name), "show_default": False, **override}
    return Annotated[_value_type(name) | None, typer.Option(*names, **options)]  # a runtime-built annotation


def settings_options(
    *names: str, config: bool = True, defaults: dict[str, Any] | None = None, **overrides: dict[str, Any]
) -> Callable[[F], F]:
    """Replace the command's `flags` parameter by one option per setting in `names` (in model order) and --config.

    The command gets `flags`: field name -> the value given (None when not given; a switch gives
    the opposite of the field's default), plus "config". `defaults` sets an option's default shown
    in help (e.g. check's shorter timeout); `overrides` maps a name to typer.Option arguments.
    """
    unknown = sorted(set(names) - set(ALL))
    if unknown:
        raise ValueError(f"no setting with a flag named {unknown}; settings with flags: {list(ALL)}")
    chosen = [name for name in ALL if name in names]
    defaults = defaults or {}

    def decorate(func: F) -> F:
        signature = inspect.signature(func, eval_str=True)
        if "flags" not in signature.parameters:
            raise TypeError(f"{func.__name__} needs a `flags: SettingFlags` parameter for its settings options")
        generated = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=setting_option(name, **overrides.get(name, {})),
                default=defaults.get(name, False if _is_switch(name) else None),
            )
            for name in chosen
        ]
        if config:
            generated.append(
                inspect.Parameter("config", inspect.Parameter.KEYWORD_ONLY, annotation=ConfigOpt, default=None)
            )
        params: list[inspect.Parameter] = []
        for param in signature.parameters.values():
            if param.name == "flags":
                params.extend(generated)
            else:
                params.append(
                    param.replace(kind=inspect.Parameter.KEYWORD_ONLY)
                    if param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
                    else param
                )

        @functools.wraps(func)
        def command(**kwargs: Any) -> Any:
            flags: SettingFlags = {}
            for name in chosen:
                value = kwargs.pop(name)
                if _is_switch(name):
                    value = (not Settings.model_fields[name].default) if value else None
                flags[name] = value
            if config:
                flags["config"] = kwargs.pop("config")
            return func(**kwargs, flags=flags)

        command.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]  # typer reads the generated options from it
        command.__annotations__ = {p.name: p.annotation for p in params}
        return typing.cast(F, command)

    return decorate
