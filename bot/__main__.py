"""`movierec-bot` / `python -m bot`: run the Telegram bot (long polling, or webhook mode).

    movierec-bot                 # TELEGRAM_BOT_TOKEN from the environment or .env
    movierec-bot --healthcheck   # exit 0 when the running bot is healthy (for Docker/Kubernetes)
    movierec-bot migrate --to postgresql://...   # copy the SQLite chat state into PostgreSQL

On SIGTERM or SIGINT the bot stops fetching updates, finishes the ones in flight and closes the
database (every confirmed rating was already committed) before it exits.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import importlib.util
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web
    from telegram.ext import Application

    from bot.config import BotSettings
    from bot.context import BotData
    from movierec.recommender import Recommender

    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

log = logging.getLogger("bot")


# The `bot` extra's modules: without them, one sentence instead of an ImportError's traceback.
BOT_EXTRA = ("telegram", "aiohttp", "babel", "cachetools", "sqlalchemy")
POSTGRES_EXTRA_MISSING = (
    "DATABASE_URL names PostgreSQL, which needs the postgres extra: "
    "pip install 'movierec[bot,postgres]'"
)


def main(argv: Sequence[str] | None = None) -> int:
    if any(importlib.util.find_spec(name) is None for name in BOT_EXTRA):
        print("movierec-bot needs the bot extra: pip install 'movierec[bot]'", file=sys.stderr)
        return 1
    parser = argparse.ArgumentParser(prog="movierec-bot", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--healthcheck",
        action="store_true",
        help="exit 0 if the running bot is healthy, 1 otherwise",
    )
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["migrate"]:  # movierec-bot migrate --to postgresql://...
        from bot.storage.copy import main as migrate

        return migrate(arguments[1:])
    args = parser.parse_args(arguments)
    if args.healthcheck:
        from bot.health import check

        return check()
    return run()


def run() -> int:
    from bot import logs
    from bot.config import BotSettings
    from bot.storage import database_secrets, is_postgres_url

    settings = BotSettings.from_env()  # exits with @BotFather instructions without a token
    if is_postgres_url(settings.database_url) and importlib.util.find_spec("psycopg") is None:
        print(POSTGRES_EXTRA_MISSING, file=sys.stderr)
        return 1
    logs.configure(
        settings.log_level,
        settings.log_format,
        secrets=[
            settings.token,
            settings.core.qdrant_api_key,
            settings.webhook_secret,
            settings.tmdb_token,
            *database_secrets(settings.database_url),
        ],
        key=settings.token,
    )
    try:
        return _serve(settings)
    except Exception as error:
        if _refusal(error):  # missing data, a damaged index that cannot be rebuilt: one line
            log.error("the bot cannot start: %s", error)
            return 1
        # Logged through the redacting handler; Python's own printout could carry the token.
        log.exception("the bot stopped on an error")
        return 1


def _refusal(error: Exception) -> bool:
    """A start-up failure whose message says it all (no traceback needed)."""
    from movierec.data import MissingDataError
    from movierec.download import DownloadError
    from movierec.integrity import IndexDamagedError

    return isinstance(error, (MissingDataError, DownloadError, IndexDamagedError))


def _serve(settings: BotSettings) -> int:
    from movierec.recommender import Recommender

    core = settings.core
    catalogue = str(core.movielens_dir or core.dataset)
    log.info("opening the recommender on %s", catalogue, extra={"store": str(core.store)})
    # the first start downloads the catalogue (ml-32m: 239 MB) and indexes it (about a minute):
    # progress bars on a terminal, else a log line at every 10% of the download
    recommender = Recommender.open(core, progress=sys.stderr.isatty())
    try:
        asyncio.run(_serve_async(settings, recommender))
    finally:
        recommender.close()
        log.info("stopped")
    return 0


async def _serve_async(settings: BotSettings, recommender: Recommender) -> None:
    """One event loop for everything: the storage's pool belongs to the loop that uses it."""
    from bot.app import build_application
    from bot.catalogue_change import adopt_catalogue
    from bot.context import Services
    from bot.films import Tmdb
    from bot.health import heartbeat_path
    from bot.storage import open_storage

    storage = await open_storage(settings.database_url, settings.core.database_path)
    try:
        await adopt_catalogue(Services(recommender, storage))
        await storage.prune_lists()
        app = build_application(
            settings.token,
            recommender,
            storage,
            base_url=settings.base_url,
            max_rate=settings.max_rate,
            heartbeat=None if settings.webhook_url else heartbeat_path(settings.core),
            tmdb=Tmdb(settings.tmdb_token, settings.tmdb_url) if settings.tmdb_token else None,
        )
        if settings.webhook_url:
            await _serve_webhook(app, settings)
        else:
            await _serve_polling(app)
    finally:
        await storage.close()


