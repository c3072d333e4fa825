"""Article text reaches the model byte for byte: instructor's Jinja templating never touches it.

instructor renders messages as Jinja templates when a call passes `context=`; brief passes its
validation context another way, so braces, Jinja comments and tags in articles are sent as written.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli import app

JINJA_LOOKALIKES = "Budget {{ 7*7 }} million, {# not a comment #} and {% if x %} stays literal {% endif %}."


def test_jinja_syntax_in_an_article_is_sent_verbatim_and_can_be_quoted(tmp_path: Path, fake_openai):
    article = tmp_path / "news" / "a.txt"
    article.parent.mkdir()
    article.write_text(f" date 2025-10-10 {JINJA_LOOKALIKES}\nThe ministry said the figures were final.\n", encoding="utf-8")

    result = CliRunner().invoke(app, [str(article.parent), "--base-url", fake_openai.base_url, "--api-key", "sk-test"])

    assert result.exit_code == 0, result.output
    sent = [r for r in fake_openai.requests if r["headers"].get("X-Brief-Key", "").startswith("brief/")]
    assert len(sent) == 1
    user = next(m["content"] for m in sent[0]["body"]["messages"] if m["role"] == "user")
    assert JINJA_LOOKALIKES in user
    # The fake server quotes the first sentence; it is verified against the article as written.
    assert "1 of 1 evidence quotes verified" in result.stdout
