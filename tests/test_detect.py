"""Tests of format detection: content decides, not the extension; encrypted files fail clearly."""

from __future__ import annotations

import shutil
import struct
import zipfile
from pathlib import Path

import pytest

from pipeline.backends import read_document
from pipeline.detect import detect_format, ole_entries
from pipeline.errors import DocumentError
from pipeline.run import process_file

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
CONVERT = ROOT / "tests" / "fixtures" / "convert"
DETECT = CONVERT / "detect"
STEM = "kommunchefsmote_2016-03-16"
SAMPLE = {
    "docx": RAW / f"{STEM}.docx",
    "rym-md": RAW / f"{STEM}.rym.md",
    "doc": CONVERT / f"{STEM}.doc",
    "odt": CONVERT / f"{STEM}.odt",
    "rtf": CONVERT / f"{STEM}.rtf",
    "html": CONVERT / f"{STEM}.html",
}
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice")


def _copy(source: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(source, target)
    return target


@pytest.mark.parametrize("fmt", sorted(SAMPLE))
def test_sample_in_every_format(fmt):
    assert detect_format(SAMPLE[fmt]) == fmt


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        ("docx", "minutes.pdf", "docx"),
        ("docx", "minutes", "docx"),
        ("html", "minutes.docx", "html"),
        ("rtf", "minutes.txt", "rtf"),
        ("odt", "minutes.doc", "odt"),
        ("doc", "minutes.xls", "doc"),
        ("rym-md", "minutes.html", "rym-md"),
    ],
)
def test_the_extension_does_not_decide(tmp_path, source, name, expected):
    assert detect_format(_copy(SAMPLE[source], tmp_path, name)) == expected


def test_mislabelled_files_are_read_by_the_right_backend(tmp_path):
    docx_as_pdf = _copy(SAMPLE["docx"], tmp_path, "minutes.pdf")
    document = read_document(docx_as_pdf, detect_format(docx_as_pdf))
    assert document.format == "docx"
    assert document.blocks[0].text == "Kommunchefsmöte, Umeåregionen"
    html_as_docx = _copy(SAMPLE["html"], tmp_path, "minutes.docx")
    document = read_document(html_as_docx, detect_format(html_as_docx))
    assert document.format == "html"
    assert document.blocks[0].text == "Kommunchefsmöte, Umeåregionen"


@needs_soffice
def test_rtf_named_txt_goes_through_libreoffice(tmp_path):
    rtf_as_txt = _copy(SAMPLE["rtf"], tmp_path, "minutes.txt")
    document = read_document(rtf_as_txt, detect_format(rtf_as_txt))
    assert (document.format, document.source_path) == ("rtf", str(rtf_as_txt))
    item = next(b for b in document.blocks if b.text == "Föregående minnesanteckningar")
    assert item.number == "1."


# -- text sniffing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"  \r\n<!-- export -->\n<HTML><body>x</body></HTML>", "html"),
        (b"<table><tr><td>Mote</td></tr></table>", "html"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE html>\n<html>', "html"),
        ("\ufeff<html><body>Möte</body></html>".encode("utf-16-le"), "html"),
        (b"\r\n {\\rtf1\\ansi Protokoll\\par}", "rtf"),
        ("## 1. Föregående\n\nText".encode(), "rym-md"),
        ("Protokoll fört vid sammanträde\n<i>ingen</i> html".encode(), "text"),
        (b"<b>fet</b> inledning", "text"),
        (b"\x00\x01\x02binary", "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(20), "image"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"\r\nX-Mailer junk\r\n%PDF-1.4\n", "pdf"),
    ],
)
def test_text_sniffing_and_magic_bytes(tmp_path, content, expected):
    path = tmp_path / "file"
    path.write_bytes(content)
    assert detect_format(path) == expected


# -- zip containers --------------------------------------------------------------------------


def test_zip_members_decide(tmp_path):
    other = tmp_path / "archive.docx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("readme.txt", "hej")
    assert detect_format(other) == "zip"
    truncated = tmp_path / "cut.docx"
    truncated.write_bytes(SAMPLE["docx"].read_bytes()[:700])
    assert detect_format(truncated) == "docx"  # the Word backend says precisely what is wrong
    assert detect_format(_copy(truncated, tmp_path, "cut.zip")) == "zip"


def test_encrypted_odt(tmp_path):
    encrypted = tmp_path / "locked.odt"
    with zipfile.ZipFile(SAMPLE["odt"]) as source, zipfile.ZipFile(encrypted, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "META-INF/manifest.xml":
                data = data.replace(
                    b'manifest:full-path="content.xml"',
                    b'manifest:full-path="content.xml"><manifest:encryption-data/',
                    1,
                )
            target.writestr(item, data)
    assert detect_format(encrypted) == "odt-encrypted"


# -- OLE2 compound files ---------------------------------------------------------------------


def test_ole_directory_of_a_word_document():
    names = {e.name for e in ole_entries(SAMPLE["doc"])}
    assert {"WordDocument", "1Table", "\x05SummaryInformation"} <= names


def test_ole_files_by_their_streams():
    assert detect_format(DETECT / "password.docx") == "docx-encrypted"
    assert detect_format(DETECT / "workbook.xls") == "ole"
    assert {e.name for e in ole_entries(DETECT / "workbook.xls")} == {"Root Entry", "Workbook"}


def test_ole_with_a_damaged_directory_is_still_told_apart(tmp_path):
    data = bytearray(SAMPLE["doc"].read_bytes())
    struct.pack_into("<I", data, 0x30, 0xFFFFFFFE)  # no directory sector
    damaged = tmp_path / "damaged.doc"
    damaged.write_bytes(bytes(data))
    assert ole_entries(damaged) == []
    assert detect_format(damaged) == "doc"  # the UTF-16 stream name in the first sectors


def test_encrypted_word_97_document(tmp_path):
    """The fEncrypted bit of the FIB at the start of the WordDocument stream."""
    word = next(e for e in ole_entries(SAMPLE["doc"]) if e.name == "WordDocument")
    data = bytearray(SAMPLE["doc"].read_bytes())
    offset = (word.start + 1) * 512 + 0x0A
    struct.pack_into("<H", data, offset, struct.unpack_from("<H", data, offset)[0] | 0x0100)
    locked = tmp_path / "locked.doc"
    locked.write_bytes(bytes(data))
    assert detect_format(locked) == "doc-encrypted"


# -- encrypted files become clear failed rows ------------------------------------------------


def test_pdf_needing_a_password_and_one_that_opens():
    assert detect_format(DETECT / "password.pdf") == "pdf-encrypted"
    assert detect_format(DETECT / "permissions.pdf") == "pdf"  # only editing is restricted


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("password.pdf", "pdf-encrypted", "the PDF cannot be opened without a password"),
        ("password.docx", "docx-encrypted", "a password-protected Office file (an OLE"),
    ],
)
def test_encrypted_file_is_a_clear_failed_row(name, fmt, message):
    result = process_file(DETECT / name, name, nlp=None)
    assert result.status == "failed"
    assert result.row["source_format"] == fmt
    assert result.row["error"].startswith(f"encrypted document: {message}")
    assert result.row["error"].endswith("remove the password and run again")
    with pytest.raises(DocumentError, match="^encrypted document: "):
        read_document(DETECT / name, fmt)


def test_other_ole_file_is_unsupported():
    result = process_file(DETECT / "workbook.xls", "workbook.xls", nlp=None)
    assert (result.status, result.row["error"]) == (
        "failed",
        "unsupported format: ole (no backend yet)",
    )
