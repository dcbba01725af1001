"""What every end-to-end test asks of a page on a phone."""

from typing import Any

# Measured once the page has loaded (its stylesheet applied) and its fonts are in: a busy machine may still
# be laying the page out without them.
FITS = """
new Promise(loaded => document.readyState === "complete" ? loaded(null) : addEventListener("load", loaded))
  .then(() => document.fonts.ready)
  .then(() => document.documentElement.scrollWidth <= window.innerWidth)
"""


def no_horizontal_scroll(page: Any) -> None:
    """The page fits the screen's width: nothing to scroll sideways."""
    assert page.evaluate(FITS), page.url
