"""Screens of the Textual app: home, lesson player, training lab, forecast view, help."""
