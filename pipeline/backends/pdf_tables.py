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
from operator import itemgetter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import (
    Table,
    TableFinder,
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
)

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
    finder = _Finder(_EdgePage(edges, (0.0, 0.0, right - left, top - bottom)), _SETTINGS)
    tables = []
    for table in finder.tables:
        rows = [list(row.cells) for row in table.rows]
        if len(rows) >= 2 or (rows and len(rows[0]) >= 2):  # one framed box is not a table
            tables.append(RuledTable(tuple(table.bbox), rows))
    return tables


class _Finder(TableFinder):
    """pdfplumber's TableFinder with its cell search (``intersections_to_cells``) replaced by
    :func:`_cells`, which gives the same cells several times faster."""

    def __init__(self, page: _EdgePage, settings: dict) -> None:
        self.page = page  # type: ignore[assignment]
        self.settings = TableSettings.resolve(settings)
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(
            self.edges,
            self.settings.intersection_x_tolerance,
            self.settings.intersection_y_tolerance,
        )
        self.cells = _cells(self.intersections)
        self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]  # type: ignore[arg-type]


_BBOX = itemgetter("x0", "top", "x1", "bottom")


def _cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``: for each intersection, top-left first, the
    smallest cell whose four corners are intersections joined by shared edges. The same
    search, with each point's edges turned into a set once instead of at every comparison
    and the points below and to the right looked up instead of filtered from all."""
    v_edges = {p: {_BBOX(e) for e in found["v"]} for p, found in intersections.items()}
    h_edges = {p: {_BBOX(e) for e in found["h"]} for p, found in intersections.items()}

    def connects(p1: tuple[float, float], p2: tuple[float, float]) -> bool:
        if p1[0] == p2[0] and not v_edges[p1].isdisjoint(v_edges[p2]):
            return True
        return p1[1] == p2[1] and not h_edges[p1].isdisjoint(h_edges[p2])

    points = sorted(intersections)
    columns: dict[float, list[tuple[float, float]]] = {}
    rows: dict[float, list[tuple[float, float]]] = {}
    for point in points:  # each list in the points' order
        columns.setdefault(point[0], []).append(point)
        rows.setdefault(point[1], []).append(point)
    cells = []
    for point in points[:-1]:
        below = [p for p in columns[point[0]] if p > point]
        right = [p for p in rows[point[1]] if p > point]
        for below_pt in (p for p in below if connects(point, p)):
            corner = next(
                (
                    (right_pt[0], below_pt[1])
                    for right_pt in right
                    if connects(point, right_pt)
                    and (right_pt[0], below_pt[1]) in intersections
                    and connects((right_pt[0], below_pt[1]), right_pt)
                    and connects((right_pt[0], below_pt[1]), below_pt)
                ),
                None,
            )
            if corner is not None:
                cells.append((point[0], point[1], corner[0], corner[1]))
                break
    return cells


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
