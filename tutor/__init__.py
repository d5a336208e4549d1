"""lstm-tutor: the command line, the lesson runtime and the Textual app."""

__version__ = "0.1.0"
