"""The batch review: folders and zips of reports in; review.xlsx, index.html and one JSON per report out.

`run_review` is the one entry (called by `jixiao.service.review_files`): inputs (`inputs.py`), the
result cache (`cache.py`), across-years comparison (`years.py`), the reviewer's controls
(`controls.py`), the sample for checking by hand (`sample.py`), the workbook (`workbook.py`) and the
one-file offline dashboard (`dashboard.py`, `excerpts.py`, `static/`).
"""

from __future__ import annotations

from jixiao.review.controls import Baseline, Controls
from jixiao.review.run import ReviewResult, default_cache_path, run_review

__all__ = ["Baseline", "Controls", "ReviewResult", "default_cache_path", "run_review"]
