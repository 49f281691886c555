"""Transports: thin adapters between a chat medium and the dialog core."""
