"""Endpoint faults, each through real HTTP against the fake server (tests/fake_openai.py).

Retry policy under test (summarizer/llm/retry.py, summarizer/llm/client.py): a transport fault (429, 5xx, reset, timeout)
resends that one HTTP request, with backoff and jitter, honouring Retry-After, at most
`max_attempts` times and never past `max_elapsed`; the re-ask chain it belongs to survives.
Validation failures are re-asked with the error, `max_reasks` times; an answer cut off by the
output limit is re-asked shorter, `max_length_reasks` times, from its own budget. One call for a
brief therefore costs at most max_attempts x (1 + max_reasks + max_length_reasks) HTTP requests.
Timeouts and waits are shrunk here (timeout 1 s, backoff 10-50 ms) so faults cost milliseconds;
the whole-run mixes wait nothing at all (backoff 0, Retry-After capped at 0).
"""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from summarizer.ingest.articles import load_articles
from summarizer.cli import app
from summarizer.config.settings import Settings
from summarizer.llm.chain import LENGTH_REASK, request_bound
from summarizer.stages.summarize import summarize_articles
from tests.conftest import SEED_FILES, SEEDS
from tests.fake_openai import FakeOpenAI

KEY = "sk-test-SECRET-1234567890"
FAST = {
    "timeout": 1.0,
    "max_attempts": 3,
    "max_reasks": 2,
    "backoff_initial": 0.01,
    "backoff_max": 0.05,
    "retry_after_max": 3.0,
}


def fast_settings(server: FakeOpenAI, tmp_path: Path, **changes) -> Settings:
    """Settings pointing at the fake server, with retries shrunk so a fault costs milliseconds."""
    values = {
        "base_url": server.base_url,
        "api_key": SecretStr(KEY),
        "cache_dir": tmp_path / "cache",
        "concurrency": 2,
        **FAST,
    }
    return Settings(**{**values, **changes})


def fast_config(tmp_path: Path) -> Path:
    """The same fast retry policy as a config file, for CLI runs."""
    path = tmp_path / "fast.toml"
    path.write_text("".join(f"{k} = {v}\n" for k, v in FAST.items()), encoding="utf-8")
    return path


def cli_args(server: FakeOpenAI, tmp_path: Path) -> list[str]:
    return [
        "--base-url",
        server.base_url,
        "--api-key",
        KEY,
        "--config",
        str(fast_config(tmp_path)),
        "--cache-dir",
        str(tmp_path / "cache"),
        "-c",
        "2",
    ]


def brief_subjects(server: FakeOpenAI) -> list[str]:
    """The article ids of the brief requests the server received, in order."""
    keys = [r["headers"].get("X-Brief-Key", "") for r in server.requests]
    return [k.split("/")[1] for k in keys if k.startswith("brief/")]


def seed(index: int = 0):
    return load_articles([SEEDS / SEED_FILES[index]]).articles


def summed(usages: list[dict[str, int]]) -> dict[str, int]:
    return {name: sum(u[name] for u in usages) for name in ("prompt_tokens", "completion_tokens", "total_tokens")}


# --------------------------------------------------------------------------- transport faults


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("429:1", "HTTP 429: Rate limit reached"),
        ("429-date:2", "HTTP 429: Rate limit reached"),
        ("500", "HTTP 500: The server had an error"),
        ("502", "HTTP 502: The server had an error"),
        ("503", "HTTP 503: The server had an error"),
        ("reset", "connection failed (ReadError)"),
        ("hang:3", "request timed out"),
    ],
)
def test_a_transient_fault_is_retried_and_the_article_is_briefed(fake_openai, tmp_path, caplog, fault, reason):
    fake_openai.script(fault)
    with caplog.at_level(logging.WARNING, logger="summarizer.llm"):
        [result] = summarize_articles(seed(), fast_settings(fake_openai, tmp_path))
    assert result.ok, result.error
    assert [r["fault"] for r in fake_openai.requests] == [fault, "ok"]
    assert result.attempts == 2
    assert result.usage == fake_openai.usage_sent[0]  # the failed attempt returned no tokens
    assert [r.brief_reason for r in caplog.records if hasattr(r, "brief_reason")] == [reason]
    if fault.startswith("429"):
        # Retry-After honoured: "1" is one second; an HTTP date 2 s ahead (1-second resolution) is at least one
        first, second = fake_openai.requests
        assert second["time"] - first["time"] >= 0.9


