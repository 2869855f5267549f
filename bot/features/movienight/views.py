"""The movienight feature's texts and keyboards (see `bot.ui.texts` for how texts are written)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, InputPollOption

from bot.features.movienight.callbacks import (
    CloseVote,
    GroupMore,
    JoinNight,
    LeaveNight,
    MatchPrivately,
    PickForUs,
    StartVote,
    Swipe,
    TakeMatch,
    Verdict,
    WaitForMatches,
)
from bot.features.picks.views import card_rows, tap_a_film
from bot.i18n import _, ngettext
from bot.ui import html, texts
from bot.ui.keyboards import button
from bot.ui.more import MAX_OFFSET
from movierec.filters import Filter
from movierec.recommender import GroupPick
from movierec.short_titles import short_labels


def group_empty() -> str:
    return _("Nobody here has rated a film yet. Each of you: /like <i>title</i> first!")


def group_only() -> str:
    return _("/movienight works in groups. Here, /recommend gives you your own picks.")


def roster_empty_toast() -> str:
    return _("Nobody is in yet: tap 🙋 I'm in first.")


def roster_joined() -> str:
    return _("You're in for tonight.")


def roster_left() -> str:
    return _("Maybe next time.")


def rate_first() -> str:
    return _("Rate a few films first (in our private chat): they count here too.")


def no_roster() -> str:
    return _("That movie night is over: send /movienight to start another.")


def vote_open() -> str:
    return _("A vote is already open: answer it above.")


def vote_done() -> str:
    return _("This movie night has chosen already (see /history). /movienight starts another.")


def vote_started() -> str:
    return _("📊 Vote started.")


def vote_closed() -> str:
    return _("The vote is closed.")


def no_vote_yet() -> str:
    return _("No vote is open here: 📊 Vote under the picks starts one.")


def not_in_roster() -> str:
    return _("Only people who are in tonight can close the vote.")


def vote_question() -> str:
    return _("🍿 What shall we watch tonight?")


def history_empty() -> str:
    return _("No movie night has chosen a film here yet. /movienight starts one.")


def im_in() -> str:
    return _("🙋 I'm in")


def rate_films_first() -> str:
    return _("🎬 Rate films first")


def not_tonight() -> str:
    return _("🚪 Not tonight")


def pick_for_us() -> str:
    return _("🍿 Pick for us")


def vote_button() -> str:
    return _("📊 Vote")


def close_vote() -> str:
    return _("🏁 Close vote")


def roster(
    names: Sequence[str],
    label: str,
    unrated: Sequence[str] = (),
    when: str = "",
    cancelled: bool = False,
) -> str:
    """The movie-night roster: who is in tonight (names already escaped), and for a planned
    night when it starts (`when`, already formatted) or that it was cancelled."""
    if when:
        head = _("🍿 <b>Movie night: {when}</b>. Who's in?").format(when=escape(when))
    else:
        head = _("🍿 <b>Movie night!</b> Who's in tonight?")
    if label:
        head += f"\n<i>{escape(label)}</i>"
    if cancelled:
        return head + "\n\n" + cancelled_note()
    if not names:
        return head + "\n\n" + _("Nobody yet: tap 🙋 I'm in.")
    first = " <i>" + _("(rate a few films first)") + "</i>"
    lines = [f"• {n}{first if n in unrated else ''}" for n in names]
    heading = "<b>" + _("In ({count}):").format(count=len(names)) + "</b>"
    if when:
        tail = _("The vote opens an hour before and closes at the start (or 🍿 Pick for us now).")
    else:
        tail = _("When everyone is in: 🍿 Pick for us.")
    return html.join_blocks([head, "", heading, *lines], "\n" + tail)


def cancelled_note() -> str:
    return _("❌ This movie night was cancelled.")


def zone_note(zone: str, chosen: bool) -> str:
    """Under a planned roster: the zone its time is in (and, before anyone chose one, how to)."""
    if chosen:
        return _("Times are in {zone}.").format(zone=escape(zone))
    return _(
        "Times are in UTC: this group has no time zone yet. A group admin can set it with "
        "/timezone Europe/Berlin (any IANA zone)."
    )


def time_passed() -> str:
    return _("That time has passed: name a time ahead, e.g. /movienight fri 20:00.")


def reminder(
    when: str, names: Sequence[str], not_voted: Sequence[str], vote_open: bool, decided: bool
) -> str:
    """Before a planned night (names already escaped, never @-mentions)."""
    lines = ["⏰ <b>" + _("Movie night {when}").format(when=escape(when)) + "</b>"]
    if names:
        lines.append(_("In: {names}").format(names=html.join_names_html(list(names))))
    else:
        lines.append(_("Nobody is in yet: tap 🙋 I'm in on the roster."))
    if vote_open and not_voted:
        lines.append(
            _("Not voted yet: {names}").format(names=html.join_names_html(list(not_voted)))
        )
    elif not vote_open and not decided and names:
        lines.append(_("The vote opens an hour before the start."))
    return "\n".join(lines)


def vote_question_until(until: str) -> str:
    """The poll of a planned night: Telegram allows 1-300 characters."""
    return _("🍿 What shall we watch? The vote closes at {time}.").format(time=until)


def nobody_in() -> str:
    return _("Nobody was in for this movie night, so there was no vote.")


def closed_late(late: float) -> str:
    minutes = max(int(late // 60), 1)
    return ngettext(
        "The vote closed {minutes} minute late: I was away at the start.",
        "The vote closed {minutes} minutes late: I was away at the start.",
        minutes,
    ).format(minutes=minutes)


def cancel_done() -> str:
    return _("Cancelled: nobody will be reminded.")


def cancel_none() -> str:
    return _("No planned movie night to cancel here (reply /cancel to its roster).")


def cancel_not_allowed() -> str:
    return _("Only whoever planned this movie night or a group admin can cancel it.")


def zone_set(zone: str) -> str:
    return _("This group's time zone is now {zone}.").format(zone=escape(zone))


def zone_current(zone: str | None) -> str:
    if zone is None:
        return _(
            "This group has no time zone yet (times are in UTC). A group admin can set it: "
            "/timezone Europe/Berlin"
        )
    return _(
        "This group's time zone is {zone}. A group admin can change it: /timezone Area/City"
    ).format(zone=escape(zone))


def zone_unknown(name: str) -> str:
    return _("I don't know the time zone “{name}”: try Europe/Berlin or America/Sao_Paulo.").format(
        name=escape(name[:64])
    )


def zone_admin_only() -> str:
    return _("Only a group admin can set the group's time zone.")


def night_picks(
    items: Sequence[GroupPick],
    offset: int,
    names: Mapping[int, str],
    reasons: Mapping[tuple[int, int], str] | None = None,
) -> str:
    """Movie-night picks, light: one short line per film (number, title, year) with whose taste
    it fits and the film of theirs it is like: "fits Ann (Alien) and Ben (Heat)". The rest is on
    each film's card."""
    reasons = reasons or {}
    lines = ["🍿 <b>" + _("Movie night picks") + "</b>", ""]
    labels = short_labels([p.title for p in items])
    for number, (pick, label) in enumerate(zip(items, labels, strict=True), offset + 1):
        fits = []
        for member in pick.matches:
            key = (pick.movie_id, int(str(member)))
            liked = f" ({html.short_title_html(reasons[key])})" if key in reasons else ""
            fits.append(html.name_html(names.get(int(str(member)))) + liked)
        if fits:
            who = _("fits {names}").format(names=html.join_names_html(fits))
        else:
            who = _("fits a bit of everyone")
        year = f" ({pick.year})" if pick.year and f"({pick.year})" not in label else ""
        lines.append(f"{number}. <b>{escape(label)}</b>{year} — {who}")
    ending = "\n<i>" + tap_a_film() + " " + _("Tap 📊 Vote to decide together.") + "</i>"
    return html.join_blocks(lines, ending)


