"""/start: the welcome and the first questions."""
