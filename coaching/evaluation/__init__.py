"""Evaluations of the coaching engine on real, public data sets (read-only, no network)."""