def _stop_event() -> asyncio.Event:
    """Set on SIGTERM or SIGINT: stop taking updates, finish the ones in flight."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _serve_polling(app: Application) -> None:
    """Long polling (one process per token: Telegram allows one getUpdates consumer)."""
    from telegram import Update

    stop = _stop_event()
    async with app:  # initialize, and shut down whatever happens below
        await _hooks(app, starting=True)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        log.info("polling for updates")
        try:
            await stop.wait()
        finally:
            await app.updater.stop()
            await app.stop()
            await _hooks(app, starting=False)


async def _hooks(app: Application, starting: bool) -> None:
    """python-telegram-bot runs post_init / post_shutdown only inside its own run_* loops; this
    process runs its own loop (one for the storage's pool too), so it calls them itself."""
    hook = app.post_init if starting else app.post_shutdown
    if hook is not None:
        await hook(app)


async def _serve_webhook(app: Application, settings: BotSettings) -> None:
    """Webhook mode: our own small aiohttp server, so that it can also answer /healthz and check
    Telegram's secret-token header before an update reaches the application."""
    from aiohttp import web
    from telegram import Update

    stop = _stop_event()
    data: BotData = app.bot_data
    data.webhook = True  # copies of an update may reach other replicas (see bot.hooks.claim)
    server = web.Application(client_max_size=1 << 20)
    server.router.add_post(settings.webhook_path, _receiver(app, settings))
    server.router.add_get("/healthz", _healthz(app))
    server.router.add_get("/livez", _livez(app))
    runner = web.AppRunner(server, access_log=None)
    async with app:  # initialize, and shut down whatever happens below
        await _hooks(app, starting=True)
        await app.bot.set_webhook(
            settings.webhook_url or "",
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        await app.start()
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.listen, settings.port).start()
            log.info(
                "webhook server listening",
                extra={"port": settings.port, "path": settings.webhook_path},
            )
            await stop.wait()
        finally:
            await runner.cleanup()  # stop taking updates, then finish the queued ones
            await app.stop()
            await _hooks(app, starting=False)


READY_SECONDS = 1.0  # a readiness answer is reused this long (probes and balancers poll often)
PING_SECONDS = 2.0  # how long readiness waits for the database


def _healthz(app: Application) -> Handler:
    """Readiness: 200 while this replica can handle updates (running, and its chat store
    answers); 503 while the store is away, so that traffic goes elsewhere (bot.outage)."""
    import time

    from aiohttp import web

    from bot.storage import StoreUnavailable

    last: dict[str, float | bool] = {"at": 0.0, "store": False}

    async def healthz(request: web.Request) -> web.Response:
        now = time.monotonic()
        if now - float(last["at"]) >= READY_SECONDS:
            data: BotData = app.bot_data
            assert data.services is not None
            try:
                await asyncio.wait_for(data.services.storage.ping(), PING_SECONDS)
                store = True
            except (StoreUnavailable, TimeoutError):
                store = False
            last.update(at=now, store=store)
        ready = app.running and bool(last["store"])
        body = {"ok": ready, "running": app.running, "store": bool(last["store"])}
        return web.json_response(body, status=200 if ready else 503)

    return healthz


def _livez(app: Application) -> Handler:
    """Liveness: 200 while the process serves (a store outage is not a reason to restart it)."""
    from aiohttp import web

    async def livez(request: web.Request) -> web.Response:
        return web.json_response({"ok": app.running}, status=200 if app.running else 503)

    return livez


def _receiver(app: Application, settings: BotSettings) -> Handler:
    from aiohttp import web
    from telegram import Update

    expected = (settings.webhook_secret or "").encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook request with a wrong secret")
            return web.Response(status=403)
        try:
            payload = await request.json()
            if not isinstance(payload, dict):
                raise ValueError("an update is a JSON object")
            update = Update.de_json(payload, app.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("webhook request that is not an update")
            return web.Response(status=400)
        # Handled before the answer: if this process dies first, Telegram gets no 200 and sends
        # the update again (to any replica), which takes the lapsed claim over (bot.hooks).
        await app.process_update(update)
        data: BotData = app.bot_data
        if update.update_id in data.busy:  # another replica is handling it: try again later
            data.busy.discard(update.update_id)
            return web.Response(status=503)
        return web.Response(status=200)

    return receive


if __name__ == "__main__":
    sys.exit(main())
