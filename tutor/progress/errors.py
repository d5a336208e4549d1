"""The one error every progress backend raises (SQLite's and PostgreSQL's own errors never leave
the backend), so callers handle progress failures in one place."""


class ProgressError(RuntimeError):
    """Progress could not be read or written (the message says where, why and what to do)."""
