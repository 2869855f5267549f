"""The watchlist: /watchlist and 🔖 / ✅ / ❌."""
