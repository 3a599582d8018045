"""A briefing slide's text as HTML for the projector (pure).

The briefing page draws these fragments with its own style sheet (the
``bf-*`` classes, sized in viewport units). Every text is escaped, nothing
here carries a script or an event handler, so the page's sanitiser keeps
the fragments as written.
"""

from __future__ import annotations

from utils.report.deck import Slide

NO_BREAK = "\u2011"
"""A hyphen that never ends a line (``KTP‑el`` in a narrow table cell)."""
STATE_COLOURS = {"below": "#8f4604", "met": "#4b2e83", "above_100": "#4b2e83"}
"""Colour of the first line under the headline figure, per status."""
INK = "#111111"
"""Colour of the first line when the status has none of its own."""


def escape(text: str) -> str:
    """HTML-safe text; ``99,40 %`` never breaks before its sign.

    Examples
    --------
    >>> escape('<b>"A & B"</b> 99,40 %')
    '&lt;b&gt;&quot;A &amp; B&quot;&lt;/b&gt; 99,40&nbsp;%'
    """
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace(" %", "&nbsp;%")
    )


def head(slide: Slide) -> str:
    """The slide's title and subtitle."""
    return (
        f'<div class="bf-title">{escape(slide.title)}</div>'
        f'<div class="bf-sub">{escape(slide.subtitle)}</div>'
    )


def figure(slide: Slide, narrow: bool = False) -> str:
    """The headline figure in the largest type, then its short lines.

    Parameters
    ----------
    slide : Slide
        The slide (``headline``, ``lines`` and ``state``).
    narrow : bool
        The figure may be a long count in a narrow column (a smaller size).

    Returns
    -------
    str
        The figure (left out when the slide has none) and one ``div`` per
        line; the first line is coloured by the slide's status.
    """
    colour = STATE_COLOURS.get(slide.state, INK)
    first = f'<div class="bf-line" style="color:{colour}">'
    lines = "".join(
        (first if i == 0 else '<div class="bf-line2">') + escape(line) + "</div>"
        for i, line in enumerate(slide.lines)
    )
    size = " bf-count" if narrow else ""
    number = (
        f'<div class="bf-figure{size}">{escape(slide.headline)}</div>' if slide.headline else ""
    )
    return number + lines


def scenario_table(slide: Slide) -> str:
    """A scenario slide's table of figures and its settings line under it.

    The first row of ``slide.table`` is the header; hyphens in the cells
    never break a line (:data:`NO_BREAK`).
    """
    header, *rows = slide.table
    cells = "".join(f"<th>{escape(c)}</th>" for c in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(c.replace('-', NO_BREAK))}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="bf"><table class="bf-table"><thead><tr>{cells}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
        f'<div class="bf-text" style="margin-top:3vh">{escape(slide.text)}</div></div>'
    )
