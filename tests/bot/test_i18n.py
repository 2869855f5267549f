"""The bot in five languages: the catalogs are complete and safe to send, plurals are right, and
whole conversations happen in each language through the real Application and the stand-in."""

from __future__ import annotations

import inspect
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n
from bot.app import MENU, command_menu
from bot.features.account import views as account_views
from bot.features.account.callbacks import ConfirmDelete, SetLanguage
from bot.features.chat import views as chat_views
from bot.features.inline import views as inline_views
from bot.features.movienight import views as movienight_views
from bot.features.onboarding import views as onboarding_views
from bot.features.picks import views as picks_views
from bot.features.ratings import views as ratings_views
from bot.features.ratings.callbacks import ConfirmReset
from bot.features.watchlist import views as watchlist_views
from bot.throttle import Throttle
from bot.ui import html
from bot.ui import keyboards as ui_keyboards
from bot.ui import texts as ui_texts
from movierec.filters import GENRES, Filter, lexicon, parse_filter
from movierec.languages import LANGUAGES as CORE_LANGUAGES
from movierec.recommender import GroupPick, Movie, Pick
from movierec.titles import Candidate, Doubt
from tests.support import presses
from tests.support.fakegram import plain_text, utf16_len
from tests.support.harness import Harness

LANGUAGES = list(i18n.LOCALES)
TRANSLATED = [code for code in LANGUAGES if code != i18n.DEFAULT]
# Telegram's language_code for a person whose app speaks each of our languages.
TELEGRAM_CODE = {"en": "en", "ru": "ru", "es": "es", "pt-BR": "pt-br", "de": "de"}
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
TAG = re.compile(r"</?[a-z]+>")
COMMAND = re.compile(r"(?<![\w/])/[a-z]+")
LOCALE_DIR = Path(i18n.__file__).parent / "locale"
ALICE = 4101
GROUP = -4101
LONG_TITLE = "Night of the Living Dead: The Extended Director's Cut With Extra Scenes (1968)"


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def _messages_in_code() -> set[str | tuple[str, ...]]:
    """What `pybabel extract -F babel.cfg bot` finds today (as the catalogs must cover)."""
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found = extract_from_dir(
        str(Path(i18n.__file__).parent), method_map=[("**.py", "python")], keywords=keywords
    )
    return {m[2] if isinstance(m[2], str) else tuple(m[2]) for m in found}


# ------------------------------------------------------------------ the catalogs themselves
def test_every_language_has_a_lexicon_and_a_catalog() -> None:
    """One list of languages: the filter parser has words for each, the bot a catalog for each
    but English (the source text)."""
    assert tuple(i18n.LOCALES) == tuple(i18n.NATIVE_NAMES) == CORE_LANGUAGES
    assert CORE_LANGUAGES[0] == i18n.DEFAULT
    files = Path(lexicon.__file__).parent / "lexicon"
    assert {p.stem for p in files.glob("*.toml")} == set(CORE_LANGUAGES)
    catalogs = {p.parents[1].name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")}
    assert catalogs == {i18n.LOCALES[code] for code in TRANSLATED}


def test_the_template_is_in_step_with_the_code() -> None:
    with (LOCALE_DIR / "messages.pot").open("rb") as pot:
        template = {m.id for m in read_po(pot) if m.id}
    assert template == _messages_in_code(), "run scripts/i18n update and translate what is new"


@pytest.mark.parametrize("locale", [i18n.LOCALES[c] for c in TRANSLATED])
def test_every_message_is_translated_with_the_same_placeholders_tags_and_commands(
    locale: str,
) -> None:
    catalog = _catalog(locale)
    wanted = _messages_in_code()
    present = {m.id for m in catalog if m.id}
    assert wanted <= present, f"missing in {locale}: {wanted - present}"
    for message in catalog:
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, (locale, message.id)
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(strings) == catalog.num_plurals or len(sources) == 1, (locale, message.id)
        for string in strings:
            assert string and string.strip(), f"empty {locale} translation of {message.id!r}"
            source = sources[0]
            assert Counter(PLACEHOLDER.findall(string)) <= Counter(
                PLACEHOLDER.findall(" ".join(sources))
            ), (locale, string)
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(source)), (
                locale,
                string,
            )
            assert sorted(TAG.findall(string)) == sorted(TAG.findall(source)), (locale, string)
            assert set(COMMAND.findall(string)) == set(COMMAND.findall(source)), (locale, string)
            # emoji that name buttons ("tap 👍") must survive
            for emoji in ("👍", "👎", "🔖", "✅", "❌", "🙋", "🍿", "📊", "✖️"):
                assert (emoji in string) == (emoji in source), (locale, emoji, string)


