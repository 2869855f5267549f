"""End to end: `movierec-bot` as a real process, talking HTTP to a local server playing Telegram.

Whole conversations: a private chat from /start to a second /recommend, a three-member movie night
with a veto, a SIGKILL in the middle of a conversation, graceful shutdown, webhook mode.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import derive_key, pseudonym
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.botprocess import BotProcess, free_port, seed_home
from tests.support.fakegram import FakeTelegram, FakeTelegramServer
from tests.support.reading import pick_ids

# Every test here runs `movierec-bot` from the shipped wheel as a real process.
pytestmark = pytest.mark.process

ALICE, BOB, CAROL, DARYA = 2001, 2002, 2003, 2004
SECRET = "wh-S3cret_Token-0123456789"
GROUP = -7001


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    server = FakeTelegramServer(fake)
    base_url = server.start()
    yield fake, base_url
    server.stop()


@pytest.fixture
def home(tmp_path: Path, recommender: Recommender, session_home: Path) -> Path:
    return seed_home(tmp_path / "home", session_home)


def converse(bot: BotProcess, chat: int, user: int, text: str, **kwargs: object):
    before = len(bot.fake.messages(chat))
    bot.fake.send(chat, user, text, **kwargs)
    bot.wait_reply(chat, before)
    return bot.fake.last(chat)


def press(bot: BotProcess, chat: int, user: int, message, data: str, **kwargs: object) -> dict:
    update = bot.fake.press(chat, user, message.message_id, data, **kwargs)
    query_id = update["callback_query"]["id"]
    bot.fake.wait_for_sync(lambda: query_id in bot.fake.callback_answers)
    return bot.fake.callback_answers[query_id]


def rate_on_card(
    bot: BotProcess, chat: int, user: int, picks, movie_id: int, data: str, **kwargs: object
) -> dict:
    """Open a film's card from a picks list (in place for its owner, a new message of one's own
    for anyone else) and press `data` there, as a person rates a pick now; the answer to that."""
    fake, count = bot.fake, len(bot.fake.messages(chat))
    press(bot, chat, user, picks, presses.card(movie_id), **kwargs)

    def card():  # -> Message
        return fake.last(chat) if len(fake.messages(chat)) > count else picks

    # until the card shows that film's buttons: an earlier press's follow-up edit may land first
    fake.wait_for_sync(lambda: data in [d for _, d in card().buttons()])
    return press(bot, chat, user, card(), data, **kwargs)


@pytest.mark.slow
def test_private_chat_from_start_to_a_refined_second_recommendation(
    telegram, home: Path, ml1m_dir: Path, shipped: Path
) -> None:
    fake, base_url = telegram
    bot = BotProcess(fake, base_url, home, ml1m_dir, shipped).start()
    try:
        welcome = converse(bot, ALICE, ALICE, "/start")
        for _ in range(2):  # like the first two films asked about
            data = presses.answers(welcome, 1.0)[0]
            edits = welcome.edits
            assert press(bot, ALICE, ALICE, welcome, data)["text"].startswith("Noted")
            fake.wait_for_sync(lambda e=edits: welcome.edits > e)  # the next question
        first = converse(bot, ALICE, ALICE, "/recommend")
        ids = pick_ids(first)
        assert len(ids) == 5 and first.parse_mode == "HTML"
        rate_on_card(bot, ALICE, ALICE, first, ids[0], presses.rate(ids[0], 1))
        rate_on_card(bot, ALICE, ALICE, first, ids[1], presses.rate(ids[1], -1))  # Next film ▶
        second = converse(bot, ALICE, ALICE, "/recommend")
        again = pick_ids(second)
        assert len(again) == 5 and not {ids[0], ids[1]} & set(again)
        listing = converse(bot, ALICE, ALICE, "/ratings")
        assert listing.text.count("\n") >= 4  # 2 films + 2 picks, with a heading
        commands = next(iter(fake.commands.values()))
        assert {c["command"] for c in commands} >= {"like", "recommend", "movienight"}
    finally:
        assert bot.stop() == 0
    assert fake.errors == [] and fake.unanswered_callbacks() == []
    log = bot.log()
    assert fake.token not in log and fake.token.split(":")[1] not in log
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    alice = pseudonym(ALICE, derive_key(fake.token))
    assert any(r["message"] == "rated" and r["user"] == alice for r in records)
    assert not any("user_id" in r or "chat_id" in r for r in records)  # no plain ids
    assert not any("the matrix" in r["message"].lower() for r in records)  # no message texts


@pytest.mark.slow
def test_three_member_movie_night_with_a_veto_a_vote_and_a_restart(
    telegram, home: Path, ml1m_dir: Path, shipped: Path
) -> None:
    fake, base_url = telegram
    bot = BotProcess(fake, base_url, home, ml1m_dir, shipped).start()
    try:
        converse(
            bot,
            GROUP,
            ALICE,
            "/like@movierec_test_bot Star Wars 1977, Return of the Jedi",
            first_name="Alice",
        )
        converse(
            bot,
            GROUP,
            BOB,
            "/like Star Wars 1977, Return of the Jedi, Raiders of the Lost Ark",
            first_name="Bob",
        )
        night = _night(bot, [BOB, ALICE])
        assert 1196 in pick_ids(night)  # The Empire Strikes Back: the fans' obvious pick
        converse(bot, GROUP, CAROL, "/dislike empire strikes back", first_name="Carol")
        roster = converse(bot, GROUP, CAROL, "/movienight")
        for member in (CAROL, ALICE, BOB):
            press(bot, GROUP, member, roster, presses.night("i"))
        bot.fake.wait_for_sync(lambda: roster.text.count("•") == 3)
    finally:
        bot.kill()  # a crash between the roster and the picks
    bot = BotProcess(fake, base_url, home, ml1m_dir, shipped).start()
    try:
        before = len(fake.messages(GROUP))
        press(bot, GROUP, CAROL, roster, presses.night("p"))
        bot.wait_reply(GROUP, before)
        vetoed = fake.last(GROUP)
        assert 1196 not in pick_ids(vetoed) and len(pick_ids(vetoed)) == 5
        assert "Alice" in vetoed.text and "Bob" in vetoed.text
        target = pick_ids(vetoed)[0]
        rate_on_card(bot, GROUP, BOB, vetoed, target, presses.rate(target, 1))  # Bob's own card
        mine = converse(bot, GROUP, BOB, "/ratings")
        assert "4." in mine.text  # Bob: his three likes plus the pick
        before = len(fake.messages(GROUP))
        press(bot, GROUP, ALICE, vetoed, presses.vote("v"))
        bot.wait_reply(GROUP, before)
        poll_id = next(iter(fake.polls))
        fake.vote(poll_id, ALICE, [1])
        fake.vote(poll_id, CAROL, [1])
    finally:
        bot.kill()  # a crash in the middle of the vote
    bot = BotProcess(fake, base_url, home, ml1m_dir, shipped).start()
    try:
        before = len(fake.messages(GROUP))
        fake.vote(poll_id, BOB, [0])  # the last of the three: the vote closes itself
        bot.wait_reply(GROUP, before)
        winner = fake.last(GROUP)
        assert "Tonight:" in winner.text and "2 of 3" in winner.text
        assert fake.polls[poll_id]["is_closed"]
        again = _night(bot, [ALICE, BOB, CAROL])
        assert pick_ids(vetoed)[1] not in pick_ids(again)  # never proposed again
    finally:
        bot.stop()
    assert fake.errors == [] and fake.unanswered_callbacks() == []


def _night(bot: BotProcess, members: list[int]):
    roster = converse(bot, GROUP, members[0], "/movienight")
    for member in members:
        press(bot, GROUP, member, roster, presses.night("i"))
    bot.fake.wait_for_sync(lambda: roster.text.count("•") == len(members))
    before = len(bot.fake.messages(GROUP))
    press(bot, GROUP, members[0], roster, presses.night("p"))
    bot.wait_reply(GROUP, before)
    return bot.fake.last(GROUP)


@pytest.mark.slow
def test_inline_card_deep_link_and_rating(
    telegram, home: Path, ml1m_dir: Path, shipped: Path
) -> None:
    fake, base_url = telegram
    bot = BotProcess(fake, base_url, home, ml1m_dir, shipped).start()
    try:
        update = fake.inline_query(ALICE, "matrix")
        query_id = update["inline_query"]["id"]
        fake.wait_for_sync(lambda: query_id in fake.inline_answers)
        results = fake.inline_answers[query_id]["results"]
        card = next(r for r in results if "Matrix" in r["title"])
        link = card["reply_markup"]["inline_keyboard"][0][0]["url"]
        payload = link.split("?start=")[1]
        shown = converse(bot, ALICE, ALICE, f"/start {payload}")
        assert "Matrix" in shown.text
        press(bot, ALICE, ALICE, shown, presses.rate(2571, 1))
        listing = converse(bot, ALICE, ALICE, "/ratings")
        assert "The Matrix (1999)" in listing.text
        mine = fake.inline_query(ALICE, "")
        fake.wait_for_sync(lambda: mine["inline_query"]["id"] in fake.inline_answers)
        personal = fake.inline_answers[mine["inline_query"]["id"]]
        assert personal["is_personal"] and personal["results"]
    finally:
        bot.stop()
    assert fake.errors == []


@pytest.mark.slow
def test_a_russian_speakers_whole_first_conversation(
    telegram, home: Path, ml1m_dir: Path, shipped: Path
) -> None:
    """Telegram says the person's app speaks Russian: every reply, button and toast is Russian
    (titles stay as MovieLens has them), and so is the command menu for Russian apps."""
    fake, base_url = telegram
    bot = BotProcess(fake, base_url, home, ml1m_dir, shipped).start()
    cyrillic = re.compile("[а-яё]", re.IGNORECASE)

    def say(text: str):
        reply = converse(bot, DARYA, DARYA, text, language_code="ru")
        assert cyrillic.search(reply.text), f"not Russian: {reply.text[:80]!r}"
        return reply

    try:
        welcome = say("/start")
        assert welcome.text.startswith("🎬 Привет!") and "Вопрос 1:" in welcome.text
        assert "Вопрос 1: ты видел что-нибудь из этого?" in welcome.text
        for data in (presses.answers(welcome, 1.0)[0], presses.skip()):
            edits = welcome.edits
            toast = press(bot, DARYA, DARYA, welcome, data, language_code="ru")
            assert data == presses.skip() or toast["text"].startswith("Записал: тебе нравится")
            fake.wait_for_sync(lambda e=edits: welcome.edits > e)
            next_question = ("Следующий вопрос ›", presses.skip())
            assert data == presses.skip() or next_question in welcome.buttons()
        assert "Вопрос 2: ты видел <b>" in welcome.html  # one film at a time once one was seen
        unknown = say("/like Матрица")
        assert unknown.text.startswith("Не нашёл «Матрица»")
        liked = say("/like матрица, the matrix")
        assert "The Matrix (1999)" in liked.text and "Записал:" in liked.text
        assert ("🍿 Подобрать фильмы", presses.more(0)) in liked.buttons()
        picks = say("/rec")
        assert picks.text.startswith("🍿 Фильмы для тебя") and len(pick_ids(picks)) == 5
        assert "Нажми на фильм" in picks.text and "🎛 Фильтры" in [t for t, _ in picks.buttons()]
        comedies = say("/rec комедии")
        assert comedies.text.startswith("🍿 Фильмы для тебя: Комедия")
        tune = next(d for t, d in comedies.buttons() if t == "🎛 Фильтры")
        before = len(fake.messages(DARYA))
        press(bot, DARYA, DARYA, comedies, tune, language_code="ru")
        bot.wait_reply(DARYA, before)
        assert "✖️ Любой фильм" in [t for t, _ in fake.last(DARYA).buttons()]
        ratings = say("/ratings")
        assert ratings.text.startswith("Твои оценки") and "2. 👍" in ratings.text  # answer + like
        assert "Жми ❌, чтобы убрать оценку." in ratings.text
        menu = fake.commands[json.dumps({"type": "default"}, sort_keys=True) + "ru"]
        assert {c["command"]: c["description"] for c in menu}["help"] == "Всё, что я понимаю"
    finally:
        bot.stop()
    assert fake.errors == [] and fake.unanswered_callbacks() == []


@pytest.mark.slow
def test_sigkill_mid_conversation_loses_no_confirmed_rating(
    telegram, home: Path, ml1m_dir: Path, shipped: Path
) -> None:
    fake, base_url = telegram
    bot = BotProcess(fake, base_url, home, ml1m_dir, shipped).start()
    confirmed = converse(bot, ALICE, ALICE, "/like The Matrix, Toy Story, Alien, Heat")
    assert confirmed.text.count("👍") == 4
    picks = converse(bot, ALICE, ALICE, "/recommend")
    ids = pick_ids(picks)
    rate_on_card(bot, ALICE, ALICE, picks, ids[0], presses.rate(ids[0], 1))
    bot.kill()
    restarted = BotProcess(fake, base_url, home, ml1m_dir, shipped).start()
    try:  # the card's Next film ▶ and 👎 after the restart
        answer = rate_on_card(restarted, ALICE, ALICE, picks, ids[1], presses.rate(ids[1], -1))
        assert answer["text"].startswith("Noted")
        undo = press(restarted, ALICE, ALICE, confirmed, confirmed.button("Undo 4"))
        assert undo["text"] == "Undone."
        listing = converse(restarted, ALICE, ALICE, "/ratings")
        for title in ("The Matrix", "Toy Story", "Alien (1979)"):
            assert title in listing.text
        assert "Heat" not in listing.text and "5." in listing.text and "6." not in listing.text
    finally:
        assert restarted.stop() == 0
    assert fake.unanswered_callbacks() == []


def test_missing_token_explains_botfather(tmp_path: Path, shipped: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["MOVIEREC_HOME"] = str(tmp_path)
    result = _run_shipped(shipped, tmp_path, env)
    assert result.returncode != 0 and "@BotFather" in result.stderr


@pytest.mark.parametrize("secret", ["x", "short-secret", "has spaces in it, 1234567890", "é" * 20])
def test_a_weak_webhook_secret_is_refused_at_start(
    tmp_path: Path, shipped: Path, secret: str
) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN",
        "MOVIEREC_HOME": str(tmp_path),
        "WEBHOOK_URL": "https://bot.example.org/telegram",
        "WEBHOOK_SECRET": secret,
    }
    result = _run_shipped(shipped, tmp_path, env)
    assert result.returncode != 0 and "WEBHOOK_SECRET" in result.stderr
    assert secret not in result.stderr


@pytest.mark.slow
def test_the_token_never_reaches_a_traceback(tmp_path: Path, shipped: Path) -> None:
    """A proxy that repeats the request path in its error page: the path holds the token, and
    the bot dies on it at start. Python's own last-resort printout must not show it either."""
    token = "987654:SECRET-abcdefghijklmnopqrstuvwxyz"
    proxy = _EchoingProxy()
    try:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("WEBHOOK_")},
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_BASE_URL": proxy.url,
            "MOVIEREC_HOME": str(tmp_path),
            "LOG_LEVEL": "DEBUG",
        }
        result = _run_shipped(shipped, tmp_path, env, timeout=120)
    finally:
        proxy.stop()
    output = result.stdout + result.stderr
    assert result.returncode != 0 and proxy.hits > 0
    assert "[redacted]" in output  # the error was logged, scrubbed
    for form in (token, token.lower(), token.upper(), token.split(":")[1], "SECRET-ABC"):
        assert form.lower() not in output.lower()


