"""Ratings: /like, /dislike, /ratings, /forget, /reset, title search, 👍 / 👎 / Undo."""
