"""`movierec-bot` / `python -m bot`: run the Telegram bot (long polling, or webhook mode).

    movierec-bot                 # TELEGRAM_BOT_TOKEN from the environment or .env
    movierec-bot --healthcheck   # exit 0 when the running bot is healthy (for Docker/Kubernetes)

On SIGTERM or SIGINT the bot stops fetching updates, finishes the ones in flight and closes the
database (every confirmed rating was already committed) before it exits.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

log = logging.getLogger("bot")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="movierec-bot", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--healthcheck",
        action="store_true",
        help="exit 0 if the running bot is healthy, 1 otherwise",
    )
    args = parser.parse_args(argv)
    if args.healthcheck:
        from bot.health import check

        return check()
    return run()


def run() -> int:
    from bot import logs
    from bot.config import BotSettings

    settings = BotSettings.from_env()  # exits with @BotFather instructions without a token
    logs.configure(
        settings.log_level,
        settings.log_format,
        secrets=[settings.token, settings.core.qdrant_api_key, settings.webhook_secret],
    )

    from telegram import Update

    from bot.app import build_application
    from bot.health import heartbeat_path
    from bot.storage import Storage
    from movierec.recommender import Recommender

    log.info("opening the recommender", extra={"store": settings.core.store})
    recommender = Recommender.open(settings.core)
    storage = Storage(settings.core.database_path)
    app = build_application(
        settings.token,
        recommender,
        storage,
        base_url=settings.base_url,
        max_rate=settings.max_rate,
        heartbeat=None if settings.webhook_url else heartbeat_path(),
    )
    try:
        if settings.webhook_url:
            asyncio.run(_serve_webhook(app, settings))
        else:
            log.info("polling for updates")
            app.run_polling(
                allowed_updates=Update.ALL_TYPES, stop_signals=(signal.SIGINT, signal.SIGTERM)
            )
    finally:
        storage.close()
        recommender.close()
        log.info("stopped")
    return 0


async def _serve_webhook(app, settings) -> None:  # app: Application, settings: BotSettings
    """Webhook mode: our own small aiohttp server, so that it can also answer /healthz and check
    Telegram's secret-token header before an update reaches the application."""
    from aiohttp import web
    from telegram import Update

    async def receive(request: web.Request) -> web.Response:
        token = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        if token != settings.webhook_secret:
            log.warning("webhook request with a wrong secret", extra={"peer": request.remote})
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), app.bot)
        except ValueError:
            return web.Response(status=400)
        await app.update_queue.put(update)
        return web.Response(status=200)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": app.running})

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = web.Application(client_max_size=1 << 20)
    server.router.add_post(settings.webhook_path, receive)
    server.router.add_get("/healthz", healthz)
    runner = web.AppRunner(server, access_log=None)
    await app.initialize()
    await app.bot.set_webhook(
        settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=Update.ALL_TYPES
    )
    await app.start()
    await runner.setup()
    await web.TCPSite(runner, settings.listen, settings.port).start()
    log.info(
        "webhook server listening", extra={"port": settings.port, "path": settings.webhook_path}
    )
    await stop.wait()
    await runner.cleanup()  # stop taking updates, then finish the queued ones
    await app.stop()
    await app.shutdown()


if __name__ == "__main__":
    sys.exit(main())
