"""Film facts for the cards: what TMDB says of a film, fetched politely and cached.

Without `TMDB_API_TOKEN` there are no facts, and a card still has a poster: Telegram's own link
preview of the film's TMDB (or IMDb) page. With a token, one call per film
(`/3/movie/{id}?append_to_response=credits,watch/providers,translations`) gives the runtime,
directors, leading actors, the plot, the poster, where to watch it in each country and its
titles in other languages. They are kept in the chat store (`film_facts`, shared by replicas)
with the time they were fetched, and expire.

A reply never waits for TMDB longer than `FactsCache.wait`: a card shows what is cached, and a
fetch that takes longer goes on in the background and fills the card in on its next view.
The client is bounded: timeouts, at most `rate` requests a second, a few retries on 429 (after
its Retry-After) and on 5xx with backoff, and after a failure TMDB is left alone for a while.
The token is a secret (`Authorization: Bearer`): it is passed to the log redaction at start and
never appears in a log line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from cachetools import TTLCache
from rapidfuzz import fuzz, process
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_base

from bot.storage import ChatStore
from movierec.titles import normalise_title

log = logging.getLogger("bot")

TMDB_API = "https://api.themoviedb.org"
TMDB_IMAGES = "https://image.tmdb.org/t/p"
APPENDED = "credits,watch/providers,translations"
FRESH_SECONDS = 14 * 24 * 3600.0  # facts older than this are fetched again (served meanwhile)
MISSING_SECONDS = 24 * 3600.0  # TMDB had no such film: asked again a day later
PAUSE_SECONDS = 60.0  # after TMDB failed (down, refusing), no new fetch for this long
TITLES_SECONDS = 60.0  # a language's stored titles are read again after this long (replicas)
TITLE_CUTOFF = 88.0  # a typed title this close to a translated one (rapidfuzz ratio) is it
CAST = 3  # leading actors on a card

# The country whose watch providers a person sees, from their language (`/country` may choose).
COUNTRY_OF_LANGUAGE = {"en": "US", "ru": "RU", "es": "ES", "pt-BR": "BR", "de": "DE"}
# What `/country` offers (ISO 3166-1, all TMDB watch-provider regions): the countries of the
# bot's languages, then the big markets and the other countries where those languages are spoken.
WATCH_COUNTRIES = (
    *COUNTRY_OF_LANGUAGE.values(),
    *("GB", "CA", "AU", "IE", "IN", "FR", "IT", "NL", "PL", "TR"),
    *("MX", "AR", "CO", "CL", "PT", "AT", "CH", "KZ", "UA", "JP"),
)


def watch_country(language: str, chosen: str | None) -> str:
    """The country whose watch providers a card names: the person's `/country`, else the
    country of the language they are spoken to in."""
    if chosen in WATCH_COUNTRIES:
        return str(chosen)
    return COUNTRY_OF_LANGUAGE.get(language, "US")


_TMDB_ID = re.compile(r"themoviedb\.org/movie/(\d+)")


def tmdb_id(url: str | None) -> int | None:
    """TMDB's id of a film from its TMDB link (what `Catalogue.links` gives)."""
    found = _TMDB_ID.search(url or "")
    return int(found[1]) if found else None


@dataclass(frozen=True)
class Providers:
    """Where a film can be watched in one country (provider names, as TMDB / JustWatch give)."""

    stream: tuple[str, ...] = ()
    rent: tuple[str, ...] = ()
    buy: tuple[str, ...] = ()
    link: str | None = None  # TMDB's watch page for that country

    def __bool__(self) -> bool:
        return bool(self.stream or self.rent or self.buy)


