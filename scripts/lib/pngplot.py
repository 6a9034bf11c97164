"""A small line-plot PNG writer in pure Python (zlib + struct), so the
overnight report has its picture without matplotlib.

    c = Canvas(800, 480)
    c.line(x0, y0, x1, y1, RED, width=2); c.text(x, y, "label", BLACK)
    c.save("plot.png")

plot_campaign() draws the overnight report's figure: coverage over time on
top, distinct findings below, sharing the time axis.
"""
import math
import os
import struct
import zlib

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
GREY = (150, 150, 150)
LIGHT = (225, 225, 225)
BLUE = (31, 119, 180)
RED = (214, 39, 40)
PINK = (245, 190, 190)

# 5x7 glyphs, one byte per column (bit 0 = top row), from the classic
# HD44780-style font.
FONT = {
    " ": (0, 0, 0, 0, 0), "0": (0x3E, 0x51, 0x49, 0x45, 0x3E), "1": (0x00, 0x42, 0x7F, 0x40, 0x00),
    "2": (0x42, 0x61, 0x51, 0x49, 0x46), "3": (0x21, 0x41, 0x45, 0x4B, 0x31), "4": (0x18, 0x14, 0x12, 0x7F, 0x10),
    "5": (0x27, 0x45, 0x45, 0x45, 0x39), "6": (0x3C, 0x4A, 0x49, 0x49, 0x30), "7": (0x01, 0x71, 0x09, 0x05, 0x03),
    "8": (0x36, 0x49, 0x49, 0x49, 0x36), "9": (0x06, 0x49, 0x49, 0x29, 0x1E),
    "A": (0x7E, 0x11, 0x11, 0x11, 0x7E), "B": (0x7F, 0x49, 0x49, 0x49, 0x36), "C": (0x3E, 0x41, 0x41, 0x41, 0x22),
    "D": (0x7F, 0x41, 0x41, 0x22, 0x1C), "E": (0x7F, 0x49, 0x49, 0x49, 0x41), "F": (0x7F, 0x09, 0x09, 0x09, 0x01),
    "G": (0x3E, 0x41, 0x49, 0x49, 0x7A), "H": (0x7F, 0x08, 0x08, 0x08, 0x7F), "I": (0x00, 0x41, 0x7F, 0x41, 0x00),
    "J": (0x20, 0x40, 0x41, 0x3F, 0x01), "K": (0x7F, 0x08, 0x14, 0x22, 0x41), "L": (0x7F, 0x40, 0x40, 0x40, 0x40),
    "M": (0x7F, 0x02, 0x0C, 0x02, 0x7F), "N": (0x7F, 0x04, 0x08, 0x10, 0x7F), "O": (0x3E, 0x41, 0x41, 0x41, 0x3E),
    "P": (0x7F, 0x09, 0x09, 0x09, 0x06), "Q": (0x3E, 0x41, 0x51, 0x21, 0x5E), "R": (0x7F, 0x09, 0x19, 0x29, 0x46),
    "S": (0x46, 0x49, 0x49, 0x49, 0x31), "T": (0x01, 0x01, 0x7F, 0x01, 0x01), "U": (0x3F, 0x40, 0x40, 0x40, 0x3F),
    "V": (0x1F, 0x20, 0x40, 0x20, 0x1F), "W": (0x3F, 0x40, 0x38, 0x40, 0x3F), "X": (0x63, 0x14, 0x08, 0x14, 0x63),
    "Y": (0x07, 0x08, 0x70, 0x08, 0x07), "Z": (0x61, 0x51, 0x49, 0x45, 0x43),
    "a": (0x20, 0x54, 0x54, 0x54, 0x78), "b": (0x7F, 0x48, 0x44, 0x44, 0x38), "c": (0x38, 0x44, 0x44, 0x44, 0x20),
    "d": (0x38, 0x44, 0x44, 0x48, 0x7F), "e": (0x38, 0x54, 0x54, 0x54, 0x18), "f": (0x08, 0x7E, 0x09, 0x01, 0x02),
    "g": (0x0C, 0x52, 0x52, 0x52, 0x3E), "h": (0x7F, 0x08, 0x04, 0x04, 0x78), "i": (0x00, 0x44, 0x7D, 0x40, 0x00),
    "j": (0x20, 0x40, 0x44, 0x3D, 0x00), "k": (0x7F, 0x10, 0x28, 0x44, 0x00), "l": (0x00, 0x41, 0x7F, 0x40, 0x00),
    "m": (0x7C, 0x04, 0x18, 0x04, 0x78), "n": (0x7C, 0x08, 0x04, 0x04, 0x78), "o": (0x38, 0x44, 0x44, 0x44, 0x38),
    "p": (0x7C, 0x14, 0x14, 0x14, 0x08), "q": (0x08, 0x14, 0x14, 0x18, 0x7C), "r": (0x7C, 0x08, 0x04, 0x04, 0x08),
    "s": (0x48, 0x54, 0x54, 0x54, 0x20), "t": (0x04, 0x3F, 0x44, 0x40, 0x20), "u": (0x3C, 0x40, 0x40, 0x20, 0x7C),
    "v": (0x1C, 0x20, 0x40, 0x20, 0x1C), "w": (0x3C, 0x40, 0x30, 0x40, 0x3C), "x": (0x44, 0x28, 0x10, 0x28, 0x44),
    "y": (0x0C, 0x50, 0x50, 0x50, 0x3C), "z": (0x44, 0x64, 0x54, 0x4C, 0x44),
    ":": (0x00, 0x36, 0x36, 0x00, 0x00), ";": (0x00, 0x56, 0x36, 0x00, 0x00), ".": (0x00, 0x60, 0x60, 0x00, 0x00), ",": (0x00, 0x50, 0x30, 0x00, 0x00),
    "-": (0x08, 0x08, 0x08, 0x08, 0x08), "/": (0x20, 0x10, 0x08, 0x04, 0x02), "(": (0x00, 0x1C, 0x22, 0x41, 0x00),
    ")": (0x00, 0x41, 0x22, 0x1C, 0x00), "%": (0x23, 0x13, 0x08, 0x64, 0x62), "+": (0x08, 0x08, 0x3E, 0x08, 0x08),
    "_": (0x40, 0x40, 0x40, 0x40, 0x40), "#": (0x14, 0x7F, 0x14, 0x7F, 0x14), "=": (0x14, 0x14, 0x14, 0x14, 0x14),
    "[": (0x00, 0x7F, 0x41, 0x41, 0x00), "]": (0x00, 0x41, 0x41, 0x7F, 0x00), "'": (0x00, 0x05, 0x03, 0x00, 0x00),
    "?": (0x02, 0x01, 0x51, 0x09, 0x06), "!": (0x00, 0x00, 0x5F, 0x00, 0x00), "<": (0x08, 0x14, 0x22, 0x41, 0x00),
    ">": (0x00, 0x41, 0x22, 0x14, 0x08), "*": (0x14, 0x08, 0x3E, 0x08, 0x14),
}