def test_retry_after_is_capped(fake_openai, tmp_path):
    fake_openai.script("429:3600")
    started = time.monotonic()
    [result] = summarize_articles(seed(), fast_settings(fake_openai, tmp_path, retry_after_max=0.1))
    assert result.ok and fake_openai.count == 2
    assert time.monotonic() - started < 30  # generous: an uncapped wait would be an hour


def test_backoff_grows_with_jitter_and_is_capped(fake_openai, tmp_path, caplog):
    fake_openai.default = "500"
    settings = fast_settings(fake_openai, tmp_path, max_attempts=5, backoff_initial=0.01, backoff_max=0.05)
    with caplog.at_level(logging.WARNING, logger="summarizer.llm"):
        [result] = summarize_articles(seed(), settings)
    waits = [r.brief_wait for r in caplog.records if hasattr(r, "brief_wait")]
    assert len(waits) == 4  # a wait between each of the 5 attempts
    assert waits == sorted(waits) and all(0 < w <= 0.05 for w in waits)
    assert waits[0] > 0.01  # jitter on top of the initial backoff
    assert "HTTP 500" in result.error and "after 5 request(s)" in result.error


def test_a_request_stops_at_max_attempts(fake_openai, tmp_path):
    fake_openai.default = "503"
    [result] = summarize_articles(seed(), fast_settings(fake_openai, tmp_path, max_attempts=3))
    assert not result.ok and fake_openai.count == 3
    assert result.error.startswith("HTTP 503: The server had an error after 3 request(s) to http://127.0.0.1:")


def test_a_request_stops_when_the_next_wait_would_pass_max_elapsed(fake_openai, tmp_path):
    fake_openai.default = "500"
    settings = fast_settings(
        fake_openai, tmp_path, max_attempts=100, backoff_initial=0.25, backoff_max=0.25, max_elapsed=3.0
    )
    [result] = summarize_articles(seed(), settings)
    assert not result.ok
    # every wait is 0.25 s (the cap), so within 3 s at most 13 attempts, far below 100; at least two unless
    # the first request alone took 2.75 s (it did take over 0.5 s on a machine loaded 8 deep)
    assert 2 <= fake_openai.count <= 13


def test_requests_never_exceed_attempts_times_answers(fake_openai, tmp_path):
    settings = fast_settings(fake_openai, tmp_path, max_attempts=3, max_reasks=2, max_length_reasks=1)
    # the worst case: every answer is reached on its last attempt, each re-ask budget is spent, and the last answer never comes
    fake_openai.script(*["500", "500", "broken_json"] * 2, "500", "500", "length", "500", "500", "500")
    [result] = summarize_articles(seed(), settings)
    assert not result.ok and result.error.startswith("HTTP 500: The server had an error after 12 request(s)")
    assert fake_openai.count == request_bound(settings) == 3 * (1 + 2 + 1)
    assert result.attempts == 12
    assert result.usage == summed(fake_openai.usage_sent)  # the three answers that came were paid for


def _turns(request: dict) -> int:
    """The earlier answers a request sends back to the model (its re-asks so far)."""
    return sum(m["role"] == "assistant" for m in request["body"]["messages"])


def test_a_fault_during_a_reask_resends_that_request_and_keeps_the_chain(fake_openai, tmp_path, caplog):
    fake_openai.script("broken_json", "429:0", "missing_field", "500", "ok")
    with caplog.at_level(logging.WARNING, logger="summarizer.llm"):
        [result] = summarize_articles(seed(), fast_settings(fake_openai, tmp_path, max_attempts=2, max_reasks=2))
    assert result.ok, result.error
    _first, reask1, reask1_again, reask2, reask2_again = fake_openai.requests
    assert [_turns(r) for r in fake_openai.requests] == [0, 1, 1, 2, 2]  # never back to the first request
    assert reask1_again["body"] == reask1["body"] and reask2_again["body"] == reask2["body"]  # the same request, resent
    assert result.attempts == 5 and result.usage == summed(fake_openai.usage_sent)
    assert [r.brief_reason for r in caplog.records if hasattr(r, "brief_reason")] == [
        "HTTP 429: Rate limit reached",
        "HTTP 500: The server had an error",
    ]


def test_the_answers_a_call_needs_survive_faults_on_every_request_but_its_first(tmp_path):
    # every answer needs two re-asks, and every request after a call's first is throttled once: the chain
    # of three answers is never whole between two faults, so restarting it on a fault could never finish
    with FakeOpenAI(needs_reasks=2) as server:
        server.script("ok", "429:0", "ok", "503", "ok")
        [result] = summarize_articles(seed(), fast_settings(server, tmp_path, max_attempts=2))
    assert result.ok, result.error
    assert [r["fault"] for r in server.requests] == ["broken_json", "429:0", "broken_json", "503", "ok"]
    assert result.attempts == 5


