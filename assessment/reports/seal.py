"""The seal (印章) drawn as the visible appearance of an issued report's digital signature.

A bureau uploads an image of its own seal with its signing certificate; it is checked and normalised here to a
square PNG with a transparent background. The demo makes a seal that says 演示 all over, drawn with the product's
own fonts, so it can never pass for a real one.
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "report_assets" / "fonts"
SEAL_RED = (230, 0, 18)  # the red of the 发文机关标志 (report.css)
SIZE_PX = 600  # stored size: 42 mm at about 360 dpi
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_PIXELS = 4000 * 4000


class SealImageError(ValueError):
    """The message is shown to the user as is."""


def normalise_seal_image(data: bytes) -> bytes:
    """Check an uploaded seal image and return it as a SIZE_PX square RGBA PNG, near-white made transparent.

    Refused, with the reason: anything that is not a PNG or JPEG image, larger than 2 MB or 4000 × 4000 pixels,
    smaller than 100 pixels across, or far from square (a round seal is square within a quarter)."""
    from PIL import Image, ImageChops, UnidentifiedImageError

    data = bytes(data)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SealImageError("印章图片超过2 MB，请上传较小的 PNG 或 JPEG 图片。")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise SealImageError("印章文件不是可读取的图片，请上传 PNG 或 JPEG 格式的印章图片。") from None
    if kind not in ("PNG", "JPEG"):
        raise SealImageError(f"印章图片格式为 {kind}，请上传 PNG 或 JPEG 格式的图片。")
    if width * height > MAX_UPLOAD_PIXELS:
        raise SealImageError(f"印章图片为 {width}×{height} 像素，超过 4000×4000，请缩小后上传。")
    if min(width, height) < 100:
        raise SealImageError(f"印章图片为 {width}×{height} 像素，太小，至少需要 100×100 像素。")
    if not 0.8 <= width / height <= 1.25:
        raise SealImageError(f"印章图片为 {width}×{height} 像素，不是近似正方形；请裁剪到印章的外圆后上传。")
    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGBA")
    side = max(width, height)
    square = Image.new("RGBA", (side, side), (255, 255, 255, 0))
    square.paste(image, ((side - width) // 2, (side - height) // 2))
    square = square.resize((SIZE_PX, SIZE_PX), Image.Resampling.LANCZOS)
    # A scanned seal lies on white paper: the paper becomes transparent, the ink keeps its colour.
    red, green, blue, alpha = square.split()
    lightest = ImageChops.darker(ImageChops.darker(red, green), blue)
    ink = lightest.point(lambda value: 0 if value > 225 else 255)
    square.putalpha(ImageChops.multiply(alpha, ink))
    out = io.BytesIO()
    square.save(out, format="PNG")
    return out.getvalue()


def _font(name: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_DIR / name), size)


@cache
def demo_seal_png() -> bytes:
    """A round red seal reading 演示印章 around the rim and 演示 under the star: a demo, plainly."""
    from PIL import Image, ImageDraw

    scale = 2  # drawn at twice the size and scaled down, for smooth edges
    size = SIZE_PX * scale
    centre = size / 2
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    ring = size * 0.03
    draw.ellipse((ring / 2, ring / 2, size - ring / 2, size - ring / 2), outline=SEAL_RED, width=round(ring))
    _star(draw, centre, centre - size * 0.02, size * 0.14, SEAL_RED)

    rim_text = "演示印章　仅供演示　不具效力"
    rim_font = _font("FandolHei-Regular.otf", round(size * 0.105))
    radius = size * 0.36
    spread = math.radians(250)  # the rim text runs along the top, from lower left to lower right
    for index, char in enumerate(rim_text):
        angle = -math.pi / 2 - spread / 2 + spread * index / (len(rim_text) - 1)
        glyph = Image.new("RGBA", (round(size * 0.14),) * 2, (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, font=rim_font, fill=SEAL_RED, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(angle) - glyph.width / 2
        y = centre + radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (round(x), round(y)))

    draw.text(
        (centre, centre + size * 0.25),
        "演示",
        font=_font("FandolHei-Regular.otf", round(size * 0.12)),
        fill=SEAL_RED,
        anchor="mm",
    )
    image = image.resize((SIZE_PX, SIZE_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _star(draw, cx: float, cy: float, radius: float, colour) -> None:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=colour)
