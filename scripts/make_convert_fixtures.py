"""Build the fixtures of the conversion, HTML and detection tests in tests/fixtures/convert/.

- ``kommunchefsmote_2016-03-16.{doc,odt,rtf}``: the sample minutes (data/raw/*.docx) saved
  by LibreOffice in the legacy formats, as an archive would hold them.
- ``kommunchefsmote_2016-03-16.html``: the same minutes as a meeting tool e-mails them: a
  layout table around everything, a hidden preheader, a footer with an unsubscribe link,
  a tracking script, headings, <em> task lines and <strong> names, entities for every
  non-ASCII letter. The body is written from the sample's content block by block (read by
  the Word backend), so the pipeline's tables from the HTML can be compared with the
  .docx's: a difference is then the HTML's, not the content's.
- ``detect/``: files only detection needs: a password-protected PDF and a PDF encrypted
  only against editing, which opens without a password (both LibreOffice exports),
  an OLE container with an EncryptedPackage stream (how Office stores a password-protected
  .docx) and an OLE file with a Workbook stream (an .xls, not a Word document).

Needs soffice (Debian libreoffice-writer-nogui). Run: ``python scripts/make_convert_fixtures.py``.
"""

from __future__ import annotations

import html
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.backends import docx as docx_backend  # noqa: E402
from pipeline.model import Block, BlockKind, Cell, Span, Style  # noqa: E402

SAMPLE = ROOT / "data" / "raw" / "kommunchefsmote_2016-03-16.docx"
OUT = ROOT / "tests" / "fixtures" / "convert"
DETECT = OUT / "detect"
FILTERS = {"doc": "doc:MS Word 97", "odt": "odt:writer8", "rtf": "rtf:Rich Text Format"}
PDF_WITH_PASSWORD = (
    'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
    '"DocumentOpenPassword":{"type":"string","value":"hemligt"}}'
)
PDF_WITH_PERMISSIONS = (  # encrypted, but opens without a password
    'pdf:writer_pdf_Export:{"RestrictPermissions":{"type":"boolean","value":"true"},'
    '"PermissionPassword":{"type":"string","value":"agare"}}'
)


