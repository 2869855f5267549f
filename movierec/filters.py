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
    Genre names, plurals and synonyms in English, Russian, Spanish, Portuguese (Brazil) and German
    map to MovieLens genre names; several genres mean *any of them* ("comedy horror" → Comedy or
    Horror), because that is what the catalogue mask can express and what widens rather than
    empties the list. "romantic comedy" therefore means Romance or Comedy. Russian words are
    matched by stem plus a common ending, so typed inflections ("комедию", "комедиями",
    "мультиков") work. ml-1m writes "Children's" and ml-latest writes "Children": the filter says
    "Children's" and the mask matches both. Films with no genres ("(no genres listed)") never pass a
    genre filter. A filter cannot exclude, so a negated word ("no horror", "без ужасов", "kein
    Horror") is not understood (it stays in `rest`) rather than turned into its opposite.

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
    * "recent"/"new"/"newer" → from `latest_year` − 10 (`latest_year` defaults to 2018, the newest
      year of ml-latest-small; pass the catalogue's own). "old"/"classic" → up to 1970.
    * A lone year such as "2001" or "1941" is also a film title, so a year counts as a filter only
      with company: another filter word ("comedy 2015"), a preposition ("from 2015", "after 2015")
      or a filler ("films 2015"). "2001" alone, or "2001: A Space Odyssey", stays in `rest`.
    * Combining: the decades, years and ranges someone names are a union, kept as the single span
      from the earliest start to the latest end ("80s and 2010s" → 1980–2019: one range is what the
      mask and the labels can say, and the gap is rarely what was meant to be excluded). Bounds
      ("before", "after", "since", "until", "recent", "old") are constraints and intersect with
      each other and with that span ("90s before 1995" → 1990–1994; "after 2000 until 2005" →
      2001–2005). Contradictions ("before 1980 after 2010") are kept, not rejected: the filter is
      `impossible`, `mask` is all False, and `describe()` says so, so the bot can answer "nothing
      matches, widen it" with what the person asked for.

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
    `looks_like_filter(text)` adds the requirement of at least one genre or year word, so that
    "please" or "🎬" alone are not requests.

Any input is accepted: empty, very long, emoji, other scripts, SQL-looking text; nothing raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

LATEST_YEAR = 2018  # newest year in ml-latest-small; the bot passes its catalogue's own
RECENT_YEARS = 10  # "recent" = the last ten years of the catalogue
OLD_UNTIL = 1970  # "old", "classic": up to and including this year
MIN_YEAR, MAX_YEAR = 1880, 2099  # four-digit numbers outside this are not years

# Canonical MovieLens genre names, in the order labels list them.
GENRES = (
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "IMAX",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
# How each data set may spell a canonical genre (ml-latest dropped the apostrophe).
_SPELLINGS = {"Children's": ("Children's", "Children")}
_NO_GENRES = "(no genres listed)"


# --- folding and words -------------------------------------------------------------------------

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹣－"), "-")
_APOSTROPHES = dict.fromkeys(map(ord, "’‘ʼ`´′"), "'")


def _clean(text: str) -> str:
    """NFC, one kind of dash and apostrophe, no invisible format characters (RTL marks, ZWJ)."""
    text = unicodedata.normalize("NFC", text).translate(_DASHES).translate(_APOSTROPHES)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def fold(word: str) -> str:
    """Case-folded, accent-free, apostrophe-free form under which words are compared."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).replace("'", "")


# Decade shapes first ("80s", "'80s", "1980s", "80-х", "80-е", "80er", "80er-Jahre", "80ies"), then
# plain ASCII numbers (a year followed by "+" means "and later"), then words (letters, with inner
# hyphens and apostrophes: "sci-fi", "что-нибудь", "children's"), then a lone dash (ranges), then
# anything else word-like (digits of other scripts), which is never understood.
_TOKEN = re.compile(
    r"'?[0-9]{2}(?:[0-9]{2})?'?"
    r"(?:s|ies|-?(?:х|x|е|e|ые|ых|ие|их|ии|ои|ого)|-?ern?(?:-?jahren?)?)(?![^\W_])"
    r"|[0-9]+\+?(?![^\W_])"
    r"|[^\W\d_]+(?:['-][^\W\d_]+)*"
    r"|-"
    r"|[^\W_]+"
)
_DECADE_TOKEN = re.compile(
    r"([0-9]{2}|[0-9]{4})(?:s|ies|-?(?:х|x|е|e|ые|ых|ие|их|ии|ои|ого)|-?ern?(?:-?jahren?)?)$"
)


@dataclass(frozen=True)
class _Word:
    text: str  # as typed
    key: str  # folded


def _words(text: str) -> list[_Word]:
    return [_Word(m.group(), fold(m.group())) for m in _TOKEN.finditer(_clean(text))]


def _word_set(words: str) -> set[str]:
    """The folded forms of space-separated words."""
    return {fold(w) for w in words.split()}


# --- vocabulary --------------------------------------------------------------------------------

# Common endings typed after a stem marked with "*" (Russian cases and numbers, Romance and German
# plurals and adjective endings). Stems are long enough that the endings cannot reach other words.
_ENDINGS = (
    "",
    *_word_set(
        "s es e en er n a o os as "
        "а о я и ю ей ям ями ях е ы у ой ий ый ое ее ые ие ых их ого его ому ему ую юю ая яя "
        "ам ами ах ов ев ом ем ью ок ки ку ке ков ка"
    ),
)

_GENRE_WORDS: dict[str, str] = {
    "Action": """
        action actions actioner* action-packed shoot-em-up
        боевик* экшн экшен экшена
        accion
        acao
        actionfilm* actionkino
    """,
    "Adventure": """
        adventure* adventurous
        приключени* приключенческ*
        aventura* aventureira* aventurero*
        abenteuer* abenteuerfilm*
    """,
    "Animation": """
        animation* animated cartoon* anime animes
        мультфильм* мультик* мульт мульты анимаци* анимационн* аниме мультипликационн*
        animacion animaciones animada* animado* caricatura* |dibujos animados| |dibujo animado|
        animacao animacoes desenho* |desenhos animados| |desenho animado|
        zeichentrick* zeichentrickfilm* animationsfilm* trickfilm* |anime-film|
    """,
    "Children's": """
        kids kid kiddie children childrens child family families family-friendly
        |for kids| |for children| |for the family| |for the whole family|
        детск* семейн* |для детей| |для всей семьи| |для семьи|
        infantil infantiles |para ninos| |para toda la familia| familiar familiares
        infantis |para criancas| criancas |para a familia| |para toda a familia|
        kinderfilm* kinder familienfilm* |fur kinder| |fur die familie| |fur die ganze familie|
    """,
    "Comedy": """
        comedy comedies comedic funny funniest hilarious humor humour humorous laugh laughs
        комеди* комедийн* смешн* юмор* ржачн* уморительн*
        comedia* comica* comico* divertida* divertido* graciosa* gracioso*
        comedia* engracada* engracado* humor
        komodie* komoedie* lustig* witzig* humorvoll*
    """,
    "Crime": """
        crime* gangster* mafia mob heist* |true crime|
        криминал* криминальн* гангстер* мафи*
        crimen criminal* policiaca* policiaco* mafia
        crime* criminal* policial* policiais mafia
        krimi krimis verbrechen* gangsterfilm* mafiafilm* kriminalfilm*
    """,
    "Documentary": """
        documentary documentaries documentaire doc docs docu docus docuseries
        |non-fiction| nonfiction
        документальн* документалк* док-фильм*
        documental* documentales
        documentario* documentarios
        dokumentarfilm* dokumentation* doku dokus dokumentarisch* |doku-film| dokumentarische*
    """,
    "Drama": """
        drama dramas dramatic
        драм* драматическ*
        drama dramas dramatica* dramatico*
        drama dramas dramatica* dramatico*
        drama dramen dramatisch* |drama-film|
    """,
    "Fantasy": """
        fantasy fantasies
        фэнтези фентези фэнтэзи
        fantasia fantasias fantastica fantastico
        fantasia fantasias
        fantasy fantasyfilm*
    """,
    "Film-Noir": """
        noir noirs film-noir filmnoir |film noir| |films noirs| |films noir| neo-noir |neo noir|
        нуар |фильм-нуар| |фильм нуар|
        |cine negro|
        |filme noir|
    """,
    "Horror": """
        horror* scary scariest spooky creepy frightening terrifying slasher* gore
        ужас* ужастик* хоррор* страшн* жутк*
        terror miedo |de miedo| horror* terrorifica* terrorifico* |de terror|
        terror horror* assustador* assustadora* |de terror|
        horror* gruselfilm* grusel* gruselig* horrorfilm*
    """,
    "IMAX": "imax аимакс аймакс",
    "Musical": """
        musical* |music film|
        мюзикл*
        musical* musicales
        musical* musicais
        musical* musicalfilm*
    """,
    "Mystery": """
        mystery mysteries detective* whodunit* whodunnit* |murder mystery|
        детектив* |загадк*|
        misterio* detective* detectives policial
        misterio* detetive* detetives
        mystery* mysteryfilm* detektiv* |wer ist der tater|
    """,
    "Romance": """
        romance* romantic romcom romcoms rom-com rom-coms |love story| |love stories|
        романтик* романтическ* мелодрам* |про любовь| |о любви| |фильм о любви|
        romance romances romantica* romantico* |de amor| |historia de amor|
        romance romances romantica* romantico* |de amor| |historia de amor|
        liebesfilm* romantisch* romanze* liebesgeschichte* |love-story| schnulze*
    """,
    "Sci-Fi": """
        sci-fi scifi |sci fi| |science fiction| science-fiction sciencefiction sf
        |science-fiction| |sci-fi|
        фантастик* научно-фантастическ*
        |научная фантастика| |научную фантастику| |научной фантастики|
        |ciencia ficcion| |ciencia-ficcion| |de ciencia ficcion|
        |ficcao cientifica| |ficcao-cientifica| |de ficcao cientifica|
        |science fiction| sciencefictionfilm* sci-fi-film*
    """,
    "Thriller": """
        thriller* suspense* suspenseful
        триллер* саспенс* напряженн*
        thriller* suspenso suspense
        thriller* suspense suspenses
        thriller* spannend* psychothriller*
    """,
    "War": """
        war wars wartime |war film| |war films|
        военн* войн* |про войну| |о войне|
        guerra guerras belico belicas belicos belica
        guerra guerras
        krieg kriege kriegsfilm* antikriegsfilm*
    """,
    "Western": """
        western* cowboy* |spaghetti western| |spaghetti westerns|
        вестерн*
        vaqueros
        faroeste faroestes bangue-bangue
        western* |italo-western| italowestern*
    """,
}
# Any-of pairs people say as one thing.
_GENRE_EXTRA: dict[str, tuple[str, ...]] = {
    "romcom": ("Romance", "Comedy"),
    "romcoms": ("Romance", "Comedy"),
    "rom-com": ("Romance", "Comedy"),
    "rom-coms": ("Romance", "Comedy"),
    "|romantic comedy|": ("Romance", "Comedy"),
    "|romantic comedies|": ("Romance", "Comedy"),
}

_FILLER_WORDS = """
    something anything some any a an the film films movie movies flick flicks cinema picture
    pictures from of in on with and or me us please pls plz recommend recommendation
    recommendations suggest suggestion suggestions show give find get want wanna i id im like
    would love to for good great best top nice few couple one ones kind sort type genre genres
    year years era decade decades made released tonight today could you can what whats about how
    maybe really very just pick picks rec recs more other another tell see need looking look watch
    something's stuff lets let's our my is are be that this
    что-нибудь что-то чтонибудь чтото что нибудь какой-нибудь какое-нибудь какие-нибудь какую-нибудь
    фильм фильма фильмы фильмов фильмец кино кинцо кинофильм посоветуй посоветуйте порекомендуй
    порекомендуйте покажи покажите дай дайте найди хочу хочется хотим посмотреть глянуть смотреть
    из в во на про о об для и или с по мне нам пожалуйста плиз хороший хорошее хорошие хороших
    интересное интересный интересные лучшие лучших годов годы год года годах году лет жанр жанра
    жанре эпохи какой-то какое-то какие-то что
    algo alguna alguno algunas algunos una un unas unos pelicula peliculas peli pelis cine de del
    la las el los en con y o me por favor recomienda recomiendame recomiendeme muestrame dame
    quiero ver buena buenas bueno buenos mejores anos ano decada genero para que
    um uma uns umas filme filmes da do das dos na no nas nos em com e ou por favor recomenda
    recomende me mostra mostre quero assistir boa boas bom bons melhores anos ano decada genero
    para algum alguma
    etwas ein eine einen einem einer film filme films kino aus von vom den der die das dem des im
    in mit und oder mir uns bitte empfiehl empfehle empfehlung zeig zeige gib ich will mochte
    sehen gute guten gutes beste besten jahre jahren jahr jahrzehnt genre fur irgendwas irgendein
    irgendeinen
"""
_ARTICLES = _word_set("the a an los las el la le os as o die der das den dem")

# Year words. Each maps a folded key to how it is used.
_DECADE_WORDS: dict[int, str] = {
    1930: "thirties тридцат~ treinta trinta dreissiger",
    1940: "forties сороков~ cuarenta quarenta vierziger",
    1950: "fifties пятидесят~ cincuenta cinquenta funfziger",
    1960: "sixties шестидесят~ sesenta sessenta sechziger",
    1970: "seventies семидесят~ setenta siebziger",
    1980: "eighties восьмидесят~ ochenta oitenta achtziger",
    1990: "nineties девяност~ noventa neunziger",
    2000: "noughties aughts нулев~ nuller",
    2010: "десят~ zehner",
    2020: "twenties двадцат~ veinte vinte zwanziger",
}
# Russian decade adjectives: "восьмидесятые", "восьмидесятых", "восьмидесятым(и)".
_RU_DECADE_ENDINGS = ("ые", "ых", "ым", "ыми")
# German decade words also come as "achtzigern", "achtzigerjahre", "achtziger-jahre".
_DECADE_DE_SUFFIXES = ("", "n", "jahre", "jahren", "-jahre", "-jahren")
_DECADE_INTRO = _word_set("anos los las dos os decada decadas")  # "años 80", "los 80"

_BEFORE = _word_set("before pre prior earlier до раньше antes vor")
_AFTER = _word_set("after post later после despues depois apos nach")
_SINCE = _word_set("since с начиная desde seit ab")
_UNTIL = _word_set("until till til up-to through thru по hasta ate bis")
_BETWEEN = _word_set("between между entre zwischen")
_SEPARATORS = _word_set("- to till until through thru по до a al hasta ate bis and и y e und or")
_ONWARD = {("on",), ("onwards",), ("onward",), ("and", "later"), ("or", "later"), ("and", "newer")}
_ONWARD |= {("and", "after"), ("или", "позже"), ("и", "позже"), ("en", "adelante")}
_ONWARD |= {("em", "diante"), ("und", "spater"), ("oder", "spater"), ("y", "despues")}
_NOT = _word_set(
    "not no non without except but не без кроме sin excepto sem exceto nao "
    "kein keine keinen ohne nicht außer"
)
_PREP_SKIP = _word_set("de del do da - the")  # "antes de", "antes del", "pre-1980"
_MODIFIERS: dict[str, tuple[int, int]] = {}
for _words_, _span in (
    (
        "early начала начало ранние ранних principios inicios inicio comienzos fruhe fruhen anfang",
        (0, 4),
    ),
    ("mid mid-to середины середина mediados meados mitte", (3, 6)),
    ("late конца конец поздние поздних finales fines final fim ende spate spaten", (5, 9)),
):
    for _w in _words_.split():
        _MODIFIERS[fold(_w)] = _span

_RECENT = _word_set(
    "recent newer new newest latest fresh новое новые новый новинки новинку свежее свежие свежий "
    "недавние недавний современные современное reciente recientes nueva nuevas nuevo nuevos "
    "actuales recente recentes novo novos nova novas neu neue neuer neues neuen aktuell aktuelle "
    "aktuellen"
)
_OLD = _word_set(
    "old older oldie oldies classic classics vintage старое старые старый старых старенькое "
    "классика классику классики классический классические antigua antiguas antiguo antiguos "
    "vieja viejas viejo viejos clasica clasicas clasico clasicos antigo antigos antiga antigas "
    "velho velhos classico classicos alt alte alten alter altes klassiker klassisch "
    "klassische klassischen"
)


def _expand(entries: str) -> list[tuple[str, ...]]:
    """Vocabulary entries → folded phrases: "|a b|" is a phrase, "stem*" takes common endings."""
    phrases: list[tuple[str, ...]] = []
    for raw in re.findall(r"\|[^|]+\||\S+", entries):
        words = raw.strip("|").split()
        forms: list[list[str]] = []
        for word in words:
            if word.endswith("*"):
                stem = fold(word[:-1])
                forms.append([stem + e for e in _ENDINGS])
            else:
                forms.append([fold(word)])
        combos: list[tuple[str, ...]] = [()]
        for options in forms:
            combos = [(*c, o) for c in combos for o in options]
        phrases.extend(combos)
    return phrases


def _build_genres() -> dict[tuple[str, ...], frozenset[str]]:
    table: dict[tuple[str, ...], set[str]] = {}
    for genre, entries in _GENRE_WORDS.items():
        for phrase in _expand(entries):
            table.setdefault(phrase, set()).add(genre)
    for entry, genres in _GENRE_EXTRA.items():
        for phrase in _expand(entry):
            table.setdefault(phrase, set()).update(genres)
    # Hyphenated and spaced spellings are the same phrase ("sci-fi", "sci fi", "scifi").
    for phrase, found in list(table.items()):
        for variant in _hyphen_variants(phrase):
            table.setdefault(variant, set()).update(found)
    return {phrase: frozenset(genres) for phrase, genres in table.items()}


def _hyphen_variants(phrase: tuple[str, ...]) -> list[tuple[str, ...]]:
    joined = " ".join(phrase)
    if "-" not in joined and len(phrase) == 1:
        return []
    spaced = tuple(joined.replace("-", " ").split())
    glued = (joined.replace("-", "").replace(" ", ""),)
    hyphened = (joined.replace(" ", "-"),)
    return [spaced, glued, hyphened]


def _build_decades() -> dict[str, int]:
    table: dict[str, int] = {}
    for start, entries in _DECADE_WORDS.items():
        for word in entries.split():
            if word.endswith("~"):
                for ending in _RU_DECADE_ENDINGS:
                    table[fold(word[:-1] + ending)] = start
            elif word.endswith(("iger", "nuller", "zehner")):
                for suffix in _DECADE_DE_SUFFIXES:
                    table[fold(word + suffix)] = start
            else:
                table[fold(word)] = start
    return table


_GENRE_TABLE = _build_genres()
_GENRE_MAX_LEN = max(len(p) for p in _GENRE_TABLE)
_FILLERS = {fold(w) for w in _FILLER_WORDS.split()}
_DECADE_TABLE = _build_decades()
_FOLDED_SETS = {
    name: {fold(w) for w in words}
    for name, words in {
        "before": _BEFORE,
        "after": _AFTER,
        "since": _SINCE,
        "until": _UNTIL,
        "between": _BETWEEN,
        "sep": _SEPARATORS,
        "recent": _RECENT,
        "old": _OLD,
        "intro": _DECADE_INTRO,
        "skip": _PREP_SKIP,
        "articles": _ARTICLES,
        "not": _NOT,
    }.items()
}
_ONWARD_FOLDED = {tuple(fold(w) for w in phrase) for phrase in _ONWARD}


# --- the filter --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """Which films a request allows: any of `genres` (none: any), years in [year_from, year_to]."""

    genres: frozenset[str] = frozenset()
    year_from: int | None = None  # inclusive
    year_to: int | None = None  # inclusive

    def is_empty(self) -> bool:
        """No constraint at all: every film passes (the request was unfiltered)."""
        return not self.genres and self.year_from is None and self.year_to is None

    @property
    def impossible(self) -> bool:
        """Contradictory years ("before 1980 after 2010"): no film can pass."""
        return (
            self.year_from is not None
            and self.year_to is not None
            and self.year_from > self.year_to
        )

    def mask(self, movies: pd.DataFrame, size: int) -> np.ndarray:
        """Boolean mask over movie ids [0, size): True for films in `movies` that pass.

        `movies` is the catalogue frame of `movierec.data.load_movies` (indexed by movie id, with
        "year" and "genres"). Ids outside [0, size) are ignored and ids absent from the frame are
        False, so the mask can be ANDed with the recommender's candidate mask directly. A film with
        no year fails any year constraint; a film with no genres fails any genre constraint.
        """
        out = np.zeros(max(int(size), 0), dtype=bool)
        if self.impossible or len(out) == 0 or len(movies) == 0:
            return out
        ids = np.asarray(movies.index, dtype=np.int64)
        keep = (ids >= 0) & (ids < len(out))
        if self.year_from is not None or self.year_to is not None:
            numeric = pd.to_numeric(pd.Series(movies["year"], copy=False), errors="coerce")
            years = numeric.to_numpy(dtype=float, na_value=np.nan)
            with np.errstate(invalid="ignore"):
                if self.year_from is not None:
                    keep &= years >= self.year_from
                if self.year_to is not None:
                    keep &= years <= self.year_to
        if self.genres:
            wanted = {s for g in self.genres for s in _SPELLINGS.get(g, (g,))}
            keep &= np.fromiter(
                (_has_genre(value, wanted) for value in movies["genres"]), bool, len(ids)
            )
        out[ids[keep]] = True
        return out

    def labels(self) -> tuple[tuple[str, ...], str | None]:
        """Genre names (canonical, for the bot to translate) and a language-neutral year label.

        Year labels: "1990s", "2015", "2000–2005", "≥ 2011", "≤ 1979", "∅" (impossible), or None.
        """
        order = {g: i for i, g in enumerate(GENRES)}
        genres = tuple(sorted(self.genres, key=lambda g: (order.get(g, len(order)), g)))
        return genres, self._year_label(neutral=True)

    def describe(self) -> str:
        """A short English label for messages: "Comedy · 1990s", "Horror or Sci-Fi · after 2010"."""
        genres, _ = self.labels()
        parts = []
        if genres:
            parts.append(
                genres[0] if len(genres) == 1 else ", ".join(genres[:-1]) + " or " + genres[-1]
            )
        year = self._year_label(neutral=False)
        if year:
            parts.append(year)
        return " · ".join(parts) if parts else "any film"

    def _year_label(self, neutral: bool) -> str | None:
        lo, hi = self.year_from, self.year_to
        if lo is None and hi is None:
            return None
        if self.impossible:
            return "∅" if neutral else f"no year (since {lo} and until {hi})"
        if lo is not None and hi is not None:
            if lo == hi:
                return str(lo)
            if lo % 10 == 0 and hi == lo + 9:
                return f"{lo}s"
            return f"{lo}–{hi}"
        if lo is not None:
            return f"≥ {lo}" if neutral else f"since {lo}"
        return f"≤ {hi}" if neutral else f"until {hi}"


def _has_genre(value: object, wanted: set[str]) -> bool:
    if isinstance(value, str):
        return any(g in wanted for g in value.split("|"))
    if isinstance(value, Iterable):
        return any(g in wanted for g in value)
    return False  # NaN or None: no genres


@dataclass(frozen=True)
class Parsed:
    """What `parse_filter` understood (`filter`) and the words it did not (`rest`, as typed)."""

    filter: Filter
    rest: str  # words that are neither filter words nor fillers, as typed, space-separated
    understood: bool = False  # at least one word was a filter word or a filler
    title_like: bool = False  # the whole text is also a film title made of filter words

    @property
    def complete(self) -> bool:
        """Every word was a filter word or a filler, and the text is not a known title."""
        return self.understood and not self.rest and not self.title_like


# --- parsing -----------------------------------------------------------------------------------

_Time = tuple[int | None, int | None, str, int]  # lo, hi, kind, index after it


def _decade_start(digits: str) -> int:
    n = int(digits)
    if len(digits) == 4:
        return n - n % 10
    return (2000 if n < 30 else 1900) + n - n % 10


def _year(key: str) -> int | None:
    if len(key) == 4 and key.isascii() and key.isdigit() and MIN_YEAR <= int(key) <= MAX_YEAR:
        return int(key)
    return None


def _two_digits(key: str) -> bool:
    return len(key) == 2 and key.isascii() and key.isdigit()


class _Parser:
    """Left to right over the folded words: time expressions, genre phrases, fillers, the rest.

    Years and decades the person names are a union (`spans`); bounds ("before", "since",
    "recent", ...) intersect (`bounds`). A plain year is held back in `lone_years` until the end,
    when it is known whether it had company (see the module docstring).
    """

    def __init__(self, keys: list[str], latest_year: int):
        self.keys = keys
        self.latest = latest_year
        self.genres: set[str] = set()
        self.spans: list[tuple[int | None, int | None]] = []
        self.bounds: list[tuple[int | None, int | None]] = []
        self.lone_years: list[tuple[int, int]] = []  # (position, year)
        self.rest: list[int] = []
        self.fillers = 0
        self.filters = 0

    def key(self, i: int) -> str:
        return self.keys[i] if 0 <= i < len(self.keys) else ""

    def atom(self, i: int) -> _Time | None:
        """One year or decade at `i`, with its lead-ins ("the", "los", "anos", "early", "mid-").

        Kinds: "year", "decade", and "bare" for a two-digit number without a lead-in ("80"), which
        only counts inside a range ("80-90-х").
        """
        j = i
        modifier = _MODIFIERS.get(self.key(j))
        if modifier is not None:
            j += 1
        intro = False
        while True:
            key = self.key(j)
            if key in _FOLDED_SETS["intro"]:
                intro = True
            elif not (
                key in _FOLDED_SETS["articles"]
                or key == "-"
                or (key in ("de", "del", "do", "da") and (intro or modifier is not None))
            ):
                break
            j += 1
        key = self.key(j)
        if match := _DECADE_TOKEN.match(key):
            start = _decade_start(match.group(1))
            lo, hi, kind = start, start + 9, "decade"
        elif key in _DECADE_TABLE:
            start = _DECADE_TABLE[key]
            lo, hi, kind = start, start + 9, "decade"
        elif (year := _year(key.removesuffix("+"))) is not None:
            if intro and year % 10 == 0 and not key.endswith("+"):  # "anos 2000": the 2000s
                lo, hi, kind = year, year + 9, "decade"
            else:
                lo, hi, kind = year, year, "year"
        elif _two_digits(key):
            start = _decade_start(key)
            lo, hi, kind = start, start + 9, "decade" if intro else "bare"
        else:
            return None
        if modifier is not None:
            if kind != "decade":
                return None
            lo, hi = start + modifier[0], start + modifier[1]
        return lo, hi, kind, j + 1

    def time(self, i: int) -> _Time | None:
        """A time atom, a range ("2000-2005", "2000 to 2005", "1995-99", "80-90-х") or "2010+"."""
        first = self.atom(i)
        if first is None:
            return None
        lo, hi, kind, j = first
        if self.key(j) in _FOLDED_SETS["sep"] and (second := self.atom(j + 1)) is not None:
            lo2, hi2, kind2, k = second
            if kind2 == "bare" and kind == "year":  # "1995-99": same century
                assert lo is not None
                lo2 = hi2 = lo - lo % 100 + int(self.key(k - 1))
                kind2 = "year"
            if "decade" in (kind, kind2) and "year" not in (kind, kind2):
                kind = kind2 = "decade"  # "80-90-х", "anos 80 e 90": both are decades
                lo, hi = _decade_start(self.key(j - 1)[:2]) if kind == "bare" else lo, hi
            if "bare" not in (kind, kind2) and None not in (lo, hi, lo2, hi2):
                return min(lo, lo2), max(hi, hi2), "range", k  # type: ignore[type-var]
        if kind == "bare":
            return None
        if self.key(j - 1).endswith("+"):
            return lo, None, "since", j
        for phrase in _ONWARD_FOLDED:
            if tuple(self.keys[j : j + len(phrase)]) == phrase:
                return lo, None, "since", j + len(phrase)
        return lo, hi, kind, j

    def run(self) -> None:
        i = 0
        while i < len(self.keys):
            i = self.step(i)
        # A plain year counts with another filter word, or with fillers when nothing is unknown.
        keep_years = self.filters > 0 or (self.fillers > 0 and not self.rest)
        for position, year in self.lone_years:
            if keep_years:
                self.spans.append((year, year))
            else:
                self.rest.append(position)

    def step(self, i: int) -> int:
        key = self.keys[i]
        if key == "-":
            return i + 1  # punctuation outside a range
        if key in _FOLDED_SETS["not"]:
            return self.negation(i)
        if (found := self.preposition(i)) is not None:
            return found
        if (found_time := self.time(i)) is not None:
            lo, hi, kind, j = found_time
            if kind == "year":
                assert lo is not None
                self.lone_years.append((j - 1, lo))
                self.fillers += j - 1 - i  # its lead-ins ("the")
            elif kind == "since":
                self.bounds.append((lo, None))
                self.filters += 1
            else:
                self.spans.append((lo, hi))
                self.filters += 1
            return j
        for length in range(min(_GENRE_MAX_LEN, len(self.keys) - i), 0, -1):
            genres = _GENRE_TABLE.get(tuple(self.keys[i : i + length]))
            if genres is not None:
                self.genres |= genres
                self.filters += 1
                return i + length
        if key in _FOLDED_SETS["recent"]:
            self.bounds.append((self.latest - RECENT_YEARS, None))
            self.filters += 1
        elif key in _FOLDED_SETS["old"]:
            self.bounds.append((None, OLD_UNTIL))
            self.filters += 1
        elif key in _FILLERS or key.replace("-", "") in _FILLERS:
            self.fillers += 1
        else:
            self.rest.append(i)
        return i + 1

    def negation(self, i: int) -> int:
        """ "no horror", "без ужасов", "sin terror", "kein Horror": a filter cannot exclude, so the
        negation and what it negates go to `rest` rather than becoming their opposite."""
        j = i + 1
        while self.key(j) in _FILLERS and self.key(j) not in _FOLDED_SETS["articles"]:
            j += 1
        probe = _Parser(self.keys, self.latest)
        end = probe.step(j) if j < len(self.keys) else j
        if probe.filters == 0:
            self.rest.append(i)  # "no" alone, or "no country for old men": an unknown word
            return i + 1
        self.rest.extend(range(i, end))
        return end

    def preposition(self, i: int) -> int | None:
        """ "before 1980", "antes de los 80", "up to 2000", "с 2010 по 2015": the index after it."""
        key, j = self.keys[i], i + 1
        if key == "up" and self.key(j) == "to":
            key, j = "up-to", j + 1
        for kind in ("between", "before", "after", "since", "until"):
            if key not in _FOLDED_SETS[kind]:
                continue
            while self.key(j) in _FOLDED_SETS["skip"] and self.atom(j) is None:
                j += 1
            # "after 2000 until 2005" is two bounds, not "after (2000 until 2005)".
            found = self.atom(j)
            if kind not in ("before", "after") or (found and self.key(found[3]) == "-"):
                found = self.time(j)  # "с 2000 по 2005", "after 2000-2005"
            if found is None or found[2] == "bare":
                return None
            lo, hi, found_kind, end = found
            self.filters += 1
            if found_kind == "range" and kind in ("since", "between", "until"):
                self.spans.append((lo, hi))  # "с 2000 по 2005", "desde 2000 hasta 2005"
            elif kind == "before":
                self.bounds.append((None, lo - 1 if lo is not None else None))
            elif kind == "after":
                last = hi if hi is not None else lo
                self.bounds.append((last + 1 if last is not None else None, None))
            elif kind == "since":
                self.bounds.append((lo, None))
            elif kind == "until":
                self.bounds.append((None, hi))
            else:  # between: the range itself
                self.spans.append((lo, hi))
            return end
        return None

    def result(self) -> Filter:
        lo: int | None = None
        hi: int | None = None
        if self.spans:
            los = [s[0] for s in self.spans]
            his = [s[1] for s in self.spans]
            lo = None if None in los else min(x for x in los if x is not None)
            hi = None if None in his else max(x for x in his if x is not None)
        for b_lo, b_hi in self.bounds:
            if b_lo is not None:
                lo = b_lo if lo is None else max(lo, b_lo)
            if b_hi is not None:
                hi = b_hi if hi is None else min(hi, b_hi)
        return Filter(frozenset(self.genres), lo, hi)


# `title_key`s of titles made only of filter words and fillers, as `filter_like_titles` finds them
# in ml-1m and ml-latest-small. Only texts of two words or more are checked against them ("The
# Kid" is the film, "kid" the genre).
KNOWN_TITLES = frozenset(
    {
        "scary movie",  # Scary Movie (2000)
        "love story",  # Love Story (1970)
        "the kid",  # The Kid (1921, 2000)
        "the war",  # The War (1994)
        "the family",  # The Family (2013)
        "the child",  # The Child (2005)
        "the children",  # The Children (2008)
        "my family",  # My Family (1995)
        "in love and war",  # In Love and War (1996)
        "true crime",  # True Crime (1999)
        "fantasia 2000",  # Fantasia 2000 (1999)
        "something new",  # Something New (2006)
        "shoot em up",  # Shoot 'Em Up (2007)
    }
)


def _title_key(words: list[_Word]) -> tuple[str, int]:
    """The folded words, and how many there are."""
    keys = [w.key for w in words if w.key != "-"]
    return " ".join(keys), len(keys)


def title_key(text: str) -> str:
    """The form in which texts are compared with titles: folded words, punctuation dropped.

    "The Matrix!" → "the matrix"; "Shoot 'Em Up" → "shoot em up".
    """
    try:
        return _title_key(_words(text))[0]
    except Exception:  # defensive: user text never raises
        return ""


def parse_filter(
    text: str,
    latest_year: int = LATEST_YEAR,
    titles: Collection[str] = KNOWN_TITLES,
) -> Parsed:
    """Parse free words into a `Filter`; never raises.

    `latest_year` anchors "recent" (pass the catalogue's newest year). `titles` are `title_key`s
    of film titles made of filter words; a text of two words or more equal to one of them is
    `title_like`. The default covers ml-1m and ml-latest-small; the bot can pass
    `filter_like_titles(catalogue)` for bigger catalogues.
    """
    try:
        words = _words(text if isinstance(text, str) else "")
        parser = _Parser([w.key for w in words], int(latest_year))
        parser.run()
        rest = sorted(set(parser.rest))
        key, count = _title_key(words)
        return Parsed(
            filter=parser.result(),
            rest=" ".join(words[i].text for i in rest),
            understood=len(rest) < count,
            title_like=count >= 2 and key in titles,
        )
    except Exception:  # defensive: a handler must never fail on what a person typed
        return Parsed(filter=Filter(), rest=text if isinstance(text, str) else "")


def looks_like_filter(
    text: str, latest_year: int = LATEST_YEAR, titles: Collection[str] = KNOWN_TITLES
) -> bool:
    """A private-chat text that is a filtered request rather than a title search.

    Every word is a filter word or a filler, at least one is a genre or year word, and the text is
    not a title made of such words ("Scary Movie").
    """
    parsed = parse_filter(text, latest_year, titles)
    return parsed.complete and not parsed.filter.is_empty()


_YEAR_SUFFIX = re.compile(r"\s*\([0-9]{4}(?:[-–][0-9]{0,4})?\)\s*$")
_ALTERNATE = re.compile(r"\s*\([^()]*\)\s*$")
_MOVED_ARTICLE = re.compile(r"^(.*), (the|a|an|la|le|les|el|los|las|die|der|das|o|os|as)$", re.I)


def typed_title(title: str) -> str:
    """A MovieLens title as people type it: "Kid, The (1921)" → "The Kid"."""
    main = _ALTERNATE.sub("", _YEAR_SUFFIX.sub("", title)).strip()
    moved = _MOVED_ARTICLE.match(main)
    return f"{moved.group(2)} {moved.group(1)}" if moved else main


def filter_like_titles(titles: Iterable[str], latest_year: int = LATEST_YEAR) -> frozenset[str]:
    """`title_key`s of catalogue titles (as MovieLens writes them) that would otherwise parse as
    complete filters.

    Computed once per catalogue (`Catalogue.filter_like_titles`) and passed as `titles=`, so that
    a film whose whole title is filter words ("Scary Movie", "Love Story", "The War") is looked
    up, not filtered.
    """
    found: set[str] = set()
    for title in titles:
        name = typed_title(str(title))
        parsed = parse_filter(name, latest_year, titles=())
        if parsed.complete and not parsed.filter.is_empty():
            found.add(title_key(name))
    return frozenset(found)