class Canvas:
    def __init__(self, width, height, bg=WHITE):
        self.w, self.h = width, height
        self.px = bytearray(bytes(bg) * (width * height))

    def dot(self, x, y, color):
        if 0 <= x < self.w and 0 <= y < self.h:
            i = (y * self.w + x) * 3
            self.px[i:i + 3] = bytes(color)

    def rect(self, x0, y0, x1, y1, color):
        for y in range(max(0, y0), min(self.h, y1 + 1)):
            for x in range(max(0, x0), min(self.w, x1 + 1)):
                self.dot(x, y, color)

    def line(self, x0, y0, x1, y1, color, width=1, dash=0):
        x0, y0, x1, y1 = int(round(x0)), int(round(y0)), int(round(x1)), int(round(y1))
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err, n = dx + dy, 0
        while True:
            if not dash or (n // dash) % 2 == 0:
                for ox in range(width):
                    for oy in range(width):
                        self.dot(x0 + ox - width // 2, y0 + oy - width // 2, color)
            n += 1
            if x0 == x1 and y0 == y1:
                return
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def text(self, x, y, s, color, scale=1):
        """Top-left at (x, y); 6*scale pixels per character."""
        for ch in s:
            cols = FONT.get(ch, FONT["?"])
            for cx, bits in enumerate(cols):
                for cy in range(7):
                    if bits >> cy & 1:
                        self.rect(x + cx * scale, y + cy * scale, x + cx * scale + scale - 1, y + cy * scale + scale - 1, color)
            x += 6 * scale

    @staticmethod
    def text_width(s, scale=1):
        return 6 * scale * len(s)

    def save(self, path):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3]) for y in range(self.h))

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
        png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
        with open(path + ".tmp", "wb") as f:
            f.write(png)
        os.replace(path + ".tmp", path)


