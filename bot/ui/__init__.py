"""What every feature of the bot shares: Telegram-HTML primitives (`html`), typed button data
(`callback_data`), messages with buttons and their stored state (`lists`, `messages`), the one
button dispatcher (`buttons`), and the texts and keyboard pieces more than one feature shows
(`texts`, `keyboards`)."""
