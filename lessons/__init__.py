"""The shipped curriculum: one YAML file per lesson."""
