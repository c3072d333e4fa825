"""The config file (brief.toml), `brief config path|show`, and the completeness of every --help."""

from __future__ import annotations

from pathlib import Path


import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.settings import bundled_fixtures_dir, mask_secret, resolve_settings
from summarizer.errors import ConfigError

LONG_KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz7890"


def _user_config(isolated_env: Path) -> Path:
    return isolated_env / "config" / "brief" / "brief.toml"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


FULL = """\
model = "qwen2.5:7b"
provider = "ollama"
base_url = "http://gpu-box:11434/v1"
mode = "md_json"
cache_dir = "/tmp/brief-cache-test"
concurrency = 3

[prices."gpt-4o-mini"]
input_per_mtok = 0.15
output_per_mtok = 0.6

[prices."qwen2.5:7b"]
input_per_mtok = 0
output_per_mtok = 0
"""


def test_every_file_key_loads_into_settings_with_the_file_as_source(tmp_path):
    config = _write(tmp_path / "brief.toml", FULL)
    s = resolve_settings({}, env={}, config_file=config)
    assert (s.model, s.provider, s.base_url, s.mode, s.cache_dir, s.concurrency) == (
        "qwen2.5:7b",
        "ollama",
        "http://gpu-box:11434/v1",
        "md_json",
        Path("/tmp/brief-cache-test"),
        3,
    )
    assert s.prices == {
        "gpt-4o-mini": {"input_per_mtok": 0.15, "output_per_mtok": 0.6},
        "qwen2.5:7b": {"input_per_mtok": 0.0, "output_per_mtok": 0.0},
    }
    for name in ("model", "provider", "base_url", "mode", "cache_dir", "concurrency", "prices"):
        assert s.sources[name] == f"file:{config}", name
    assert s.config_file == config


def test_settings_may_sit_in_a_brief_table(tmp_path):
    config = _write(
        tmp_path / "brief.toml", '[brief]\nmodel = "m1"\n[brief.prices.m1]\ninput_per_mtok = 1\noutput_per_mtok = 2\n'
    )
    s = resolve_settings({}, env={}, config_file=config)
    assert s.model == "m1" and s.prices == {"m1": {"input_per_mtok": 1.0, "output_per_mtok": 2.0}}


def test_flag_beats_env_beats_file_beats_default(tmp_path):
    config = _write(tmp_path / "brief.toml", 'model = "from-file"\nconcurrency = 2\n')
    s = resolve_settings(
        {"model": "from-flag"}, env={"BRIEF_MODEL": "from-env", "BRIEF_CONCURRENCY": "5"}, config_file=config
    )
    assert (s.model, s.sources["model"]) == ("from-flag", "flag")
    assert (s.concurrency, s.sources["concurrency"]) == (5, "env:BRIEF_CONCURRENCY")
    assert (s.mode, s.sources["mode"]) == ("tools", "default")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('api_key = "sk-x"\n', "keys do not belong in the config file; remove api_key"),
        ('openrouter_api_key = "x"\n', "remove openrouter_api_key"),
        ('modle = "x"\n', "unknown setting(s) ['modle']"),
        ('provider = "bedrock"\n', "unknown provider 'bedrock'"),
        ("prices = 3\n", "prices must be a table per model"),
        ("[prices.m]\ninput_per_mtok = 1\n", "prices for 'm' need exactly input_per_mtok and output_per_mtok"),
        ("[prices.m]\ninput_per_mtok = 1\noutput_per_mtok = -2\n", "prices.m.output_per_mtok must be a number >= 0"),
        (
            '[prices.m]\ninput_per_mtok = "cheap"\noutput_per_mtok = 1\n',
            "prices.m.input_per_mtok must be a number >= 0",
        ),
        ("model = \n", "not valid TOML"),
    ],
)
def test_bad_config_files_are_refused_with_the_file_named(tmp_path, text, message):
    config = _write(tmp_path / "brief.toml", text)
    with pytest.raises(ConfigError) as info:
        resolve_settings({}, env={}, config_file=config)
    assert message in str(info.value) and str(config) in str(info.value)


def test_working_dir_config_wins_over_the_user_config(tmp_path, monkeypatch, isolated_env):
    monkeypatch.chdir(tmp_path)
    _write(_user_config(isolated_env), 'model = "from-user-dir"\n')
    assert resolve_settings({}, env={}).model == "from-user-dir"
    _write(tmp_path / "brief.toml", 'model = "from-cwd"\n')
    assert resolve_settings({}, env={}).model == "from-cwd"


def test_no_endpoint_still_means_the_bundled_recordings():
    s = resolve_settings({}, env={})
    assert s.replay_is_default and s.replay_dir == bundled_fixtures_dir()
    assert resolve_settings({"provider": "ollama"}, env={}).replay_dir is None


@pytest.mark.parametrize(
    ("secret", "masked"),
    [(LONG_KEY, "sk-…7890"), ("sk-or-v1-2222222222222222", "sk-…2222"), ("short-key", "********"), (None, "(none)")],
)
def test_mask_secret(secret, masked):
    assert mask_secret(secret) == masked


