"""Building, swapping and staleness of the index; the CLI; concurrent searches."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from whoosh import index as whoosh_index
from whoosh.analysis import RegexTokenizer

from helpdesk import create_app
from helpdesk.content import get_library
from helpdesk.search import analysis, index, index_root, rebuild, search


@pytest.fixture
def app_config(app_config: dict[str, object], content_dir: Path) -> dict[str, object]:
    """No index and no build at start-up: these tests build over private content."""
    shutil.rmtree(Path(str(app_config["INSTANCE_PATH"])) / "search", ignore_errors=True)
    return {**app_config, "SEARCH_AUTO_BUILD": False, "CONTENT_DIR": str(content_dir)}


def test_cli_builds_and_swaps(app: Flask, runner: FlaskCliRunner) -> None:
    root = index_root(app)
    assert index.current_build(root) is None
    result = runner.invoke(args=["index", "build"])
    assert result.exit_code == 0, result.output
    assert "search index built" in result.output
    first = index.current_build(root)
    assert first is not None and (first / index.BUILD_INFO).exists()
    assert runner.invoke(args=["index", "build"]).exit_code == 0
    second = index.current_build(root)
    assert second != first
    assert (root / index.CURRENT).is_symlink()


def test_cli_if_stale_skips_a_fresh_index(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["index", "build"])
    result = runner.invoke(args=["index", "build", "--if-stale"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_start_up_builds_a_missing_index_once(app_config: dict[str, object]) -> None:
    config = {**app_config, "SEARCH_AUTO_BUILD": True}
    app = create_app(config)
    build = index.current_build(index_root(app))
    assert build is not None
    create_app(config)
    assert index.current_build(index_root(app)) == build


def test_edited_content_makes_the_index_stale(app: Flask, content_dir: Path) -> None:
    rebuild(app)
    root, languages = index_root(app), app.config["LANGUAGES"]
    with app.app_context():
        library = get_library()
    assert not index.is_stale(root, library, languages)
    article = content_dir / "error-1009" / "en.md"
    os.utime(article, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert index.is_stale(root, library, languages)


def test_other_stemmer_version_makes_the_index_stale(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    rebuild(app)
    with app.app_context():
        library = get_library()
    monkeypatch.setattr(index.analysis, "SNOWBALL_VERSION", "0.0.0")
    assert index.is_stale(index_root(app), library, app.config["LANGUAGES"])


def test_a_second_builder_skips_while_one_runs(app: Flask) -> None:
    root = index_root(app)
    with index.build_lock(root) as locked:
        assert locked
        assert rebuild(app, wait=False) is None
    assert rebuild(app, wait=False) is not None


def test_missing_index_gives_empty_results(app: Flask) -> None:
    with app.test_request_context("/en/search"):
        result = search("unlink", "en")
    assert result.total == 0 and result.hits == []


def test_searches_keep_working_while_the_index_is_rebuilt(app: Flask) -> None:
    rebuild(app)
    failures: list[BaseException] = []
    empty: list[str] = []
    stop = threading.Event()

    def searching() -> None:
        while not stop.is_set():
            try:
                with app.app_context():
                    result = search("unlink user", "en")
                if not result.hits:
                    empty.append("no hits")
            except BaseException as exc:  # collected for the assert below
                failures.append(exc)
                return

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        builds = {index.current_build(index_root(app))}
        for _ in range(3):
            rebuild(app)
            builds.add(index.current_build(index_root(app)))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not failures and not empty
    assert len(builds) == 4
    # Old builds are pruned, keeping the current one and the one before it.
    assert len(list((index_root(app) / index.BUILDS).iterdir())) == 2


def test_searcher_follows_the_swap(app: Flask) -> None:
    rebuild(app)
    engine = app.extensions["helpdesk.search"]
    with app.app_context():
        search("unlink", "en")
    before = engine._local.opened.build
    rebuild(app)
    with app.app_context():
        search("unlink", "en")
    assert engine._local.opened.build != before


def test_bulk_indexing_writes_the_same_postings(tmp_path: Path) -> None:
    """Our analyzer's fast path and Whoosh's token path index the same postings."""
    docs = [
        index.SectionDoc(
            slug=f"s{i}",
            section="a",
            lang=lang,
            title="T",
            heading=heading,
            body=body,
            lead=body if i % 2 else "",
            codes=("1009",) if i % 3 == 0 else (),
            lead_codes=(),
        )
        for i, (lang, heading, body) in enumerate(
            [
                ("pl", "Usuń użytkowników", "Jak odłączyć użytkownika i się nie bać."),
                ("nl", "Ontkoppelen", "Eén gebruiker; de beheerde beheerder."),
                ("en", "Unlink users", "Don't unlink the users' accounts (1,009)."),
                ("en", "Users", "users user users' user's"),
            ]
        )
    ]
    languages = ("en", "nl", "pl")

    def chain(lang: str) -> RegexTokenizer:
        return RegexTokenizer(analysis.WORD_PATTERN) | analysis.LanguageFilter(lang)

    index.write_index(tmp_path / "bulk", docs, languages, analysis.analyzer)
    index.write_index(tmp_path / "tokens", docs, languages, chain)
    readers = [
        whoosh_index.open_dir(str(tmp_path / name)).reader()
        for name in ("bulk", "tokens")
    ]
    bulk, tokens = readers
    for fieldname in bulk.schema.names():
        if not bulk.schema[fieldname].indexed:
            continue
        terms = list(bulk.lexicon(fieldname))
        assert terms == list(tokens.lexicon(fieldname))
        for term in terms:
            postings = []
            for reader in readers:
                matcher, found = reader.postings(fieldname, term), []
                while matcher.is_active():
                    found.append((matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
                postings.append(found)
            assert postings[0] == postings[1], (fieldname, term)
        if bulk.schema[fieldname].scorable:
            lengths = [
                [r.doc_field_length(d, fieldname) for d in range(len(docs))]
                for r in readers
            ]
            assert lengths[0] == lengths[1]
    for reader in readers:
        reader.close()
