"""Lemmas of Dutch and Polish words, from a table made with simplemma.

The Snowball stemmers leave inflections apart that a reader and an article use
for one word: Dutch ``deactiveer``, ``deactiveert`` and ``gedeactiveerde``, Polish
``aktywował`` and ``aktywowali``. Their lemma (``deactiveren``, ``aktywować``) is
indexed beside the stem, so a question in one form finds a section in another.

simplemma's Polish dictionary takes some 14 seconds and 400 MB to load, too much
for every web process and index build; so the table kept here holds only what
the site needs: every form of every lemma that occurs in the articles, made by
``python -m helpdesk.search.lemmas`` (simplemma is a development dependency).
The words it was made from are listed with it: a test fails when an article
brings a word the table has not seen, saying to run the command again.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

#: Languages with a lemma table (English inflects little: its stemmer suffices).
LANGUAGES = ("nl", "pl")
#: The table of one language, inside this package.
TABLE = "lemmas_{lang}.json.gz"
#: Words as the analyzer splits them, letters only (numbers have no lemma).
_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4)
def table(lang: str) -> dict[str, str]:
    """Return the forms of ``lang`` mapped to their lemma (lowercase words)."""
    if lang not in LANGUAGES:
        return {}
    try:
        raw = files("helpdesk.search").joinpath(TABLE.format(lang=lang)).read_bytes()
    except OSError:
        return {}
    data = json.loads(gzip.decompress(raw))
    forms: dict[str, str] = data["forms"]
    return forms


@lru_cache(maxsize=4)
def covered(lang: str) -> frozenset[str]:
    """Return the article words the table of ``lang`` was made from."""
    if lang not in LANGUAGES:
        return frozenset()
    raw = files("helpdesk.search").joinpath(TABLE.format(lang=lang)).read_bytes()
    return frozenset(json.loads(gzip.decompress(raw))["words"])


def lemma(lang: str, word: str) -> str | None:
    """Return the lemma of a lowercase ``word``, or None when it is its own."""
    return table(lang).get(word)


def make_table(lang: str, words: Iterable[str]) -> dict[str, object]:
    """Return the table of ``lang`` for ``words``: their lemmas' every known form.

    Needs simplemma (imported here only: the web app never loads it).
    """
    import simplemma
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    vocabulary = sorted(set(words))
    lemmas = {w: simplemma.lemmatize(w, lang=lang).lower() for w in vocabulary}
    wanted = set(lemmas.values())
    forms = {w: lem for w, lem in lemmas.items() if lem != w}
    dictionary = DefaultDictionaryFactory().get_dictionary(lang)
    for form, lem in dictionary.items():
        form, lem = form.lower(), lem.lower()
        if lem in wanted and form != lem and form.isalpha():
            forms.setdefault(form, lem)
    return {"words": vocabulary, "forms": dict(sorted(forms.items()))}


def article_words(lang: str, root: Path) -> set[str]:
    """Return the lowercase words of every article in ``lang`` under ``root``."""
    found: set[str] = set()
    for path in sorted(root.glob(f"*/{lang}.md")):
        found.update(_LETTERS.findall(path.read_text("utf-8").lower()))
    return found


def main() -> None:
    """Write the lemma tables for the articles (run after adding article text)."""
    from helpdesk.settings import PROJECT_ROOT

    here = Path(__file__).resolve().parent
    for lang in LANGUAGES:
        data = make_table(lang, article_words(lang, PROJECT_ROOT / "articles"))
        target = here / TABLE.format(lang=lang)
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        target.write_bytes(gzip.compress(payload.encode("utf-8"), mtime=0))
        print(f"{target}: {len(data['forms'])} forms", file=sys.stderr)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