def test_plural_forms_headers() -> None:
    assert _catalog("ru").num_plurals == 3
    for locale in ("es", "pt_BR", "de"):
        assert _catalog(locale).num_plurals == 2


def test_russian_plurals_for_1_2_5_21() -> None:
    with i18n.using("ru"):
        assert "1 оценку" in ratings_views.reset_done(1)
        assert "2 оценки" in ratings_views.reset_done(2)
        assert "5 оценок" in ratings_views.reset_done(5)
        assert "21 оценку" in ratings_views.reset_done(21)
        assert "11 оценок" in ratings_views.reset_done(11)
        assert html.join_names_html([f"n{i}" for i in range(10)]).endswith("ещё 2 человека")
        assert html.join_names_html([f"n{i}" for i in range(13)]).endswith("ещё 5 человек")
        assert "1 из 1 голоса" in movienight_views.winner("Heat (1995)", 1, 1)
        assert "2 из 5 голосов" in movienight_views.winner("Heat (1995)", 2, 5)
        assert "стёрта 1 запись" in account_views.delete_done(1)
        assert "стёрто 3 записи" in account_views.delete_done(3)
    with i18n.using("pt-BR"):
        assert "1 avaliação" in ratings_views.reset_done(
            1
        ) and "2 avaliações" in ratings_views.reset_done(2)
    with i18n.using("de"):
        assert "1 Bewertung " in ratings_views.reset_done(
            1
        ) and "2 Bewertungen" in ratings_views.reset_done(2)


def test_telegram_language_codes() -> None:
    assert i18n.from_telegram("ru") == "ru"
    assert i18n.from_telegram("pt-br") == "pt-BR" and i18n.from_telegram("pt") == "pt-BR"
    assert i18n.from_telegram("de-AT") == "de" and i18n.from_telegram("es-419") == "es"
    assert i18n.from_telegram("fr") == "en" and i18n.from_telegram(None) == "en"
    assert i18n.supported("pt-BR") == "pt-BR" and i18n.supported("xx") is None


def test_language_buttons_are_validated_like_the_others() -> None:
    for code in [*LANGUAGES, None]:
        data = presses.language(code)
        action = presses.decode(data)
        assert isinstance(action, SetLanguage) and action.language == code
        assert len(data.encode()) <= 64
    for forged in ("y:", "y:fr", "y:pt-br", "y:ru:1", "y:../etc", "y:en\n"):
        assert presses.decode(forged) is None


# ------------------------------------------------------------------ everything renders
def _picks() -> list[Pick]:
    return [
        Pick(2571 + i, LONG_TITLE, 1968, ("Action", "Sci-Fi", "Thriller"), 12.5, 7, 40)
        for i in range(5)
    ]


