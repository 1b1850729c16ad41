"""``legacy``: the TCVN3 (ABC) and VNI-Windows 8-bit encodings of old Vietnamese sheets.

The samples in ``tests/data/legacy/`` hold one small roster (the roster's header and
nine invented people of Đà Nẵng):

* ``roster.csv``: the text in UTF-8, CRLF;
* ``roster-tcvn3.csv``: the same in TCVN3 bytes, made with GNU libc's iconv
  (``TCVN5712-1``) after the capitals with a tone mark were put in lower case
  (TCVN3 has none: ``Ánh`` is typed ``¸nh`` and reads back ``ánh``);
* ``roster-vni.csv``: the same in VNI-Windows bytes, made from Unikey's VNI-WIN table;
* ``roster-tcvn3-excel.csv``, ``roster-vni-excel.csv``: what Excel's "CSV UTF-8"
  writes for those sheets on a Western Windows: the Windows-1252 reading of the
  bytes, in UTF-8 with a BOM.

The bytes were made by other tools than the module, so decoding them checks the
module's tables; ``test_tcvn3_agrees_with_glibc`` checks the whole TCVN3 table against
iconv where it is installed.
"""

from __future__ import annotations

import csv
import io
import shutil
import string
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cqn_cli import legacy
from cqn_cli.legacy import KINDS, decode, detect, encode, repair

HERE = Path(__file__).resolve().parent
LEGACY = HERE / "data" / "legacy"
ROSTERS = HERE.parent / "sample_data" / "roster"

TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # none huyền hỏi ngã sắc nặng
VOWELS = "aăâeêioôơuưy"
VI_LOWER = sorted(
    {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} - set("aeiouy") | {"đ"}
)  # the 67 non-ASCII lower-case letters
VI_LETTERS = VI_LOWER + [c.upper() for c in VI_LOWER]
assert len(VI_LETTERS) == 134
PLAIN_CAPITALS = set("ĂÂÊÔƠƯĐ")  # the only non-ASCII capitals TCVN3 has

HEADER = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Phường,Tổ dân phố,Địa chỉ,Điện thoại"

PROPERTY = settings(max_examples=200, deadline=None)


def tcvn3_case(text: str) -> str:
    """What TCVN3 keeps of a text: capitals with a tone mark become lower case."""
    return "".join(
        c.lower() if not c.isascii() and c.isupper() and c not in PLAIN_CAPITALS else c
        for c in text
    )


def cells(text: str, delimiter: str = ",") -> list[str]:
    return [c for row in csv.reader(io.StringIO(text), delimiter=delimiter) for c in row]


def through(data: bytes, codec: str, *, composed: bool = False) -> str:
    """``data`` read through an 8-bit code page the way Windows reads it, byte by byte
    (an unassigned byte gives the C1 control of the same number), then composed when
    asked, as our reader does."""
    text = "".join(bytes((b,)).decode(codec, errors="ignore") or chr(b) for b in data)
    return unicodedata.normalize("NFC", text) if composed else text


@pytest.fixture(scope="module")
def unicode_roster() -> str:
    return (LEGACY / "roster.csv").read_bytes().decode("utf-8")


# --- Tables --------------------------------------------------------------------------


def test_every_letter_has_bytes_and_comes_back() -> None:
    for kind in KINDS:
        codes = {letter: encode(letter, kind) for letter in VI_LETTERS}
        for letter, code in codes.items():
            want = tcvn3_case(letter) if kind == "tcvn3" else letter
            assert decode(code, kind) == want, (kind, letter, code)
            assert code[-1] >= 0x80  # a letter is never plain ASCII
        distinct = set(codes.values())
        assert len(distinct) == (74 if kind == "tcvn3" else 134)


