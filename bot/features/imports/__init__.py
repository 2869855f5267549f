"""Bringing a history from Letterboxd or IMDb (/import, a document in the private chat) and
taking it out again (/export)."""
