"""The money app: the ledger (accounts, transfers), importers, alerts and the trace view."""
