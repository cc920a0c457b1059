"""The dashboard's figures sections (reports/partials/dashboard_figures.html)
kept in Django's cache, keyed on everything they are drawn from.

The key is a digest of the inputs themselves, read on every request: the
periods the user may list, the instansi's snapshots (id, inputs hash,
computation time), every answer's owner, state and levels, the OPD names,
the frameworks' revisions, the basis shown, the language and the time zone.
A change of any of them is a new key, so nothing needs invalidating and no
entry can show figures older than the data it was drawn from; the periods a
user may list are part of the key, so nobody is shown a year they may not
see. What a hit saves is the work between those rows and the HTML: the OPD
figures (fractions), the charts and the template (docs/PERFORMANCE.md).

The cache is an optimisation only: when Redis does not answer, the fragment
is rendered as if nothing were cached."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

# Entries of superseded inputs are never read again; they only wait to expire.
FRAGMENT_SECONDS = 60 * 60
# Raise when the fragment's template or context changes shape.
FRAGMENT_VERSION = 1


def fragment_key(inputs: tuple) -> str:
    """A digest of `inputs` (reprs of rows, dates, decimals, dataclasses:
    deterministic) with the language and time zone the page is drawn in."""
    material = repr(
        (
            FRAGMENT_VERSION,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            inputs,
        )
    )
    return "dashboard-figures:" + hashlib.sha256(material.encode()).hexdigest()


def cached_fragment(inputs: tuple, render: Callable[[], str]) -> SafeString:
    """render()'s HTML from the cache when `inputs` were rendered before."""
    key = fragment_key(inputs)
    try:
        html = cache.get(key)
    except Exception:  # the cache client's own connection/timeout errors
        logger.warning("Cache unavailable: dashboard figures rendered uncached")
        return mark_safe(render())
    if html is None:
        html = render()
        try:
            cache.set(key, html, FRAGMENT_SECONDS)
        except Exception:  # as above: the page never depends on the cache
            logger.warning("Cache unavailable: dashboard figures not stored")
    return mark_safe(html)