def test_tcvn3_bytes() -> None:
    # One letter a byte; lower case and the seven plain capitals only.
    assert decode(b"\xa1\xa2\xa3\xa4\xa5\xa6\xa7", "tcvn3") == "ĂÂÊÔƠƯĐ"
    assert decode(b"\xa8\xa9\xaa\xab\xac\xad\xae", "tcvn3") == "ăâêôơưđ"
    assert decode(b"\xb5\xb6\xb7\xb8\xb9", "tcvn3") == "àảãáạ"
    assert decode(b"\xbb\xbc\xbd\xbe\xc6", "tcvn3") == "ằẳẵắặ"
    assert decode(b"\xfa\xfb\xfc\xfd\xfe", "tcvn3") == "ỳỷỹýỵ"
    assert decode("NguyÔn V¨n An".encode("cp1252"), "tcvn3") == "Nguyễn Văn An"
    assert decode("§µ N½ng".encode("cp1252"), "tcvn3") == "Đà Nẵng"
    assert decode(b"Ph\xad\xeang", "tcvn3") == "Phường"  # ư is 0xAD, a soft hyphen in 1252
    assert decode("¸nh".encode("cp1252"), "tcvn3") == "ánh"  # no capital Á
    # Bytes TCVN3 leaves free read as Windows-1252.
    assert decode(b"\x93x\x94 \x96 \xb0", "tcvn3") == "“x” – °"


def test_vni_bytes() -> None:
    assert decode(b"Nguye\xe3n", "vni") == "Nguyễn"
    assert decode("Nguyeãn Vaên An".encode("cp1252"), "vni") == "Nguyễn Văn An"
    assert decode("Ñaø Naüng".encode("cp1252"), "vni") == "Đà Nẵng"
    assert decode("Phöôøng Thaïc Giaùn".encode("cp1252"), "vni") == "Phường Thạc Gián"
    assert decode("NGUYEÃN VAÊN AN".encode("cp1252"), "vni") == "NGUYỄN VĂN AN"
    assert decode("Thò Kyø Thuî".encode("cp1252"), "vni") == "Thị Kỳ Thuỵ"  # one-byte letters
    # The case is the base letter's; a modifier of the other case is read the same.
    assert decode(b"Nguye\xc3n", "vni") == "Nguyễn"
    assert decode(b"NGUYE\xe3N", "vni") == "NGUYỄN"
    # What the font draws the same as a one-byte letter.
    assert decode(b"ti\xf9", "vni") == "tí"
    assert decode(b"y\xef", "vni") == "ỵ"
    # A modifier with nothing to sit on, and bytes VNI leaves free: Windows-1252.
    assert decode(b"\xf9 b\xe2 \xe7 \x80", "vni") == "ù bâ ç €"


def test_decode_gives_nfc_and_keeps_ascii() -> None:
    ascii_bytes = bytes(range(128))
    for kind in KINDS:
        assert decode(ascii_bytes, kind) == ascii_bytes.decode("ascii")
        text = decode(bytes(range(256)), kind)
        assert unicodedata.is_normalized("NFC", text)


@pytest.mark.skipif(shutil.which("iconv") is None, reason="no iconv")
def test_tcvn3_agrees_with_glibc() -> None:
    """GNU libc's TCVN5712-1 is VN1, a superset of TCVN3 (VN3): every letter TCVN3 has
    sits at the same byte there."""
    letters = [c for c in VI_LETTERS if c.islower() or c in PLAIN_CAPITALS]
    run = subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"],
        input="\n".join(letters).encode(),
        capture_output=True,
        check=False,
    )
    if run.returncode != 0:
        pytest.skip("iconv without TCVN5712-1")
    assert run.stdout.split(b"\n") == [encode(c, "tcvn3") for c in letters]


# --- The samples ---------------------------------------------------------------------


def test_samples_decode(unicode_roster: str) -> None:
    assert unicode_roster.startswith(HEADER + "\r\n")
    assert decode((LEGACY / "roster-vni.csv").read_bytes(), "vni") == unicode_roster
    tcvn3 = decode((LEGACY / "roster-tcvn3.csv").read_bytes(), "tcvn3")
    assert tcvn3 == tcvn3_case(unicode_roster)
    assert "Phạm Thị ánh Tuyết" in tcvn3
    assert '"47 Ông ích Khiêm, tổ 8"' in tcvn3
    assert tcvn3.startswith(HEADER + "\r\n")  # the header has no capital with a tone mark


