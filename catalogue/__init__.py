"""The contract every layer reads: the agreements and their priority areas, the measures the
loaders store, and the indicator definitions, as YAML with their models and checks. It
imports nothing of ours."""
