"""Textual screens, one per file. A screen opens another through the app, never by importing it for a helper."""
