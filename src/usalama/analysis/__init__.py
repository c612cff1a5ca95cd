"""Framework-free engines: pure functions over Polars frames, numpy arrays and dataclasses."""
