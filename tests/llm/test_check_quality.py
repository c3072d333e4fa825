"""`brief check`'s quality step: one short invented article with a known answer, judged usable, weak or unusable.

The fake server answers the trial article as a careful model would (tests/fake_openai.py TRIAL_ANSWER),
or as a too-small model does (`weak:<failure>`): each failure makes the verdict weak, never "All good".
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.ingest.english import foreign_language
from summarizer.stages.trial import TRIAL_ARTICLE
from tests.conftest import SEEDS
from tests.fake_openai import FakeOpenAI


def _check(default: str, *args: str):
    with FakeOpenAI(default=default) as server:
        result = CliRunner().invoke(
            app, ["check", "--provider", "llamacpp", "--base-url", server.base_url, "--model", "fake-model", *args]
        )
        return result, server


def test_the_trial_article_is_invented_short_and_not_english():
    assert foreign_language(TRIAL_ARTICLE) == "ru" and len(TRIAL_ARTICLE) < 600
    assert all(TRIAL_ARTICLE[:60] not in p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")), "never a seed"


def test_a_capable_model_is_usable_and_the_check_costs_two_requests():
    result, server = _check("ok")
    assert result.exit_code == 0, result.output
    assert (
        "[ok]   quality            usable: 2 of 2 main fields and 3 of 3 items in English; 3 of 3 quotes verified; actors 2, stances 2, events 1; "
        in result.output
    )
    assert " s per answer" in result.output and result.output.rstrip().endswith(
        "All good: `brief PATH` will use this endpoint."
    )
    assert server.count == 2 and server.requests[1]["headers"]["X-Brief-Key"].startswith(
        "brief/check-trial/json_object_schema/"
    )
    assert server.requests[1]["body"]["response_format"]["type"] == "json_object", "asked exactly as a run would ask"


@pytest.mark.parametrize(
    ("failure", "finding"),
    [
        ("foreign", "headline is in Russian, not English: write it in English"),
        ("invented", "only 1 of 3 quotes found in the article"),
        ("no_evidence", "2 quote(s) say there is no evidence instead of quoting"),
        ("all", "summary is in Russian, not English: write it in English"),
    ],
)
def test_a_weak_model_is_called_weak_with_what_it_got_wrong_and_the_fix(failure, finding):
    result, _ = _check(f"weak:{failure}")
    assert result.exit_code == 2, result.output
    assert "[WEAK] quality            weak: " in result.output and f"- {finding}" in result.output
    assert "fix: use a larger model (7B or more)" in result.output
    assert "All good" not in result.output and "Works, but the model's answers are weak" in result.output


@pytest.mark.parametrize("failure", ["fenced", "repeat"])
def test_slips_brief_repairs_do_not_make_a_model_weak(failure):
    result, _ = _check(f"weak:{failure}")
    assert result.exit_code == 0 and "usable:" in result.output, result.output


def test_a_model_that_cannot_answer_is_unusable():
    with FakeOpenAI() as server:
        server.script("ok", "broken_json")  # the ping parses; the trial's answer does not
        result = CliRunner().invoke(
            app, ["check", "--provider", "llamacpp", "--base-url", server.base_url, "--model", "fake-model"]
        )
    assert result.exit_code == 1 and "[FAIL] quality            unusable: no usable answer after " in result.output, (
        result.output
    )


def test_no_quality_skips_the_trial():
    result, server = _check("weak", "--no-quality")
    assert result.exit_code == 0 and server.count == 1 and "quality" not in result.output


def test_a_schema_free_mode_is_told_to_send_the_schema():
    result, _ = _check("weak:invented", "--mode", "json")
    assert (
        "or a mode that sends the schema so the server decodes only valid answers (--mode json_schema" in result.output
    )
