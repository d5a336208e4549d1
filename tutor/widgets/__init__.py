"""Widgets of the Textual app (only this package, tutor/screens and tutor/app.py import textual)."""
