"""The domain layer: record kinds, dates, division codes and validation.

Pure Python. It never imports Textual or touches the database directly.
"""
