"""Package data: the default taxonomy (taxonomy.yaml)."""