@pytest.mark.slow
def test_webhook_mode_checks_the_secret_and_serves_healthz(
    telegram, home: Path, ml1m_dir: Path, shipped: Path
) -> None:
    fake, base_url = telegram
    port = free_port()
    bot = BotProcess(
        fake,
        base_url,
        home,
        ml1m_dir,
        shipped,
        WEBHOOK_URL="https://bot.example.org/telegram",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    bot.start(wait_for_polling=False)
    try:
        fake.wait_for_sync(lambda: fake.webhook is not None or bot.died(), timeout=60)
        assert fake.webhook == {
            "url": "https://bot.example.org/telegram",
            "secret_token": SECRET,
        }
        health = f"http://127.0.0.1:{port}/healthz"
        fake.wait_for_sync(lambda: _get(health) == 200, timeout=30)
        update = json.dumps(fake.send(ALICE, ALICE, "/help")).encode()
        assert _post(f"http://127.0.0.1:{port}/telegram", update, "wrong") == 403
        assert fake.messages(ALICE) == []
        assert _post(f"http://127.0.0.1:{port}/telegram", update, SECRET.upper()) == 403
        assert _post(f"http://127.0.0.1:{port}/telegram", update, SECRET[:-1]) == 403
        assert fake.messages(ALICE) == []
        for junk in (b"{not json", b"[1, 2]", b"\xff\xfe", b'"a string"', b"{}"):
            assert _post(f"http://127.0.0.1:{port}/telegram", junk, SECRET) == 400
        assert _post(f"http://127.0.0.1:{port}/telegram", update, SECRET) == 200
        fake.wait_for_sync(lambda: bool(fake.messages(ALICE)))
        assert "/movienight" in fake.last(ALICE).text
        assert bot.healthcheck() == 0
        assert fake.commands, "the command menu is registered in webhook mode too"
    finally:
        assert bot.stop() == 0
    log = bot.log()
    assert SECRET not in log and fake.token not in log and "Traceback" not in log


@pytest.mark.slow
def test_polling_healthcheck_follows_the_heartbeat(
    telegram, home: Path, ml1m_dir: Path, shipped: Path
) -> None:
    fake, base_url = telegram
    bot = BotProcess(fake, base_url, home, ml1m_dir, shipped)
    assert bot.healthcheck() == 1
    bot.start()
    try:
        fake.wait_for_sync(lambda: (home / "bot.heartbeat").exists())
        assert bot.healthcheck() == 0
    finally:
        bot.stop()


def _run_shipped(
    shipped: Path, cwd: Path, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(shipped / "movierec-bot")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class _EchoingProxy:
    """A misbehaving proxy: every request gets a 502 page that repeats the path, lowercased
    in the JSON description as python-telegram-bot would show it."""

    def __init__(self) -> None:
        import http.server
        import threading

        outer = self
        self.hits = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.hits += 1
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                body = json.dumps(
                    {
                        "ok": False,
                        "error_code": 502,
                        "description": f"bad gateway: POST {self.path}",
                    }
                ).encode()
                self.send_response(502)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *args: object) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/bot"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _post(url: str, body: bytes, secret: str) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