# --------------------------------------------------------------------------- brief config


def test_config_path_lists_the_search_order_and_the_file_in_use(tmp_path, monkeypatch, isolated_env):
    monkeypatch.chdir(tmp_path)
    user = _write(_user_config(isolated_env), 'model = "m"\n')
    result = CliRunner().invoke(app, ["config", "path"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [f"{tmp_path / 'brief.toml'}  (not found)", f"{user}  (in use)"]
    _write(tmp_path / "brief.toml", "")
    result = CliRunner().invoke(app, ["config", "path"])
    assert result.output.splitlines() == [f"{tmp_path / 'brief.toml'}  (in use)", f"{user}  (found, not used)"]


def test_config_path_without_any_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["config", "path"])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "No config file in use: settings come from flags, env vars and defaults."


def test_config_path_with_a_missing_config_flag_fails_naming_it(tmp_path):
    result = CliRunner().invoke(app, ["config", "path", "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'nope.toml'}: config file not found; check --config" in result.output


def _rows(output: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in output.splitlines():
        if line.startswith("  "):
            name, rest = line.strip().split(maxsplit=1)
            value, source = rest.rsplit(maxsplit=1)
            rows[name] = (value.strip(), source)
    return rows


def test_config_show_masks_the_key_and_names_every_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = _write(
        tmp_path / "brief.toml",
        'model = "gpt-4.1-mini"\n[prices."gpt-4.1-mini"]\ninput_per_mtok = 0.4\noutput_per_mtok = 1.6\n',
    )
    monkeypatch.setenv("OPENAI_API_KEY", LONG_KEY)
    monkeypatch.setenv("BRIEF_CONCURRENCY", "4")
    result = CliRunner().invoke(app, ["config", "show", "--provider", "openai"])
    assert result.exit_code == 0, result.output
    assert LONG_KEY not in result.output
    rows = _rows(result.output)
    assert rows["provider"] == ("openai", "flag")
    assert rows["model"] == ("gpt-4.1-mini", f"file:{config}")
    assert rows["base_url"] == ("https://api.openai.com/v1", "provider:openai")
    assert rows["api_key"] == ("sk-…7890", "env:OPENAI_API_KEY")
    assert rows["mode"] == ("tools", "provider:openai")
    assert rows["concurrency"] == ("4", "env:BRIEF_CONCURRENCY")
    assert rows["prices"] == ("gpt-4.1-mini: in 0.4, out 1.6 USD/Mtok", f"file:{config}")
    assert rows["max_reasks"] == ("2", "default")
    assert result.output.splitlines()[0] == f"Config file: {config}"
    assert "Endpoint: https://api.openai.com/v1" in result.output


def test_config_show_reports_what_is_missing_instead_of_failing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["config", "show", "--provider", "openrouter"])
    assert result.exit_code == 0
    assert _rows(result.output)["api_key"] == ("(none; set OPENROUTER_API_KEY)", "default")
    assert "Problem: provider openrouter needs an API key: set OPENROUTER_API_KEY (or pass --api-key)" in result.output


def test_config_show_without_an_endpoint_says_runs_use_the_recordings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["config", "show"])
    assert f"Endpoint: none configured; runs use the recorded responses in {bundled_fixtures_dir()}." in result.output
    assert _rows(result.output)["provider"] == ("(none)", "default")


def test_config_show_for_a_local_provider_needs_no_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEF_PROVIDER", "llamacpp")
    rows = _rows(CliRunner().invoke(app, ["config", "show"]).output)
    assert rows["provider"] == ("llamacpp", "env:BRIEF_PROVIDER")
    assert rows["api_key"] == ("(none; not needed)", "default")
    assert rows["mode"] == ("json_object_schema", "provider:llamacpp")


# --------------------------------------------------------------------------- --help


def _all_commands() -> list[tuple[str, typer.core.TyperCommand]]:
    found = []

    def walk(cmd: typer.core.TyperCommand, prefix: str) -> None:
        found.append((prefix, cmd))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{prefix} {name}")

    walk(get_command(app), "brief")
    return found


@pytest.mark.parametrize(("name", "command"), _all_commands(), ids=[name for name, _ in _all_commands()])
def test_every_command_and_option_has_help(name, command):
    assert (command.help or "").strip(), f"{name} has no help text"
    for param in command.params:
        if param.name == "help":
            continue
        assert (getattr(param, "help", None) or "").strip(), f"{name}: {param.opts} has no help text"


@pytest.mark.parametrize("name", ["brief run", "brief check", "brief config show"])
def test_provider_option_lists_every_preset(name):
    from summarizer.config.providers import PROVIDERS

    command = dict(_all_commands())[name]
    option = next(p for p in command.params if "--provider" in p.opts)
    assert " | ".join(PROVIDERS) in option.help


# --------------------------------------------------------------------------- the settings model


def test_invalid_values_are_reported_one_line_per_setting_naming_where_to_fix_them(tmp_path):
    config = _write(tmp_path / "brief.toml", "timeout = -1\nmax_attempts = 2.5\n")
    with pytest.raises(ConfigError) as info:
        resolve_settings({"rpm": 0}, env={"BRIEF_CONCURRENCY": "many", "BRIEF_MODE": "XML"}, config_file=config)
    assert sorted(str(info.value).splitlines()) == sorted(
        [
            "concurrency must be a whole number, got 'many' (from env:BRIEF_CONCURRENCY); fix or unset BRIEF_CONCURRENCY",
            f"timeout must be more than 0, got -1 (from file:{config}); fix `timeout` in {config}",
            f"max_attempts must be a whole number, got 2.5 (from file:{config}); fix `max_attempts` in {config}",
            "mode must be one of: tools, json, md_json, json_schema, json_object_schema, got 'XML' (from env:BRIEF_MODE); fix or unset BRIEF_MODE",
            "rpm must be more than 0, got 0 (from flag); fix --rpm",
        ]
    )


def test_values_from_env_and_file_are_converted_to_the_field_types(tmp_path):
    config = _write(tmp_path / "brief.toml", 'max_cost = 2\ncache_dir = "~/briefs"\nbackoff_max = 5\n')
    s = resolve_settings(
        {}, env={"BRIEF_CONCURRENCY": "3", "BRIEF_MODE": "JSON", "HOME": "/home/x"}, config_file=config
    )
    assert (s.concurrency, s.mode, s.max_cost, s.backoff_max) == (3, "json", 2.0, 5.0)
    assert s.cache_dir == Path("~/briefs").expanduser() and s.cache_dir.is_absolute()


def test_unknown_settings_from_python_are_refused():
    with pytest.raises(ConfigError, match=r"unknown setting\(s\) \['modle'\]"):
        resolve_settings({"modle": "x"}, env={})


def test_the_api_key_is_never_echoed_in_an_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        resolve_settings({"api_key": LONG_KEY, "base_url": "http://127.0.0.1:9/v1", "concurrency": 0}, env={})
    assert (
        LONG_KEY not in str(info.value)
        and str(info.value) == "concurrency must be at least 1, got 0 (from flag); fix --concurrency"
    )


def test_every_config_show_row_comes_from_a_setting_the_file_can_hold_or_the_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = _rows(CliRunner().invoke(app, ["config", "show"]).output)
    accepted = []
    for name in rows:
        if name == "api_key":
            continue
        config = _write(
            tmp_path / f"{name}.toml",
            f"{name} = 1\n" if name != "prices" else "[prices.m]\ninput_per_mtok = 1\noutput_per_mtok = 1\n",
        )
        try:
            s = resolve_settings({}, env={}, config_file=config, lenient=True)
        except ConfigError as exc:  # a bad value for this setting is fine; an unknown key is not
            assert "unknown setting" not in str(exc), name
        else:
            assert s.sources[name] == f"file:{config}", name
            accepted.append(name)
    assert {"concurrency", "timeout", "max_attempts", "rpm", "prices"} <= set(accepted)


def test_a_brief_variable_that_is_no_setting_gets_a_warning_naming_what_does():
    result = CliRunner().invoke(
        app, ["config", "show"], env={"BRIEF_TIMEOUT": "5", "BRIEF_MODLE": "gpt-4o", "BRIEF_MODEL": "gpt-4o-mini"}
    )
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: BRIEF_")]
    assert warnings == [
        "Warning: BRIEF_MODLE is not a brief setting and changes nothing; did you mean BRIEF_MODE or BRIEF_MODEL?",
        "Warning: BRIEF_TIMEOUT is not a brief setting and changes nothing; pass --timeout or set `timeout` in brief.toml",
    ]


@pytest.mark.parametrize(
    ("written", "shown"), [("30d", "30d"), ("12h", "12h"), ("90m", "90m"), ("45", "45s"), ("2592000", "30d")]
)
def test_config_show_prints_a_duration_as_written_not_in_float_seconds(written, shown, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEF_CACHE_TTL", written)
    assert _rows(CliRunner().invoke(app, ["config", "show"]).output)["cache_ttl"] == (shown, "env:BRIEF_CACHE_TTL")


# --------------------------------------------------------------------------- config show: limits from the file
# `brief config show` lists every setting the config file may hold, with its source.


def test_limits_and_retry_settings_from_the_file_are_shown_with_their_source(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "brief.toml").write_text(
        "rpm = 500\nmax_cost = 1.5\nmax_article_chars = 10000\nbackoff_max = 12\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line.startswith("  ")}
    source = f"file:{tmp_path / 'brief.toml'}"
    assert rows["rpm"] == ["500", source]
    assert rows["max_cost"] == ["1.5", source]
    assert rows["max_article_chars"] == ["10000", source]
    assert rows["backoff_max"] == ["12", source]
    assert rows["tpm"] == ["(none)", "default"]
