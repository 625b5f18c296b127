#!/usr/bin/env python3
"""A tiny line-plot writer to PNG: Python standard library only (zlib + struct).

    from pngplot import Figure
    fig = Figure(width=1200, height=420, panels=3)
    ax = fig.panel(0, title="latency per message (us)", xlabel="intents", log_x=True, log_y=True)
    ax.line([10, 100, 1000], [2.1, 3.5, 9.8], color="blue", label="classify p50")
    fig.save("docs/scale.png")

Axes are linear or log10; ticks at powers of ten (log) or at 1-2-5 steps (linear).
Text uses a built-in 5x7 pixel font (upper case, digits, a few signs), drawn at 2x.
"""

from __future__ import annotations

import math
import struct
import zlib

COLORS = {
    "black": (0, 0, 0), "grey": (150, 150, 150), "light": (225, 225, 225), "white": (255, 255, 255),
    "blue": (31, 119, 180), "orange": (255, 127, 14), "green": (44, 160, 44), "red": (214, 39, 40),
    "purple": (148, 103, 189), "brown": (140, 86, 75),
}

# 5x7 glyphs, one string of 7 rows of 5 bits per character.
_FONT_ROWS = {
    "A": "01110 10001 10001 11111 10001 10001 10001", "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110", "D": "11110 10001 10001 10001 10001 10001 11110",
    "E": "11111 10000 10000 11110 10000 10000 11111", "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111", "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110", "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001", "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001", "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110", "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101", "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110", "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110", "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010", "X": "10001 10001 01010 00100 01010 10001 10001",
    "Y": "10001 10001 01010 00100 00100 00100 00100", "Z": "11111 00001 00010 00100 01000 10000 11111",
    "0": "01110 10001 10011 10101 11001 10001 01110", "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111", "3": "11111 00010 00100 00010 00001 10001 01110",
    "4": "00010 00110 01010 10010 11111 00010 00010", "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110", "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110", "9": "01110 10001 10001 01111 00001 00010 01100",
    " ": "00000 00000 00000 00000 00000 00000 00000", ".": "00000 00000 00000 00000 00000 01100 01100",
    ",": "00000 00000 00000 00000 01100 00100 01000", "-": "00000 00000 00000 11111 00000 00000 00000",
    "+": "00000 00100 00100 11111 00100 00100 00000", "/": "00001 00010 00010 00100 01000 01000 10000",
    "(": "00010 00100 01000 01000 01000 00100 00010", ")": "01000 00100 00010 00010 00010 00100 01000",
    ":": "00000 01100 01100 00000 01100 01100 00000", "%": "11000 11001 00010 00100 01000 10011 00011",
    "=": "00000 00000 11111 00000 11111 00000 00000", "_": "00000 00000 00000 00000 00000 00000 11111",
    "<": "00010 00100 01000 10000 01000 00100 00010", ">": "01000 00100 00010 00001 00010 00100 01000",
    "*": "00000 00100 10101 01110 10101 00100 00000", ";": "00000 01100 01100 00000 01100 00100 01000", "'": "00100 00100 01000 00000 00000 00000 00000",
}
FONT = {ch: [int(r, 2) for r in rows.split()] for ch, rows in _FONT_ROWS.items()}
FONT["µ"] = FONT["U"]
FONT["×"] = FONT["X"]


class Canvas:
    def __init__(self, width: int, height: int, background=(255, 255, 255)):
        self.w, self.h = width, height
        self.px = bytearray(bytes(background) * (width * height))

    def dot(self, x: int, y: int, color) -> None:
        if 0 <= x < self.w and 0 <= y < self.h:
            i = 3 * (y * self.w + x)
            self.px[i:i + 3] = bytes(color)

    def rect(self, x0, y0, x1, y1, color) -> None:
        for y in range(max(0, int(y0)), min(self.h, int(y1) + 1)):
            for x in range(max(0, int(x0)), min(self.w, int(x1) + 1)):
                self.dot(x, y, color)

    def line(self, x0, y0, x1, y1, color, width: int = 1, dash: int = 0) -> None:
        x0, y0, x1, y1 = (int(round(v)) for v in (x0, y0, x1, y1))
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err, step, r = dx + dy, 0, width // 2
        while True:
            if not dash or (step // dash) % 2 == 0:
                for oy in range(-r, width - r):
                    for ox in range(-r, width - r):
                        self.dot(x0 + ox, y0 + oy, color)
            step += 1
            if x0 == x1 and y0 == y1:
                break
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def text(self, x: int, y: int, s: str, color=(0, 0, 0), scale: int = 2, anchor: str = "left") -> None:
        s = s.upper()
        width = self.text_width(s, scale)
        if anchor == "center":
            x -= width // 2
        elif anchor == "right":
            x -= width
        for ch in s:
            rows = FONT.get(ch, FONT["*"])
            for ry, bits in enumerate(rows):
                for rx in range(5):
                    if bits & (1 << (4 - rx)):
                        self.rect(x + rx * scale, y + ry * scale, x + rx * scale + scale - 1,
                                  y + ry * scale + scale - 1, color)
            x += 6 * scale

    @staticmethod
    def text_width(s: str, scale: int = 2) -> int:
        return max(0, len(s) * 6 * scale - scale)

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(self.px[3 * y * self.w:3 * (y + 1) * self.w]) for y in range(self.h))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _nice_ticks(lo: float, hi: float, log: bool):
    if log:
        return [10.0 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)]
    span = (hi - lo) or 1.0
    raw = span / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    return [start + i * step for i in range(int(math.ceil((hi - start) / step)) + 1)]