@pytest.mark.parametrize("kind", KINDS)
def test_excel_export_repairs(kind: str) -> None:
    data = (LEGACY / f"roster-{kind}.csv").read_bytes()
    excel = (LEGACY / f"roster-{kind}-excel.csv").read_bytes().decode("utf-8-sig")
    assert excel == through(data, "cp1252")
    assert repair(excel, kind) == decode(data, kind)
    assert repair(excel, kind, "cp1252") == decode(data, kind)
    # Cell by cell, as a caller holding parsed rows would.
    assert [repair(c, kind) for c in cells(excel)] == cells(decode(data, kind))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("composed", [False, True])
def test_cp1258_reading_repairs(kind: str, composed: bool) -> None:
    """Our reader falls back to Windows-1258 for a file that is not UTF-8, and composes
    each cell (NFC): ``Ñ`` + the dot below of VNI ``Ñòa`` come out as ``Ṇ`` + tilde."""
    data = (LEGACY / f"roster-{kind}.csv").read_bytes()
    text = through(data, "cp1258", composed=composed)
    assert repair(text, kind, "cp1258") == decode(data, kind)
    assert [repair(c, kind, "cp1258") for c in cells(text)] == cells(decode(data, kind))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("codec", "composed"), [("cp1252", False), ("cp1258", True)])
def test_detect_samples(kind: str, codec: str, composed: bool) -> None:
    text = through((LEGACY / f"roster-{kind}.csv").read_bytes(), codec, composed=composed)
    assert detect(cells(text)) == kind
    assert detect(cells(text)[:8]) == kind  # the header alone


def test_detect_excel_samples() -> None:
    for kind in KINDS:
        excel = (LEGACY / f"roster-{kind}-excel.csv").read_text(encoding="utf-8-sig")
        assert detect(cells(excel)) == kind
        assert detect(excel.splitlines()) == kind  # whole lines do as well


# --- Detection stays quiet on real text ---------------------------------------------


