"""Bundled fictional sample reports (data files) and the generator of consistent typed reports."""
