"""Picks: /rec with filter words, plain words read as a request, the buttons under picks."""
