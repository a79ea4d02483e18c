"""Page images made ready for recognition: red seals removed, turned upright, deskewed.

A stamp over a number must not change the number: where the ink is red (HSV: red hue, saturated)
the grey comes from the red channel, in which the seal is as light as paper and the black print
under it stays dark. A skew of up
to a few degrees is measured (the angle at which the rows of text and the ruling lines are most
sharply horizontal) and undone, since a 0.8° skew already breaks ruling-line detection. A page set
sideways shows in what the recogniser finds (text lines taller than wide); `scan_page` then tries
both quarter turns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Image = NDArray[Any]  # uint8: height × width × 3 (RGB) or height × width (gray)
else:
    Image = Any

MAX_SKEW = 3.0  # degrees searched either way
_PROFILE_WIDTH = 800  # pixels: skew is measured on a downscaled copy
_A4_INCHES = (8.27, 11.69)
_A4_RATIO = _A4_INCHES[1] / _A4_INCHES[0]


def gray_without_seals(rgb: Image) -> Image:
    """The page in grey with red and orange ink (seals, red-ink signatures) faded to paper.

    Where the ink is red the grey is taken from the red channel alone, in which red ink is nearly as
    light as paper while black print under it stays dark: a stamp over a number leaves the number.
    """
    import cv2
    import numpy as np

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, sat = hsv[..., 0], hsv[..., 1]
    red = ((hue <= 12) | (hue >= 160)) & (sat >= 70)
    if not red.any():
        return np.asarray(gray, dtype=np.uint8)
    channel = rgb[..., 0].astype(np.float32)
    ink = float(np.percentile(channel[red], 90))  # the seal's own red, as bright as it gets
    faded = np.clip(channel * (255.0 / max(ink, 1.0)), 0, 255)
    out = gray.copy()
    out[red] = faded[red].astype(np.uint8)
    return np.asarray(out, dtype=np.uint8)


def is_blank(gray: Image) -> bool:
    """Whether a page holds next to no ink (fewer than 1 in 5000 pixels darker than mid-grey)."""
    import numpy as np

    return bool(np.count_nonzero(gray < 128) < gray.size / 5000)


def flatten_sheet(gray: Image, dpi: float) -> Image:
    """A photographed sheet (a light quadrilateral on a darker ground) warped back to a rectangle;
    a scan, whose paper fills the image, is returned as it is. A sheet of A4 proportions becomes A4
    at `dpi`, so every page of a photographed report has the same frame (a table continued on the
    next page then has the same columns)."""
    import cv2
    import numpy as np

    h, w = gray.shape
    small_scale = min(1.0, _PROFILE_WIDTH / max(h, w))
    small = cv2.resize(gray, (max(1, int(w * small_scale)), max(1, int(h * small_scale))))
    _, paper = cv2.threshold(cv2.GaussianBlur(small, (5, 5), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25)))
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return gray
    sheet = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(sheet) / (small.shape[0] * small.shape[1])
    quad = cv2.approxPolyDP(sheet, 0.02 * cv2.arcLength(sheet, True), True)
    if len(quad) != 4 or not 0.4 < area < 0.97:
        return gray  # the paper fills the image (a scan) or is no clear quadrilateral
    corners = _ordered(quad.reshape(4, 2).astype(np.float32) / small_scale)
    top = float(np.linalg.norm(corners[1] - corners[0]))
    side = float(np.linalg.norm(corners[3] - corners[0]))
    size = (int(top), int(side))
    if abs(max(top, side) / max(min(top, side), 1.0) - _A4_RATIO) < 0.1:
        short, long = int(_A4_INCHES[0] * dpi), int(_A4_INCHES[1] * dpi)
        size = (short, long) if side >= top else (long, short)
    target = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    flat = cv2.warpPerspective(gray, matrix, size, flags=cv2.INTER_LINEAR, borderValue=255)
    # Uneven light: divide by the background (a wide blur), so the far side is as white as the near one.
    background = cv2.GaussianBlur(flat, (0, 0), sigmaX=max(size) / 30)
    even = cv2.divide(flat, np.maximum(background, 1), scale=255)
    return np.asarray(even, dtype=np.uint8)


def _ordered(points: Image) -> Image:
    """Corners in the order top-left, top-right, bottom-right, bottom-left."""
    import numpy as np

    sums = points.sum(axis=1)
    diffs = np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(sums)], points[np.argmin(diffs)], points[np.argmax(sums)], points[np.argmax(diffs)]],
        dtype=np.float32,
    )


def deskew(gray: Image) -> tuple[Image, float]:
    """The page deskewed, with the angle (degrees, counter-clockwise) it was turned by."""
    import cv2
    import numpy as np

    angle = _skew(_ink(gray))
    if abs(angle) < 0.05:
        return gray, 0.0
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return np.asarray(turned, dtype=np.uint8), angle


def quarter_turns(gray: Image) -> list[Image]:
    """The page turned a quarter counter-clockwise and a quarter clockwise: the candidates for a sideways page."""
    import numpy as np

    return [np.ascontiguousarray(np.rot90(gray, k)) for k in (1, 3)]


def _ink(gray: Image) -> Image:
    """A small binary copy of the page: 1 where there is ink."""
    import cv2
    import numpy as np

    h, w = gray.shape
    scale = min(1.0, _PROFILE_WIDTH / max(h, w))
    small = cv2.resize(gray, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    _, binary = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return np.asarray(binary, dtype=np.uint8)


def _sharpness(ink: Image, angle: float) -> float:
    """How sharply the ink falls into horizontal rows at this rotation (sum of squared row-sum steps)."""
    import cv2
    import numpy as np

    if angle:
        h, w = ink.shape
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        ink = cv2.warpAffine(ink, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = ink.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def _skew(ink: Image) -> float:
    """The rotation (degrees) that makes the page's rows sharpest: coarse steps, then fine ones."""
    coarse = [a / 2 for a in range(int(-2 * MAX_SKEW), int(2 * MAX_SKEW) + 1)]
    best = max(coarse, key=lambda a: _sharpness(ink, a))
    fine = [best + d / 20 for d in range(-10, 11)]
    return max(fine, key=lambda a: _sharpness(ink, a))
