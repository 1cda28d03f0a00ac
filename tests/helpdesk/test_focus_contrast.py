"""The focus ring stands out (>= 3:1, WCAG 1.4.11) from every background it is on.

The ring is an outline 2px outside the focused element, so it lies on the
background *around* the control: every ``background`` in style.css counts, except
the fills of the controls themselves (the ring never touches its own control's
fill) and fills that hold no focusable element.
"""

from __future__ import annotations

import re

import pytest

from helpdesk.i18n_check import PROJECT_ROOT

STYLE = (PROJECT_ROOT / "helpdesk" / "static" / "style.css").read_text("utf-8")

#: Fills the ring is never drawn on, and why.
NOT_AROUND_A_CONTROL = {
    "var(--brand)": "the fill of a primary button itself",
    "var(--brand-dark)": "a primary button's hover fill",
    "var(--bad)": "the fill of a danger button itself",
    "#21345e": "a top-bar button's hover fill",
    "var(--focus)": "the 'sandbox' badge, which holds no control",
}


def variables() -> dict[str, str]:
    """Return the custom properties of ``:root``."""
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", STYLE))


def resolve(value: str) -> str | None:
    """Return a colour as #rrggbb, following var(); None for none/transparent."""
    value = value.strip().split()[0]
    found = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if found:
        value = variables()[found.group(1)]
    if not value.startswith("#"):
        return None
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "#" + digits.lower()


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.2) of #rrggbb."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: str, b: str) -> float:
    """Contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def backgrounds() -> list[str]:
    """Every background colour in style.css the ring can be drawn on."""
    found = set()
    for value in re.findall(r"background(?:-color)?:\s*([^;}]+)", STYLE):
        if value.strip().split()[0] in NOT_AROUND_A_CONTROL:
            continue
        colour = resolve(value)
        if colour is not None:
            found.add(colour)
    return sorted(found)


def test_the_ring_uses_the_focus_ring_colour() -> None:
    assert re.search(
        r":focus-visible\s*{\s*outline:\s*3px solid var\(--focus-ring\)", STYLE
    )


def test_known_ratios() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    # The old ring, #ffbf47 on white, was 1.6:1 (issue 9).
    assert contrast("#ffbf47", "#ffffff") == pytest.approx(1.64, abs=0.01)


@pytest.mark.parametrize("background", backgrounds())
def test_the_focus_ring_has_3_to_1_against(background: str) -> None:
    ring = variables()["--focus-ring"]
    assert contrast(ring, background) >= 3, f"{ring} on {background}"


def test_the_backgrounds_include_the_page_and_the_portal_top_bar() -> None:
    assert {"#ffffff", "#f6f8fb", "#0e1a33", "#fdf3f2"} <= set(backgrounds())
