# syntax=docker/dockerfile:1
#
# movierec: the Telegram bot (`movierec-bot`, the default command) and the core CLI (`movierec`).
#
#   docker build -t movierec:0.1.0 .
#   docker run --rm -e TELEGRAM_BOT_TOKEN=... -v movierec-data:/data movierec:0.1.0
#
# Two stages: the builder installs the project and its dependencies into a virtual environment;
# the runtime stage copies only that environment. No source tree, tests, build tools or MovieLens
# files reach the final image (see .dockerignore). On first start the bot downloads MovieLens into
# /data and builds the index there, unless the index already exists (or `movierec index` ran).

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:${PATH}"

WORKDIR /src
# Only what the wheel is built from: metadata, then the two packages.
COPY pyproject.toml README.md ./
COPY movierec ./movierec
COPY bot ./bot
# A non-editable install of the project with the bot's extras: `bot` (Telegram, the webhook
# server, the SQLite chat state) and `postgres` (the PostgreSQL driver, for DATABASE_URL), not
# `eval`. All dependencies come as binary wheels from PyPI, so the builder needs no compiler.
# Versions are bounded in pyproject.toml.
RUN pip install --no-cache-dir "/src[bot,postgres]" \
    && movierec --help >/dev/null \
    && movierec-bot --help >/dev/null \
    && python -c "import aiohttp, psycopg, bot.__main__, bot.storage, sqlalchemy.dialects.postgresql.psycopg"


FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="movierec" \
      org.opencontainers.image.description="Movie recommendations from MovieLens ratings with Qdrant, and a Telegram bot that serves them" \
      org.opencontainers.image.licenses="MIT"

# A fixed numeric uid/gid so that Kubernetes can verify runAsNonRoot and fsGroup matches.
RUN groupadd --system --gid 10001 movierec \
    && useradd --system --uid 10001 --gid movierec --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin movierec \
    && mkdir -p /data \
    && chown movierec:movierec /data

COPY --from=builder /opt/venv /opt/venv

ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MOVIEREC_HOME=/data \
    LOG_FORMAT=json \
    WEBHOOK_PORT=8080

WORKDIR /data
VOLUME ["/data"]
USER 10001:10001

# Only used in webhook mode (WEBHOOK_URL set); long polling needs no inbound port.
EXPOSE 8080

# The bot finishes in-flight updates and flushes its state on SIGTERM; give it time to
# (docker stop -t / compose stop_grace_period / Kubernetes terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM

# Polling mode: the heartbeat file in /data is fresh; webhook mode: GET /healthz answers 200.
# The start period covers a first start that downloads MovieLens and builds the index.
HEALTHCHECK --interval=30s --timeout=10s --start-period=300s --retries=3 \
    CMD ["movierec-bot", "--healthcheck"]

CMD ["movierec-bot"]
