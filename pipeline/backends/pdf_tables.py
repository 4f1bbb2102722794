"""Ruled tables: pdfplumber's table finder, fed with the page's rules as PDFium sees them.

pdfplumber's finder needs only the page's edges (horizontal and vertical strokes and the
sides of rectangles); it gets them from ``page.edges``, which makes pdfminer interpret the
whole page and build an object per character (~250 ms on a table page). Here the edges come
from PDFium's path objects, a few hundred C calls, and the same finder
(:class:`pdfplumber.table.TableFinder`, lines strategy) turns them into cells. A page runs
the finder only when it draws at least three horizontal and two vertical rules.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableFinder

from pipeline.backends.pdf_layout import RuledTable

_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_MAX_SEGMENTS = 400  # a path with more segments is a drawing (a logo), not rules
_MIN_LENGTH = 3.0  # points; shorter strokes are dots and glyph parts


@dataclass
class _EdgePage:
    """The two attributes of a pdfplumber Page that its table finder reads."""

    edges: list[dict[str, float | str]]
    bbox: tuple[float, float, float, float]


def find_tables(page: pdfium.PdfPage) -> list[RuledTable]:
    """The ruled tables of ``page``; nothing when it draws too few rules to hold one."""
    left, bottom, right, top = page.get_cropbox()
    edges = page_edges(page, left, top)
    horizontal = sum(e["orientation"] == "h" for e in edges)
    vertical = len(edges) - horizontal
    if horizontal < 3 or vertical < 2:
        return []
    finder = TableFinder(_EdgePage(edges, (0.0, 0.0, right - left, top - bottom)), _SETTINGS)
    tables = []
    for table in finder.tables:
        rows = [list(row.cells) for row in table.rows]
        if len(rows) >= 2 or (rows and len(rows[0]) >= 2):  # one framed box is not a table
            tables.append(RuledTable(tuple(table.bbox), rows))
    return tables


def page_edges(page: pdfium.PdfPage, x_origin: float, y_top: float) -> list[dict]:
    """Horizontal and vertical strokes of the page's visible paths, top-left coordinates."""
    edges: list[dict] = []
    point_x, point_y = ctypes.c_float(), ctypes.c_float()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    matrix = pdfium_c.FS_MATRIX()
    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple[object, bool, tuple[float, ...]]] = [(page.raw, True, identity)]
    while stack:
        holder, is_page, outer = stack.pop()
        if is_page:
            count, get = pdfium_c.FPDFPage_CountObjects(holder), pdfium_c.FPDFPage_GetObject
        else:
            count, get = pdfium_c.FPDFFormObj_CountObjects(holder), pdfium_c.FPDFFormObj_GetObject
        for i in range(count):
            obj = get(holder, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            m = identity
            if pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
                m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                stack.append((obj, False, m))
                continue
            if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke):
                continue
            if fill.value == 0 and not stroke.value:
                continue  # a clipping path or an invisible one
            n = pdfium_c.FPDFPath_CountSegments(obj)
            if n <= 1 or n > _MAX_SEGMENTS:
                continue
            points: list[tuple[float, float, int, bool]] = []
            for s in range(n):
                seg = pdfium_c.FPDFPath_GetPathSegment(obj, s)
                pdfium_c.FPDFPathSegment_GetPoint(seg, point_x, point_y)
                x, y = _apply(m, point_x.value, point_y.value)
                points.append(
                    (
                        x - x_origin,
                        y_top - y,
                        pdfium_c.FPDFPathSegment_GetType(seg),
                        bool(pdfium_c.FPDFPathSegment_GetClose(seg)),
                    )
                )
            _segments_to_edges(points, edges)
    return edges


def _segments_to_edges(points: list[tuple[float, float, int, bool]], edges: list[dict]) -> None:
    start = prev = None
    for x, y, kind, close in points:
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or prev is None:
            start = prev = (x, y)
            continue
        if kind == pdfium_c.FPDF_SEGMENT_LINETO:
            _edge(prev, (x, y), edges)
        prev = (x, y)
        if close and start is not None:
            _edge(prev, start, edges)
            prev = start


def _edge(a: tuple[float, float], b: tuple[float, float], edges: list[dict]) -> None:
    (x0, y0), (x1, y1) = a, b
    if abs(y1 - y0) < 1.0 and abs(x1 - x0) >= _MIN_LENGTH:
        lo, hi = sorted((x0, x1))
        top = (y0 + y1) / 2
        edges.append(
            {
                "x0": lo,
                "x1": hi,
                "top": top,
                "bottom": top,
                "width": hi - lo,
                "height": 0.0,
                "orientation": "h",
                "object_type": "line",
            }
        )
    elif abs(x1 - x0) < 1.0 and abs(y1 - y0) >= _MIN_LENGTH:
        lo, hi = sorted((y0, y1))
        x = (x0 + x1) / 2
        edges.append(
            {
                "x0": x,
                "x1": x,
                "top": lo,
                "bottom": hi,
                "width": 0.0,
                "height": hi - lo,
                "orientation": "v",
                "object_type": "line",
            }
        )


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer  # noqa: N806 - matrix names
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def _apply(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]
