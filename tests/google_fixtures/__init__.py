"""Helpers for tests/test_google_*.py (round-trip normalisation, discovery validator)."""
