"""Grounding: an evidence quote counts only if it occurs in its article.

A faithful copy may differ from the source in spacing, line breaks, quote marks, apostrophes,
dashes and letter case. It may not change, add or drop a word, be a translation, or join two
passages with an ellipsis. The tables below use real sentences from the seed articles.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest

from summarizer.ingest.articles import load_articles
from summarizer.models.evidence import (
    _QUOTES as QUOTE_FOLDS,
    MIN_QUOTE_CHARS,
    locate_quote,
    mark_cuts,
    normalize,
    quote_in_source,
)
from summarizer.models import GroundingReport
from summarizer.stages.quality import verify_brief
from summarizer.models import ArticleBrief

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
TEXTS = {a.path[:3]: a.text for a in load_articles([SEEDS]).articles}


def test_the_seed_texts_hold_the_sentences_the_tables_quote():
    # If a seed changed, the tables below would test nothing: pin the exact spans they start from.
    assert "Oficiālais iemesls – “saspringts darba grafiks”" in TEXTS["000"]
    assert "ierašanās vizītei.\nPēc Baku atteikuma" in TEXTS["000"]
    assert "У мережі з’явилося і відео" in TEXTS["001"]
    assert "призвал Украину «не соглашаться на оккупацию»" in TEXTS["002"]
    assert 'ракеты "Панцирь", которая взорвалась' in TEXTS["004"]


# (seed, quote the model returned) -- each differs from the source only in ways a faithful copy may.
TOLERATED = [
    pytest.param("002", "Путин не признал вину страны за инцидент", id="ru-exact"),
    pytest.param("000", "Alijevs pēdējo reizi piedalījās NVS pasākumos 2025. gada oktobrī Dušanbē", id="lv-exact"),
    pytest.param("001", "Натомість Путін провів двосторонні переговори з прем’єром Вірменії", id="uk-exact"),
    # whitespace and line breaks
    pytest.param(
        "000",
        "gatavojas viņa ierašanās vizītei. Pēc Baku atteikuma Maskava centās mazināt spriedzi",
        id="lv-newline-as-space",
    ),
    pytest.param("002", "Путин  не признал\nвину   страны\tза инцидент", id="ru-extra-whitespace"),
    pytest.param("002", "Путин\u00a0не признал вину страны за инцидент", id="ru-nbsp"),
    # quote marks: «» “” „“ and straight quotes are interchangeable, and optional inside the span
    pytest.param("002", 'В июле Алиев призвал Украину "не соглашаться на оккупацию"', id="ru-guillemets-as-straight"),
    pytest.param("002", "В июле Алиев призвал Украину “не соглашаться на оккупацию”", id="ru-guillemets-as-curly"),
    pytest.param("002", "В июле Алиев призвал Украину не соглашаться на оккупацию", id="ru-guillemets-dropped"),
    pytest.param("000", 'Oficiālais iemesls – "saspringts darba grafiks"', id="lv-curly-as-straight"),
    pytest.param("000", "Oficiālais iemesls – «saspringts darba grafiks»", id="lv-curly-as-guillemets"),
    pytest.param("004", "причиной катастрофы стали осколки от ракеты «Панцирь»", id="ru-straight-as-guillemets"),
    pytest.param("004", "„причиной катастрофы стали осколки от ракеты Панцирь“", id="ru-wrapped-in-low-quotes"),
    # apostrophes: ’ (source) vs ' and ʼ (Ukrainian modifier letter)
    pytest.param("001", "У мережі з'явилося і відео, що підтверджує ці слова", id="uk-apostrophe-ascii"),
    pytest.param("001", "У мережі зʼявилося і відео, що підтверджує ці слова", id="uk-apostrophe-modifier"),
    # dashes: – (source) vs - and —
    pytest.param(
        "000", "samitu Sanktpēterburgā - pasākumu, kuru Maskava tradicionāli izmanto", id="lv-en-dash-as-hyphen"
    ),
    pytest.param(
        "000", "samitu Sanktpēterburgā — pasākumu, kuru Maskava tradicionāli izmanto", id="lv-en-dash-as-em-dash"
    ),
    pytest.param("002", "а двое из них - братья Зияддин и Гусейн Сафаровы - скончались", id="ru-em-dash-as-hyphen"),
    # letter case and trailing punctuation
    pytest.param("002", "ПУТИН НЕ ПРИЗНАЛ ВИНУ СТРАНЫ ЗА ИНЦИДЕНТ", id="ru-upper-case"),
    pytest.param("000", "alijevs pēdējo reizi piedalījās nvs pasākumos", id="lv-lower-case"),
    pytest.param("001", "Натомість Путін провів двосторонні переговори...", id="uk-trailing-dots"),
]


@pytest.mark.parametrize(("seed", "quote"), TOLERATED)
def test_faithful_copies_are_found(seed: str, quote: str):
    assert quote_in_source(quote, TEXTS[seed])


# (seed, quote the model returned) -- each changes what the source says, or is not a copy of it.
REJECTED = [
    pytest.param("002", "Путин признал вину страны за инцидент", id="ru-dropped-negation"),
    pytest.param("002", "Путин не признал свою вину страны за инцидент", id="ru-added-word"),
    pytest.param("002", "Путин не признал вину за инцидент", id="ru-dropped-word"),
    pytest.param("002", "Алиев не признал вину страны за инцидент", id="ru-changed-name"),
    pytest.param("001", "затримали близько 60 осіб азербайджанського походження", id="uk-changed-figure"),
    pytest.param("000", "Bojā gāja 39 cilvēki", id="lv-changed-figure"),
    pytest.param(
        "000", "Alijevs pedejo reizi piedalijas NVS pasakumos 2025. gada oktobri Dusanbe", id="lv-diacritics-stripped"
    ),
    pytest.param("002", "Putin did not admit the country's guilt for the incident", id="ru-translated-to-english"),
    pytest.param("002", "Путін не визнав провину країни за інцидент", id="ru-translated-to-ukrainian"),
    pytest.param("002", "Putin ne priznal vinu strany za intsident", id="ru-transliterated"),
    pytest.param(
        "002", "Баку начал дистанцироваться от Москвы ... подать иск в международный суд", id="ru-ellipsis-join"
    ),
    pytest.param(
        "002", "Баку начал дистанцироваться от Москвы … подать иск в международный суд", id="ru-ellipsis-char-join"
    ),
    pytest.param(
        "001", "Путін, зайшовши до приміщення [...] переключився на інших гостей", id="uk-bracket-ellipsis-join"
    ),
    pytest.param("003", "Эта встреча продемонстрировала, что отношения улучшились", id="ru-paraphrase"),
    pytest.param("004", "", id="empty"),
    # a span must start and end on word boundaries: "недовольством" (discontent) is not "довольством"
    pytest.param("004", "довольством, что, по словам обозревателей", id="ru-starts-mid-word"),
    pytest.param("002", "Путин не признал вину страны за инц", id="ru-ends-mid-word"),
]


@pytest.mark.parametrize(("seed", "quote"), REJECTED)
def test_changed_translated_or_stitched_quotes_are_not_found(seed: str, quote: str):
    assert not quote_in_source(quote, TEXTS[seed])


@pytest.mark.parametrize(
    "quote",
    ["Путин", "«Панцирь»", "Bojā gāja", "  Alijevs   ", '"""""""""""""""', "- – — - – —", 'Пу""""""""""тин'],
)
def test_quotes_too_short_to_prove_anything_are_not_found(quote: str):
    # Every one of these occurs in (or is trivially contained by) some seed; too short to be evidence,
    # also once the quote marks (optional inside a span) are taken out.
    assert not any(quote_in_source(quote, text) for text in TEXTS.values())


def test_the_shortest_acceptable_quote_is_min_quote_chars_long():
    text = TEXTS["004"]
    exact = "Путин признал"  # 13 characters, in seed 004
    assert len(exact) >= MIN_QUOTE_CHARS and exact in text
    assert quote_in_source(exact, text)
    assert not quote_in_source(exact[: MIN_QUOTE_CHARS - 1], text)


def test_a_quote_from_another_article_is_not_found():
    quote = "Путин не признал вину страны за инцидент"  # seed 002
    assert quote_in_source(quote, TEXTS["002"])
    assert not quote_in_source(quote, TEXTS["004"])


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("«Да»  —\nнет", '"да" - нет'),
        ("З’явилося", "з'явилося"),
        ("ILHAMS\u00a0ALIJEVS", "ilhams alijevs"),
        ("  edges  ", "edges"),
    ],
)
def test_normalize_folds_only_cosmetic_differences(raw: str, normal: str):
    assert normalize(raw) == normal


def test_normalize_folds_every_kind_of_space_as_a_regex_would():
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]
    assert len(spaces) > 20  # tab, newline, no-break, ideographic, line separator ...
    for space in spaces:
        raw = f"{space}Один{space}{space}two\u00a0{space}три{space}"
        reference = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", raw).translate(QUOTE_FOLDS).casefold()).strip()
        assert normalize(raw) == reference == "один two три", repr(space)


# --------------------------------------------------------------------------- whole briefs


def _brief(stance_quotes: list[str], event_quotes: list[str]) -> ArticleBrief:
    """A brief built without validation context, so unverifiable quotes are allowed in."""
    return ArticleBrief.model_validate(
        {
            "source_language": "ru",
            "headline": "Test headline",
            "summary": "A test brief.",
            "actors": [
                {"name": "Vladimir Putin", "name_in_source": "Путин", "kind": "person", "role": "President of Russia"}
            ],
            "stances": [
                {
                    "holder": "Vladimir Putin",
                    "target": "Russia's guilt",
                    "position": "critical",
                    "gist": "g",
                    "evidence": q,
                }
                for q in stance_quotes
            ],
            "events": [
                {"date": None, "precision": "unknown", "description": "d", "actors": ["Vladimir Putin"], "evidence": q}
                for q in event_quotes
            ],
        }
    )


def test_verify_brief_reports_each_item_and_counts_them():
    text = TEXTS["002"]
    brief = _brief(
        stance_quotes=["Путин не признал вину страны за инцидент", "Putin admitted everything, said the outlet."],
        event_quotes=[
            "российская ПВО подбила лайнер «Азербайджанских авиалиний» над Грозным",
            "были задержаны более 10 членов азербайджанской диаспоры",
            "были задержаны более 50 членов азербайджанской диаспоры",
        ],
    )
    report = verify_brief(brief, text)
    assert report == GroundingReport(stances=(True, False), events=(True, True, False))
    assert (report.verified, report.total) == (3, 5)


def test_verify_brief_of_an_empty_brief_is_zero_of_zero():
    report = verify_brief(_brief([], []), TEXTS["000"])
    assert (report.verified, report.total) == (0, 0)


def test_reading_an_answer_never_verifies_a_quote_grounding_does():
    # The response model reads an ungrounded item without complaint (it is one item, not the answer);
    # verify_brief is what decides, and merge leaves the item out.
    data = _brief([], ["Путин не признал вину страны за инцидент"]).model_dump()
    data["events"][0]["evidence"] = "Putin did not admit the country's guilt for the incident"
    brief = ArticleBrief.model_validate(data, context={"source_text": TEXTS["002"]})
    assert brief.events[0].evidence == data["events"][0]["evidence"]
    assert verify_brief(brief, TEXTS["002"]).events == (False,)


def test_the_seed_recordings_are_fully_grounded():
    # Every quote in the bundled answers occurs in its seed: 67 of 67 (the brief items; the header counts the distinct quotes shown).
    import json

    authored = Path(__file__).resolve().parents[2] / "fixtures" / "authored"
    verified = total = 0
    for seed, text in TEXTS.items():
        (path,) = authored.glob(f"{seed}_*.json")
        report = verify_brief(ArticleBrief.model_validate(json.loads(path.read_text(encoding="utf-8"))), text)
        verified, total = verified + report.verified, total + report.total
    assert verified == total == 67


# --------------------------------------------------------------------------- a quote across a paragraph break


PARAGRAPHS = "Перший абзац закінчується тут.\n\nДругий абзац починається так і триває далі.\nТретій рядок."


def test_a_quote_running_into_the_next_paragraph_is_shown_with_the_cut_marked():
    joined = "абзац закінчується тут. Другий абзац починається так"
    assert quote_in_source(joined, PARAGRAPHS), "whitespace is folded: the check alone cannot see the break"
    marked = mark_cuts(joined, PARAGRAPHS)
    assert marked == "абзац закінчується тут. […] Другий абзац починається так"
    assert quote_in_source(marked, PARAGRAPHS)
    start, end = locate_quote(marked, PARAGRAPHS)
    assert PARAGRAPHS[start:end] == "абзац закінчується тут.\n\nДругий абзац починається так"
    assert mark_cuts("Другий абзац починається так", PARAGRAPHS) == "Другий абзац починається так", (
        "within one paragraph: unchanged"
    )


@pytest.mark.parametrize(
    "quote",
    [
        "Перший абзац […] тут",  # words skipped inside a paragraph
        "Перший абзац закінчується […] Другий абзац",  # the first part does not end its paragraph
        "закінчується тут. […] абзац починається так",  # the next part does not start its paragraph
        "закінчується тут. […] Третій рядок",  # a whole paragraph skipped
        "закінчується ту […] Другий абзац",  # a part ending inside a word
    ],
)
def test_a_cut_mark_never_hides_skipped_words(quote: str):
    assert not quote_in_source(quote, PARAGRAPHS)


def test_marking_cuts_takes_a_shortcut_only_where_it_gives_the_same_answer(monkeypatch: pytest.MonkeyPatch):
    """A quote found verbatim within one line needs no cut mark (issue 26: the timeline merge marks every quote):
    the shortcut must agree with the full check on every span of the seeds, in every script, and where
    normalisation joins a letter with the accent after it."""
    import random

    import summarizer.models.evidence as evidence

    rng = random.Random(26)
    cases = [
        (q, PARAGRAPHS)
        for q in (
            "абзац закінчується тут. Другий абзац починається так",
            "Другий абзац починається так",
            "Третій рядок.",
        )
    ]
    cases += [
        ("cafe", "un cafe\u0301 noir\nsuite"),
        ("cafe\u0301", "un cafe\u0301 noir\nsuite"),
        ("\u0301 noir", "un cafe\u0301 noir\nsuite"),
        ("Ligature \ufb01ne", "A Ligature \ufb01ne day\nnext"),
        ("two  spaces", "has two  spaces\nx"),
        ("end", "the end"),
    ]
    for text in TEXTS.values():
        for _ in range(300):
            start = rng.randrange(len(text))
            cases.append((text[start : start + rng.randrange(1, 160)], text))
    assert sum("\n" in q for q, _ in cases) > 50 and sum(evidence._verbatim_in_a_line(q, t) for q, t in cases) > 150
    fast = [mark_cuts(q, t) for q, t in cases]
    monkeypatch.setattr(evidence, "_verbatim_in_a_line", lambda quote, source: False)
    assert fast == [mark_cuts(q, t) for q, t in cases]
