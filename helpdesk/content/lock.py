"""``articles/<slug>/translations.lock``: which source version each translation is from.

The file is JSON, written by ``helpdesk content sync`` (docs/content-format.md)::

    {
      "format": 1,
      "translations": {
        "nl": {"from": "en", "sections": {"delete-room": "<sha256 hex>"}}
      },
      "versions": {
        "en": {"delete-room": ["<sha256 hex>", ...]}
      }
    }

``translations`` records, per translated language, the language it was translated
from and, per section id, the digest of that source section it was last synced
against. ``versions`` lists every digest of a source section that a sync has ever
recorded: a translation may only claim one of those, or the current one.

This module only reads and writes the file; what the digests mean is in
:mod:`helpdesk.content.freshness`.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOCK_NAME = "translations.lock"
FORMAT = 1
#: A section digest: SHA-256, lower-case hex.
DIGEST = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class TranslationRecord:
    """What one translated language was written from."""

    source: str
    sections: dict[str, str] = field(default_factory=dict)


@dataclass
class Lock:
    """The parsed lock file of one article (empty when it has none)."""

    translations: dict[str, TranslationRecord] = field(default_factory=dict)
    #: source language -> section id -> every digest ever synced against, oldest first.
    versions: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: Why the file could not be read as a lock (the content check reports these).
    problems: tuple[str, ...] = ()

    def known_versions(self, source: str, section_id: str) -> list[str]:
        """Return the recorded digests of one source section."""
        return self.versions.get(source, {}).get(section_id, [])

    def to_json(self) -> str:
        """Return the file's text: stable key order, one field per line."""
        data = {
            "format": FORMAT,
            "translations": {
                lang: {"from": record.source, "sections": dict(record.sections)}
                for lang, record in self.translations.items()
            },
            "versions": self.versions,
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_lock(directory: Path) -> Lock:
    """Return the lock file in an article's folder; a missing file is an empty lock.

    A file that is not a well-shaped lock yields an empty lock carrying
    ``problems``: the site then shows no notices, and the content check fails.
    """
    path = directory / LOCK_NAME
    if not path.exists():
        return Lock()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _from_data(data)
    except (ValueError, UnicodeDecodeError) as exc:
        return Lock(problems=(f"{LOCK_NAME} cannot be read: {exc}",))


def write_lock(directory: Path, lock: Lock) -> None:
    """Write the lock file whole (a reader never sees half of it)."""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=directory, delete=False, suffix=".tmp"
    ) as out:
        out.write(lock.to_json())
    os.replace(out.name, directory / LOCK_NAME)


def _from_data(data: Any) -> Lock:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f'expected an object with "format": {FORMAT}')
    translations: dict[str, TranslationRecord] = {}
    for lang, record in _mapping(data.get("translations", {}), "translations"):
        record = dict(_mapping(record, f"translations.{lang}"))
        source = record.get("from")
        if not isinstance(source, str):
            raise ValueError(f"translations.{lang}.from must be a language")
        sections = dict(_mapping(record.get("sections", {}), f"{lang}.sections"))
        if not all(isinstance(v, str) for v in sections.values()):
            raise ValueError(f"translations.{lang}.sections: digests must be text")
        translations[lang] = TranslationRecord(source, sections)
    versions: dict[str, dict[str, list[str]]] = {}
    for source, sections in _mapping(data.get("versions", {}), "versions"):
        versions[source] = {}
        for section_id, digests in _mapping(sections, f"versions.{source}"):
            if not isinstance(digests, list) or not all(
                isinstance(d, str) for d in digests
            ):
                raise ValueError(f"versions.{source}.{section_id} must list digests")
            versions[source][section_id] = digests
    return Lock(translations, versions)


def _mapping(value: Any, where: str) -> list[tuple[str, Any]]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be an object")
    return list(value.items())
