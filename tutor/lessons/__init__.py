"""The lesson runtime: YAML lessons, the formula language, answer checking, diagnosis, progress."""