def _sample_rosters() -> list[tuple[str, list[str]]]:
    out = []
    for path in sorted(ROSTERS.glob("*.csv")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        delimiter = ";" if text.count(";") > text.count(",") else ","
        out.append((path.name, cells(text, delimiter)))
    return out


def test_sample_rosters_are_utf8() -> None:
    assert len(_sample_rosters()) >= 7


@pytest.mark.parametrize(("name", "values"), _sample_rosters())
def test_detect_quiet_on_sample_rosters(name: str, values: list[str]) -> None:
    assert detect(values) is None, name
    nfd = [unicodedata.normalize("NFD", v) for v in values]
    assert detect(nfd) is None, name


def test_detect_quiet_on_windows_1258() -> None:
    """``03-thanh-khe-dong.csv`` is Windows-1258 with the tone marks as combining
    characters: read raw and composed, it is real Vietnamese."""
    data = (ROSTERS / "03-thanh-khe-dong.csv").read_bytes()
    raw = data.decode("cp1258")
    assert "\u0323" in raw
    assert detect(cells(raw, ";")) is None
    assert detect(cells(unicodedata.normalize("NFC", raw), ";")) is None


EUROPEAN = [
    "François Müller",
    "Zoë Saldaña",
    "José García",
    "Björn Ångström",
    "Hélène Lefèvre",
    "Jürgen Weiß",
    "Anaïs Nin",
    "Noël Coward",
    "Chloé",
    "Renée",
    "Søren Kierkegaard",
    "Jérôme Benoît",
    "Gaëlle",
    "Loïc",
    "Frédéric Chopin",
    "Côte d'Azur",
    "Rhône",
    "Zürich",
    "Göteborg",
    "São Paulo",
    "Iñaki Núñez",
    "Crème brûlée",
    "Élodie",
    "Île-de-France",
    "Dvořák",
    "Erdős",
    "Guðrún Þórsdóttir",
    "Ramón Ibáñez",
    "Thé",
    "Hué",
]


def test_detect_quiet_on_ascii_and_european_names() -> None:
    assert detect([]) is None
    assert detect(["Nguyen Van An", "Ha Huy Tap", "0905 123 456", "", "K12/7"]) is None
    assert detect(EUROPEAN) is None
    for name in EUROPEAN:
        assert detect([name]) is None, name
        assert detect([name, name, name]) is None, name


def test_detect_quiet_on_real_vietnamese(unicode_roster: str) -> None:
    values = cells(unicode_roster)
    for form in ("NFC", "NFD"):
        assert detect(unicodedata.normalize(form, v) for v in values) is None
    assert detect(v.upper() for v in values) is None
    assert detect(v.lower() for v in values) is None


def test_detect_needs_a_clear_majority() -> None:
    legacy_cells = ["NguyÔn V¨n Hïng", "TrÇn ThÞ Thu H\xad¬ng", "Hµ Huy TËp", "Th¹c Gi¸n"]
    foreign = ["François Müller", "Zoë Saldaña", "José García", "Hélène Lefèvre"]
    real = ["Nguyễn Văn Hùng", "Trần Thị Thu Hương", "Hà Huy Tập", "Thạc Gián"]
    assert detect(legacy_cells) == "tcvn3"
    assert detect(legacy_cells + foreign[:2]) == "tcvn3"
    assert detect(legacy_cells + real[:3]) == "tcvn3"
    assert detect(legacy_cells + foreign) is None  # half
    assert detect(legacy_cells[:1] + real) is None
    # One short word is not evidence enough (VNI ``Loïc`` would be ``Lọc``).
    assert detect(["Loïc"]) is None
    assert detect(["Nguyeãn Vaên An"]) == "vni"


def test_detect_is_quick(unicode_roster: str) -> None:
    excel = (LEGACY / "roster-tcvn3-excel.csv").read_text(encoding="utf-8-sig")
    values = cells(excel) * 40 + cells(unicode_roster) * 20  # 3,200 cells
    start = time.perf_counter()
    assert detect(values) == "tcvn3"
    assert time.perf_counter() - start < 2.0


# --- Repair details ------------------------------------------------------------------


def test_repair_keeps_what_the_code_page_cannot_give_back() -> None:
    assert repair("NguyÔn ☃ 日本 Nguyễn", "tcvn3") == "Nguyễn ☃ 日本 Nguyễn"
    assert repair("Nguyeãn Văn", "vni") == "Nguyễn Văn"
    assert repair("plain ASCII, 0905 123 456", "vni") == "plain ASCII, 0905 123 456"
    assert repair("", "tcvn3") == ""


def test_repair_prefers_vietnamese_readings_of_composed_letters() -> None:
    """Through Windows-1258 then NFC, TCVN3 ``qu`` + ``è`` (0xCC, a combining grave in
    1258) becomes ``qù``, which 1258 also has as one byte (0xF9, ``ự`` in TCVN3)."""
    composed = unicodedata.normalize("NFC", b"Ch\xa9n qu\xcc".decode("cp1258"))
    assert composed == "Ch©n qù"
    assert repair(composed, "tcvn3", "cp1258") == "Chân què"
    assert repair("Phóc", "tcvn3", "cp1258") == "Phúc"  # 0xF3: ó in 1258, ú in TCVN3
    assert repair(unicodedata.normalize("NFC", "\u00d1\u0323a"), "vni", "cp1258") == "Địa"


def test_errors() -> None:
    with pytest.raises(ValueError, match="viscii"):
        decode(b"", "viscii")
    with pytest.raises(ValueError, match="viscii"):
        repair("", "viscii")
    with pytest.raises(ValueError, match="8-bit"):
        repair("NguyÔn", "tcvn3", "utf-8")
    with pytest.raises(LookupError):
        repair("NguyÔn", "tcvn3", "no-such-codec")
    with pytest.raises(UnicodeEncodeError):
        encode("Привет", "vni")
    assert set(legacy.KINDS) == {"tcvn3", "vni"}


# --- Properties ----------------------------------------------------------------------

vi_text = st.text(alphabet=[*VI_LETTERS, *string.printable], max_size=60)


@PROPERTY
@given(text=vi_text)
def test_encode_then_decode(text: str) -> None:
    assert decode(encode(text, "vni"), "vni") == unicodedata.normalize("NFC", text)
    assert decode(encode(text, "tcvn3"), "tcvn3") == tcvn3_case(text)
    # NFD input is the same text.
    nfd = unicodedata.normalize("NFD", text)
    assert encode(nfd, "vni") == encode(text, "vni")


@PROPERTY
@given(text=vi_text, kind=st.sampled_from(KINDS), codec=st.sampled_from(["cp1252", "cp1258"]))
@example(text="ỦP", kind="tcvn3", codec="cp1258")  # ñ: one byte, or n and a tone mark
def test_repair_undoes_a_code_page(text: str, kind: str, codec: str) -> None:
    """Repaired, any text is a reading of the bytes the code page showed: written in the
    font again and shown through the page, it shows the same. (Where one character was
    one byte or two, ``ñ`` in Windows-1258, random text may be read the other way: the
    way that spells Vietnamese is taken; names are read back exactly, below.)"""
    data = encode(text, kind)
    shown = through(data, codec)
    fixed = repair(shown, kind, codec)
    again = through(encode(fixed, kind), codec)
    assert unicodedata.normalize("NFC", again) == unicodedata.normalize("NFC", shown)


NAME_WORDS = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Văn Thị Hữu "
    "Đức Minh Anh Thanh Hương Lan Hùng Dũng Tuấn Phước Lộc Thủy Nga Ánh Tuyết Quỳnh Như "
    "Việt Quốc Khiêm Ích Ông Khuê Thuận Gián Thạc Tập Hà Huy Khê Tây Đông Xuân Chính "
    "Vĩnh Trung Hòa Hoà An Tam Thành Ngọc Huệ Lực Ước Thưởng Mỹ Lệ Thụy Thuỵ Yến Oanh "
    "Khoa Nguyên Tín Thắng Lợi Cường Hải Sơn Bảo Châu Khải Nhân Phúc Tâm Trương Kiệt"
)
SYLLABLES = NAME_WORDS.split()
names = st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4).map(" ".join)


