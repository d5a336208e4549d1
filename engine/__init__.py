"""lstm-tutor: the numerical core (no UI imports)."""
