"""Batch review of many reports: the workbook, the offline dashboard and one JSON per report."""
