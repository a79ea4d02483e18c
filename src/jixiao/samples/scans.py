"""Scanned copies of born-digital reports, with the damage real scans have (seeded, deterministic).

A page is rendered at a resolution (150–300 dpi) and damaged in one of the ways published scans are:
skew (up to 2°), blur, noise, JPEG at quality 50, a red round seal stamped over the signature block
(or anywhere asked), a fax-like binarised page, a phone photo (perspective, uneven light, a table top
around the sheet). `scan_pdf` writes the pages as a PDF of images (no text layer), as scanners do.
Used by `scripts/make_scan_fixtures.py` and the tests; the same seed always gives the same pixels.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

DAMAGES = ("clean", "skew", "blur", "noise", "jpeg50", "seal", "fax", "photo", "all")


def render_pages(pdf: Path, dpi: int, pages: Sequence[int] | None = None) -> list[Image]:
    """The pages of a born-digital PDF as RGB images (1-based page numbers; None: every page)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        numbers = pages or range(1, len(document) + 1)
        return [document[n - 1].render(scale=dpi / 72).to_pil().convert("RGB") for n in numbers]
    finally:
        document.close()


def skew(image: Image, rng: random.Random, degrees: float | None = None) -> Image:
    from PIL import Image as PILImage

    angle = degrees if degrees is not None else rng.choice([-1, 1]) * rng.uniform(0.5, 2.0)
    return image.rotate(angle, resample=PILImage.Resampling.BICUBIC, expand=False, fillcolor=(255, 255, 255))


def blur(image: Image, rng: random.Random) -> Image:
    from PIL import ImageFilter

    return image.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.8, 1.3)))


def noise(image: Image, rng: random.Random) -> Image:
    import numpy as np
    from PIL import Image as PILImage

    pixels = np.asarray(image, dtype=np.int16)
    grain = np.random.default_rng(rng.randrange(2**32)).normal(0, 18, pixels.shape[:2])
    return PILImage.fromarray(np.clip(pixels + grain[..., None], 0, 255).astype(np.uint8))


def jpeg50(image: Image, rng: random.Random) -> Image:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=50)
    return PILImage.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def seal(image: Image, rng: random.Random, centre: tuple[float, float] | None = None) -> Image:
    """A red round seal (ring, star, an arc of characters, uneven ink) stamped at `centre` (shares of
    width and height); by default somewhere over the lower half, where the signature block and the
    totals are."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    width, height = image.size
    cx, cy = centre or (rng.uniform(0.55, 0.75), rng.uniform(0.5, 0.85))
    radius = int(min(width, height) * 0.11)
    layer = PILImage.new("L", image.size, 0)
    draw = ImageDraw.Draw(layer)
    x, y = int(cx * width), int(cy * height)
    ring = max(radius // 12, 3)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=255, width=ring)
    star = [
        (
            x + radius * 0.3 * (1 if i % 2 == 0 else 0.4) * math.sin(i * math.pi / 5),
            y - radius * 0.3 * (1 if i % 2 == 0 else 0.4) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=255)
    for i in range(14):  # the unit's name around the rim, as blocks of ink
        angle = math.pi * (0.85 + 1.3 * i / 13)
        px, py = x + radius * 0.72 * math.cos(angle), y + radius * 0.72 * math.sin(angle)
        s = radius * 0.09
        draw.rectangle((px - s, py - s, px + s, py + s), fill=255)
    alpha = layer.point(lambda v: int(v * rng.uniform(0.75, 0.9)))
    red = PILImage.new("RGB", image.size, (214, 40, 48))
    # Seal ink darkens what is under it (multiply), as a stamp over printed text does.
    from PIL import ImageChops

    stamped = ImageChops.multiply(image, red)
    return PILImage.composite(stamped, image, alpha)


def fax(image: Image, rng: random.Random) -> Image:
    """Binarised at a threshold, at a fax's coarse resolution, with speckles."""
    import numpy as np
    from PIL import Image as PILImage

    gray = image.convert("L")
    coarse = gray.resize((gray.width * 2 // 3, gray.height * 2 // 3)).resize(gray.size)
    bits = np.asarray(coarse) > 150
    speckle = np.random.default_rng(rng.randrange(2**32)).random(bits.shape) < 0.0015
    bits ^= speckle
    return PILImage.fromarray((bits * 255).astype(np.uint8)).convert("RGB")


def photo(image: Image, rng: random.Random) -> Image:
    """A phone photo of the sheet: on a darker table top, seen at a slant, lit unevenly."""
    import cv2
    import numpy as np
    from PIL import Image as PILImage

    page = np.asarray(image)
    h, w = page.shape[:2]
    margin = int(0.06 * max(w, h))
    canvas_w, canvas_h = w + 2 * margin, h + 2 * margin
    jitter = 0.025 * min(w, h)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    shift = [[margin + rng.uniform(-jitter, jitter), margin + rng.uniform(-jitter, jitter)] for _ in range(4)]
    placed = corners + np.array(shift, dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, placed)
    shot = cv2.warpPerspective(page, matrix, (canvas_w, canvas_h), borderValue=(96, 84, 70))
    light = np.linspace(1.0, rng.uniform(0.72, 0.85), canvas_w, dtype=np.float32)[None, :, None]
    return PILImage.fromarray(np.clip(shot.astype(np.float32) * light, 0, 255).astype(np.uint8))


DAMAGE: dict[str, Callable[[Image, random.Random], Image]] = {
    "clean": lambda image, rng: image,
    "skew": skew,
    "blur": blur,
    "noise": noise,
    "jpeg50": jpeg50,
    "seal": seal,
    "fax": fax,
    "photo": photo,
}


def damaged(image: Image, damage: str, rng: random.Random) -> Image:
    """One page with one damage, or with "all": skew, seal, blur, noise and JPEG together."""
    if damage == "all":
        for step in ("skew", "seal", "blur", "noise", "jpeg50"):
            image = DAMAGE[step](image, rng)
        return image
    return DAMAGE[damage](image, rng)


def scan_pdf(pages: Sequence[Image], out: Path, dpi: int) -> Path:
    """Write pages as a PDF of images (no text layer), the way a scanner does; atomically."""
    partial = out.with_name(out.name + ".part")
    first, *rest = pages
    first.save(partial, "PDF", save_all=True, append_images=rest, resolution=dpi)
    partial.replace(out)
    return out
