"""Write the small PDFs the PDF backend tests read (tests/fixtures/pdf/*.pdf).

A minimal PDF writer: standard Helvetica fonts in WinAnsi encoding, text placed line by line,
rules drawn as strokes. Line wrapping uses Helvetica's real widths (pdfminer ships them), so
the backend sees justified-looking lines exactly like a word processor's. Run from the
repository root: ``python scripts/make_test_pdfs.py``. The output is deterministic.
"""

from __future__ import annotations

from pathlib import Path

from pdfminer.fontmetrics import FONT_METRICS

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pdf"
WIDTH, HEIGHT = 595, 842
LEFT, TEXT_WIDTH = 72, 450
FONTS = {"F1": "Helvetica", "F2": "Helvetica-Bold"}


def text_width(text: str, font: str, size: float) -> float:
    widths = FONT_METRICS[FONTS[font]][1]
    return sum(widths.get(ch, 556) for ch in text) * size / 1000


def wrap(text: str, font: str, size: float, width: float = TEXT_WIDTH) -> list[str]:
    """Greedy line filling; a word written "sammanträ|det" may break at "|" with a hyphen."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip().replace("|", "")
        if text_width(candidate, font, size) <= width:
            line = f"{line} {word}".strip()
            continue
        if "|" in word:
            head, tail = word.split("|", 1)
            if text_width(f"{line} {head}-".replace("|", ""), font, size) <= width:
                lines.append(f"{line} {head}-".replace("|", ""))
                line = tail
                continue
        lines.append(line.replace("|", ""))
        line = word
    if line:
        lines.append(line.replace("|", ""))
    return lines


def _escape(text: str) -> bytes:
    data = text.encode("cp1252")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


class Page:
    """Content of one page: text runs and strokes, in PDF coordinates (origin bottom left)."""

    def __init__(self) -> None:
        self.ops: list[bytes] = []

    def text(self, x: float, y: float, text: str, font: str = "F1", size: float = 11) -> None:
        self.ops.append(
            b"BT /%s %.1f Tf %.2f %.2f Td (%s) Tj ET" % (font.encode(), size, x, y, _escape(text))
        )

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.ops.append(b"0.8 w %.2f %.2f m %.2f %.2f l S" % (x0, y0, x1, y1))

    def paragraph(
        self, y: float, text: str, font: str = "F1", size: float = 11, x: float = LEFT,
        width: float = TEXT_WIDTH, leading: float = 14,
    ) -> float:  # fmt: skip
        """Write wrapped text from baseline ``y`` down; return the next free baseline."""
        for line in wrap(text, font, size, width):
            self.text(x, y, line, font, size)
            y -= leading
        return y


def write_pdf(path: Path, pages: list[Page], to_unicode: dict[str, str] | None = None) -> None:
    """Write ``pages``; ``to_unicode`` gives the regular font a character map that lies
    (the glyphs drawn stay right, the text a reader extracts is changed letter by letter)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    cmap_ref = b""
    if to_unicode:
        cmap_ref = b" /ToUnicode %d 0 R" % add(_stream(_cmap(to_unicode)))
    fonts = {
        name: add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding%s >>"
            % (base.encode(), cmap_ref if name == "F1" else b"")
        )
        for name, base in FONTS.items()
    }
    font_dict = b" ".join(b"/%s %d 0 R" % (n.encode(), i) for n, i in fonts.items())
    kids = []
    for page in pages:
        content = add(_stream(b"\n".join(page.ops)))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << %s >> >> >>"
                % (pages_id, WIDTH, HEIGHT, content, font_dict)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    path.write_bytes(bytes(out))


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def _cmap(swap: dict[str, str]) -> bytes:
    entries = []
    for code in range(32, 256):
        try:
            ch = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        ch = swap.get(ch, ch)
        entries.append(b"<%02X> <%04X>" % (code, ord(ch)))
    body = b"\n".join(
        b"%d beginbfchar\n%s\nendbfchar" % (len(chunk), b"\n".join(chunk))
        for chunk in (entries[i : i + 100] for i in range(0, len(entries), 100))
    )
    return (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n%s\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end" % body
    )


# -- the fixtures ----------------------------------------------------------------------------

INTRO = (
    "Ordföranden öppnar sammanträ|det och konstaterar att kallelsen har skickats ut i tid "
    "till samtliga ledamöter och ersättare. Föredragningslistan godkänns utan ändringar och "
    "nämnden beslutar att protokollet ska justeras inom en vecka."
)
LONG = (
    "Ekonomichefen redovisar utfallet för perioden januari till och med februari och "
    "konstaterar att nämndens verksamheter sammantaget följer budget men att kostnaderna "
    "för försörjningsstöd och placeringar fortsätter att öka i samma takt som under förra "
    "året vilket innebär att nämnden behöver vidta åtgärder under våren för att nå en "
    "budget i balans vid årets slut och förvaltningen får därför i uppdrag att ta fram "
    "förslag på åtgärder som kan minska kostnaderna utan att kvaliteten i verksamheterna "
    "försämras för de invånare som har behov av stöd från kommunen under den kommande "
    "perioden och att återkomma till nämnden med en redovisning av hur åtgärderna har "
    "genomförts och vilken effekt de har haft på kostnaderna för placeringar och stöd "
    "samt hur arbetet med att minska antalet externa placeringar fortskrider inom "
    "förvaltningens olika enheter och vilka resurser som behövs för att arbetet ska kunna "
    "bedrivas vidare under hösten och vintern med stöd av den nya planen för verksamheten."
)


