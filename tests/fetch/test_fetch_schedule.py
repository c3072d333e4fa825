"""The daily-from-feeds example (docs/systemd/brief-daily.service, docs/scheduling.md): fetch, then digest the folder fetched."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.test_scaling_docs import ROOT, _parses, _unit


def _command(line: str) -> list[str]:
    argv = shlex.split(line.lstrip("-"))
    assert Path(argv[0]).is_absolute() and Path(argv[0]).name == "brief"
    return argv[1:]


def test_the_daily_unit_fetches_then_digests_the_folder_it_fetched_into():
    service = _unit(ROOT / "docs/systemd/brief-daily.service")["Service"]
    assert service["ExecStartPre"].startswith("-"), "a partly failed fetch (exit 2) must not stop the digest"
    fetch = _parses(_command(service["ExecStartPre"]))
    digest = _parses(_command(service["ExecStart"]))
    assert (fetch.info_name, digest.info_name) == ("fetch", "digest")
    assert [str(p) for p in digest.params["paths"]] == [str(fetch.params["out"])]
    assert digest.params["since"] == "yesterday" and fetch.params["quiet"] and digest.params["quiet"]
    assert set(service["SuccessExitStatus"].split()) == {"2", "75"}


def test_the_documented_cron_line_fetches_then_digests_even_after_a_partial_fetch():
    text = (ROOT / "docs/scheduling.md").read_text(encoding="utf-8")
    (line,) = [x for x in text.splitlines() if re.match(r"^\d+ \d+ \* \* \* .*brief\" fetch ", x)]
    fetch_part, digest_part = line.split('; "$HOME/.local/bin/brief" digest ')
    assert " && " not in line.split("fetch", 1)[1], "a partial fetch (exit 2) must not skip the digest"
    fetch = _parses(shlex.split(fetch_part.split("set +a; ", 1)[1].replace('"$HOME', '"/home/u'))[1:])
    digest = _parses(["digest", *shlex.split(digest_part.replace('"$HOME', '"/home/u'))])
    assert [str(p) for p in digest.params["paths"]] == [str(fetch.params["out"])]
