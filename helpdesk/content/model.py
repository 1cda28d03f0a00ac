"""What an article is once parsed: plain, immutable data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    """One numbered step of a procedure, with its machine-readable kind."""

    number: int
    kind: str
    text: str


@dataclass(frozen=True)
class Section:
    """A headed part of an article; its id is the same in every language."""

    id: str
    title: str
    level: int
    html: str
    text: str
    procedure: bool = False
    steps: tuple[Step, ...] = ()
    links: tuple[str, ...] = ()

    @property
    def step_kinds(self) -> tuple[str, ...]:
        """Return the sequence of step kinds (empty unless a procedure)."""
        return tuple(step.kind for step in self.steps)


@dataclass(frozen=True)
class Origin:
    """The Zoom article an article was written from: its title, in its language."""

    title: str
    lang: str


@dataclass(frozen=True)
class Article:
    """One translation of an article."""

    slug: str
    lang: str
    title: str
    summary: str
    updated: dt.date
    lead_html: str
    lead_text: str
    sections: tuple[Section, ...]
    error_codes: tuple[int, ...] = ()
    source: str | None = None
    origin: Origin | None = None
    links: tuple[str, ...] = field(default=(), repr=False)

    def section(self, section_id: str) -> Section | None:
        """Return the section with this id, if the article has it."""
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def section_ids(self) -> tuple[str, ...]:
        """Return the ids of all sections, in order."""
        return tuple(s.id for s in self.sections)

    @property
    def procedures(self) -> tuple[Section, ...]:
        """Return the procedure sections."""
        return tuple(s for s in self.sections if s.procedure)
