"""Vietnamese text: normalisation, matching keys, sorting, masking.

Ground floor: imports nothing from the package.

Three keys are derived from a written name:

* ``nfc(text)``: Unicode NFC with whitespace collapsed, what is stored and shown;
* ``match_key(text)``: lower case, every syllable's tone mark moved to the end of
  the syllable as a digit, so that the old and new tone placements
  (``Hoà``/``Hòa``, ``Thuý``/``Thúy``) give the same key;
* ``fold(text)``: lower case without any diacritics and with ``đ`` → ``d``, for
  accent-insensitive search and header matching.

In both keys, and in the sort key, the Latin Eth (``Ð``/``ð``, U+00D0/U+00F0) is the
Vietnamese ``Đ``/``đ`` it looks like, which text pasted from web pages and old
documents carries: ``Ðức`` is ``Đức`` (what is stored and shown stays as written).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Combining tone marks, in the order of Vietnamese collation
# (none < huyền < hỏi < ngã < sắc < nặng).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# The Vietnamese alphabet order; letters outside it sort after, by code point.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}

# The Latin Eth, read as the Vietnamese letter it looks like (see above).
_ETH_AS_D = str.maketrans({"Ð": "Đ", "ð": "đ"})


_LOST_LETTER = re.compile(r"\w\?")
_LOST_LETTER_NOT_LAST = re.compile(r"\w\?(?!\s*$)")


def lost_letters(text: str, *, asks: bool = False) -> bool:
    """Whether ``text`` shows letters a code page could not hold: ``?`` after a letter
    (``Nguy?n``, ``Ph??ng``, ``H? và tên``, ``Lê Minh V?``) or U+FFFD. ``asks``: the text
    may end in a question (a header ``Còn sống?``), whose mark is no lost letter."""
    if "?" not in text and "\ufffd" not in text:
        return False
    letter = _LOST_LETTER_NOT_LAST if asks else _LOST_LETTER
    return "\ufffd" in text or letter.search(text) is not None


def nfc(text: str) -> str:
    """NFC, surrounding whitespace stripped, inner whitespace collapsed to one space."""
    # split() and \s agree on what whitespace is; split/join is the faster of the two.
    if text.isascii():
        return " ".join(text.split())
    return " ".join(unicodedata.normalize("NFC", text).split())


def _split_tone(syllable: str) -> tuple[str, int]:
    """A syllable without its tone mark (NFC) and the tone's rank (0 = none)."""
    decomposed = unicodedata.normalize("NFD", syllable.translate(_ETH_AS_D))
    tone = 0
    kept = []
    for ch in decomposed:
        rank = _TONES.get(ch)
        if rank is None:
            kept.append(ch)
        else:
            tone = rank
    return unicodedata.normalize("NFC", "".join(kept)), tone


@lru_cache(maxsize=65536)
def _syllable_key(syllable: str) -> str:
    base, tone = _split_tone(syllable)
    return f"{base}{tone}" if tone else base


def _words(text: str) -> list[str]:
    return nfc(text).lower().split(" ")


def match_key(text: str) -> str:
    """Key under which two spellings of one name are equal (case, NFC, tone placement)."""
    return _match_key(_words(text))


def _match_key(words: list[str]) -> str:
    if all(w.isascii() for w in words):
        return " ".join(words)
    return " ".join(_syllable_key(w) for w in words)


_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower case, no diacritics, ``đ`` → ``d``, whitespace collapsed."""
    return _fold(_words(text))


def _fold(words: list[str]) -> str:
    return " ".join(w if w.isascii() else _fold_word(w) for w in words)


@lru_cache(maxsize=65536)
def _word_keys(word: str) -> tuple[str, str]:
    """A word's part of ``match_key`` and of ``fold``."""
    return (word, word) if word.isascii() else (_syllable_key(word), _fold_word(word))


def match_and_fold(text: str) -> tuple[str, str]:
    """``(match_key(text), fold(text))``, the words read once (a roster's names share a
    few thousand words: each word's keys are remembered)."""
    matched, folded = zip(*map(_word_keys, _words(text)), strict=True)
    return " ".join(matched), " ".join(folded)


@lru_cache(maxsize=65536)  # a listing's names share a few hundred words
def _word_sort_key(word: str) -> tuple[tuple[int, ...], int]:
    base, tone = _split_tone(word.lower())
    letters = tuple(_LETTER_RANK.get(ch, 100 + ord(ch)) for ch in base)
    return letters, tone


def vn_name_sort_key(full_name: str) -> tuple[object, ...]:
    """Sort key for a Vietnamese full name: given name, then middle names, then family name.

    Within a word: letters in the Vietnamese alphabet's order, then the tone
    (none < huyền < hỏi < ngã < sắc < nặng).
    """
    words = nfc(full_name).split(" ")
    if not words or words == [""]:
        return ()
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    return tuple(_word_sort_key(w) for w in ordered), full_name


# A value hidden whole (notes): always as long, which says nothing of its length.
HIDDEN = "******"


def mask(value: str | None, keep_start: int = 4, keep_end: int = 2) -> str | None:
    """``001175001289`` → ``0011******89``; short values are masked entirely; nothing
    kept (notes) is ``HIDDEN``."""
    if value is None or value == "":
        return value
    if keep_start == keep_end == 0:
        return HIDDEN
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    middle = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * middle + value[len(value) - keep_end :]


_CP1258_TONES = frozenset(_TONES)


def to_cp1258_form(text: str) -> str:
    """Rewrite NFC text in the form Windows-1258 can encode.

    Windows-1258 has the letters with breve, circumflex and horn precomposed but
    the five tone marks only as combining characters: decompose, then recompose
    each base letter with its non-tone marks only.
    """
    out: list[str] = []
    base = -1  # index in out of the last base letter
    for ch in unicodedata.normalize("NFD", text):
        if ch in _CP1258_TONES:
            out.append(ch)
            continue
        cls = unicodedata.combining(ch)
        # A mark composes with its base unless a mark of the same or a higher class stands
        # between them (Unicode's "blocked": à + breve is not ằ).
        if cls and base >= 0 and all(unicodedata.combining(m) < cls for m in out[base + 1 :]):
            composed = unicodedata.normalize("NFC", out[base] + ch)
            if len(composed) == 1:
                out[base] = composed
                continue
        if not unicodedata.combining(ch):
            base = len(out)
        out.append(ch)
    return "".join(out)


def encode_cp1258(text: str) -> bytes:
    """Encode text in Windows-1258 the way Vietnamese Windows software does."""
    return to_cp1258_form(text).encode("cp1258")


def closest(text: str, candidates: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The candidates nearest to a mistyped ``text``, best first, compared without case or
    diacritics ("Tam Thun" → "Tam Thuận", "clb-tt01" → "CLB-TT-01")."""
    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(fold(candidate), candidate)
    close = difflib.get_close_matches(fold(text), list(by_key), n=n, cutoff=cutoff)
    return [by_key[k] for k in close]
