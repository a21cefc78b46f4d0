"""Text normalisation shared by every parsing step.

Labels are matched on a *key form*: Simplified, half-width, without whitespace or punctuation,
so that Traditional text (OpenCC), full-width digits and PDF layout spacing all match the same
vocabulary. Stored text always keeps the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

try:  # OpenCC is a declared dependency; the guard keeps the parser importable without it.
    import opencc

    _T2S: Any = opencc.OpenCC("t2s")
except Exception:  # pragma: no cover - exercised only on broken installs
    _T2S = None

_PUNCT_RE = re.compile(
    r"[\s\u3000\u00a0\u200b\ufeff,，.。．、:：;；!！?？\"'“”‘’()（）\[\]【】<>《》〈〉·•\-－—_|｜/／]+"
)
_HAS_HAN_RE = re.compile(r"[\u3400-\u9fff]")


def to_halfwidth(s: str) -> str:
    """Full-width ASCII (０-９, Ａ, （）…) to half-width; NFKC does exactly that and no more here."""
    return unicodedata.normalize("NFKC", s)


def _t2s(s: str) -> str:
    if _T2S is None or not _HAS_HAN_RE.search(s):
        return s
    return _T2S.convert(s)


@lru_cache(maxsize=65536)
def to_simplified(s: str) -> str:
    return _t2s(s)


def normalize_text(s: str) -> str:
    """Half-width, Simplified text with original line structure kept."""
    return to_simplified(to_halfwidth(s))


@lru_cache(maxsize=65536)
def key_form(s: str) -> str:
    """The form labels are compared in: no whitespace, no punctuation, Simplified, half-width."""
    return _PUNCT_RE.sub("", to_simplified(to_halfwidth(s)))


def document_key_form(s: str) -> str:
    """:func:`key_form` of a whole document's text, not cached.

    Every document's text is new, so a cache would never hit in a crawl; it would only keep the
    texts (up to 65,536 of them, tens of KB each) alive for the life of the process.
    """
    return _PUNCT_RE.sub("", _t2s(to_halfwidth(s)))
