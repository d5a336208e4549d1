"""The Textual app (placeholder until the app issue lands)."""


def run_app() -> None:
    raise SystemExit("The interactive app is not implemented yet; try `lstm-tutor --help`.")
