"""``helpdesk i18n check|fill``: keep the catalogs complete and up to date."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from flask.cli import AppGroup

from helpdesk.settings import LANGUAGES, PROJECT_ROOT

i18n_cli = AppGroup("i18n", help="Check and fill the translation catalogs.")

TRANSLATIONS = PROJECT_ROOT / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
}


def extracted_ids(root: Path = PROJECT_ROOT) -> set[str]:
    """Return the message ids the code and templates use now."""
    with open(root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    ids: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def catalog_problems(translations: Path = TRANSLATIONS) -> list[str]:
    """Return every untranslated, fuzzy or stale message in the catalogs."""
    problems: list[str] = []
    pot_path = translations / "messages.pot"
    if not pot_path.exists():
        return [f"{pot_path} is missing: run 'make translations'"]
    with open(pot_path, "rb") as fh:
        template = read_po(fh)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    current = extracted_ids()
    for stale in sorted(current - wanted):
        problems.append(
            f"messages.pot is stale: lacks {stale!r} (run 'make translations')"
        )
    for gone in sorted(wanted - current):
        problems.append(f"messages.pot is stale: {gone!r} is no longer used")
    for lang in LANGUAGES[1:]:
        po_path = translations / lang / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            problems.append(f"{po_path} is missing")
            continue
        with open(po_path, "rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id, message.context)
            label = message.id if isinstance(message.id, str) else message.id[0]
            if found is None or not _translated(found.string, catalog):
                problems.append(f"{lang}: untranslated {label!r}")
            elif found.fuzzy:
                problems.append(f"{lang}: fuzzy {label!r}")
    return problems


def _translated(string: str | tuple[str, ...], catalog: Catalog) -> bool:
    if isinstance(string, tuple):
        return len(string) == catalog.num_plurals and all(string)
    return bool(string)


@i18n_cli.command("check")
def check_command() -> None:
    """Fail when messages.pot is stale or a message is untranslated or fuzzy."""
    problems = catalog_problems()
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo("translations OK")


@i18n_cli.command("fill")
@click.argument("source", type=click.File("r", encoding="utf-8"))
def fill_command(source: click.utils.LazyFile) -> None:
    """Write translations from a JSON file into the catalogs.

    The JSON maps each msgid to ``{"nl": text, "pl": text}``; a plural message maps
    to ``{"plural": msgid_plural, "nl": [forms], "pl": [forms]}``.
    """
    entries = json.load(source)
    for lang in LANGUAGES[1:]:
        po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        with open(po_path, "rb") as fh:
            catalog = read_po(fh, locale=lang)
        for msgid, translations in entries.items():
            if lang not in translations:
                continue
            key = (msgid, translations["plural"]) if "plural" in translations else msgid
            value = translations[lang]
            existing = catalog.get(msgid)
            if existing is None:
                catalog.add(key, tuple(value) if isinstance(value, list) else value)
            else:
                existing.string = tuple(value) if isinstance(value, list) else value
                existing.flags.discard("fuzzy")
        with tempfile.NamedTemporaryFile("wb", dir=po_path.parent, delete=False) as out:
            write_po(out, catalog, omit_header=False, sort_output=True, width=88)
        Path(out.name).replace(po_path)
        click.echo(f"{lang}: {len(entries)} entries written")
