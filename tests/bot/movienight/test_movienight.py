"""Movie nights: the roster, the picks for everyone in (vetoes, filters, long names), a vote that
ends with a winner never proposed again."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.features.account import views as account_views
from bot.features.movienight import views as movienight_views
from bot.ui import html
from movierec.recommender import Recommender
from tests.support import presses
from tests.support.fakegram import Message, plain_text, utf16_len
from tests.support.harness import Harness
from tests.support.reading import genres_of, pick_ids
from tests.support.scenes import (
    ALICE,
    ANN,
    BEN,
    BOB,
    CAROL,
    CAT,
    GROUP,
    group_with_picks,
    like_five_films,
    rate_from_card,
)


async def _roster(harness: Harness) -> Message:
    await harness.say(GROUP, ANN, "/like Star Wars 1977, Alien", first_name="Ann")
    await harness.say(GROUP, BEN, "/like Heat, Fargo", first_name="Ben")
    return await harness.say(GROUP, ANN, "/movienight")


async def test_roster_picks_vote_winner_and_never_again(
    harness: Harness, recommender: Recommender
) -> None:
    roster = await _roster(harness)
    assert "Who's in tonight" in roster.text and not any("Pick" in t for t, _ in roster.buttons())
    links = [b["url"] for row in roster.reply_markup["inline_keyboard"] for b in row if "url" in b]
    assert links == [
        f"https://t.me/{harness.fake.bot_username}?start=rate"
    ]  # rate first, privately
    answer = await harness.press(GROUP, ANN, roster, presses.night("i"))
    assert answer["text"] == movienight_views.roster_joined()
    await harness.press(GROUP, BEN, roster, presses.night("i"))
    await harness.press(GROUP, CAT, roster, presses.night("i"))  # has rated nothing anywhere
    assert "Ann" in roster.text and "Ben" in roster.text and "rate a few films first" in roster.text
    await harness.press(GROUP, CAT, roster, presses.night("o"))
    assert roster.text.count("•") == 2
    await harness.press(GROUP, BEN, roster, presses.night("p"))
    picks = harness.fake.last(GROUP)
    ids = pick_ids(picks)
    assert len(ids) == 5 and "fits" in picks.text
    await harness.press(GROUP, ANN, picks, presses.vote("v"))
    poll_message = harness.fake.last(GROUP)
    poll_id, poll = next(iter(harness.fake.polls.items()))
    assert poll["is_anonymous"] is False and len(poll["options"]) == 5
    assert harness.fake.poll_media[poll_id] == [None] * 5  # no TMDB: no posters, text options
    assert (await harness.press(GROUP, BEN, picks, presses.vote("v")))[
        "text"
    ] == movienight_views.vote_open()
    # Cat is not in tonight: cannot close the vote
    answer = await harness.press(GROUP, CAT, poll_message, presses.vote("c"))
    assert answer["text"] == movienight_views.not_in_roster() and not poll["is_closed"]
    for user, option in ((ANN, 2), (BEN, 2)):
        update = harness.fake.vote(poll_id, user, [option])
        await harness.app.process_update(Update.de_json(update, harness.app.bot))
    assert poll["is_closed"]  # everyone in tonight voted
    announcement = harness.fake.last(GROUP)
    winner = recommender.catalogue.get(ids[2])
    assert "Tonight:" in announcement.text and "2 of 2" in announcement.text
    assert html.title_plain(winner.title, 200).split(" (")[0] in announcement.text
    history = await harness.say(GROUP, BEN, "/history")
    assert html.title_plain(winner.title, 200).split(" (")[0] in history.text
    # never proposed to this group again
    again = await harness.say(GROUP, ANN, "/movienight")
    await harness.press(GROUP, ANN, again, presses.night("i"))
    await harness.press(GROUP, BEN, again, presses.night("i"))
    await harness.press(GROUP, ANN, again, presses.night("p"))
    assert ids[2] not in pick_ids(harness.fake.last(GROUP))


async def test_close_vote_button_and_ties_go_to_the_better_pick(harness: Harness) -> None:
    roster = await _roster(harness)
    for user in (ANN, BEN):
        await harness.press(GROUP, user, roster, presses.night("i"))
    await harness.press(GROUP, ANN, roster, presses.night("p"))
    picks = harness.fake.last(GROUP)
    ids = pick_ids(picks)
    await harness.press(GROUP, ANN, picks, presses.vote("v"))
    poll_message = harness.fake.last(GROUP)
    poll_id = next(iter(harness.fake.polls))
    update = harness.fake.vote(poll_id, ANN, [4])
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    update = harness.fake.vote(poll_id, ANN, [])  # Ann retracts
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    update = harness.fake.vote(poll_id, ANN, [3])
    await harness.app.process_update(Update.de_json(update, harness.app.bot))
    await harness.press(GROUP, BEN, poll_message, presses.vote("c"))
    assert harness.fake.polls[poll_id]["is_closed"]
    assert ids[3] in {m for m, _ in (await harness.storage.history(GROUP))}
    answer = await harness.press(GROUP, BEN, poll_message, presses.vote("c"), forge=True)
    assert answer["text"] == movienight_views.vote_closed()


async def test_private_ratings_count_in_the_group(harness: Harness) -> None:
    await harness.say(CAT, CAT, "/like Toy Story, Babe")  # only in the private chat
    roster = await harness.say(GROUP, CAT, "/movienight", first_name="Cat")
    await harness.press(GROUP, CAT, roster, presses.night("i"))
    assert "rate a few films first" not in roster.text
    await harness.press(GROUP, CAT, roster, presses.night("p"))
    picks = harness.fake.last(GROUP)
    assert len(pick_ids(picks)) == 5 and 1 not in pick_ids(picks)  # Toy Story: rated, skipped


async def test_pick_for_us_needs_someone_in(harness: Harness) -> None:
    roster = await _roster(harness)
    answer = await harness.press(GROUP, ANN, roster, presses.night("p"), forge=True)
    assert answer["text"] == movienight_views.roster_empty_toast()


async def test_group_movie_night_with_bot_suffix_separate_tastes_and_veto(
    harness: Harness,
) -> None:
    await harness.say(
        GROUP,
        ALICE,
        "/like@movierec_test_bot Star Wars 1977, Return of the Jedi",
        first_name="Alice",
    )
    await harness.say(
        GROUP, BOB, "/like Star Wars 1977, Return of the Jedi, Matrix", first_name="Bob"
    )
    assert (await harness.storage.ratings(GROUP, ALICE)) == {260: 1.0, 1210: 1.0}
    night = await harness.movie_night(GROUP, [BOB, ALICE])
    assert "Empire Strikes Back" in night.text and "Alice" in night.text
    await harness.say(GROUP, CAROL, "/dislike empire strikes back", first_name="Carol")
    night = await harness.movie_night(GROUP, [CAROL, ALICE, BOB])
    assert "Empire Strikes Back" not in night.text and night.text.count(" — fits ") == 5
    # Bob opens a film of the picks Carol asked for and presses 👍 on its card: Bob's rating
    pick = presses.decode(night.buttons()[0][1]).movie_id
    await rate_from_card(harness, GROUP, BOB, night, pick, presses.rate(pick, 1))
    assert pick in (await harness.storage.ratings(GROUP, BOB))
    assert pick not in (await harness.storage.ratings(GROUP, CAROL))
    assert "@" not in night.text  # no usernames leak into the message


async def test_movienight_in_private_and_empty_group(harness: Harness) -> None:
    reply = await harness.say(ALICE, ALICE, "/movienight")
    assert "works in groups" in reply.text
    roster = await harness.say(GROUP, ALICE, "/movienight")
    await harness.press(GROUP, ALICE, roster, presses.night("i"))
    await harness.press(GROUP, ALICE, roster, presses.night("p"))
    assert "Nobody here" in harness.fake.last(GROUP).text


async def test_movienight_with_a_filter(harness: Harness, recommender: Recommender) -> None:
    await like_five_films(harness, GROUP, ANN)
    await harness.say(GROUP, BEN, "/like Jaws, Psycho")
    night = await harness.movie_night(GROUP, [BEN, ANN], "horror")
    ids = pick_ids(night)
    assert len(ids) == 5 and all("Horror" in g for g in genres_of(recommender, ids))


async def test_movie_night_picks_are_never_rewritten(harness: Harness) -> None:
    await group_with_picks(harness)
    night = await harness.movie_night(GROUP, [BEN, ANN])
    ids = pick_ids(night)
    assert len(night.buttons()) == 7 and len(night.text) < 700  # 5 films, 📊 Vote, More
    await rate_from_card(harness, GROUP, ANN, night, ids[0], presses.rate(ids[0], 1))
    card = harness.fake.last(GROUP)  # a card of Ann's own, as a new message
    assert card.message_id != night.message_id and card.text.startswith("🎬 ")
    await rate_from_card(harness, GROUP, BEN, night, ids[1], presses.rate(ids[1], -1))
    assert night.edits == 0
    assert (await harness.storage.ratings(GROUP, ANN))[ids[0]] == 1.0
    assert (await harness.storage.ratings(GROUP, BEN))[ids[1]] == -1.0


async def test_movienight_with_many_long_and_html_special_names(harness: Harness) -> None:
    """25 members (their names and ratings stored as the bot would: sending 25 /like messages
    and 25 roster edits through the real 20-a-minute group limit would take minutes)."""
    names = ["&" * 64, "<b>" * 20, "😀" * 60, "\u202eevil", "A" * 64] * 5
    likes = [260, 1214, 6, 608, 1]
    roster = await harness.say(GROUP, 9000, "/movienight", first_name=names[0])
    for i, first_name in enumerate(names):
        await harness.storage.remember_member(GROUP, 9000 + i, first_name)
        await harness.storage.rate(GROUP, 9000 + i, likes[i % 5], 1.0, None)
        await harness.storage.join_night(GROUP, roster.message_id, 9000 + i, True)
    await harness.press(GROUP, 9000, roster, presses.night("p"), forge=True)
    night = harness.fake.last(GROUP)
    assert "Movie night picks" in night.text and utf16_len(night.text) <= 4096
    assert "\u202e" not in night.text and "fits " in night.text


async def test_close_under_the_picks_never_calls_an_open_vote_closed(harness: Harness) -> None:
    await harness.say(GROUP, ANN, "/like Toy Story, Heat", first_name="Ann")
    await harness.say(GROUP, BEN, "/like Alien, Fargo", first_name="Ben")
    picks = await harness.movie_night(GROUP, [ANN, BEN])
    before = await harness.press(GROUP, ANN, picks, presses.vote("c"), forge=True)
    assert before["text"] == movienight_views.no_vote_yet()
    await harness.press(GROUP, ANN, picks, presses.vote("v"))
    poll_id = next(iter(harness.fake.polls))
    assert not harness.fake.polls[poll_id]["is_closed"]
    closing = await harness.press(GROUP, BEN, picks, presses.vote("c"), forge=True)
    assert closing["text"] != movienight_views.vote_closed()
    assert harness.fake.polls[poll_id]["is_closed"]  # the night's vote, closed by one who is in
    after = await harness.press(GROUP, BEN, picks, presses.vote("c"), forge=True)
    assert after["text"] == movienight_views.vote_closed()


async def test_a_shared_message_keeps_one_language_whoever_presses(harness: Harness) -> None:
    """A German starter's roster stays German as people of four languages press (their toasts
    are their own); picks, poll and winner too. A group admin then chooses Portuguese."""
    dan = CAT + 1
    people = {ANN: "de", BEN: "en", CAT: "pt-br", dan: "ru"}
    for who, code in people.items():
        await harness.say(GROUP, who, "/like Toy Story, Heat", language_code=code)
    roster = await harness.say(GROUP, ANN, "/movienight", language_code="de")
    with i18n.using("de"):
        german_head = movienight_views.roster([], "").splitlines()[0]
    assert roster.text.splitlines()[0] == plain_text(german_head, "HTML")
    toasts = {}
    for who, code in people.items():
        answer = await harness.press(GROUP, who, roster, presses.night("i"), language_code=code)
        toasts[code] = answer["text"]
        assert roster.text.splitlines()[0] == plain_text(german_head, "HTML")  # still German
    with i18n.using("ru"):
        assert toasts["ru"] == movienight_views.roster_joined()  # the presser's own language
    await harness.press(GROUP, BEN, roster, presses.night("p"), language_code="en")
    picks = harness.fake.last(GROUP)
    with i18n.using("de"):
        assert movienight_views.vote_button() in [t for t, _ in picks.buttons()]
    await harness.press(GROUP, CAT, picks, presses.vote("v"), language_code="pt-br")
    poll = next(iter(harness.fake.polls.values()))
    with i18n.using("de"):
        assert poll["question"] == movienight_views.vote_question()
    # an admin's choice of the group's language beats the starters'
    harness.fake.admins.add((GROUP, BEN))
    chooser = await harness.say(GROUP, BEN, "/language", language_code="en")
    refused = await harness.press(
        GROUP, CAT, chooser, presses.group_language("pt-BR"), language_code="pt-br"
    )
    with i18n.using("pt-BR"):
        assert refused["text"] == account_views.admins_only()
    await harness.press(GROUP, BEN, chooser, presses.group_language("pt-BR"), language_code="en")
    second = await harness.say(GROUP, ANN, "/movienight", language_code="de")
    with i18n.using("pt-BR"):
        head = movienight_views.roster([], "").splitlines()[0]
    assert second.text.splitlines()[0] == plain_text(head, "HTML")