def _fmt(v: float) -> str:
    if v >= 1e6 and v == int(v):
        return f"{v / 1e6:g}M"
    if v >= 1e3 and v == int(v):
        return f"{v / 1e3:g}K"
    return f"{v:g}"


class Axes:
    def __init__(self, fig, box, title, xlabel, ylabel, log_x, log_y):
        self.fig, self.box = fig, box
        self.title, self.xlabel, self.ylabel = title, xlabel, ylabel
        self.log_x, self.log_y = log_x, log_y
        self.series = []  # (xs, ys, color, label, dash)
        self.hlines = []  # (y, color, label)

    def line(self, xs, ys, color="blue", label="", dash=0):
        self.series.append((list(xs), list(ys), COLORS.get(color, color), label, dash))

    def hline(self, y, color="red", label=""):
        self.hlines.append((y, COLORS.get(color, color), label))

    def draw(self, c: Canvas) -> None:
        x0, y0, x1, y1 = self.box
        left, right, top, bottom = x0 + 90, x1 - 15, y0 + 40, y1 - 60
        pts = [(x, y) for xs, ys, *_ in self.series for x, y in zip(xs, ys) if y is not None and y > 0]
        ys_all = [y for _, y in pts] + [y for y, _, _ in self.hlines]
        xs_all = [x for x, _ in pts]
        if not pts:
            return
        xlo, xhi = min(xs_all), max(xs_all)
        ylo, yhi = min(ys_all), max(ys_all)
        if self.log_y:
            ylo, yhi = 10 ** math.floor(math.log10(ylo)), 10 ** math.ceil(math.log10(yhi))
        else:
            ylo, yhi = 0.0, yhi * 1.1
        if self.log_x:
            xlo, xhi = 10 ** math.floor(math.log10(xlo)), 10 ** math.ceil(math.log10(xhi))
        tf = (lambda v: math.log10(v)) if self.log_x else (lambda v: v)
        gf = (lambda v: math.log10(v)) if self.log_y else (lambda v: v)

        def X(v):
            return left + (tf(v) - tf(xlo)) / ((tf(xhi) - tf(xlo)) or 1) * (right - left)

        def Y(v):
            return bottom - (gf(v) - gf(ylo)) / ((gf(yhi) - gf(ylo)) or 1) * (bottom - top)

        c.text((left + right) // 2, y0 + 10, self.title, COLORS["black"], 2, "center")
        for t in _nice_ticks(ylo, yhi, self.log_y):
            if ylo <= t <= yhi * 1.0001:
                c.line(left, Y(t), right, Y(t), COLORS["light"])
                c.text(left - 8, int(Y(t)) - 7, _fmt(t), COLORS["black"], 2, "right")
        for t in _nice_ticks(xlo, xhi, self.log_x):
            if xlo <= t <= xhi * 1.0001:
                c.line(X(t), top, X(t), bottom, COLORS["light"])
                c.text(int(X(t)), bottom + 8, _fmt(t), COLORS["black"], 2, "center")
        c.line(left, bottom, right, bottom, COLORS["black"])
        c.line(left, top, left, bottom, COLORS["black"])
        c.text((left + right) // 2, bottom + 30, self.xlabel, COLORS["black"], 2, "center")
        for y, color, label in self.hlines:
            c.line(left, Y(y), right, Y(y), color, 1, dash=6)
            if label:
                w = Canvas.text_width(label.upper(), 2)
                c.rect(right - 8 - w, int(Y(y)) - 20, right - 2, int(Y(y)) - 3, COLORS["white"])
                c.text(right - 4, int(Y(y)) - 18, label, color, 2, "right")
        for xs, ys, color, label, dash in self.series:
            prev = None
            for x, y in zip(xs, ys):
                if y is None or y <= 0:
                    prev = None
                    continue
                p = (X(x), Y(y))
                if prev:
                    c.line(prev[0], prev[1], p[0], p[1], color, 3, dash)
                c.rect(p[0] - 4, p[1] - 4, p[0] + 4, p[1] + 4, color)
                prev = p
        # legend, top left inside the plot
        ly = top + 6
        for xs, ys, color, label, dash in self.series:
            if label:
                c.line(left + 10, ly + 7, left + 40, ly + 7, color, 3, dash)
                c.text(left + 48, ly, label, COLORS["black"], 2)
                ly += 20


class Figure:
    def __init__(self, width: int = 1200, height: int = 420, panels: int = 1, title: str = ""):
        self.w, self.h, self.n, self.title = width, height, panels, title
        self.axes = [None] * panels

    def panel(self, i, title="", xlabel="", ylabel="", log_x=False, log_y=False) -> Axes:
        top = 30 if self.title else 0
        pw = self.w // self.n
        self.axes[i] = Axes(self, (i * pw, top, (i + 1) * pw, self.h), title, xlabel, ylabel, log_x, log_y)
        return self.axes[i]

    def render(self) -> Canvas:
        c = Canvas(self.w, self.h)
        if self.title:
            c.text(self.w // 2, 8, self.title, COLORS["black"], 2, "center")
        for ax in self.axes:
            if ax:
                ax.draw(c)
        return c

    def save(self, path: str) -> None:
        with open(path, "wb") as f:
            f.write(self.render().png())