def poll_option(movie_title: str) -> str:
    """A poll option: Telegram allows 1-100 characters."""
    return html.title_plain(movie_title, 100)


def poll_options(films: Sequence[tuple[str, str | None]]) -> list[InputPollOption]:
    """The vote's options: each film's title, with its poster (a URL) as the option's photo
    where there is one (Bot API 10.0's poll option media)."""
    return [
        InputPollOption(poll_option(title), media=InputMediaPhoto(poster) if poster else None)
        for title, poster in films
    ]


def poll_description() -> str:
    """Under a night's poll (Telegram allows 0-1024 characters)."""
    return _(
        "Results show when the vote closes. Add a film of your own: a title I know becomes that "
        "film; anything else can still win, but I can't keep it in /history."
    )


def option_added_film(movie_title: str) -> str:
    return _("➕ {title} is in the vote: a film I know, so it can win like the picks.").format(
        title="<b>" + html.title_html(movie_title) + "</b>"
    )


def option_added_unknown(text: str) -> str:
    return _(
        "➕ “{text}” is in the vote, but it isn't a film I know: if it wins, I'll announce it "
        "and keep nothing in /history."
    ).format(text=escape(text[:100]))


def winner_unknown() -> str:
    return _("Not a film I know, so it is not in /history.")


def winner(movie_title: str, votes: int, voters: int) -> str:
    tally = ngettext("{votes} of {voters} vote.", "{votes} of {voters} votes.", voters).format(
        votes=votes, voters=voters
    )
    return (
        "🏆 <b>"
        + _("Tonight: {title}").format(title=html.title_html(movie_title))
        + "</b>\n"
        + tally
        + " "
        + _("Enjoy the film! I won't suggest it to this group again (/history).")
    )


