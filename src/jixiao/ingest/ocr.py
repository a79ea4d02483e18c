"""Text recognition on page images, offline: one small interface, rapidocr behind it, a cache by image hash.

`recognize(image)` returns the page's words (a CJK character or a run of Latin letters and digits, as
the engine splits them), each with its box in pixels, the box of the text line it belongs to and the
engine's confidence. The engine is rapidocr (Apache-2.0) on onnxruntime with the PP-OCR detection,
orientation and recognition models its wheel ships: the model paths are given explicitly, so the
engine never looks for, nor downloads, a model at run time.

Results are cached by the SHA-256 of the page image (pixels and shape) and the engine's version, under
`$JIXIAO_CACHE_DIR/ocr` (default `~/.cache/jixiao/ocr`); `JIXIAO_OCR_CACHE=0` turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Image = NDArray[Any]  # uint8: height × width × 3 (RGB) or height × width (gray)
else:
    Image = Any

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its box (pixels), its text line's box and the engine's confidence (0–1)."""

    text: str
    box: Box
    line_box: Box
    confidence: float


class OcrEngine(Protocol):
    """What jixiao needs from a text recogniser."""

    @property
    def version(self) -> str: ...

    def recognize(self, image: Image) -> list[Word]: ...


class RapidOcrEngine:
    """rapidocr with the models bundled in its wheel (PP-OCRv6 small detection and recognition)."""

    _MODELS: ClassVar[dict[str, str]] = {
        "Det": "PP-OCRv6_det_small.onnx",
        "Rec": "PP-OCRv6_rec_small.onnx",
        "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    }

    def __init__(self, threads: int | None = None) -> None:
        import rapidocr
        from rapidocr import RapidOCR

        models = Path(rapidocr.__file__).parent / "models"
        params: dict[str, Any] = {"Global.log_level": "error"}
        for stage, name in self._MODELS.items():
            params[f"{stage}.model_path"] = str(models / name)  # explicit: no lookup, no download
        if threads:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
        self._engine = RapidOCR(params=params)
        self.version = self.default_version()

    @staticmethod
    def default_version() -> str:
        """The engine and the models it loads: a cache key part that changes when either does."""
        return f"rapidocr-{version('rapidocr')}-" + "-".join(RapidOcrEngine._MODELS.values())

    def recognize(self, image: Image) -> list[Word]:
        result: Any = self._engine(image, return_word_box=True)
        if result.boxes is None or result.word_results is None:
            return []
        words: list[Word] = []
        for line_box, line_words in zip(result.boxes, result.word_results, strict=False):
            lb = _box_of(line_box)
            for text, score, box in line_words:
                if text and text.strip():
                    words.append(Word(text=text, box=_box_of(box), line_box=lb, confidence=float(score)))
        return words


def _box_of(points: Any) -> Box:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


@cache
def default_engine() -> OcrEngine:
    """The process's engine, loaded once (loading the models takes a fraction of a second)."""
    return RapidOcrEngine()


def cache_dir() -> Path | None:
    if os.environ.get("JIXIAO_OCR_CACHE", "1") == "0":
        return None
    root = os.environ.get("JIXIAO_CACHE_DIR") or Path.home() / ".cache" / "jixiao"
    return Path(root) / "ocr"


def recognize(image: Image, engine: OcrEngine | None = None) -> list[Word]:
    """The words of a page image, from the cache when this image was recognised before."""
    folder = cache_dir()
    if folder is None:
        return (engine or default_engine()).recognize(image)
    # The default engine is only loaded on a cache miss: a cached batch never loads the models.
    name = engine.version if engine is not None else RapidOcrEngine.default_version()
    digest = hashlib.sha256(f"{name}:{image.shape}".encode())
    digest.update(memoryview(image.tobytes()))
    cached = folder / f"{digest.hexdigest()}.json"
    if cached.is_file():
        try:
            return [Word(w[0], tuple(w[1]), tuple(w[2]), w[3]) for w in json.loads(cached.read_text("utf-8"))]
        except (ValueError, IndexError, TypeError):
            pass  # a damaged cache entry is recognised again
    words = (engine or default_engine()).recognize(image)
    _write_atomically(cached, json.dumps([[w.text, w.box, w.line_box, w.confidence] for w in words]))
    return words


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as handle:
            handle.write(text)
        Path(handle.name).replace(path)
    except OSError:
        pass  # a read-only cache only costs time