def _messages() -> dict[str, str]:
    """Every message the bot sends, built with realistic (and long) values."""
    movie = Movie(2571, "Matrix, The (1999)", 1999, ("Action", "Sci-Fi", "Thriller"), 1)
    group = [
        GroupPick(1 + i, LONG_TITLE, 1968, ("Comedy", "Romance"), 3.0, 9, 40, (), tuple(range(12)))
        for i in range(5)
    ]
    names = {i: f"Имя{i}" for i in range(12)}
    reasons = {(1 + i, m): LONG_TITLE for i in range(5) for m in range(12)}
    entries: list[tuple[Movie | None, str | None]] = [
        (Movie(i, LONG_TITLE, 1968, ("Horror",), 1), None) for i in range(8)
    ]
    entries += [(None, LONG_TITLE), (None, None)]
    built = {
        "recorded": ratings_views.recorded([(LONG_TITLE, 1.0)] * 10),
        "too_many": ratings_views.too_many_titles(10, 3),
        "ambiguous+": ratings_views.ambiguous("x" * 300, 1.0),
        "ambiguous-": ratings_views.ambiguous("matrix", -1.0),
        "no_match": ratings_views.no_match(
            "матрица", [Candidate(1, "Matrix, The (1999)", 1999, 90.0)], 2000
        ),
        "no_match_none": ratings_views.no_match("zzz", [], 2023),
        "doubtful_year": ratings_views.doubtful(
            "parasite 2019", LONG_TITLE, Doubt.OTHER_YEAR, 2018
        ),
        "doubtful_rare": ratings_views.doubtful("parasite", LONG_TITLE, Doubt.RARELY_RATED, 2018),
        "hello": chat_views.hello("Имя" * 30),
        "thanks": chat_views.welcome_back(),
        "other_ways": onboarding_views.other_ways(),
        "store_away": ui_texts.store_away(),
        "search": ratings_views.search_results("star", 5),
        "search_one": ratings_views.search_results("star", 1),
        "not_rated": ratings_views.not_rated("heat"),
        "forgotten": ratings_views.forgotten(LONG_TITLE),
        "forgotten_unknown": ratings_views.forgotten(None),
        "read_as": picks_views.read_as_request(
            ui_texts.filter_label(Filter(frozenset({"Comedy", "Drama"}), 1990, 1999))
        ),
        "nothing": ui_texts.nothing_matches(
            ui_texts.filter_label(Filter(frozenset({"Film-Noir"}), None, 1979))
        ),
        "not_understood": ui_texts.filter_not_understood("blah"),
        "watchlist": watchlist_views.watchlist_page([(i, LONG_TITLE) for i in range(10)], 2, 9),
        "picks": picks_views.picks(
            _picks(),
            0,
            picks_views.picks_intro(
                0, wanted=ui_texts.filter_label(Filter(frozenset({"Comedy"}), 2011, None))
            ),
            reasons={2571: [LONG_TITLE, LONG_TITLE]},
        ),
        "group_picks": picks_views.picks(
            _picks(), 5, picks_views.picks_intro(5, "Ann", group=True)
        ),
        "roster": movienight_views.roster([f"Имя{i}" for i in range(30)], "Comedy", ["Имя3"]),
        "roster_empty": movienight_views.roster([], ""),
        "night": movienight_views.night_picks(group, 0, names, reasons),
        "night_nobody": movienight_views.night_picks(group[:1], 0, {}, {}),
        "winner": movienight_views.winner(LONG_TITLE, 3, 4),
        "history": movienight_views.history_page([(LONG_TITLE, "2026-11-29")] * 20),
        "film_from_link": onboarding_views.film_from_link(
            ui_texts.film_card(movie.title, movie.genres)
        ),
        "ratings": ratings_views.ratings_page(entries, [1.0, -1.0] * 5, 0, 3),
        "watched_ask": watchlist_views.watched_ask(LONG_TITLE),
        "reset_done": ratings_views.reset_done(21),
        "delete_done": account_views.delete_done(134),
        "choose_language": account_views.choose_language(i18n.NATIVE_NAMES[i18n.current()]),
        "language_set": account_views.language_set(i18n.NATIVE_NAMES[i18n.current()]),
        "long_list": html.join_blocks([f"<b>{html.title_html(LONG_TITLE)}</b>"] * 400, "tail"),
    }
    for module in TEXT_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            own = function.__module__ == module.__name__ and not name.startswith("_")
            signature = inspect.signature(function)
            if own and not signature.parameters and signature.return_annotation == "str":
                built[name] = function()
    return built


TEXT_MODULES = (
    ui_texts,
    account_views,
    inline_views,
    movienight_views,
    onboarding_views,
    picks_views,
    ratings_views,
    watchlist_views,
)


