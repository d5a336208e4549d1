"""`lstm-tutor serve` for a class: the web server (server.py), what one visitor's process runs
(session.py), the orphan folders of earlier versions (cleanup.py). The store itself is
tutor.progress.classroom; the sign-in and instructor screens are in tutor/screens."""
