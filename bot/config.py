"""The bot's settings: the Telegram token and how updates arrive. Secrets never reach logs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from movierec.config import Settings, env_value

BOTFATHER_HELP = (
    "TELEGRAM_BOT_TOKEN is not set. Open Telegram, talk to @BotFather, send /newbot, follow the "
    "questions, and copy the token it gives you (it looks like 123456789:ABC-...). Then put "
    "TELEGRAM_BOT_TOKEN=<token> in the environment or in a .env file next to where you run the bot."
)


# The bot's catalogue when neither MOVIELENS_DIR nor MOVIELENS_DATASET is set: today's films
# (87,585 titles up to 2023; a 239 MB download and a one-minute index build on first start). The
# CLI and `scripts/demo` keep ml-1m (`movierec.config.DEFAULT_DATASET`): quick, films up to 2000.
BOT_DATASET = "ml-32m"

MIN_SECRET = 16
_SECRET = re.compile(rf"[A-Za-z0-9_-]{{{MIN_SECRET},256}}")
SECRET_HELP = (
    f"WEBHOOK_SECRET must be a random string of {MIN_SECRET}-256 characters A-Z, a-z, 0-9, _ "
    "and - (Telegram sends it with every update so that only Telegram can post to the bot), "
    "e.g. the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
)


def check_webhook_secret(secret: str | None) -> None:
    """Refuse a missing, short or malformed secret at start, with a way to make a good one."""
    if not secret:
        raise SystemExit("WEBHOOK_URL is set but WEBHOOK_SECRET is not. " + SECRET_HELP)
    if not _SECRET.fullmatch(secret):
        raise SystemExit(
            "WEBHOOK_SECRET is too weak or has characters Telegram refuses. " + SECRET_HELP
        )


@dataclass(frozen=True)
class BotSettings:
    """Everything `movierec-bot` needs beyond the core's `Settings`."""

    core: Settings
    token: str = field(repr=False)
    base_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    listen: str = "0.0.0.0"
    port: int = 8080
    log_level: str = "INFO"
    log_format: str = "text"
    max_rate: float = 30.0
    # postgresql://... selects PostgreSQL for the chat state (bot.storage.open_storage); it
    # carries a password, so it stays out of repr() and its password goes to the log redaction.
    database_url: str | None = field(default=None, repr=False)
    # TMDB (film facts on the cards): a read access token from themoviedb.org, sent as a bearer
    # token; a secret, out of repr() and in the log redaction. None: cards without facts.
    tmdb_token: str | None = field(default=None, repr=False)
    tmdb_url: str = "https://api.themoviedb.org"

    @classmethod
    def from_env(cls) -> BotSettings:
        """Read the environment (and `.env`); without a token, exit with instructions."""
        core = Settings.from_env(default_dataset=BOT_DATASET)  # also loads .env
        token = env_value("TELEGRAM_BOT_TOKEN")
        if not token:
            raise SystemExit(BOTFATHER_HELP)
        webhook_url = env_value("WEBHOOK_URL")
        secret = env_value("WEBHOOK_SECRET")
        if webhook_url:
            check_webhook_secret(secret)
        return cls(
            core=core,
            token=token,
            base_url=env_value("TELEGRAM_BASE_URL"),
            webhook_url=webhook_url,
            webhook_secret=secret,
            listen=env_value("WEBHOOK_LISTEN", "0.0.0.0") or "0.0.0.0",
            port=int(env_value("WEBHOOK_PORT", "8080") or 8080),
            log_level=(env_value("LOG_LEVEL", "INFO") or "INFO").upper(),
            log_format=(env_value("LOG_FORMAT", "text") or "text").lower(),
            max_rate=float(env_value("TELEGRAM_MAX_RATE", "30") or 30),
            database_url=env_value("DATABASE_URL"),
            tmdb_token=env_value("TMDB_API_TOKEN"),
            tmdb_url=env_value("TMDB_API_URL", "https://api.themoviedb.org")
            or "https://api.themoviedb.org",
        )

    @property
    def webhook_path(self) -> str:
        """The path Telegram posts to: the path of WEBHOOK_URL (e.g. /telegram)."""
        return urlparse(self.webhook_url or "").path or "/telegram"
