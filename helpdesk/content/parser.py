"""Parse ``articles/<slug>/<lang>.md``: YAML front matter, then Markdown sections."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any

import markdown
import yaml
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from helpdesk.content.model import Article, Origin, Section, Step

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*(?:\{([^}]*)\})?\s*$")
_STEP_COMMENT = re.compile(r"\s*<!--\s*step:\s*([A-Za-z0-9_-]+)\s*-->\s*$")
_NUMBERED_ITEM = re.compile(r"^\s{0,3}\d+\.\s")
_LOCAL_LINK = re.compile(r"^(?P<slug>[a-z0-9-]+)?#(?P<section>[a-z0-9-]+)$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

REQUIRED_FIELDS = ("title", "summary", "updated")
KNOWN_FIELDS = {"title", "summary", "updated", "error_codes", "source", "origin"}


class ContentError(ValueError):
    """A content file that cannot be parsed; ``str()`` says where and why."""


@dataclass
class _RawSection:
    id: str
    title: str
    level: int
    classes: tuple[str, ...]
    lines: list[str]


def parse_article(
    text: str, slug: str, lang: str, languages: tuple[str, ...]
) -> Article:
    """Parse one article file.

    :raise ContentError: on invalid front matter or a heading without an id.
    """
    meta, body = _split_front_matter(text)
    _validate_meta(meta, languages)
    lead_lines, raw_sections = _split_sections(body)
    sections = tuple(_build_section(raw, slug, lang) for raw in raw_sections)
    lead_html, lead_text, lead_links = _render("\n".join(lead_lines), slug, lang)
    links = lead_links + tuple(link for s in sections for link in s.links)
    return Article(
        slug=slug,
        lang=lang,
        title=str(meta["title"]).strip(),
        summary=str(meta["summary"]).strip(),
        updated=meta["updated"],
        lead_html=lead_html,
        lead_text=lead_text,
        sections=sections,
        error_codes=tuple(int(code) for code in meta.get("error_codes") or ()),
        source=meta.get("source"),
        origin=_origin(meta),
        links=links,
    )


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ContentError("missing front matter (a '---' block at the top)")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise ContentError(f"front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ContentError("front matter must be a mapping of fields")
    return meta, text[match.end() :]


def _validate_meta(meta: dict[str, Any], languages: tuple[str, ...]) -> None:
    missing = [name for name in REQUIRED_FIELDS if not meta.get(name)]
    if missing:
        raise ContentError(f"front matter lacks {', '.join(missing)}")
    unknown = sorted(set(meta) - KNOWN_FIELDS)
    if unknown:
        raise ContentError(f"front matter has unknown fields: {', '.join(unknown)}")
    if not isinstance(meta["updated"], dt.date) or isinstance(
        meta["updated"], dt.datetime
    ):
        raise ContentError("front matter 'updated' must be a date (YYYY-MM-DD)")
    codes = meta.get("error_codes", [])
    if not isinstance(codes, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in codes
    ):
        raise ContentError("front matter 'error_codes' must be a list of numbers")
    if "source" in meta and meta["source"] not in languages:
        raise ContentError(f"front matter 'source' must be one of {languages}")
    for name in ("title", "summary"):
        if not isinstance(meta[name], str):
            raise ContentError(f"front matter '{name}' must be text")
    origin = meta.get("origin")
    if "origin" in meta and not (
        isinstance(origin, dict)
        and set(origin) == {"title", "lang"}
        and isinstance(origin["title"], str)
        and origin["title"].strip()
        and origin["lang"] in languages
    ):
        raise ContentError(
            "front matter 'origin' must be {title: <text>, lang: <language>}"
        )


def _origin(meta: dict[str, Any]) -> Origin | None:
    origin = meta.get("origin")
    if origin is None:
        return None
    return Origin(title=str(origin["title"]).strip(), lang=str(origin["lang"]))


def _split_sections(body: str) -> tuple[list[str], list[_RawSection]]:
    lead: list[str] = []
    sections: list[_RawSection] = []
    in_fence = False
    for line in body.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            hashes, title, attrs = match.groups()
            section_id, classes = _parse_attrs(attrs or "", title)
            sections.append(
                _RawSection(section_id, title.strip(), len(hashes), classes, [])
            )
        elif sections:
            sections[-1].lines.append(line)
        else:
            lead.append(line)
    return lead, sections


def _parse_attrs(attrs: str, title: str) -> tuple[str, tuple[str, ...]]:
    ids = [a[1:] for a in attrs.split() if a.startswith("#")]
    classes = tuple(a[1:] for a in attrs.split() if a.startswith("."))
    if len(ids) != 1 or not _ID.match(ids[0]):
        raise ContentError(f"heading '{title}' needs one id like {{#some-id}}")
    return ids[0], classes


def _build_section(raw: _RawSection, slug: str, lang: str) -> Section:
    procedure = "procedure" in raw.classes
    lines: list[str] = []
    kinds: list[str] = []
    for line in raw.lines:
        match = _STEP_COMMENT.search(line)
        if match:
            if not _NUMBERED_ITEM.match(line):
                raise ContentError(
                    f"section '{raw.id}': a step comment outside a numbered item"
                )
            kinds.append(match.group(1))
            line = line[: match.start()]
        lines.append(line)
    if procedure and not kinds:
        raise ContentError(f"procedure section '{raw.id}' has no steps")
    if kinds and not procedure:
        raise ContentError(f"section '{raw.id}' has steps but is not .procedure")
    html, text, links = _render("\n".join(lines), slug, lang, kinds)
    steps = tuple(
        Step(number=i + 1, kind=kind, text=step_text)
        for i, (kind, step_text) in enumerate(
            zip(kinds, _step_texts(html), strict=False)
        )
    )
    if procedure and len(steps) != len(kinds):
        raise ContentError(
            f"procedure section '{raw.id}': {len(kinds)} step comments but "
            f"{len(steps)} list items in its first numbered list"
        )
    return Section(
        id=raw.id,
        title=raw.title,
        level=raw.level,
        html=html,
        text=text,
        procedure=procedure,
        steps=steps,
        links=links,
    )


def _step_texts(html: str) -> list[str]:
    """Return the plain text of each item in the first ordered list."""
    match = re.search(r"<ol[^>]*>(.*?)</ol>", html, re.DOTALL)
    if not match:
        return []
    items = re.findall(r"<li[^>]*>(.*?)</li>", match.group(1), re.DOTALL)
    return [" ".join(Markup(item).striptags().split()) for item in items]


def _render(
    source: str, slug: str, lang: str, kinds: list[str] | None = None
) -> tuple[str, str, tuple[str, ...]]:
    """Render Markdown; return HTML, plain text and the internal links found."""
    links: list[str] = []
    md = markdown.Markdown(
        extensions=[
            "attr_list",
            "sane_lists",
            _ArticleExtension(slug, lang, kinds or [], links),
        ],
        output_format="html",
    )
    html = md.convert(source)
    text = " ".join(Markup(html).striptags().split())
    return html, text, tuple(links)


class _ArticleExtension(Extension):
    def __init__(self, slug: str, lang: str, kinds: list[str], links: list[str]):
        super().__init__()
        self.slug, self.lang, self.kinds, self.links = slug, lang, kinds, links

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown API)
        md.treeprocessors.register(_ArticleTreeprocessor(md, self), "helpdesk", 5)


class _ArticleTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, ext: _ArticleExtension):
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        self._mark_steps(root)
        for anchor in root.iter("a"):
            href = anchor.get("href", "")
            match = _LOCAL_LINK.match(href)
            if match:
                slug = match.group("slug") or self.ext.slug
                target = f"{slug}#{match.group('section')}"
                self.ext.links.append(target)
                anchor.set("href", f"/{self.ext.lang}/articles/{target}")
            elif "://" not in href and not href.startswith(("/", "mailto:")):
                # Kept so the content check can report it.
                self.ext.links.append(href)

    def _mark_steps(self, root: etree.Element) -> None:
        if not self.ext.kinds:
            return
        ordered = next(root.iter("ol"), None)
        if ordered is None:
            return
        ordered.set("class", "procedure-steps")
        for index, (item, kind) in enumerate(
            zip(ordered.findall("li"), self.ext.kinds, strict=False), start=1
        ):
            item.set("data-step", kind)
            item.set("data-step-number", str(index))
