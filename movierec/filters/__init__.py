"""Genre and year filters from free words: "/rec 90s sci-fi", "something funny from the 90s",
"комедии 80-х", "películas de terror", "Komödien ab 2010".

`parse_filter(text)` turns a phrase into a `Filter` (genres, an inclusive year range) plus the words
it did not understand; `Filter.mask` turns the filter into a boolean catalogue mask that the
recommender applies *before* ranking, so that asking for horror returns five horror films rather
than the horror films among five general picks.

Decisions, so that the bot and its users can rely on them:

Words
    Text is compared folded: Unicode NFC, case-folded, accents dropped ("Komödie" = "komodie",
    "animación" = "animacion", "ё" = "е"), apostrophes dropped ("80's" = "80s"), typographic
    dashes read as "-", invisible format characters (RTL marks, zero-width joiners) removed. Only
    ASCII digits are numbers: "２０１０" or "٢٠١٠" are words the parser does not understand.
    Punctuation and emoji separate words and are otherwise ignored. `rest` keeps words as typed.

Genres (any-of)
    Genre names, plurals and synonyms in every language of `movierec.languages` (English, Russian,
    Spanish, Portuguese (Brazil), German: one lexicon file each, see `movierec.filters.lexicon`) map
    to MovieLens genre names; several genres mean *any of them* ("comedy horror" → Comedy or
    Horror), because that is what the catalogue mask can express and what widens rather than empties
    the list. "romantic comedy" therefore means Romance or Comedy. Russian words are matched by stem
    plus a common ending, so typed inflections ("комедию", "комедиями", "мультиков") work. ml-1m
    writes "Children's" and ml-latest writes "Children": the filter says "Children's" and the mask
    matches both. Films with no genres ("(no genres listed)") never pass a genre filter. A filter
    cannot exclude, so a negated word ("no horror", "без ужасов", "kein Horror") is not understood
    (it stays in `rest`) rather than turned into its opposite.

Years
    * Decades: "80s", "'80s", "80's", "1980s", "eighties", "80-х", "восьмидесятых", "años 80",
      "los 80", "anos 80", "80er", "80er Jahre", "achtziger" → 1980–1989. Two-digit decades 00–20
      are 2000–2029, 30–90 are 1930–1999 (so "20s" and "twenties" are the 2020s; say "1920s").
      "early", "mid", "late" (and the equivalents) narrow a decade to its years 0–4, 3–6, 5–9.
    * Bounds: "before 1980" → up to 1979, "after 2010" → from 2011 (both exclusive, as in speech);
      "since 2010", "2010 onwards", "2010+", "с 2010", "desde 2010", "seit/ab 2010" → from 2010;
      "until/till/up to 2000" → up to 2000 (inclusive). Before/after a decade excludes the decade.
      "до" is read as "before" (exclusive), like "vor", "antes de".
    * "from 2000" alone means *of* 2000 (a film "from 1994" was made in 1994); "from" is a filler,
      as are "de", "aus", "из". "from 2000 to 2005", "2000-2005", "2000–2005", "2000 to 2005",
      "1995-99", "between 2000 and 2005", "с 2000 по 2005", "de 2000 a 2005", "von 2000 bis 2005"
      are inclusive ranges.
    * "recent"/"new"/"newer" → from `latest_year` − 10 to `latest_year` (`latest_year` defaults to
      2018, the newest year of ml-latest-small; pass the catalogue's own), and the filter is
      `recent` so that its label says so with the years ("recent (2013–2023)"), unless other
      words narrowed them. "old"/"classic" → up to 1970.
    * A lone year such as "2001" or "1941" is also a film title, so a year counts as a filter only
      with company: another filter word ("comedy 2015"), a preposition ("from 2015", "after 2015")
      or a filler ("films 2015"). "2001" alone, or "2001: A Space Odyssey", stays in `rest`.
    * Combining: the decades, years and ranges someone names are a union, kept as the single span
      from the earliest start to the latest end ("80s and 2010s" → 1980–2019: one range is what the
      mask and the labels can say, and the gap is rarely what was meant to be excluded). Bounds
      ("before", "after", "since", "until", "recent", "old") are constraints and intersect with
      each other and with that span ("90s before 1995" → 1990–1994; "after 2000 until 2005" →
      2001–2005). Contradictions ("before 1980 after 2010") are kept, not rejected: the filter is
      `impossible`, `mask` is all False, and its labels say so (`YearKind.NONE` with both ends), so
      the bot can answer "nothing matches, widen it" with what the person asked for.

Filter or title?
    `Parsed.complete` is True when at least one word was understood and every word was a filter
    word or a filler ("something", "film", "please", "что-нибудь", "película", "etwas", ...). It is
    what a private chat needs to decide "filtered request" versus "title search". Titles made of
    filter words are the hard case: "Scary Movie", "Love Story", "The War", "The Kid". A text that
    is exactly such a title as people type it (two words or more; case, accents and punctuation
    aside: "the kid", "scary movie!", but not "a scary movie" or "kid") is
    `title_like`, and `complete` is then False while `filter` is still filled, so `/rec scary movie`
    still asks for horror while plain "Scary Movie" is looked up as a film. The built-in list covers
    such titles in ml-1m and ml-latest-small (a test keeps it so); `parse_filter(titles=...)`
    takes the catalogue's own (see `filter_like_titles`). A single word ("Western", "Kids") is
    always the genre: someone typing one genre word wants the genre far more often than the film.

Labels
    `Filter.labels()` says what a filter is without words of any language: the genres as canonical
    MovieLens names, the years as a `YearKind` (one year, a decade, between, from, to, none) with
    their ends. The bot puts them into the person's language.

Any input is accepted: empty, very long, emoji, other scripts, SQL-looking text; nothing raises.
"""

from movierec.filters.model import GENRES, Filter, GenreLabel, Label, Parsed, YearKind, YearLabel
from movierec.filters.parser import (
    KNOWN_TITLES,
    LATEST_YEAR,
    filter_like_titles,
    parse_filter,
    title_key,
    typed_title,
)

__all__ = [
    "GENRES",
    "KNOWN_TITLES",
    "LATEST_YEAR",
    "Filter",
    "GenreLabel",
    "Label",
    "Parsed",
    "YearKind",
    "YearLabel",
    "filter_like_titles",
    "parse_filter",
    "title_key",
    "typed_title",
]
