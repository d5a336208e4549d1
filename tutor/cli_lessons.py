"""`lstm-tutor lessons ...`: list, show, validate, check and reset lessons from the shell."""

from __future__ import annotations

import click


@click.group()
def lessons() -> None:
    """Browse, validate and try lessons headlessly.  Example: lstm-tutor lessons list"""