@dataclass(frozen=True)
class FilmFacts:
    """What a card shows beyond the catalogue's title, year and genres."""

    tmdb_id: int
    runtime: int | None = None
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    plots: dict[str, str] = field(default_factory=dict)  # ISO 639-1 -> plot ("en" the original)
    titles: dict[str, str] = field(default_factory=dict)  # ISO 639-1 -> title in that language
    poster_path: str | None = None
    providers: dict[str, Providers] = field(default_factory=dict)  # ISO 3166-1 -> providers

    def poster(self, size: str = "w500") -> str | None:
        return f"{TMDB_IMAGES}/{size}{self.poster_path}" if self.poster_path else None

    def plot(self, language: str) -> str:
        return self.plots.get(language[:2]) or self.plots.get("en", "")

    def title(self, language: str) -> str | None:
        """The film's title in a language other than English, where TMDB has one."""
        code = language[:2]
        return self.titles.get(code) if code != "en" else None

    @classmethod
    def from_tmdb(cls, body: dict[str, Any]) -> FilmFacts:
        """TMDB's answer (details with the appended credits, providers and translations)."""
        credits = body.get("credits") or {}
        crew = credits.get("crew") or []
        cast = sorted(credits.get("cast") or [], key=lambda c: c.get("order", 999))
        plots, titles = {}, {}
        if body.get("overview"):
            plots["en"] = str(body["overview"])
        for item in (body.get("translations") or {}).get("translations") or []:
            code, data = str(item.get("iso_639_1") or ""), item.get("data") or {}
            if not code:
                continue
            if data.get("title") and code not in titles:
                titles[code] = str(data["title"])
            if data.get("overview") and code not in plots:
                plots[code] = str(data["overview"])
        providers = {}
        for country, where in ((body.get("watch/providers") or {}).get("results") or {}).items():
            found = Providers(
                _names(where.get("flatrate")),
                _names(where.get("rent")),
                _names(where.get("buy")),
                where.get("link"),
            )
            if found:
                providers[str(country)] = found
        return cls(
            tmdb_id=int(body["id"]),
            runtime=int(body["runtime"]) if body.get("runtime") else None,
            directors=tuple(str(c["name"]) for c in crew if c.get("job") == "Director")[:2],
            cast=tuple(str(c["name"]) for c in cast[:CAST] if c.get("name")),
            plots=plots,
            titles=titles,
            poster_path=body.get("poster_path") or None,
            providers=providers,
        )

    def to_json(self) -> str:
        data = {
            "id": self.tmdb_id,
            "runtime": self.runtime,
            "directors": list(self.directors),
            "cast": list(self.cast),
            "plots": self.plots,
            "titles": self.titles,
            "poster": self.poster_path,
            "providers": {
                c: [list(p.stream), list(p.rent), list(p.buy), p.link]
                for c, p in self.providers.items()
            },
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> FilmFacts | None:
        """Stored facts; None for "" (TMDB has no such film) or a row this release cannot read."""
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(
                tmdb_id=int(data["id"]),
                runtime=data.get("runtime"),
                directors=tuple(data.get("directors") or ()),
                cast=tuple(data.get("cast") or ()),
                plots=dict(data.get("plots") or {}),
                titles=dict(data.get("titles") or {}),
                poster_path=data.get("poster"),
                providers={
                    c: Providers(tuple(s), tuple(r), tuple(b), link)
                    for c, (s, r, b, link) in (data.get("providers") or {}).items()
                },
            )
        except (ValueError, KeyError, TypeError):
            return None


def _names(offers: Iterable[dict[str, Any]] | None) -> tuple[str, ...]:
    ordered = sorted(offers or [], key=lambda o: o.get("display_priority", 999))
    return tuple(dict.fromkeys(str(o["provider_name"]) for o in ordered if o.get("provider_name")))


class TmdbBusy(Exception):
    """TMDB asked us to slow down (429) or failed (5xx); `retry_after` in seconds when it said."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"TMDB answered {status}")
        self.status, self.retry_after = status, retry_after


def _retryable(error: BaseException) -> bool:
    return isinstance(error, TmdbBusy | httpx.TransportError)


class _wait_retry_after(wait_base):
    """Retry-After when TMDB gave one (at most `cap` seconds), else exponential backoff."""

    def __init__(self, base: float = 0.25, cap: float = 4.0) -> None:
        self.base, self.cap = base, cap

    def __call__(self, retry_state: Any) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, TmdbBusy) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.cap)
        backoff: float = self.base * 2 ** (int(retry_state.attempt_number) - 1)
        return min(backoff, self.cap)


class Tmdb:
    """TMDB's API, bounded: timeouts, at most `rate` requests a second, retries on 429 / 5xx."""

    def __init__(
        self,
        token: str,
        base_url: str = TMDB_API,
        *,
        rate: float = 40.0,
        timeout: float = 3.0,
        attempts: int = 3,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=8),
            transport=transport,
        )
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next_start = 0.0
        self._pace_lock = asyncio.Lock()
        self._attempts = attempts
        self.requests = 0  # sent, retries included (the tests and the benchmark read it)

    async def _pace(self) -> None:
        """Space request starts `1 / rate` apart, whoever sends them."""
        async with self._pace_lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + self._interval
        if start > now:
            await asyncio.sleep(start - now)

    async def movie(self, movie: int) -> dict[str, Any] | None:
        """A film's details with credits, watch providers and translations; None when TMDB has
        no film of that id (404)."""
        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(self._attempts),
            wait=_wait_retry_after(),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                await self._pace()
                self.requests += 1
                response = await self._client.get(
                    f"/3/movie/{int(movie)}", params={"append_to_response": APPENDED}
                )
                if response.status_code == 404:
                    return None
                if response.status_code == 429 or response.status_code >= 500:
                    raise TmdbBusy(response.status_code, _seconds(response))
                response.raise_for_status()
                body: dict[str, Any] = response.json()
                return body
        return None  # not reached: the last attempt returns or raises

    async def close(self) -> None:
        await self._client.aclose()


