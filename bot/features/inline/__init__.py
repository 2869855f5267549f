"""Inline mode: film cards to share from any chat."""
