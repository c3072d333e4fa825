"""The scale-out example units in docs/systemd/ are valid units whose ExecStart is a valid brief command line."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest
from typer.main import get_command

from summarizer.cli import app
from summarizer.stages.shard import parse_shard

ROOT = Path(__file__).resolve().parents[1]
UNITS = sorted((ROOT / "docs" / "systemd").glob("*.service"))
TIMERS = sorted((ROOT / "docs" / "systemd").glob("*.timer"))


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None, comment_prefixes=("#", ";"))
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def _brief_args(unit: configparser.ConfigParser, instance: str) -> list[str]:
    argv = shlex.split(unit["Service"]["ExecStart"].replace("%i", instance))
    assert Path(argv[0]).name == "brief", "ExecStart runs brief by its absolute path"
    assert Path(argv[0]).is_absolute()
    return argv[1:]


def _parses(args: list[str]):  # type: ignore[no-untyped-def]  # a click Context (typer vendors click)
    """Parse `brief ARGS` with brief's own command-line parser (nothing runs)."""
    group = get_command(app)
    name, command, rest = group.resolve_command(
        group.make_context("brief", list(args), resilient_parsing=True), list(args)
    )
    return command.make_context(name, rest)


def test_the_examples_exist_and_the_scaling_page_points_to_them():
    assert {p.name for p in UNITS} == {"brief-shard@.service", "brief-merge.service", "brief-daily.service"}
    page = (ROOT / "docs" / "cost-and-scale.md").read_text(encoding="utf-8")
    assert "](systemd/brief-shard@.service)" in page and "](systemd/brief-merge.service)" in page


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_each_unit_parses_and_keeps_secrets_in_an_environment_file(path: Path):
    unit = _unit(path)
    assert {"Unit", "Service"} <= set(unit.sections())
    service = unit["Service"]
    assert service["Type"] == "oneshot" and service["EnvironmentFile"].startswith("/etc/brief/")
    text = path.read_text(encoding="utf-8")
    assert "sk-" not in text and "redis://" not in text, (
        "keys and the Redis URL (with its password) stay in the env file"
    )


def test_the_timers_start_their_service_every_morning():
    assert {p.name for p in TIMERS} == {"brief-shard@.timer", "brief-merge.timer", "brief-daily.timer"}
    times = {}
    for path in TIMERS:
        timer = _unit(path)
        times[path.stem] = timer["Timer"]["OnCalendar"]
        assert timer["Install"]["WantedBy"] == "timers.target"
    assert times["brief-shard@"] < times["brief-merge"], "the merge starts after the shards"


@pytest.mark.parametrize("instance", ["1", "2", "3", "4"])
def test_every_shard_instance_is_a_valid_brief_run_with_its_own_shard(instance: str):
    ctx = _parses(_brief_args(_unit(ROOT / "docs/systemd/brief-shard@.service"), instance))
    assert ctx.info_name == "run"
    shard = parse_shard(ctx.params["shard"])
    assert (shard.index, shard.count) == (int(instance), 4)
    assert not ctx.params["output"] and not ctx.params["json_out"], "a shard writes no briefing"


def test_the_merge_is_the_same_run_without_a_shard_writing_the_briefing():
    shard = _parses(_brief_args(_unit(ROOT / "docs/systemd/brief-shard@.service"), "1"))
    merge = _parses(_brief_args(_unit(ROOT / "docs/systemd/brief-merge.service"), ""))
    assert merge.info_name == "run" and merge.params["shard"] is None
    assert merge.params["paths"] == shard.params["paths"], "the merge reads the same articles the shards briefed"
    assert merge.params["output"] and merge.params["json_out"]


def test_a_wrong_option_in_a_unit_would_fail_this_check():
    with pytest.raises(Exception, match="No such option: --shards"):
        _parses(["run", "/mnt/news", "--shards", "1/4"])
