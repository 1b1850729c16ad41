"""Legacy 8-bit Vietnamese encodings: TCVN3 (ABC) and VNI-Windows.

Before Unicode, Vietnamese text on Windows was typed in fonts whose glyphs
replace the Latin-1 letters: ``.VnTime``/``.VnArial`` (TCVN3, also called ABC)
and ``VNI-Times`` (VNI-Windows). The bytes are plain Windows-1252 bytes to the
rest of the system, so such a sheet, saved as "CSV UTF-8" by Excel, reads
``NguyÔn V¨n An`` (TCVN3) or ``Nguyeãn Vaên An`` (VNI) instead of
``Nguyễn Văn An``.

* ``decode(data, kind)``: the NFC text of legacy bytes;
* ``encode(text, kind)``: the legacy bytes of a text (tests, round trips);
* ``repair(text, kind, through)``: the real text of legacy bytes that were already read
  through an 8-bit code page (``cp1252``: Excel; ``cp1258``: our own reader's fallback);
* ``detect(texts)``: ``"tcvn3"``, ``"vni"`` or ``None`` for a handful of cell values.

TCVN3 (TCVN 5712:1993, character set VN3) is one byte per letter. It has the 67
lower-case Vietnamese letters that are not ASCII but, of the upper case, only
the seven plain letters Ă Â Ê Ô Ơ Ư Đ. Capitals with a tone mark were written
with a second font (``.VnTimeH``) that draws the *same* bytes as capitals, so
the bytes cannot tell ``Á`` from ``á``: ``decode`` gives the lower-case letter
(``¸nh`` → ``ánh``) and leaves any re-casing (title case for names) to the
caller. Bytes TCVN3 leaves free (0x80-0x9F, and 0xAF, 0xB0-0xB4, 0xBA, 0xBF-0xC5,
0xCD, 0xD9-0xDB, 0xE0, 0xF0, 0xFF, where the fuller VN1 set puts capitals and
combining marks) are read as Windows-1252, as Unikey does.

VNI-Windows is one or two bytes per letter: a base letter followed by a
modifier byte that the font draws over it (``e`` + ``ã`` → ``ễ``), plus single
bytes for đ, ơ, ư, the toned i and ``ỵ``. Upper-case modifiers are the
lower-case ones minus 0x20. ``decode`` takes the case from the base letter and
accepts a modifier of either case; it also composes a tone modifier after
``i`` and the dot below after ``y``, which the font draws the same way, though
converters write the single bytes. A modifier after anything else, and every
other byte above 0x7F, is read as Windows-1252.

Sources of the byte tables, each table checked against all of its sources:

* TCVN3: Unikey's VnConv tables by Pham Kim Long (``unikey/data.cpp``,
  ``SingleByteTables``, the TCVN3 entry, as kept in fcitx/fcitx5-unikey); GNU libc's
  iconv module ``TCVN5712-1`` (VN1, a superset: its lower-case letters and
  Ă Â Ê Ô Ơ Ư Đ sit at the same bytes); the TCVN3 → Unicode table of
  backupvietsoft/HRM (``ConvertVNI/XtraForm1.cs``); and duydev/vietnamese-conversion
  (``src/charsets.ts``).
* VNI-Windows: Unikey's VnConv tables (``unikey/data.cpp``, ``DoubleByteTables``,
  the VNI-WIN entry); Dao Hai Lam's xvnkb (lamdao/xvnkb, ``vni.h``); and
  duydev/vietnamese-conversion (``src/charsets.ts``).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import combinations, islice, permutations, product

KINDS = ("tcvn3", "vni")

_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_TONE_MARKS = frozenset((_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT))
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _windows_1252(byte: int) -> str:
    """What Windows shows for a byte of code page 1252 (the five unassigned bytes
    become the C1 control of the same number, as MultiByteToWideChar does)."""
    try:
        return bytes((byte,)).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


# --- TCVN3 ---------------------------------------------------------------------------

# Runs of consecutive bytes: (first byte, the letters from there on).
_TCVN3_RUNS = (
    (0xA1, "ĂÂÊÔƠƯĐăâêôơưđ"),
    (0xB5, "àảãáạ"),
    (0xBB, "ằẳẵắ"),
    (0xC6, "ặầẩẫấậè"),
    (0xCE, "ẻẽéẹềểễếệìỉ"),
    (0xDC, "ĩíịò"),
    (0xE1, "ỏõóọồổỗốộờởỡớợù"),
    (0xF1, "ủũúụừửữứựỳỷỹýỵ"),
)
_TCVN3_LETTERS: dict[int, str] = {
    first + i: letter for first, run in _TCVN3_RUNS for i, letter in enumerate(run)
}
_TCVN3_DECODE = "".join(
    chr(b) if b < 0x80 else _TCVN3_LETTERS.get(b) or _windows_1252(b) for b in range(256)
)

# --- VNI-Windows ---------------------------------------------------------------------

# Modifier bytes (lower case; the upper-case modifier is the byte minus 0x20).
_VNI_TONE = {0xF9: _ACUTE, 0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT}
_VNI_CIRCUMFLEX = {0xE2: "", 0xE1: _ACUTE, 0xE0: _GRAVE, 0xE5: _HOOK, 0xE3: _TILDE, 0xE4: _DOT}
_VNI_BREVE = {0xEA: "", 0xE9: _ACUTE, 0xE8: _GRAVE, 0xFA: _HOOK, 0xFC: _TILDE, 0xEB: _DOT}
# Letters of one byte (lower case; upper case is the byte minus 0x20).
_VNI_SINGLE = {
    0xF1: "đ",
    0xF4: "ơ",
    0xF6: "ư",
    0xED: "í",
    0xEC: "ì",
    0xE6: "ỉ",
    0xF3: "ĩ",
    0xF2: "ị",
    0xEE: "ỵ",
}
# Base letters a modifier can follow: (byte, letter, which modifiers).
_VNI_BASES_LOWER: tuple[tuple[int, str, tuple[dict[int, str], ...]], ...] = (
    (ord("a"), "a", (_VNI_TONE, _VNI_CIRCUMFLEX, _VNI_BREVE)),
    (ord("e"), "e", (_VNI_TONE, _VNI_CIRCUMFLEX)),
    (ord("o"), "o", (_VNI_TONE, _VNI_CIRCUMFLEX)),
    (ord("u"), "u", (_VNI_TONE,)),
    (ord("y"), "y", (_VNI_TONE,)),
    (ord("i"), "i", (_VNI_TONE,)),  # converters write the single bytes for i
    (0xF4, "ơ", (_VNI_TONE,)),
    (0xF6, "ư", (_VNI_TONE,)),
)


def _vni_tables() -> tuple[dict[int, str], dict[str, bytes]]:
    """(two bytes as ``first << 8 | second`` → letter, letter → its usual bytes)."""
    pairs: dict[int, str] = {}
    canonical: dict[str, bytes] = {}
    for byte, letter, families in _VNI_BASES_LOWER:
        upper_byte = byte - 0x20
        for family in families:
            above = _CIRCUMFLEX if family is _VNI_CIRCUMFLEX else ""
            above = _BREVE if family is _VNI_BREVE else above
            for mod, tone in family.items():
                lower = _nfc(letter + above + tone)
                upper = lower.upper()
                for m in (mod, mod - 0x20):
                    pairs[byte << 8 | m] = lower
                    pairs[upper_byte << 8 | m] = upper
                canonical.setdefault(lower, bytes((byte, mod)))
                canonical.setdefault(upper, bytes((upper_byte, mod - 0x20)))
    for byte, letter in _VNI_SINGLE.items():
        canonical[letter] = bytes((byte,))
        canonical[letter.upper()] = bytes((byte - 0x20,))
    return pairs, canonical


_VNI_PAIRS, _VNI_CANONICAL = _vni_tables()
_VNI_BASE_BYTES = frozenset(p >> 8 for p in _VNI_PAIRS)
_VNI_DECODE = "".join(
    chr(b)
    if b < 0x80
    else _VNI_SINGLE.get(b) or _VNI_SINGLE.get(b + 0x20, "").upper() or _windows_1252(b)
    for b in range(256)
)
# Bytes with a Vietnamese meaning: letters and modifiers, both cases.
_VNI_USED = frozenset(
    b
    for table in (_VNI_TONE, _VNI_CIRCUMFLEX, _VNI_BREVE, _VNI_SINGLE)
    for b0 in table
    for b in (b0, b0 - 0x20)
)


def _decode_vni(data: bytes) -> str:
    out: list[str] = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b in _VNI_BASE_BYTES and i + 1 < n:
            letter = _VNI_PAIRS.get(b << 8 | data[i + 1])
            if letter is not None:
                out.append(letter)
                i += 2
                continue
        out.append(_VNI_DECODE[b])
        i += 1
    return "".join(out)


# --- Public conversions --------------------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown legacy encoding {kind!r}; expected one of {KINDS}")


def decode(data: bytes, kind: str) -> str:
    """The Unicode (NFC) text of ``data`` written in the legacy encoding ``kind``."""
    _check_kind(kind)
    if data.isascii():
        return data.decode("ascii")
    text = data.decode("latin-1").translate(_TCVN3_DECODE) if kind == "tcvn3" else _decode_vni(data)
    return _nfc(text)


def _encoder(kind: str) -> dict[str, bytes]:
    return _ENCODERS[kind]


def _build_encoders() -> dict[str, dict[str, bytes]]:
    tcvn3: dict[str, bytes] = {}
    for byte, letter in _TCVN3_LETTERS.items():
        tcvn3[letter] = bytes((byte,))
        # No capitals with a tone mark: the .VnTimeH font draws the lower-case bytes.
        tcvn3.setdefault(letter.upper(), bytes((byte,)))
    vni = dict(_VNI_CANONICAL)
    encoders = {"tcvn3": tcvn3, "vni": vni}
    used = {"tcvn3": frozenset(_TCVN3_LETTERS), "vni": _VNI_USED}
    table = {"tcvn3": _TCVN3_DECODE, "vni": _VNI_DECODE}
    for kind, enc in encoders.items():
        for b in range(256):
            if b < 0x80 or b not in used[kind]:
                enc.setdefault(table[kind][b], bytes((b,)))
    return encoders


_ENCODERS = _build_encoders()


def encode(text: str, kind: str) -> bytes:
    """The legacy bytes of ``text`` (taken as NFC).

    Capitals with a tone mark get the lower-case byte in TCVN3 (see the module
    notes). Characters outside the encoding raise ``UnicodeEncodeError``.
    """
    _check_kind(kind)
    text = _nfc(text)
    enc = _encoder(kind)
    out = bytearray()
    for i, ch in enumerate(text):
        code = enc.get(ch)
        if code is None:
            raise UnicodeEncodeError(kind, text, i, i + 1, "not in the legacy table")
        out += code
    return bytes(out)


# --- Repair of legacy bytes already read through a code page -------------------------


@lru_cache(maxsize=16)
def _code_page(through: str) -> dict[str, int]:
    """Character → byte of an 8-bit code page, as Windows reads it (unassigned bytes
    come back as the C1 control of the same number)."""
    name = codecs.lookup(through).name
    chars: dict[str, int] = {}
    for b in range(256):
        try:
            ch = bytes((b,)).decode(name)
        except UnicodeDecodeError:
            if b < 0x80 or b >= 0xA0:
                raise ValueError(f"{through!r} is not an 8-bit code page") from None
            ch = chr(b)
        if len(ch) != 1:
            raise ValueError(f"{through!r} is not an 8-bit code page")
        chars.setdefault(ch, b)
    return chars


@lru_cache(maxsize=4096)
def _byte_options(cluster: str, through: str) -> tuple[bytes, ...]:
    """The byte strings that a letter and its marks may have come from, likeliest first.

    A code page with combining tone marks (Windows-1258) gives decomposed text that
    a reader may then compose (NFC): a letter it does not have is taken apart again
    into a letter it has and marks, the letter taking as many marks as it can.
    Composition also sorts the marks (``Ñ`` + dot below becomes ``Ṇ`` + tilde), so
    the marks left over may have stood in any order. When the code page has the
    composed letter too (``ó``), the single byte comes first.
    """
    page = _code_page(through)
    options: list[bytes] = []
    if all(ch in page for ch in cluster):
        options.append(bytes(page[ch] for ch in cluster))
    parts = unicodedata.normalize("NFD", cluster)
    base, marks = parts[0], parts[1:]
    for size in range(len(marks), -1, -1):
        for taken in combinations(range(len(marks)), size):
            head = _nfc(base + "".join(marks[i] for i in taken))
            rest = [m for i, m in enumerate(marks) if i not in taken]
            if head not in page or not all(m in page for m in rest):
                continue
            for order in dict.fromkeys(permutations(rest)):
                option = bytes([page[head], *(page[m] for m in order)])
                if option not in options:
                    options.append(option)
    return tuple(options)


def _clusters(word: str) -> list[str]:
    """A word cut into letters, each with the combining marks that follow it."""
    out: list[str] = []
    for ch in word:
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


_SPACES = re.compile(r"([ \t\r\n]+)")


def repair(text: str, kind: str, through: str = "cp1252") -> str:
    """The real text of legacy ``kind`` bytes that were read through code page
    ``through`` (``"cp1252"``: Excel's "CSV UTF-8" on a Western Windows; ``"cp1258"``:
    our reader's fallback for files that are not UTF-8), composed or not.

    Characters ``through`` cannot give back are kept as they are.
    """
    _check_kind(kind)
    _code_page(through)  # an unknown or multi-byte codec fails here
    if text.isascii():
        return text
    parts = _SPACES.split(text)
    return "".join(p if p.isascii() else _repair_word(p, kind, through) for p in parts)


def _assemble(
    clusters: list[str], options: list[tuple[bytes, ...]], pick: dict[int, int], kind: str
) -> str:
    out: list[str] = []
    run = bytearray()
    for i, cluster in enumerate(clusters):
        opts = options[i]
        if not opts:
            if run:
                out.append(decode(bytes(run), kind))
                run.clear()
            out.append(cluster)
        else:
            run += opts[pick.get(i, 0)]
    if run:
        out.append(decode(bytes(run), kind))
    return _nfc("".join(out))


def _repair_word(word: str, kind: str, through: str) -> str:
    clusters = _clusters(word)
    options = [_byte_options(c, through) for c in clusters]
    first = _assemble(clusters, options, {}, kind)
    doubtful = [i for i, opts in enumerate(options) if len(opts) > 1]
    if not doubtful or len(doubtful) > 4 or _is_vietnamese(first):
        return first
    # A composed letter that may also have been letter + mark (``qù`` from ``qu`` + the
    # byte of a grave accent): take the first reading that makes Vietnamese syllables.
    choices = product(*(range(len(options[i])) for i in doubtful))
    next(choices)  # the first reading, already tried
    for choice in islice(choices, 256):
        candidate = _assemble(clusters, options, dict(zip(doubtful, choice, strict=True)), kind)
        if _is_vietnamese(candidate):
            return candidate
    return first


# --- Vietnamese syllables ------------------------------------------------------------

_ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
_RHYME = re.compile(r"([aăâeêioôơuưy]+)(ch|nh|ng|[cmnpt])?")
_OPEN, _CLOSED, _EITHER = 0, 1, 2
_NUCLEI: dict[str, int] = {
    **dict.fromkeys(("a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"), _EITHER),
    **dict.fromkeys(("oa", "oe", "uê", "uy"), _EITHER),
    **dict.fromkeys(("ă", "â", "iê", "yê", "uô", "ươ", "uyê", "oă", "uâ", "oo"), _CLOSED),
    **dict.fromkeys(("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu"), _OPEN),
    **dict.fromkeys(("oi", "ôi", "ơi", "ua", "ưa", "ui", "ưi", "ưu", "uơ"), _OPEN),
    **dict.fromkeys(("iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi"), _OPEN),
    **dict.fromkeys(("ươi", "ươu", "uya", "uyu"), _OPEN),
}
_PALATAL_NUCLEI = frozenset(("a", "ê", "i", "y", "oa", "uê", "uy"))  # before -ch and -nh
_STOPS = frozenset(("c", "ch", "p", "t"))


def _rhyme_ok(rhyme: str, tone: str) -> bool:
    m = _RHYME.fullmatch(rhyme)
    if m is None:
        return False
    nucleus, coda = m.group(1), m.group(2) or ""
    shape = _NUCLEI.get(nucleus)
    if shape is None or (shape == _OPEN and coda) or (shape == _CLOSED and not coda):
        return False
    if coda in ("ch", "nh") and nucleus not in _PALATAL_NUCLEI:
        return False
    # A syllable closed by a stop takes the rising (sắc) or the heavy (nặng) tone only.
    return coda not in _STOPS or tone in (_ACUTE, _DOT)


@lru_cache(maxsize=8192)
def _is_syllable(word: str) -> bool:
    """Whether a lower-case NFC word is a well-formed Vietnamese syllable."""
    parts = unicodedata.normalize("NFD", word)
    tones = [ch for ch in parts if ch in _TONE_MARKS]
    if len(tones) > 1:
        return False
    tone = tones[0] if tones else ""
    bare = _nfc("".join(ch for ch in parts if ch not in _TONE_MARKS))
    return any(bare.startswith(o) and _rhyme_ok(bare[len(o) :], tone) for o in _ONSETS)


_WORD = re.compile(r"[^\W\d_]+")
# Non-ASCII characters that may stand outside words in real text.
_HARMLESS = frozenset("\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026")


def _rate(text: str) -> tuple[int, int]:
    """(non-ASCII words that are Vietnamese syllables, non-ASCII words and stray
    symbols that are not) in NFC ``text``."""
    good = bad = 0
    for word in _WORD.findall(text):
        if not word.isascii():
            if _is_syllable(word.lower()):
                good += 1
            else:
                bad += 1
    for ch in _WORD.sub("", text):
        if ord(ch) > 0x7F and ch not in _HARMLESS:
            bad += 1
    return good, bad


def _is_vietnamese(text: str) -> bool:
    """Whether NFC ``text`` reads as Vietnamese: some non-ASCII syllables and at most
    one doubtful word or symbol in five."""
    good, bad = _rate(text)
    return good > 0 and bad * 5 <= good


def undo_double_utf8(text: str) -> str | None:
    """What ``text`` was when it is UTF-8 read as Windows-1252 and saved again (an
    export opened in Western Excel, say): ``Nguyá»…n`` → ``Nguyễn``; None when it
    is not such text. Real Vietnamese and Western names never are: their letters do
    not spell UTF-8 byte sequences in Windows-1252, and what is undone must read as
    Vietnamese."""
    if text.isascii():
        return None
    page = _code_page("cp1252")
    try:
        data = bytes(page[ch] if ch in page else ord(ch) for ch in text)
        fixed = unicodedata.normalize("NFC", data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):  # a character beyond the page, or not UTF-8
        return None
    return fixed if fixed != text and _is_vietnamese(fixed) else None


# --- Detection -----------------------------------------------------------------------

_THROUGH = ("cp1252", "cp1258")
_MAX_CELLS = 2000


def _images(kind: str, through: str) -> frozenset[str]:
    """The characters that the Vietnamese bytes of ``kind`` become in ``through``."""
    used = frozenset(_TCVN3_LETTERS) if kind == "tcvn3" else _VNI_USED
    page = {b: ch for ch, b in _code_page(through).items()}
    return frozenset(page[b] for b in used)


_SIGNS = {(kind, t): _images(kind, t) for kind in KINDS for t in _THROUGH}


def _signs_of(text: str, kind: str, through: str) -> bool:
    signs = _SIGNS[kind, through]
    return not signs.isdisjoint(text) or not signs.isdisjoint(unicodedata.normalize("NFD", text))


def _support(text: str, kind: str) -> set[str]:
    """The Vietnamese syllables (lower case) that ``text`` gives when repaired as
    ``kind``; none when it shows no sign of ``kind`` or does not read as Vietnamese
    once repaired."""
    for through in _THROUGH:
        if _signs_of(text, kind, through):
            repaired = repair(text, kind, through)
            if _is_vietnamese(repaired):
                return {w.lower() for w in _WORD.findall(repaired) if not w.isascii()}
    return set()


def detect(texts: Iterable[str]) -> str | None:
    """``"tcvn3"`` or ``"vni"`` when the cell values are clearly legacy text read
    through Windows-1252 or Windows-1258, else ``None``.

    Only cells with non-ASCII characters count (the first 2,000). One votes for an
    encoding when it does not read as Vietnamese as it is, holds characters that
    the encoding's bytes become, and reads as Vietnamese syllables once repaired.
    An encoding is named when more than half of the cells vote for it, it has more
    than twice the votes of the other, and its votes repair at least two different
    words (``Loïc``, VNI for ``Lọc``, is not enough, however often it comes). Real
    Vietnamese (composed, decomposed or with Windows-1258's combining tone marks),
    ASCII and Western European names do not vote.
    """
    votes = dict.fromkeys(KINDS, 0)
    words: dict[str, set[str]] = {kind: set() for kind in KINDS}
    seen = 0
    for raw in islice((t for t in texts if not t.isascii()), _MAX_CELLS):
        seen += 1
        text = _nfc(raw)
        if _is_vietnamese(text):
            continue
        for kind in KINDS:
            support = _support(text, kind)
            if support:
                votes[kind] += 1
                words[kind] |= support
    best, other = sorted(KINDS, key=lambda k: votes[k], reverse=True)
    if votes[best] * 2 > seen and votes[best] > 2 * votes[other] and len(words[best]) >= 2:
        return best
    return None


_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _toned_lower(ch: str) -> bool:
    """A lower-case letter with a tone mark: TCVN3 (.VnTime) has no capital for it."""
    return ch.islower() and any(m in _TONE_MARKS for m in unicodedata.normalize("NFD", ch))


def capitalise_names(text: str) -> str:
    """Give back the capitals TCVN3 could not write: a word starting with a toned letter,
    after a capitalised word and before another one (or last), is part of a name
    ("Phạm Thị ánh Tuyết" → "Phạm Thị Ánh Tuyết", "Ông ích Khiêm" → "Ông Ích Khiêm");
    "Nhà ở tập thể" and "Khiêm, tổ 8" stay as they are."""
    words = text.split(" ")
    if len(words) < 2:
        return text

    def capitalised(word: str) -> bool:
        return bool(word) and word[0].isupper()

    out = list(words)
    for i, word in enumerate(words):
        if i == 0 or not word or not _toned_lower(word[0]):
            continue
        before = words[i - 1]
        after = words[i + 1] if i + 1 < len(words) else None
        if capitalised(before) and before[-1].isalpha() and (after is None or capitalised(after)):
            out[i] = word[0].upper() + word[1:]
    return " ".join(out)


def reads_as_unicode(texts: Iterable[str], kind: str) -> bool:
    """Whether cells with letters beyond ASCII already read as Vietnamese and none shows
    the signs of ``kind``: a file that needs no ``--legacy`` (and that converting would
    garble). A Unicode header above rows pasted from an old file is not such a file."""
    cells = [_nfc(t) for t in texts if not t.isascii()][:_MAX_CELLS]
    if not cells or any(_support(c, kind) for c in cells if not _is_vietnamese(c)):
        return False
    return sum(_is_vietnamese(c) for c in cells) * 2 > len(cells)