# --------------------------------------------------------------------------- validation re-asks


REASKS = [
    ("broken_json", "Invalid JSON"),
    ("missing_field", "Field required"),
    ("wrong_type", "Input should be a valid array"),
    ("length", LENGTH_REASK),
    ("bad_quote", "its evidence quote does not occur in the article"),  # every item fails: re-asked, naming them
]


@pytest.mark.parametrize(("fault", "error_text"), REASKS)
def test_a_bad_answer_is_reasked_with_the_error_and_its_tokens_are_counted(fake_openai, tmp_path, fault, error_text):
    fake_openai.script(fault)
    [result] = summarize_articles(seed(), fast_settings(fake_openai, tmp_path))
    assert result.ok, result.error
    assert fake_openai.count == 2
    first, reask = (json.dumps(r["body"]["messages"], ensure_ascii=False) for r in fake_openai.requests)
    assert error_text not in first and error_text in reask
    assert len(fake_openai.usage_sent) == 2
    assert result.usage == summed(fake_openai.usage_sent)
    assert result.usage["completion_tokens"] > fake_openai.usage_sent[1]["completion_tokens"]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("missing_field", "the model's answer failed validation after 2 re-ask(s): "),
        ("broken_json", "the model's answer failed validation after 2 re-ask(s): "),
        ("length", "the model's answer was cut off by its output token limit (finish_reason=length) 3 time(s)"),
    ],
)
def test_reasks_are_bounded_and_every_failed_answer_is_counted(fake_openai, tmp_path, fault, message):
    fake_openai.default = fault
    [result] = summarize_articles(
        seed(), fast_settings(fake_openai, tmp_path, max_reasks=2, max_length_reasks=2, max_attempts=5)
    )
    assert not result.ok and result.error.startswith(message)
    assert fake_openai.count == 3  # 1 + 2 re-asks; a bad answer is not a transport fault, so no transport retry
    assert result.usage == summed(fake_openai.usage_sent) and len(fake_openai.usage_sent) == 3


@pytest.mark.parametrize(
    ("max_reasks", "max_length_reasks", "script", "ok"),
    [
        (
            2,
            2,
            ["length", "broken_json", "length", "missing_field", "ok"],
            True,
        ),  # two of each: neither budget runs out
        (0, 1, ["length", "ok"], True),  # a cut-off does not need a validation re-ask
        (1, 0, ["broken_json", "ok"], True),  # nor a bad answer a cut-off re-ask
        (2, 0, ["broken_json", "length"], False),  # the validation re-asks left do not pay for a cut-off
        (0, 2, ["length", "broken_json"], False),  # nor the cut-off re-asks left for a bad answer
    ],
)
def test_cut_off_and_invalid_answers_spend_separate_budgets(
    fake_openai, tmp_path, max_reasks, max_length_reasks, script, ok
):
    fake_openai.script(*script)
    settings = fast_settings(fake_openai, tmp_path, max_reasks=max_reasks, max_length_reasks=max_length_reasks)
    [result] = summarize_articles(seed(), settings)
    assert result.ok is ok, result.error
    assert fake_openai.count == len(script)


def test_a_cut_off_reask_asks_for_a_shorter_answer_and_keeps_the_validation_reasks(fake_openai, tmp_path):
    fake_openai.script("broken_json", "length", "length", "ok")
    [result] = summarize_articles(seed(), fast_settings(fake_openai, tmp_path, max_reasks=1, max_length_reasks=2))
    assert result.ok, result.error
    first, reask, shorter, again = (r["body"]["messages"] for r in fake_openai.requests)
    assert reask[: len(first)] == first and "Invalid JSON" in json.dumps(reask[len(first) :])
    answer, error = shorter[
        len(first) :
    ]  # the validation re-ask kept (as text turns), the cut-off answer not sent back
    assert (
        answer["role"] == "assistant"
        and answer["content"] == reask[len(first)]["tool_calls"][0]["function"]["arguments"]
    )
    assert error["role"] == "user" and "Invalid JSON" in error["content"] and error["content"].endswith(LENGTH_REASK)
    assert all(m["content"] for m in shorter), "no empty turn: OpenAI refuses an empty content list"
    assert again == shorter  # cut off twice in a row: asked for a shorter answer once, not twice