def history_page(entries: Sequence[tuple[str | None, str]]) -> str:
    """What this group chose: (title, date) pairs, newest first."""
    blocks = ["🎞 <b>" + _("Movie nights here") + "</b>"]
    for movie_title, when in entries:
        blocks.append(
            f"• {html.title_html(movie_title) if movie_title else texts.unknown_film()} "
            f"<i>({when})</i>"
        )
    return html.join_blocks(blocks)


def roster_keyboard(anyone_in: bool, rate_url: str | None = None) -> InlineKeyboardMarkup:
    """I'm in / Not tonight, Pick for us once somebody is in, and a link that opens the bot's
    private chat for people who have rated nothing yet (those ratings count in every group)."""
    rows = [
        [
            button(im_in(), JoinNight()),
            button(not_tonight(), LeaveNight()),
        ]
    ]
    if anyone_in:
        rows.append([button(pick_for_us(), PickForUs()), button(match_button(), MatchPrivately())])
    if rate_url:
        rows.append([InlineKeyboardButton(rate_films_first(), url=rate_url)])
    return InlineKeyboardMarkup(rows)


def night_picks_keyboard(
    movie_ids: Sequence[int], offset: int, wanted: Filter, titles: Sequence[str] | None = None
) -> InlineKeyboardMarkup:
    """Movie-night picks: a button per film opening its card (a card of the presser's own, as a
    new message: the list is the group's), then 📊 Vote and More on one row."""
    rows = card_rows(movie_ids, offset, titles=titles)
    last = [button(vote_button(), StartVote())]
    if offset + len(movie_ids) < MAX_OFFSET:
        last.append(button(texts.more(), GroupMore(offset + len(movie_ids), wanted)))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


def group_picks_keyboard(
    movie_ids: Sequence[int], offset: int, titles: Sequence[str] | None = None
) -> InlineKeyboardMarkup:
    """A group's picks from before rosters: the films' buttons and More, no vote."""
    rows = card_rows(movie_ids, offset, titles=titles)
    if offset + len(movie_ids) < MAX_OFFSET:
        rows.append([button(texts.more(), GroupMore(offset + len(movie_ids)))])
    return InlineKeyboardMarkup(rows)


def close_vote_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(close_vote(), CloseVote())]])


# ------------------------------------------------------------------ match mode
def match_button() -> str:
    return _("🃏 Match privately")


def match_started() -> str:
    return _("🃏 Your cards are in our private chat.")


