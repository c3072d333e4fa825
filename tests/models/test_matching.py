"""One answer to "is it the same?" for merge, analysis and digest, and one fence escape for every prompt."""

from __future__ import annotations

import re

import pytest

from summarizer.models.brief import date_precision
from summarizer.llm.prompts import escape_closing_tag
from summarizer.models.matching import same_actor, same_target


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # the seeds' own paraphrase of one target (score 84): the same topic
        ("Aliyev–Putin contact at the SCO summit", "Aliyev–Putin meeting at the SCO summit", True),
        ("peace talks with Armenia", "Armenia peace talks", True),
        ("Peace talks with Armenia.", "peace talks with armenia", True),
        # the same holder's different targets in the seeds (score 70)
        ("Aliyev–Putin contact at the SCO summit", "Aliyev's decision not to attend the summit", False),
        ("sanctions on Russian oil", "sanctions on Iranian oil", False),
    ],
)
def test_stance_targets(a, b, same):
    assert same_target(a, b) is same and same_target(b, a) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Ilham Aliyev", "Ilham Alijev", True),
        ("Recep Tayyip Erdoğan", "recep tayyip erdogan", True),
        ("Dmitry Peskov", "Dmitri Peskov", True),
        ("Ilham Aliyev", "Mehriban Aliyeva", False),
    ],
)
def test_actors(a, b, same):
    assert same_actor(a, b) is same


@pytest.mark.parametrize("tag", ["article", "briefs"])
@pytest.mark.parametrize("spelling", ["</{t}>", "</{T}>", "< /{t}>", "<  /  {t} >", "</{t}\n>", "x</{t}>y</{t}>"])
def test_every_spelling_of_the_closing_tag_is_neutralised(tag, spelling):
    text = spelling.format(t=tag, T=tag.upper())
    escaped = escape_closing_tag(text, tag)
    assert not re.search(rf"<\s*/\s*{tag}", escaped, re.IGNORECASE), escaped
    assert escaped.replace("\\", "") == text, "only a backslash is added, nothing else changes"


def test_other_tags_and_plain_text_are_left_alone():
    text = "a </b> and </articles-like> and 3 < 4 / 5 article"
    assert escape_closing_tag(text, "briefs") == text
    assert escape_closing_tag("no tags here", "article") == "no tags here"


def test_every_prompt_fence_uses_the_one_escape():
    from summarizer.models import Article
    from summarizer.stages.summarize import brief_messages
    from summarizer.stages.synthesis import _fence

    article = Article(
        id="x", path="a.txt", date=None, language="en", text="Headline\nBody < /ARTICLE > more text here."
    )
    user = brief_messages(article)[1]["content"]
    assert not re.search(r"<\s*/\s*article", user.split("<article", 1)[1].rsplit("</article>", 1)[0], re.IGNORECASE)
    assert _fence("x </briefs> y") == escape_closing_tag("x </briefs> y", "briefs")


@pytest.mark.parametrize(
    ("date", "precision"), [(None, "unknown"), ("2025", "year"), ("2025-10", "month"), ("2025-10-09", "day")]
)
def test_date_precision(date, precision):
    assert date_precision(date) == precision
