"""The suggester itself (pure): prefixes, codes, typos, ranking, its fast paths."""

from __future__ import annotations

import random
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk.content import ContentLibrary
from helpdesk.search import suggest as module
from helpdesk.search.suggest import BIG, Source, Suggester, for_library, labels
from helpdesk.settings import LANGUAGES, PROJECT_ROOT

LIBRARY = ContentLibrary.load(PROJECT_ROOT / "articles")
SUGGESTER = Suggester.from_library(LIBRARY)


def titles(text: str, lang: str, limit: int = 8) -> list[str]:
    return [s.title for s in SUGGESTER.suggest(text, lang, limit)]


def test_labels_are_the_bold_portal_names() -> None:
    html = (
        "<p>Click <strong>User&nbsp;Management</strong>,"
        " then <strong><em>Users</em></strong>.</p>"
    )
    assert labels(html) == ("User\xa0Management", "Users")


def test_every_language_of_the_library_is_there() -> None:
    assert set(SUGGESTER.languages) == set(LANGUAGES)


def test_an_unknown_language_has_no_suggestions() -> None:
    assert SUGGESTER.suggest("odla", "de") == []


def test_every_word_must_match() -> None:
    found = SUGGESTER.suggest("unlink del", "en", 20)
    assert (
        found[0].title == "Deactivate, unlink or delete users in bulk with a CSV file"
    )
    for item in found:  # in the heading, or the title of the section's article
        text = f"{item.title} {item.article}".lower()
        assert "unlink" in text and "delet" in text
    assert SUGGESTER.suggest("unlink rooms", "en") == []


def test_an_earlier_word_matching_no_whole_word_is_taken_as_begun() -> None:
    # "odla" (for "odłączanie") was left unfinished before the next word.
    assert titles("odla poje", "pl")[0] == "Odłączanie pojedynczego użytkownika"
    assert titles("odla poje", "pl") == titles("odłączanie pojedynczego", "pl")


def test_a_stop_word_being_typed_may_start_another_word() -> None:
    # Dutch "de" is a stop word and the start of "deactiveren".
    assert "Gebruikers deactiveren" in titles("de", "nl", 20)
    assert titles("gebruikers de", "nl")


def test_a_typo_in_an_earlier_word_is_corrected() -> None:
    assert titles("deactvate sing", "en")[0] == "Deactivate a single user"


def test_short_words_are_not_corrected() -> None:
    assert titles("unl", "en") and titles("xnl", "en") == []


def test_a_code_in_a_heading_is_found_whole() -> None:
    assert titles("what does 1009 me", "en")[0] == "What error code 1009 means"


def test_equal_matches_put_the_closer_heading_first() -> None:
    found = titles("unlink", "en", 3)
    assert found[0] == "Unlink users"


def test_for_library_keeps_one_suggester_per_library() -> None:
    first = for_library(LIBRARY)
    assert for_library(LIBRARY) is first
    other = ContentLibrary.load(PROJECT_ROOT / "articles")
    assert for_library(other) is not first
    assert for_library(other) is for_library(other)


def test_an_error_code_is_offered_once_with_its_own_article(tmp_path: Path) -> None:
    sources = [
        Source("remove-rooms", "a", "en", "Rooms and 1009", "A heading", codes=(1009,)),
        Source("error-1009", "cause", "en", "Error 1009", "Cause", codes=(1009,)),
        Source("error-1009", "fix", "en", "Error 1009", "Fix", codes=(1009,)),
    ]
    found = Suggester.build(sources).suggest("100", "en")
    codes = [s for s in found if s.kind == "error-code"]
    assert [(s.slug, s.code) for s in codes] == [("error-1009", 1009)]
    assert found[0] == codes[0]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=60),
    lang=st.sampled_from(LANGUAGES),
    limit=st.integers(-5, 50),
)
def test_never_raises_and_keeps_the_limit(text: str, lang: str, limit: int) -> None:
    found = SUGGESTER.suggest(text, lang, limit)
    assert len(found) <= max(1, min(limit, module.MAX_LIMIT))
    assert all(s.lang == lang for s in found)
    assert len(set(found)) == len(found)


@settings(max_examples=200, deadline=None)
@given(number=st.integers(0, 999_999), lang=st.sampled_from(LANGUAGES))
def test_numbers_are_completed_never_corrected(number: int, lang: str) -> None:
    typed = str(number)
    for item in SUGGESTER.suggest(typed, lang, 20):
        if item.kind == "error-code":
            assert str(item.code).startswith(typed) and len(typed) >= 2
        else:
            # A section or article offered for a number names a number it begins.
            numbers = re.findall(r"\d+", f"{item.title} {item.article}")
            assert any(n.startswith(typed) for n in numbers)


# --- the fast paths agree with walking everything ---------------------------------

WORDS = ["user", "users", "unlink", "undo", "update", "usage", "uzytkownik", "room"]


def _corpus(seed: int, count: int) -> list[Source]:
    rng = random.Random(seed)
    return [
        Source(
            slug=f"s{i // 10}",
            section=f"x{i % 10}",
            lang="en",
            title=" ".join(rng.sample(WORDS, 2)),
            heading=" ".join(rng.sample(WORDS, rng.randint(1, 4))),
        )
        for i in range(count)
    ]


def _brute(sources: list[Source], suggester: Suggester, text: str, limit: int) -> list:
    """The best entries found by walking every posting (no kept tops, no cap)."""
    index = suggester._languages["en"]
    [word] = module._parse(text, "en", index)
    scores = index.expand(word)
    ranked = sorted(scores, key=lambda n: -(scores[n] + index.static[n]))
    return [index.entries[n].suggestion for n in ranked[:limit]]


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000), prefix=st.sampled_from(["u", "us", "un", "r", "uz"])
)
def test_kept_tops_of_common_prefixes_match_a_full_walk(seed: int, prefix: str) -> None:
    sources = _corpus(seed, 4 * BIG)
    suggester = Suggester.build(sources)
    assert suggester._languages["en"].tops  # the fast path is taken
    for limit in (1, 8, 20):
        fast = suggester.suggest(prefix, "en", limit)
        slow = _brute(sources, suggester, prefix, limit)
        assert [s.title for s in fast] == [s.title for s in slow]