def match_again() -> str:
    return _("🃏 Match mode is on: your next card is in our private chat.")


def match_not_in() -> str:
    return _("Only people who are in tonight can swipe: tap 🙋 I'm in first.")


def match_only_starter() -> str:
    return _("Only whoever started match mode can choose that.")


def match_wanted(count: int) -> str:
    return ngettext(
        "I'll announce when there is {count} match.",
        "I'll announce when there are {count} matches.",
        count,
    ).format(count=count)


def matching(names: Sequence[str], unreachable: Sequence[str], wanted: int) -> str:
    """In the group once match mode starts (names already escaped): who gets cards, nobody's
    swipes."""
    lines = [
        "🃏 <b>" + _("Match mode") + "</b>",
        _(
            "Each of you gets cards in our private chat: 👍 / 👎 / 🙈 seen. Nobody sees anyone "
            "else's swipes. {wanted}"
        ).format(wanted=match_wanted(wanted)),
        _("Swiping: {names}").format(names=html.join_names_html(list(names))),
    ]
    if unreachable:
        lines.append(
            _(
                "I can't write to {names} yet: open a chat with me (🎬 under the roster), then "
                "tap 🃏 Match privately again."
            ).format(names=html.join_names_html(list(unreachable)))
        )
    return "\n".join(lines)


def wait_button(count: int, current: int) -> str:
    label = ngettext("{count} match", "{count} matches", count).format(count=count)
    return ("✅ " if count == current else "") + label


def matching_keyboard(wanted: int, most: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(wait_button(n, wanted), WaitForMatches(n)) for n in range(1, most + 1)]]
    )


def card_head(group_title: str) -> str:
    return "🃏 " + _("Movie night in {group}").format(group=escape(group_title))


def swipe_like() -> str:
    return _("👍 Yes")


def swipe_dislike() -> str:
    return _("👎 Not tonight")


def swipe_seen() -> str:
    return _("🙈 Seen it")


def swiped(verdict: str) -> str:
    if verdict == "like":
        return _("👍 You'd watch it.")
    if verdict == "dislike":
        return _("👎 Not tonight (this is not a dislike in your taste).")
    return _("🙈 Seen: I won't suggest it again.")


def deck_done() -> str:
    return _("🃏 That was the last card. I'll announce a match in the group.")


def swipe_over() -> str:
    return _("That movie night is over or has chosen.")


def swipe_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(swipe_like(), Swipe(Verdict.LIKE)),
                button(swipe_dislike(), Swipe(Verdict.DISLIKE)),
                button(swipe_seen(), Swipe(Verdict.SEEN)),
            ]
        ]
    )


def matched(films: Sequence[tuple[str, Sequence[str]]]) -> str:
    """A match in the group: each film everyone in liked, with who liked it (names escaped)."""
    if len(films) == 1:
        head = _("It's a match!")
    else:
        head = ngettext("{count} match!", "{count} matches!", len(films)).format(count=len(films))
    blocks = ["🃏 <b>" + head + "</b>"]
    for movie_title, names in films:
        blocks.append(
            f"• <b>{html.title_html(movie_title)}</b>\n  "
            + _("liked by {names}").format(names=html.join_names_html(list(names)))
        )
    if len(films) > 1:
        tail = _("Vote among them, or take the first one.")
    else:
        tail = _("Take it, or keep swiping for more.")
    return html.join_blocks(blocks, "\n<i>" + tail + "</i>")


def take_button(movie_title: str) -> str:
    return "✅ " + _("Take {title}").format(title=html.title_plain(movie_title, 40))


def matched_keyboard(first_title: str, several: bool) -> InlineKeyboardMarkup:
    rows = [[button(take_button(first_title), TakeMatch())]]
    if several:
        rows.append([button(vote_button(), StartVote())])
    return InlineKeyboardMarkup(rows)


def taken(movie_title: str) -> str:
    return (
        "🏆 <b>"
        + _("Tonight: {title}").format(title=html.title_html(movie_title))
        + "</b>\n"
        + _("A match: everyone in liked it. Enjoy the film! (/history)")
    )
