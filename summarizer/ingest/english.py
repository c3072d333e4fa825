"""Is this text English? The check every field the answer's schema calls English must pass.

A small model often answers in the article's language: a Latvian headline, a Russian summary.
Shown as the English briefing, that is text presented as English when it is not. The check is
cheap and errs toward English, since a field flagged wrongly costs an item or a re-ask:

- a field written mostly in a non-Latin script (Cyrillic, Greek, Arabic, CJK ...) is not
  English: a reliable signal even in a few words;
- a Latin-script field of enough letters (`MIN_LETTERS`) that uses few English function words
  is given to the language detector brief already ships (py3langid); only a confident verdict
  for another language (`MIN_CONFIDENCE`) flags it. Short strings and names are left alone:
  the detector is guesswork on them.

Names and quotes are never checked (they are in the source's language by design). What the
detector said of a text can be remembered (`Detections`, kept in the cache beside the answer's
entry, see stages/summarize.py): a rerun over cached answers then loads no detector (~0.5 s).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.metadata import version
from typing import Any

__all__ = [
    "DETECTOR",
    "Detections",
    "foreign_language",
    "in_language",
    "language_name",
    "MIN_LETTERS",
    "MIN_CONFIDENCE",
]

DETECTOR = "py3langid-" + version(
    "py3langid"
)  # whose verdicts `Detections` remember: another version may judge otherwise
Detections = dict[str, tuple[str, float]]  # text -> (language, normalized probability), as the detector gave them

MIN_LETTERS = 20  # fewer letters in Latin script: not judged (detector noise)
MIN_SCRIPT_LETTERS = 4  # a non-Latin script is judged from this many letters
MIN_CONFIDENCE = 0.9  # the detector's normalized probability needed to call a Latin-script field foreign
ENGLISH_SHARE = 0.15  # this share of English function words or more: English, no detector needed

_WORDS = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
_ENGLISH = frozenset(
    "a an the of to in on at for with by from and or but not no is are was were be been being has have had will would "
    "can could should may might must it its this that these those he she they we his her their them who which what when "
    "where after before over into about than as said says say also there here all more most new".split()
)
_SCRIPTS = {
    "CYRILLIC": "Cyrillic",
    "GREEK": "Greek",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "CJK": "Chinese",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Korean",
    "GEORGIAN": "Georgian",
    "ARMENIAN": "Armenian",
    "DEVANAGARI": "Devanagari",
    "THAI": "Thai",
}
_NAMES = {
    "lv": "Latvian",
    "ru": "Russian",
    "uk": "Ukrainian",
    "lt": "Lithuanian",
    "et": "Estonian",
    "pl": "Polish",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "sv": "Swedish",
    "no": "Norwegian",
    "da": "Danish",
    "fi": "Finnish",
    "cs": "Czech",
    "sk": "Slovak",
    "sl": "Slovenian",
    "hr": "Croatian",
    "sr": "Serbian",
    "bg": "Bulgarian",
    "ro": "Romanian",
    "hu": "Hungarian",
    "tr": "Turkish",
    "az": "Azerbaijani",
    "ka": "Georgian",
    "be": "Belarusian",
}


def language_name(code: str) -> str:
    """'lv' -> 'Latvian'; a script name or unknown code as it is."""
    return _NAMES.get(code, code)


def in_language(code: str) -> str:
    """'lv' -> 'in Latvian'; 'Cyrillic' -> 'in Cyrillic script'."""
    return f"in {language_name(code)}" if len(code) <= 3 else f"in {code} script"


@cache  # a text's letters are few distinct characters: look each up once per run
def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith("LATIN"):
        return "Latin"
    return next((label for prefix, label in _SCRIPTS.items() if name.startswith(prefix)), "other")


@cache
def _identifier() -> Any:
    """py3langid with normalized probabilities (its module-level `classify` gives raw scores): loaded once, about 0.5 s."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _classify(text: str, detected: Detections | None) -> tuple[str, float]:
    """The detector's (language, confidence) for `text`: remembered in `detected` if given, else worked out (and remembered there)."""
    if detected is not None and (known := detected.get(text)) is not None:
        return known
    language, confidence = _identifier().classify(text)
    found = (str(language), float(confidence))
    if detected is not None:
        detected[text] = found
    return found


def foreign_language(text: str | None, detected: Detections | None = None) -> str | None:
    """The language (ISO code, or a script such as 'Cyrillic') `text` is written in when it is confidently not English, else None.

    `detected`: the detector's verdicts on texts seen before (see `Detections`), used and added to."""
    if not text:
        return None
    if text.isascii():  # every ASCII letter is Latin: the usual English field needs no per-letter look-up or list
        script = "Latin"
        count = letters = sum(map(str.isalpha, text))
        if letters < MIN_SCRIPT_LETTERS:
            return None
    else:
        alpha = [ch for ch in text if ch.isalpha()]
        letters = len(alpha)
        if letters < MIN_SCRIPT_LETTERS:
            return None
        scripts: dict[str, int] = {}
        for ch in alpha:
            script = _script(ch)
            scripts[script] = scripts.get(script, 0) + 1
        script, count = max(scripts.items(), key=lambda kv: kv[1])
    if script not in ("Latin", "other") and count * 2 > letters:
        if (
            letters >= MIN_LETTERS
        ):  # name the language when the detector is sure (Russian or Ukrainian), else the script
            language, confidence = _classify(text, detected)
            if language != "en" and confidence >= MIN_CONFIDENCE:
                return str(language)
        return script
    if letters < MIN_LETTERS:
        return None
    words = [w.casefold() for w in _WORDS.findall(text)]
    if words and sum(w in _ENGLISH for w in words) >= ENGLISH_SHARE * len(words):
        return None
    language, confidence = _classify(text, detected)
    if language != "en" and confidence >= MIN_CONFIDENCE:
        return str(language)
    return None