def soffice(target: str, source: Path, out_dir: Path, profile: Path) -> Path:
    """Convert with a private profile, so a running LibreOffice is never used."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out_dir / f"{source.stem}.{target.split(':')[0]}"


# -- the HTML e-mail -------------------------------------------------------------------------

HEAD = """\
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="sv">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<title>{title}</title>
<style type="text/css">
  body {{ margin: 0; padding: 0; background: #f2f4f6; font-family: Arial, sans-serif; }}
  .preheader {{ display: none !important; }}
  h1, h2, h3, h4 {{ color: #1b3a57; margin: 18px 0 6px 0; }}
  table.actions td, table.actions th {{ border: 1px solid #c8d1da; padding: 4px 6px; }}
</style>
<script type="text/javascript">window.rymTracking = {{ "mail": "minutes-2016-03-16" }};</script>
</head>
<body style="margin:0;padding:0;background:#f2f4f6">
<span class="preheader" style="display:none;font-size:1px;max-height:0;overflow:hidden;\
mso-hide:all">Nu finns minnesanteckningarna fr&aring;n Kommunchefsm&ouml;te 2016-03-16 \
&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;</span>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" \
bgcolor="#f2f4f6">
<tr>
<td align="center" style="padding:24px 0">
<table width="640" cellpadding="0" cellspacing="0" border="0" style="background:#ffffff">
<tr><td style="padding:16px 24px"><img src="cid:logo.png" alt="Run your meeting" \
width="120" height="32" /></td></tr>
<tr>
<td class="content" style="padding:8px 24px 24px 24px">
"""

FOOT = """\
</td>
</tr>
<tr>
<td class="footer" style="padding:16px 24px;font-size:11px;color:#8a96a3">
Du f&aring;r detta e-postmeddelande eftersom du &auml;r deltagare i m&ouml;tet \
Kommunchefsm&ouml;te, Ume&aring;regionen.<br />
<a href="https://rym.example.invalid/unsubscribe?m=2016-03-16">Avregistrera</a> |
<a href="https://rym.example.invalid/settings">Inst&auml;llningar</a><br />
Run your meeting &middot; Box 1 &middot; 901 00 Ume&aring;
</td>
</tr>
</table>
</td>
</tr>
</table>
<img src="https://rym.example.invalid/open.gif?m=2016-03-16" width="1" height="1" alt="" />
<noscript>Aktivera JavaScript f&ouml;r att se m&ouml;tet i webbl&auml;saren.</noscript>
</body>
</html>
"""

NAMED = {"å": "aring", "ä": "auml", "ö": "ouml", "Å": "Aring", "Ä": "Auml", "Ö": "Ouml"}
NAMED |= {"é": "eacute", "–": "ndash", "”": "rdquo", "“": "ldquo", "’": "rsquo"}


def entities(text: str) -> str:
    """Escape markup and write every non-ASCII character as an entity, as mailers do."""
    out = []
    for ch in html.escape(text, quote=False):
        if ord(ch) < 128:
            out.append(ch)
        elif ch in NAMED:
            out.append(f"&{NAMED[ch]};")
        else:
            out.append(f"&#{ord(ch)};")
    return "".join(out)


def inline(text: str, spans: tuple[Span, ...]) -> str:
    """Text with <strong>/<em> around its emphasis spans, <br /> for line breaks."""
    bold = {i for s in spans if s.style == Style.BOLD for i in range(s.start, s.end)}
    italic = {i for s in spans if s.style == Style.ITALIC for i in range(s.start, s.end)}
    out: list[str] = []
    run: list[str] = []
    state = (False, False)

    def close() -> None:
        piece = entities("".join(run))
        if state[1]:
            piece = f"<em>{piece}</em>"
        if state[0]:
            piece = f"<strong>{piece}</strong>"
        out.append(piece)
        run.clear()

    for i, ch in enumerate(text):
        now = (i in bold, i in italic)
        if now != state and run:
            close()
        state = now
        run.append(ch)
    if run:
        close()
    return "".join(out).replace("\n", "<br />\n")


def cell_html(cell: Cell, tag: str) -> str:
    return f"<{tag}>{inline(cell.text, cell.spans)}</{tag}>"


def table_html(block: Block) -> str:
    header, *body = block.rows
    lines = [
        '<table class="actions" width="100%" cellpadding="0" cellspacing="0" '
        'style="border-collapse:collapse">',
        "<thead><tr>" + "".join(cell_html(c, "th") for c in header) + "</tr></thead>",
        "<tbody>",
        *("<tr>" + "".join(cell_html(c, "td") for c in row) + "</tr>" for row in body),
        "</tbody>",
        "</table>",
    ]
    return "\n".join(lines)


def body_html(blocks: list[Block]) -> str:
    """The minutes' blocks as a meeting tool writes them; item numbers typed in headings."""
    out: list[str] = []
    in_list = False
    for block in blocks:
        if block.kind != BlockKind.LIST_ITEM and in_list:
            out.append("</ul>")
            in_list = False
        if block.kind == BlockKind.HEADING:
            level = min(block.level or 2, 6)
            text = f"{block.number} {block.text}" if block.number else block.text
            out.append(f"<h{level}>{entities(text)}</h{level}>")
        elif block.kind == BlockKind.LIST_ITEM:
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{inline(block.text, block.spans)}</li>")
        elif block.kind == BlockKind.TABLE:
            out.append(table_html(block))
        else:
            out.append(f"<p>{inline(block.text, block.spans)}</p>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out) + "\n"


def meeting_html() -> str:
    document = docx_backend.read(SAMPLE)
    title = entities(document.metadata.get("title", "Minnesanteckningar"))
    return HEAD.format(title=title) + body_html(document.blocks) + FOOT


# -- OLE2 compound files ---------------------------------------------------------------------


def ole_file(streams: list[tuple[str, bytes]]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding ``streams``.

    Every stream is padded to 4096 bytes or more so it lives in regular sectors (no mini
    stream); one FAT sector and one directory sector are enough for these small files.
    """
    assert len(streams) <= 3, "one directory sector holds the root and three streams"
    free, end, fat_sector, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    data = [payload.ljust(max(4096, len(payload)), b"\0") for _, payload in streams]
    fat = [fat_sector, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for payload in data:
        sectors = -(-len(payload) // 512)
        starts.append(len(fat))
        fat.extend(range(len(fat) + 1, len(fat) + sectors))
        fat.append(end)
    assert len(fat) <= 128, "one FAT sector covers 128 sectors"
    fat.extend([free] * (128 - len(fat)))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", nostream, right, child)
            + bytes(16 + 4 + 8 + 8)
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1 if streams else nostream, nostream, end, 0)
    for i, ((name, _), payload, start) in enumerate(zip(streams, data, starts, strict=True)):
        right = i + 2 if i + 1 < len(streams) else nostream
        directory += entry(name, 2, nostream, right, start, len(payload))
    directory = directory.ljust(512, b"\0")
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + struct.pack("<108I", *[free] * 108)
    )
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + directory + b"".join(data)


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    DETECT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="protokoll-fixtures-") as tmp:
        tmp_dir, profile = Path(tmp), Path(tmp) / "profile"
        for fmt, target in FILTERS.items():
            made = soffice(target, SAMPLE, tmp_dir, profile)
            shutil.move(made, OUT / f"{SAMPLE.stem}.{fmt}")
        note = tmp_dir / "hemligt.rtf"
        note.write_text(r"{\rtf1\ansi Protokoll som kr\'e4ver l\'f6senord.\par}", "ascii")
        made = soffice(PDF_WITH_PASSWORD, note, tmp_dir, profile)
        shutil.move(made, DETECT / "password.pdf")
        note.write_text(r"{\rtf1\ansi Protokoll med skrivskydd.\par}", "ascii")
        made = soffice(PDF_WITH_PERMISSIONS, note, tmp_dir, profile)
        shutil.move(made, DETECT / "permissions.pdf")
    (OUT / f"{SAMPLE.stem}.html").write_text(meeting_html(), "ascii")
    encryption_info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"
    package = bytes(range(256)) * 20  # stands in for the encrypted zip
    (DETECT / "password.docx").write_bytes(
        ole_file([("EncryptionInfo", encryption_info), ("EncryptedPackage", package)])
    )
    (DETECT / "workbook.xls").write_bytes(ole_file([("Workbook", b"\x09\x08\x10\x00")]))
    for path in sorted(OUT.rglob("*.*")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