def nice_step(span, ticks):
    """A round tick step (1, 2, 5 x 10^k) giving about `ticks` ticks."""
    if span <= 0:
        return 1
    raw = span / float(ticks)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5):
        if mag * m >= raw:
            return mag * m
    return mag * 10


def time_axis(t_max):
    """(divisor, unit, step in seconds) for a time axis up to t_max seconds."""
    if t_max <= 180:
        div, unit = 1.0, "s"
    elif t_max <= 3 * 3600:
        div, unit = 60.0, "min"
    else:
        div, unit = 3600.0, "h"
    return div, unit, nice_step(t_max / div, 6) * div


def fmt_num(v):
    if v >= 10000000:
        return "%dM" % (v // 1000000)
    if v >= 10000:
        return "%dk" % (v // 1000)
    if v == int(v):
        return "%d" % v
    return "%g" % v


def panel(c, box, title, series, t_max, y_label_color, marks=(), sessions=(), step=False, integer=False):
    """One plot panel in box = (x0, y0, x1, y1): series = [(color, [(t, v)])]."""
    x0, y0, x1, y1 = box
    v_max = max([v for _, pts in series for _, v in pts] + [1])
    ystep = nice_step(v_max, 4)
    if integer:
        ystep = max(1, int(round(ystep)))
    v_top = ystep * (int(v_max / ystep) + 1)

    def X(t):
        return x0 + (x1 - x0) * (t / t_max if t_max else 0)

    def Y(v):
        return y1 - (y1 - y0) * (v / v_top)

    # grid and y labels
    v = 0
    while v <= v_top + 1e-9:
        y = int(Y(v))
        c.line(x0, y, x1, y, LIGHT)
        lab = fmt_num(v)
        c.text(x0 - 6 - c.text_width(lab), y - 3, lab, GREY)
        v += ystep
    div, unit, tstep = time_axis(t_max)
    t = 0.0
    while t <= t_max + 1e-9:
        x = int(X(t))
        c.line(x, y0, x, y1, LIGHT)
        t += tstep
    for t in sessions:  # a resumed run starts here
        c.line(X(t), y0, X(t), y1, GREY, dash=4)
    for t in marks:  # a new finding
        c.line(X(t), y0, X(t), y1, PINK)
    for color, pts in series:
        prev = None
        for t, v in pts:
            p = (X(t), Y(v))
            if prev:
                if step:
                    c.line(prev[0], prev[1], p[0], prev[1], color, width=2)
                    c.line(p[0], prev[1], p[0], p[1], color, width=2)
                else:
                    c.line(prev[0], prev[1], p[0], p[1], color, width=2)
            prev = p
        if prev and step:
            c.line(prev[0], prev[1], x1, prev[1], color, width=2)
    c.line(x0, y1, x1, y1, BLACK)
    c.line(x0, y0, x0, y1, BLACK)
    c.text(x0, y0 - 12, title, y_label_color)


def plot_campaign(path, coverage, findings, sessions, title):
    """coverage, findings: [(t seconds, value)]; sessions: start times of
    resumed runs."""
    c = Canvas(880, 520)
    t_max = max([t for t, _ in coverage] + [t for t, _ in findings] + [1])
    c.text(20, 10, title, BLACK, scale=2)
    marks = []
    last = 0
    for t, v in findings:
        if v > last:
            marks.append(t)
        last = v
    left, right = 80, 850
    panel(c, (left, 60, right, 270), "coverage: libFuzzer features (edges and their hit counts), summed over targets", [(BLUE, coverage)], t_max, BLUE,
          marks=marks, sessions=sessions)
    panel(c, (left, 320, right, 470), "distinct findings (class and site)", [(RED, findings)], t_max, RED,
          sessions=sessions, step=True, integer=True)
    div, unit, tstep = time_axis(t_max)
    t = 0.0
    while t <= t_max + 1e-9:
        x = int(left + (right - left) * t / t_max)
        lab = fmt_num(round(t / div, 2))
        c.text(x - c.text_width(lab) // 2, 476, lab, GREY)
        t += tstep
    lab = "fuzzing time (%s); pink: a new finding; dashed: run resumed" % unit
    c.text(left + (right - left) // 2 - c.text_width(lab) // 2, 496, lab, BLACK)
    c.save(path)