def _seconds(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


class FactsCache:
    """Facts per movie id: from memory, else the chat store, else TMDB (in the background)."""

    def __init__(self, storage: ChatStore, tmdb: Tmdb | None, *, wait: float = 0.3) -> None:
        self.storage, self.tmdb, self.wait = storage, tmdb, wait
        self._memory: TTLCache[int, tuple[FilmFacts | None, float]] = TTLCache(5_000, 600.0)
        self._fetching: dict[int, asyncio.Task[FilmFacts | None]] = {}
        self._paused_until = 0.0
        self.pause = PAUSE_SECONDS  # after a failure, no new fetch for this long
        # language -> {normalised title: movie id}, as the store had them a moment ago
        self._titles: TTLCache[str, dict[str, int]] = TTLCache(16, TITLES_SECONDS)

    @property
    def enabled(self) -> bool:
        return self.tmdb is not None

    async def get(
        self, wanted: dict[int, int | None], wait: float | None = None
    ) -> dict[int, FilmFacts]:
        """Facts of the films in `wanted` (movie id -> TMDB id) that are known now, or arrive
        within `wait` seconds; films missing or stale are fetched in the background."""
        if self.tmdb is None:
            return {}
        now = time.time()
        found: dict[int, FilmFacts] = {}
        unknown = [m for m in wanted if m not in self._memory]
        if unknown:
            for movie, (text, at) in (await self.storage.film_facts(unknown)).items():
                self._memory[movie] = (FilmFacts.from_json(text), at)
        tasks = []
        for movie, tmdb in wanted.items():
            facts, at = self._memory.get(movie, (None, 0.0))
            if facts is not None:
                found[movie] = facts
            expiry = FRESH_SECONDS if facts is not None or at == 0.0 else MISSING_SECONDS
            if tmdb is not None and now - at > expiry:
                task = self._fetch(movie, tmdb)
                if task is not None and facts is None:
                    tasks.append((movie, task))
        wait = self.wait if wait is None else wait
        if tasks and wait > 0:
            await asyncio.wait([t for _, t in tasks], timeout=wait)
            for movie, task in tasks:
                if task.done() and not task.cancelled() and task.result() is not None:
                    found[movie] = task.result()  # type: ignore[assignment]
        return found

    async def find_title(self, text: str, language: str) -> tuple[int, bool] | None:
        """The film whose cached title in `language` is `text` (normalised alike: exact), or
        within `TITLE_CUTOFF` of it (not exact): "матрица" finds The Matrix once its Russian
        title is cached. None without TMDB, in English (the catalogue's own titles are the
        core's), or where no cached title is near."""
        code = language[:2]
        typed = normalise_title(text)
        if self.tmdb is None or code == "en" or not typed:
            return None
        titles = self._titles.get(code)
        if titles is None:
            stored = await self.storage.film_titles(code)
            titles = {normalise_title(title): movie for movie, title in stored}
            self._titles[code] = titles
        if typed in titles:
            return titles[typed], True
        found = process.extractOne(
            typed, list(titles), scorer=fuzz.ratio, score_cutoff=TITLE_CUTOFF
        )
        return (titles[found[0]], False) if found else None

    def cached(self, movie_id: int) -> FilmFacts | None:
        """Facts this process has in memory now (no waiting: inline answers)."""
        found = self._memory.get(movie_id)
        return found[0] if found else None

    def prefetch(self, wanted: dict[int, int | None]) -> None:
        """Start fetching what `get` would fetch, without waiting (a list's five films)."""
        if self.tmdb is not None and wanted:
            task = asyncio.create_task(self.get(wanted, wait=0))
            task.add_done_callback(_quiet)

    def _fetch(self, movie: int, tmdb: int) -> asyncio.Task[FilmFacts | None] | None:
        if movie in self._fetching:
            return self._fetching[movie]
        if time.monotonic() < self._paused_until:
            return None
        task = asyncio.create_task(self._fetch_one(movie, tmdb))
        self._fetching[movie] = task
        task.add_done_callback(lambda _: self._fetching.pop(movie, None))
        return task

    async def _fetch_one(self, movie: int, tmdb: int) -> FilmFacts | None:
        assert self.tmdb is not None
        try:
            body = await self.tmdb.movie(tmdb)
        except (TmdbBusy, httpx.HTTPError) as error:
            self._paused_until = time.monotonic() + self.pause
            log.warning("tmdb unavailable", extra={"error": type(error).__name__})
            return None
        facts = FilmFacts.from_tmdb(body) if body else None
        text = facts.to_json() if facts else ""
        titles = facts.titles if facts else {}
        await self.storage.save_film_facts(movie, text, titles=titles)
        self._memory[movie] = (facts, time.time())
        for code, title in titles.items():  # searchable here at once (elsewhere within a minute)
            if code in self._titles and title:
                self._titles[code][normalise_title(title)] = movie
        return facts

    async def drain(self) -> None:
        """Wait for the fetches under way (tests, shutdown)."""
        while self._fetching:
            await asyncio.gather(*self._fetching.values(), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._fetching.values()):
            task.cancel()
        await asyncio.gather(*self._fetching.values(), return_exceptions=True)
        if self.tmdb is not None:
            await self.tmdb.close()


def _quiet(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("film facts prefetch failed", extra={"error": type(task.exception()).__name__})
