"""A person's account: /help, /privacy, /language, /deletemydata."""