def protokoll() -> list[Page]:
    """Three pages with running header and footer, a label/value header, § headings, a
    hyphenated word, a paragraph across the page break and a ruled table."""
    pages = [Page(), Page(), Page()]
    for n, page in enumerate(pages, start=1):
        page.text(LEFT, 805, "SAMMANTRÄDESPROTOKOLL", "F2", 9)
        page.text(460, 805, f"Sida {n} (3)", "F1", 9)
        page.text(LEFT, 792, "Socialnämnden", "F1", 9)
        page.text(460, 792, "2024-03-12", "F1", 9)
        page.text(LEFT, 40, "Justerandes sign", "F1", 8)
        page.text(400, 40, "Utdragsbestyrkande", "F1", 8)
    p1, p2, p3 = pages
    p1.text(LEFT, 740, "Socialnämnden", "F2", 16)
    rows = [
        ("Plats och tid", "Kommunhusets tingssal, 2024-03-12 kl. 13.00–15.30"),
        ("Beslutande", "Anna Andersson (S), ordförande"),
        ("", "Bertil Berg (M)"),
        ("Justerare", "Cecilia Carlsson (C)"),
    ]
    y = 705
    for label, value in rows:
        if label:
            p1.text(LEFT, y, label, "F2", 11)
        p1.text(200, y, value, "F1", 11)
        y -= 14
    y -= 20
    p1.text(LEFT, y, "§ 1 Sammanträdets öppnande", "F2", 12)
    y = p1.paragraph(y - 20, INTRO)
    y -= 14
    p1.text(LEFT, y, "§ 2 Ekonomisk uppföljning", "F2", 12)
    lines = wrap(LONG, "F1", 11)
    y -= 20
    # Fill page 1 to its bottom margin, then go on at the top of page 2.
    first = (y - 80) // 14 + 1
    first = min(int(first), len(lines) - 3)
    for line in lines[:first]:
        p1.text(LEFT, y, line)
        y -= 14
    y = 740
    for line in lines[first:]:
        p2.text(LEFT, y, line)
        y -= 14
    y -= 20
    p2.text(LEFT, y, "§ 3 Åtgärder", "F2", 12)
    p2.paragraph(y - 20, "Nämnden beslutar om åtgärderna i tabellen på nästa sida.")
    # Page 3: a ruled table.
    cols = [LEFT, 250, 400, 520]
    rows3 = [("Åtgärd", "Ansvarig", "Klart"), ("Ny rutin för placeringar", "Eva Ek", "2024-05-01"),
             ("Uppföljning av stöd", "Olof Ohlsson", "2024-06-15")]  # fmt: skip
    top = 740
    for r, row in enumerate(rows3):
        base = top - 20 * r
        for c, cell in enumerate(row):
            p3.text(cols[c] + 4, base - 14, cell, "F2" if r == 0 else "F1", 10)
    for r in range(len(rows3) + 1):
        p3.line(cols[0], top - 20 * r, cols[-1], top - 20 * r)
    for x in cols:
        p3.line(x, top, x, top - 20 * len(rows3))
    p3.paragraph(top - 20 * len(rows3) - 30, "Protokollet justeras den 19 mars 2024.")
    return pages


LEFT_COLUMN = (
    "Vänster spalt börjar här och berättar om nämndens arbete med barn och unga under året "
    "som gått med fokus på förebyggande insatser i skolan och på fritiden. Slut på vänster."
)
RIGHT_COLUMN = (
    "Höger spalt fortsätter med äldreomsorgen och beskriver hur hemtjänsten har organiserats "
    "om för att korta väntetiderna och öka kontinuiteten för brukarna. Slut på höger."
)


def two_columns() -> list[Page]:
    page = Page()
    page.text(LEFT, 760, "Verksamhetsberättelse 2023", "F2", 16)
    width = 200
    left = wrap(LEFT_COLUMN * 1, "F1", 11, width)
    right = wrap(RIGHT_COLUMN, "F1", 11, width)
    y = 720
    for i in range(max(len(left), len(right))):
        if i < len(left):
            page.text(LEFT, y, left[i])
        if i < len(right):
            page.text(LEFT + width + 50, y, right[i])
        y -= 14
    return [page]


GARBLED = (
    "Föredragningslistan godkändes. Nämnden beslutar att godkänna protokollet från "
    "föregående sammanträde. Ordföranden informerar om det kommande arbetet med budgeten "
    "och om den nya planen för verksamheten. Nämnden beslutar att lägga informationen "
    "till handlingarna."
)


def garbled() -> list[Page]:
    """One page whose glyphs read well but whose character map swaps letters, as broken
    subset fonts do: the text layer says "Förgdrggnnngslnsagn"."""
    page = Page()
    page.text(LEFT, 760, "Protokoll", "F2", 16)
    page.paragraph(720, GARBLED, size=12, leading=16)
    return [page]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_pdf(OUT / "protokoll_3_sidor.pdf", protokoll())
    write_pdf(OUT / "tva_spalter.pdf", two_columns())
    write_pdf(
        OUT / "trasig_teckenkarta.pdf",
        garbled(),
        to_unicode={"e": "g", "i": "n", "t": "s", "o": "a", "a": "e"},
    )
    good = (OUT / "tva_spalter.pdf").read_bytes()
    (OUT / "avbruten.pdf").write_bytes(good[: len(good) // 3])
    for path in sorted(OUT.glob("*.pdf")):
        print(f"{path.relative_to(OUT.parent.parent.parent)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