def test_a_run_counts_the_tokens_of_failed_attempts(fake_openai, tmp_path, seeds_copy):
    from summarizer.pipeline import build_briefing

    fake_openai.script("broken_json", "length", "bad_quote")
    run = build_briefing([seeds_copy], fast_settings(fake_openai, tmp_path, concurrency=1))
    assert run.exit_code == 0
    assert run.briefing.meta.usage == summed(fake_openai.usage_sent)
    assert run.briefing.meta.llm_requests == fake_openai.count
    assert (run.briefing.meta.resent, run.briefing.meta.reasks) == (
        0,
        3,
    )  # each bad answer re-asked once, nothing resent


# --------------------------------------------------------------------------- an endpoint that is down


def test_an_endpoint_failing_every_request_fails_each_article_fast_and_loses_nothing(fake_openai, tmp_path, seeds_copy):
    runner, args = CliRunner(), cli_args(fake_openai, tmp_path)
    first = runner.invoke(app, [str(seeds_copy / SEED_FILES[0]), "-q", *args])
    assert first.exit_code == 0, first.output
    done = brief_subjects(fake_openai)
    assert len(done) == 1

    fake_openai.requests.clear()
    fake_openai.default = "500"
    started = time.monotonic()
    down = runner.invoke(app, [str(seeds_copy), "-o", str(tmp_path / "briefing.md"), *args])
    assert down.exit_code == 2, down.output
    assert time.monotonic() - started < 30  # generous; bounded by attempts, not by luck
    assert done[0] not in brief_subjects(fake_openai), "the cached brief must not be paid for again"
    assert len(brief_subjects(fake_openai)) <= 4 * FAST["max_attempts"]
    failed = [line for line in down.stderr.splitlines() if line.startswith("  failed: ")]
    assert sorted(line.split(": ")[1] for line in failed) == SEED_FILES[1:]
    assert all("HTTP 500: The server had an error" in line for line in failed)
    assert "1 of 5 articles briefed; 4 failed;" in down.stderr
    briefing = (tmp_path / "briefing.md").read_text(encoding="utf-8")
    assert f"| [1] | {SEED_FILES[0]} |" in briefing  # an underscore inside a name is no emphasis: shown as written
    not_included = briefing.split("## Not included", 1)[1].split("## Notes", 1)[0]
    assert all(f"`{name}` failed: " in not_included for name in SEED_FILES[1:])

    fake_openai.requests.clear()
    fake_openai.default = "ok"
    healed = runner.invoke(app, [str(seeds_copy), "-q", *args])
    assert healed.exit_code == 0, healed.output
    assert sorted(brief_subjects(fake_openai)) == sorted(set(brief_subjects(fake_openai)))
    assert len(brief_subjects(fake_openai)) == 4, "only the four failed articles are paid for"


def test_once_the_endpoint_failed_several_articles_in_a_row_the_rest_are_not_sent(fake_openai, tmp_path, seeds_copy):
    from summarizer.pipeline import build_briefing

    fake_openai.default = "500"
    run = build_briefing([seeds_copy], fast_settings(fake_openai, tmp_path, concurrency=1, max_attempts=2))
    assert run.exit_code == 2 and [r.ok for r in run.results] == [False] * 5
    assert fake_openai.count == 3 * 2, "three articles x two attempts, then nothing more is sent"
    errors = [r.error for r in run.results]
    assert all(e.startswith("HTTP 500: The server had an error after 2 request(s)") for e in errors[:3])
    assert all(
        e.startswith("not sent: the endpoint failed the last 3 articles in a row (last error: HTTP 500: ")
        for e in errors[3:]
    )
    assert all(e.endswith("rerun later, articles already briefed are cached") for e in errors[3:])