def _text(name: str):  # type: ignore[no-untyped-def]
    """A text function by name, wherever its feature keeps it."""
    found = [getattr(m, name) for m in TEXT_MODULES if hasattr(m, name)]
    assert len(found) == 1, name
    return found[0]


# Messages that are rightly the same as in English.
SAME_IN_ENGLISH = {"de": {"genre_button"}}
TOASTS = [
    "slow_down",
    "stale_button",
    "not_yours",
    "expired",
    "error",
    "saved",
    "already_saved",
    "unsaved",
    "roster_empty_toast",
    "roster_joined",
    "roster_left",
    "rate_first",
    "no_roster",
    "vote_open",
    "vote_started",
    "vote_closed",
    "not_in_roster",
    "hidden",
    "undone",
    "nothing_to_undo",
    "removed",
    "already_gone",
    "toast_cancelled",
    "toast_done",
    "toast_deleted",
    "nothing_left",
    "language_automatic",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_renders_as_telegram_html_within_limits(language: str) -> None:
    with i18n.using(language):
        built = _messages()
        for name, message in built.items():
            shown = plain_text(message, "HTML")  # raises on invalid markup
            assert shown.strip(), name
            assert utf16_len(shown) <= html.MAX_MESSAGE, (language, name)
        toasts = [_text(n)() for n in TOASTS]
        toasts += [
            ui_texts.noted(1.0, LONG_TITLE),
            ui_texts.noted(-1.0, None),
            ratings_views.noted_for_you(-1.0, LONG_TITLE),
            ratings_views.noted_for_you(1.0, None),
            picks_views.hidden_for_you(LONG_TITLE),
            picks_views.hidden_for_you(None),
            account_views.language_set(i18n.NATIVE_NAMES[language]),
        ]
        for toast in toasts:
            assert toast and utf16_len(toast) <= html.MAX_TOAST, (language, toast)
            assert "<" not in toast, toast  # toasts are plain text
        if language != i18n.DEFAULT:
            with i18n.using(i18n.DEFAULT):
                english = _messages()
            alike = SAME_IN_ENGLISH.get(language, set()) | {"long_list"}
            same = [n for n in built if built[n] == english[n] and n not in alike]
            assert not same, f"untranslated in {language}: {same}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_button_label_is_short_and_not_empty(language: str) -> None:
    with i18n.using(language):
        films = [(i, LONG_TITLE) for i in range(1, 6)]
        markups = [
            ratings_views.films_keyboard(films),
            ratings_views.films_keyboard(films, {1: "👍"}),
            ratings_views.choose_keyboard(films, 1.0, {2: "👎"}),
            ratings_views.recorded_keyboard([1, 2, 3]),
            ratings_views.recorded_keyboard([1]),
            picks_views.picks_keyboard(
                [1, 2, 3, 4, 5], 0, {3: "🙈"}, Filter(frozenset({"Action"}), 1990, 1999)
            ),
            picks_views.genre_chips(Filter(frozenset({"Comedy"}))),
            picks_views.decade_chips(Filter(year_from=1990, year_to=1999), 2000),
            watchlist_views.watchlist_keyboard([1, 2], 1, 3),
            ratings_views.ratings_keyboard([1, 2], 1, 3),
            ui_keyboards.confirm(
                ConfirmReset(True), ConfirmReset(False), ratings_views.yes_reset()
            ),
            ui_keyboards.confirm(
                ConfirmDelete(True), ConfirmDelete(False), account_views.yes_delete()
            ),
            movienight_views.roster_keyboard(True),
            movienight_views.night_picks_keyboard(
                [1, 2, 3, 4, 5],
                0,
                Filter(),
                ["Alien (1979)", "Heat (1995)", "Fargo", "Babe", "Jaws"],
            ),
            movienight_views.close_vote_keyboard(),
            inline_views.open_bot_keyboard("https://t.me/bot?start=film_1"),
            account_views.languages_keyboard(None),
            account_views.languages_keyboard("ru"),
            account_views.countries_keyboard(None),
            account_views.countries_keyboard("BR"),
        ]
        for markup in markups:
            for row in markup.inline_keyboard:
                for button in row:
                    assert button.text.strip() and len(button.text) <= 80, button.text
        for genre in GENRES:
            assert ui_texts.genre_name(genre)
        for command in command_menu(language):
            assert re.fullmatch(r"[a-z]{1,32}", command.command)
            assert 3 <= len(command.description) <= 256


def test_genres_and_filters_are_translated_titles_are_not() -> None:
    with i18n.using("ru"):
        assert (
            ui_texts.filter_label(Filter(frozenset({"Comedy"}), 1990, 1999)) == "Комедия · 1990-е"
        )
        assert ui_texts.filter_label(Filter(year_from=2011)) == "с 2011"
        assert ui_texts.filter_label(Filter()) == "любой фильм"
        assert "The Matrix (1999)" in ui_texts.film_card("Matrix, The (1999)", ["Sci-Fi"])
        assert "Фантастика" in ui_texts.film_card("Matrix, The (1999)", ["Sci-Fi"])
    with i18n.using("de"):
        assert (
            ui_texts.filter_label(Filter(frozenset({"Comedy", "Horror"}), None, 1979))
            == "Komödie oder Horror · bis 1979"
        )
        assert ui_texts.decade(1980) == "1980er"
    with i18n.using("es"):
        assert ui_texts.genre_name("Children") == ui_texts.genre_name("Children's") == "Infantil"


def test_an_impossible_filter_is_explained_in_the_persons_language() -> None:
    impossible = parse_filter("comedy before 1980 after 2010").filter
    assert impossible.impossible
    with i18n.using("ru"):
        shown = plain_text(ui_texts.nothing_matches(ui_texts.filter_label(impossible)), "HTML")
    assert "Комедия" in shown and "2011" in shown and "1979" in shown
    for english in ("Comedy", "since", "until", "no year", "Nothing"):
        assert english not in shown, shown
    with i18n.using("en"):
        assert ui_texts.filter_label(impossible) == ("Comedy · no year (since 2011 and until 1979)")


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_help_examples_are_understood_in_that_language(language: str) -> None:
    """/help's `/rec …` examples, in each language, are filters the bot reads."""
    with i18n.using(language):
        examples = re.findall(r"<code>/rec ([^<]+)</code>", account_views.help_text())
    assert len(examples) == 3
    for words in examples:
        parsed = parse_filter(words, 2000, frozenset())
        assert not parsed.filter.is_empty() and not parsed.rest, (language, words)


# ------------------------------------------------------------------ conversations
def harness_year(harness: Harness) -> int:
    """The newest year of the harness's catalogue (what "I know films up to" says)."""
    services = harness.app.bot_data.services
    assert services is not None
    return services.rec.catalogue.latest_year


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_first_conversation_in_each_language(harness: Harness, language: str) -> None:
    code = TELEGRAM_CODE[language]

    def expect(function, *args):  # type: ignore[no-untyped-def]
        with i18n.using(language):
            return plain_text(function(*args), "HTML")

    welcome = await harness.say(ALICE, ALICE, "/start", language_code=code)
    assert welcome.text.startswith(expect(onboarding_views.welcome).split("\n")[0])
    help_reply = await harness.say(ALICE, ALICE, "/help", language_code=code)
    more = expect(account_views.help_more, harness.fake.bot_username)
    more += "\n" + expect(account_views.help_country)
    imports = expect(ui_texts.help_import)
    assert help_reply.text == expect(account_views.help_text) + "\n\n" + more + "\n\n" + imports
    assert f"@{harness.fake.bot_username}" in more
    liked = await harness.say(ALICE, ALICE, "/like the matrix", language_code=code)
    assert liked.text.startswith(expect(ratings_views.recorded, [("Matrix, The (1999)", 1.0)])[:6])
    assert "The Matrix (1999)" in liked.text
    with i18n.using(language):
        assert [t for t, _ in liked.buttons()] == [ui_texts.undo(), ui_texts.recommend()]
    picks = await harness.say(ALICE, ALICE, "/rec", language_code=code)
    assert expect(picks_views.picks_intro, 0) in picks.text
    first = presses.decode(picks.button("1. "))
    assert first is not None
    await harness.press(ALICE, ALICE, picks, picks.button("1. "), language_code=code)  # its card
    with i18n.using(language):
        assert picks_views.back_button() in [t for t, _ in picks.buttons()]
    answer = await harness.press(
        ALICE, ALICE, picks, presses.rate(first.movie_id, 1), language_code=code
    )
    movie = harness.app.bot_data.services.rec.catalogue.get(first.movie_id)
    assert answer["text"] == expect(ui_texts.noted, 1.0, movie.title)
    with i18n.using(language):
        assert picks_views.status("👍") in picks.text
    funny = await harness.say(ALICE, ALICE, "/rec comedy", language_code=code)
    with i18n.using(language):
        assert ui_texts.genre_name("Comedy") in funny.text
        assert picks_views.tune_button() in [t for t, _ in funny.buttons()]
    unknown = await harness.say(ALICE, ALICE, "/like zzqqxx", language_code=code)
    assert unknown.text == expect(ratings_views.no_match, "zzqqxx", [], harness_year(harness))


async def test_rec_with_contradictory_years_answers_in_russian(harness: Harness) -> None:
    await harness.say(ALICE, ALICE, "/like the matrix", language_code="ru")
    answer = await harness.say(
        ALICE, ALICE, "/rec comedy before 1980 after 2010", language_code="ru"
    )
    with i18n.using("ru"):
        label = ui_texts.filter_label(Filter(frozenset({"Comedy"}), 2011, 1979))
        assert answer.text == plain_text(ui_texts.nothing_matches(label), "HTML")
    assert "Комедия" in answer.text and "Comedy" not in answer.text and "since" not in answer.text


async def test_in_a_group_each_person_reads_their_own_language(harness: Harness) -> None:
    bob = ALICE + 1
    await harness.say(GROUP, ALICE, "/like the matrix, toy story", language_code="ru")
    await harness.say(GROUP, bob, "/like alien, heat", language_code="es")
    roster = await harness.say(GROUP, ALICE, "/movienight", language_code="ru")
    assert "Киновечер" in roster.text and "🙋 Я в деле" in [t for t, _ in roster.buttons()]
    joined = await harness.press(GROUP, bob, roster, presses.night("i"), language_code="es")
    assert joined["text"] == "Te apuntaste para esta noche."
    stranger = await harness.say(GROUP, bob, "/ratings", language_code="es")
    assert stranger.text.startswith("Tus valoraciones")


async def test_the_command_menu_is_registered_in_every_language(harness: Harness) -> None:
    await harness.app.post_init(harness.app)
    menus = {key.rsplit("}", 1)[1]: v for key, v in harness.fake.commands.items()}
    assert set(menus) == {"", "ru", "es", "pt", "de"}
    assert [c["command"] for c in menus[""]] == list(MENU)
    assert "language" in [c["command"] for c in menus[""]]
    descriptions = {lang: {c["command"]: c["description"] for c in m} for lang, m in menus.items()}
    assert descriptions[""]["help"] == "Everything I understand"
    assert descriptions["ru"]["help"] == "Всё, что я понимаю"
    assert descriptions["es"]["help"] == "Todo lo que entiendo"
    assert descriptions["pt"]["help"] == "Tudo o que eu entendo"
    assert descriptions["de"]["help"] == "Alles, was ich verstehe"


async def test_a_flood_is_refused_in_the_persons_language(harness: Harness) -> None:
    """The language is set in group -2, before the flood limit's group -1 answers."""
    harness.app.bot_data.throttle = Throttle(burst=1, rate=0.001)
    await harness.say(ALICE, ALICE, "/help", language_code="pt-br")
    refused = await harness.say(ALICE, ALICE, "/help", language_code="pt-br")
    assert refused.text.startswith("⏳ Mais devagar")


def test_every_catalog_compiles() -> None:
    assert set(i18n.load()) == set(LANGUAGES)
