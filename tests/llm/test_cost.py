"""Token usage, estimated cost, and the --max-cost / --max-tokens budget of a run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.settings import Settings, bundled_fixtures_dir, resolve_settings
from summarizer.llm.cost import (
    COMPLETION_ALLOWANCE,
    PRICES,
    Budget,
    Price,
    budget_for,
    cost_usd,
    estimate_tokens,
    price_for,
)
from summarizer.errors import ConfigError
from summarizer.pipeline import build_briefing
from summarizer.render.markdown import render_markdown
from tests.conftest import SEED_FILES

# --------------------------------------------------------------------------- prices


@pytest.mark.parametrize("model", sorted(PRICES))
def test_every_listed_model_and_its_dated_snapshots_get_the_listed_price(model):
    assert price_for(Settings(model=model)) == PRICES[model]
    snapshot = f"{model}-2031-01-01"  # a snapshot nobody listed takes its family's price
    assert price_for(Settings(model=snapshot)) == PRICES[model]


def test_the_longest_listed_name_wins():
    pairs = [(short, long) for short in PRICES for long in PRICES if long.startswith(short + "-")]
    assert pairs, "the table has families with listed members (gpt-4.1 / gpt-4.1-mini, gpt-4o / a dated gpt-4o)"
    for short, long in pairs:
        assert price_for(Settings(model=long)) == PRICES[long]
        assert price_for(Settings(model=short + "-other")) == PRICES[short]


def test_a_model_merely_starting_with_a_listed_name_is_not_priced():
    assert price_for(Settings(model="gpt-4o-minimal")) != PRICES["gpt-4o-mini"]
    assert price_for(Settings(model="o1x")) is None


@pytest.mark.parametrize(
    ("model", "base_url"),
    [
        ("qwen2.5:7b", "http://127.0.0.1:11434/v1"),  # a local model
        ("llama-3-70b", None),  # not an OpenAI model
        ("gpt-4o-mini", "https://openrouter.ai/api/v1"),  # OpenAI's price table is not another provider's
    ],
)
def test_an_unknown_model_or_another_provider_has_no_price(model, base_url):
    assert price_for(Settings(model=model, base_url=base_url)) is None


def test_prices_from_the_config_file_apply_to_any_endpoint(tmp_path):
    config = tmp_path / "brief.toml"
    config.write_text('[prices."qwen2.5:7b"]\ninput_per_mtok = 0.02\noutput_per_mtok = 0.05\n', encoding="utf-8")
    s = resolve_settings({"model": "qwen2.5:7b", "base_url": "http://127.0.0.1:11434/v1"}, env={}, config_file=config)
    price = price_for(s)
    assert (price.input, price.output) == (0.02, 0.05) and str(config) in price.source


@pytest.mark.parametrize(
    ("usage", "batch", "expected"),
    [
        ({"prompt_tokens": 1_000_000, "completion_tokens": 0}, False, 0.15),
        ({"prompt_tokens": 0, "completion_tokens": 1_000_000}, False, 0.60),
        ({"prompt_tokens": 2000, "completion_tokens": 1000}, False, 0.0009),
        ({"prompt_tokens": 2000, "completion_tokens": 1000}, True, 0.00045),  # the Batch API is half price
        ({}, False, 0.0),
    ],
)
def test_cost_is_tokens_times_price(usage, batch, expected):
    assert cost_usd(usage, Price(0.15, 0.60), batch=batch) == pytest.approx(expected)


def test_cost_is_none_without_a_price():
    assert cost_usd({"prompt_tokens": 10}, None) is None


def test_a_request_is_estimated_at_four_characters_a_token_plus_the_answer_allowance():
    estimate = estimate_tokens([{"role": "user", "content": "x" * 4000}])
    assert estimate == {
        "prompt_tokens": 1004,
        "completion_tokens": COMPLETION_ALLOWANCE,
        "total_tokens": 1004 + COMPLETION_ALLOWANCE,
    }


# --------------------------------------------------------------------------- the budget


def test_the_budget_reserves_until_the_next_request_would_exceed_it_then_stops():
    budget = Budget(max_tokens=10_000)
    request = {"total_tokens": 3000}
    tickets = [budget.reserve(request) for _ in range(3)]
    assert all(tickets) and budget.reserved_tokens == 9000
    assert budget.reserve(request) is None and budget.stopped
    budget.settle(tickets[0], {"total_tokens": 500})  # the real usage was smaller...
    assert budget.reserve({"total_tokens": 100}) is None  # ...but a stopped run starts nothing new
    assert (budget.spent_tokens, budget.reserved_tokens) == (500, 6000)


def test_a_cost_budget_counts_dollars_at_the_models_price():
    budget = Budget(max_cost=0.01, price=Price(0.15, 0.60))
    big = {"prompt_tokens": 20_000, "completion_tokens": 10_000, "total_tokens": 30_000}  # $0.009
    assert budget.reserve(big) is not None
    assert budget.reserve(big) is None
    assert "--max-cost $0.0100" in budget.refusal()


def test_without_limits_everything_is_allowed():
    budget = Budget()
    assert all(budget.reserve({"total_tokens": 10**9}) for _ in range(3)) and not budget.stopped


def test_a_cost_budget_for_a_model_without_a_price_names_the_fix():
    with pytest.raises(ConfigError) as err:
        budget_for(Settings(model="qwen2.5:7b", base_url="http://127.0.0.1:11434/v1", max_cost=1.0))
    assert "--max-cost needs the price of model 'qwen2.5:7b'" in str(err.value)
    assert '[prices."qwen2.5:7b"]' in str(err.value) and "--max-tokens" in str(err.value)


@pytest.mark.parametrize(
    ("flag", "value"), [("--max-cost", "0"), ("--max-tokens", "-5"), ("--rpm", "0"), ("--tpm", "0")]
)
def test_limits_must_be_positive(flag, value, seeds_copy):
    result = CliRunner().invoke(app, [str(seeds_copy), flag, value])
    assert result.exit_code == 1
    name = flag.removeprefix("--").replace("-", "_")
    assert f"Error: {name} must be more than 0, got " in result.stderr and result.stderr.rstrip().endswith(
        f"(from flag); fix {flag}"
    )


# --------------------------------------------------------------------------- end to end


def cli_args(server, tmp_path: Path) -> list[str]:
    return [
        "--base-url",
        server.base_url,
        "--api-key",
        "sk-test",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--concurrency",
        "1",
    ]


def test_a_budget_stops_the_run_keeps_what_was_paid_for_and_lists_what_was_not_done(fake_openai, seeds_copy, tmp_path):
    out = tmp_path / "briefing.md"
    first = CliRunner().invoke(
        app, [str(seeds_copy), "-o", str(out), "--max-tokens", "12000", *cli_args(fake_openai, tmp_path)]
    )
    assert first.exit_code == 2, first.output
    done = int(re.match(r"(\d) of 5 articles briefed", first.stderr).group(1))
    assert 1 <= done < 5  # articles go in order, one at a time (--concurrency 1), until the next would not fit
    assert f"Budget reached: {5 - done} article(s) not done" in first.stderr
    not_done = [line for line in first.stderr.splitlines() if line.startswith("  failed: ") and ".txt: " in line]
    assert [line.split(": ")[1] for line in not_done] == SEED_FILES[done:]
    assert all(
        "would have taken the run past its budget (--max-tokens 12000: the next request needed about " in line
        for line in not_done
    )
    needed, left = (
        int(n.replace(",", ""))
        for n in re.search(r"needed about ([\d,]+) tokens set aside .* and ([\d,]+) were left", not_done[0]).groups()
    )
    spent = sum(u["total_tokens"] for u in fake_openai.usage_sent)
    assert left == 12_000 - spent and needed > left, "the refusal says in figures why the next article did not fit"
    briefing = out.read_text(encoding="utf-8")
    assert all(f"`{name}` failed: not done" in briefing for name in SEED_FILES[done:])
    paid = {
        r["headers"]["X-Brief-Key"] for r in fake_openai.requests if r["headers"]["X-Brief-Key"].startswith("brief/")
    }
    assert len(paid) == done
    assert sum(u["total_tokens"] for u in fake_openai.usage_sent) <= 12_000, "the budget was not exceeded"

    fake_openai.requests.clear()
    second = CliRunner().invoke(app, [str(seeds_copy), "-q", *cli_args(fake_openai, tmp_path)])
    assert second.exit_code == 0, second.output
    again = {
        r["headers"]["X-Brief-Key"] for r in fake_openai.requests if r["headers"]["X-Brief-Key"].startswith("brief/")
    }
    assert len(again) == 5 - done and not again & paid, "what the first run paid for is not paid again"


def test_cost_is_in_the_metadata_the_header_and_on_stderr(fake_openai, seeds_copy, tmp_path):
    config = tmp_path / "brief.toml"
    config.write_text('[prices."gpt-4o-mini"]\ninput_per_mtok = 0.15\noutput_per_mtok = 0.60\n', encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            str(seeds_copy),
            "--json",
            str(tmp_path / "b.json"),
            "--config",
            str(config),
            *cli_args(fake_openai, tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    from summarizer.models import Briefing

    meta = Briefing.model_validate_json((tmp_path / "b.json").read_text(encoding="utf-8")).meta
    sent = list(fake_openai.usage_sent)
    prompt, completion = sum(u["prompt_tokens"] for u in sent), sum(u["completion_tokens"] for u in sent)
    assert meta.usage["prompt_tokens"] == prompt and meta.usage["completion_tokens"] == completion
    assert meta.cost_usd == pytest.approx((prompt * 0.15 + completion * 0.60) / 1e6, abs=1e-6)
    header = result.stdout.splitlines()[2]
    assert f"· {meta.usage['total_tokens']:,} tokens ≈ $" in header and "(estimate)" in header
    assert (
        f"estimated cost ${meta.cost_usd:.4f} at gpt-4o-mini: $0.15 in, $0.6 out per 1M tokens (prices in {config})"
        in result.stderr
    )


def test_replayed_answers_cost_nothing(tmp_path, seeds_copy):
    run = build_briefing([seeds_copy], Settings(replay_dir=bundled_fixtures_dir(), cache_dir=tmp_path / "cache"))
    assert run.briefing.meta.usage["total_tokens"] > 0
    assert run.briefing.meta.cost_usd is None and "≈ $" not in render_markdown(run.briefing, detail="full")


def test_a_cached_run_shows_no_tokens(fake_openai, seeds_copy, tmp_path):
    s = Settings(base_url=fake_openai.base_url, api_key=SecretStr("sk-test"), cache_dir=tmp_path / "cache")
    build_briefing([seeds_copy], s)
    again = build_briefing([seeds_copy], s)
    assert (
        again.briefing.meta.usage == {}
        and " tokens" not in render_markdown(again.briefing, detail="full").splitlines()[2]
    )


def test_a_token_budget_is_spent_the_same_at_any_concurrency(fake_openai, seeds_copy, tmp_path):
    """A request that does not fit only beside the ones in flight waits for their real usage instead of
    stopping the run: --max-tokens with -c 8 briefs as many articles as with -c 1."""

    def done(concurrency: str, cache: str) -> int:
        args = [
            str(seeds_copy),
            "-o",
            str(tmp_path / f"{cache}.md"),
            "--max-tokens",
            "16000",
            *cli_args(fake_openai, tmp_path),
        ]
        args[args.index("--cache-dir") + 1] = str(tmp_path / cache)
        args[args.index("--concurrency") + 1] = concurrency
        result = CliRunner().invoke(app, args)
        return int(re.match(r"(\d) of 5 articles briefed", result.stderr).group(1))

    one_at_a_time = done("1", "c1")
    assert one_at_a_time >= 2
    assert done("8", "c8") == one_at_a_time