@pytest.mark.parametrize(
    ("fault", "fix"),
    [
        ("401", "set a valid key in BRIEF_API_KEY or pass --api-key"),  # the key for a --base-url that is not OpenAI
        ("401-echo", "set a valid key in BRIEF_API_KEY or pass --api-key"),
        ("404", "pass --model with a model the endpoint serves, or check --base-url"),
    ],
)
def test_a_wrong_key_or_unknown_model_stops_at_once_with_one_message(fake_openai, tmp_path, seeds_copy, fault, fix):
    fake_openai.default = fault
    out = tmp_path / "briefing.md"
    result = CliRunner().invoke(app, [str(seeds_copy), "-o", str(out), *cli_args(fake_openai, tmp_path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and lines[0].endswith(fix)
    assert KEY not in result.output
    assert fake_openai.count <= 2, "no retry storm: at most one request per concurrency slot"
    assert not out.exists(), "exit 1 writes nothing"


def test_an_unknown_model_is_reported_with_the_model_name(tmp_path, seeds_copy):
    with FakeOpenAI(models=("qwen2.5:7b",)) as server:
        result = CliRunner().invoke(app, [str(seeds_copy), "--model", "gpt-4o-mini", *cli_args(server, tmp_path)])
        assert result.exit_code == 1
        assert f"Error: {server.base_url} has no model 'gpt-4o-mini' (HTTP 404: " in result.stderr
        assert server.count <= 2


# --------------------------------------------------------------------------- a whole run under a fault mix

MIXES = {
    "429 every 3rd request, 500 every 5th": {3: "429:0", 5: "500"},
    "every 4th answer cut off": {4: "length"},
}
RUNS = 20


@pytest.mark.parametrize("every", list(MIXES.values()), ids=list(MIXES))
def test_the_seeds_are_briefed_in_full_under_a_fault_mix_run_after_run(tmp_path, every):
    # Every answer needs two re-asks, and the faults fall on a fixed schedule per call (its n-th request, from an
    # offset fixed by its key), so what each call meets does not depend on how the two concurrent calls interleave.
    config = tmp_path / "no-waits.toml"
    config.write_text("backoff_initial = 0\nbackoff_max = 0\nretry_after_max = 0\ntimeout = 10\n", encoding="utf-8")
    for run in range(RUNS):
        with FakeOpenAI(every=every, per_call=True, needs_reasks=2) as server:
            out = tmp_path / f"run{run}.md"
            result = CliRunner().invoke(
                app,
                [
                    str(SEEDS),
                    "--concurrency",
                    "2",
                    "--base-url",
                    server.base_url,
                    "--api-key",
                    KEY,
                    "--config",
                    str(config),
                    "--cache-dir",
                    str(tmp_path / f"cache{run}"),
                    "-o",
                    str(out),
                    "--detail",
                    "full",
                ],
            )
            assert result.exit_code == 0, f"run {run + 1}: {result.output}"
            faults = [r["fault"] for r in server.requests]
        briefing = out.read_text(encoding="utf-8")
        summary = briefing.split("## Summary", 1)[1].split("## Sources", 1)[0]
        assert "No executive summary" not in summary and re.search(r"\w.*\[\d+\]", summary), (
            f"run {run + 1}: no executive summary"
        )
        assert all(f"\n## {section}\n" in briefing for section in ("Divergences", "Framing", "Corroborated")), (
            f"run {run + 1}"
        )
        assert "## Not included" not in briefing
        resent = sum(f not in ("ok", "broken_json", "length") for f in faults)
        reasks = len(faults) - resent - 7  # five briefs, the executive summary and the comparison each asked once
        assert len(faults) <= 7 * request_bound(Settings())
        [header] = [line for line in briefing.splitlines() if line.startswith("*Generated ")]
        expected = f"{len(faults)} LLM requests ({f'{resent} resent after a fault, ' if resent else ''}{reasks} re-asks), 0 cached"
        assert expected in header, header
    assert resent > 0 if "429:0" in every.values() else faults.count("length") > 0  # the mix was met


def test_a_digest_says_what_it_resent_and_re_asked(tmp_path, fake_openai):
    fake_openai.script("429:0", "broken_json")  # the day's first request throttled, its resent answer broken: re-asked
    args = [
        "digest",
        str(SEEDS),
        "--date",
        "2025-09-03",
        "--out",
        str(tmp_path / "digests"),
        *cli_args(fake_openai, tmp_path),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert fake_openai.count == 5  # two briefs and the story's comparison, one resend, one re-ask
    assert "5 LLM requests (1 resent after a fault, 1 re-ask), 0 cached" in result.stderr


def test_a_shard_says_what_it_resent_and_re_asked(tmp_path, fake_openai):
    fake_openai.script("500", "missing_field")  # the first request fails, its resent answer lacks a field: re-asked
    result = CliRunner().invoke(app, ["run", str(SEEDS), "--shard", "1/1", *cli_args(fake_openai, tmp_path)])
    assert result.exit_code == 0, result.output
    assert fake_openai.count == 7  # the five briefs, one resend, one re-ask (a shard writes no summary)
    assert "7 LLM requests (1 resent after a fault, 1 re-ask), 0 cached" in result.stderr
