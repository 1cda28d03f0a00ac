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
from whoosh.analysis import RegexTokenizer

from helpdesk import create_app
from helpdesk.content import ContentLibrary, get_library
from helpdesk.search import analysis, index, index_root, rebuild, search, writer
from helpdesk.search.store import IndexReader
from helpdesk.settings import LANGUAGES, PROJECT_ROOT


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


def test_start_up_on_a_fresh_index_parses_no_content(
    app_config: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {**app_config, "SEARCH_AUTO_BUILD": True}
    create_app(config)

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the content was parsed")

    monkeypatch.setattr(ContentLibrary, "load_cached", parse)
    create_app(config)  # the index is fresh: its fingerprint says so


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
    bulk, tokens = contents(tmp_path / "bulk"), contents(tmp_path / "tokens")
    assert bulk == tokens
    assert ("body_pl", "uzytkownik") in bulk and ("codes_en", "1009") in bulk


def contents(build: Path) -> dict[tuple[str, str], tuple[list[int], list[float]]]:
    """Every term of a build with its documents and scores."""
    reader = IndexReader(build)
    try:
        terms = reader.db.execute("SELECT field, term FROM terms").fetchall()
        found = {}
        for field, term in terms:
            docnums, scores = reader.postings(field, term)
            found[(field, term)] = (docnums.tolist(), scores.tolist())
        return found
    finally:
        reader.close()


def test_a_parallel_build_writes_the_same_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches analysed by worker processes merge into the same terms and scores."""
    library = ContentLibrary.load(PROJECT_ROOT / "articles", LANGUAGES)
    docs = list(index.sections(library.all_articles())) * 3
    index.write_index(tmp_path / "serial", docs, LANGUAGES)
    monkeypatch.setattr(writer, "PARALLEL_FROM", 1)
    monkeypatch.setattr(writer, "BATCH", 97)  # batches that cut articles apart
    index.write_index(tmp_path / "parallel", docs, LANGUAGES)
    serial, parallel = contents(tmp_path / "serial"), contents(tmp_path / "parallel")
    assert serial.keys() == parallel.keys()
    assert serial == parallel
    for name in ("serial", "parallel"):
        reader = IndexReader(tmp_path / name)
        assert reader.doc_count == len(docs)
        words = reader.db.execute("SELECT lang, folded, spelling, freq FROM words")
        found = sorted(words.fetchall())
        reader.close()
        if name == "serial":
            expected = found
    assert found == expected