@PROPERTY
@given(
    values=st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=6).map(" ".join),
    kind=st.sampled_from(KINDS),
    codec=st.sampled_from(["cp1252", "cp1258"]),
)
def test_repair_reads_vietnamese_back_exactly(values: str, kind: str, codec: str) -> None:
    data = encode(values, kind)
    assert repair(through(data, codec), kind, codec) == decode(data, kind)


@PROPERTY
@given(values=st.lists(names, max_size=30), form=st.sampled_from(["NFC", "NFD", "upper"]))
def test_detect_quiet_on_vietnamese_names(values: list[str], form: str) -> None:
    shown = [v.upper() if form == "upper" else unicodedata.normalize(form, v) for v in values]
    assert detect(shown) is None


@PROPERTY
@given(
    values=st.lists(names, max_size=3),
    ascii_cells=st.lists(
        st.text(alphabet=string.ascii_letters + string.digits + " /"), max_size=20
    ),
    kind=st.sampled_from(KINDS),
    codec=st.sampled_from(["cp1252", "cp1258"]),
)
def test_detect_legacy_rosters(
    values: list[str], ascii_cells: list[str], kind: str, codec: str
) -> None:
    """The header and a few people: a name alone may read as Vietnamese in its legacy
    form too (VNI ``Hồ Thị`` shows as ``Hoà Thò``) or as both encodings, the header's
    seven cells never do."""
    shown = [
        through(encode(v, kind), codec, composed=codec == "cp1258")
        for v in [*HEADER.split(","), *values]
    ]
    assert detect(shown + ascii_cells) == kind


# ---- UTF-8 read as Windows-1252 and saved again ------------------------------------------


@PROPERTY
@given(st.lists(st.sampled_from(["Nguyễn", "Văn", "Thị", "Hoà", "Thuỷ", "Đức", "Trần"]), min_size=1,
                max_size=4), st.sampled_from(["", " Hùng", " An"]))  # fmt: skip
def test_utf8_read_as_windows_1252_is_undone(words: list[str], tail: str) -> None:
    """Whatever the Vietnamese name, once its UTF-8 is read through Windows-1252 (an
    unassigned byte as its C1 control, as Windows does) it is known and undone."""
    name = " ".join(words) + tail
    garbled = through(name.encode("utf-8"), "cp1252")
    assert garbled != name
    assert legacy.undo_double_utf8(garbled) == name


def test_real_text_is_never_taken_for_double_utf8(unicode_roster: str) -> None:
    """Vietnamese (composed or not), Western names and ASCII are left alone."""
    values = cells(unicode_roster) + EUROPEAN + ["Nguyen Van An", "K12/7", ""]
    for v in values:
        for form in ("NFC", "NFD"):
            assert legacy.undo_double_utf8(unicodedata.normalize(form, v)) is None, v
