"""The `movierec` command line: download, index, search, recommend, evaluate.

Human-readable output by default, `--json` for machines. Errors are one clear sentence on stderr
and a non-zero exit: 2 for input the user can fix (unknown title, bad id), 3 for missing data (a
damaged index that cannot be rebuilt included).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from movierec.config import STORE_NAMES, Settings
from movierec.data import MissingDataError
from movierec.download import DownloadError
from movierec.integrity import IndexDamagedError
from movierec.scoring import SCORINGS

if TYPE_CHECKING:  # imported at run time only by the commands that need an index
    from movierec.recommender import Recommender

EXIT_INPUT = 2
EXIT_DATA = 3


class CliError(Exception):
    """A user-facing failure: message and exit code."""

    def __init__(self, message: str, code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.code = code


def settings_from_args(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        "store": getattr(args, "store", None),
        "qdrant_shards": getattr(args, "shards", None),
        "qdrant_replicas": getattr(args, "replicas", None),
        "qdrant_on_disk": True if getattr(args, "on_disk", False) else None,
    }
    return Settings.from_env(**overrides)


def _open(args: argparse.Namespace, rebuild: bool = False) -> Recommender:
    from movierec.recommender import Recommender

    return Recommender.open(settings_from_args(args), progress=sys.stderr.isatty(), rebuild=rebuild)


def cmd_download(args: argparse.Namespace) -> int:
    from movierec.download import download

    settings = settings_from_args(args)
    path = download(args.dataset, dest=settings.downloads_dir, progress=True)
    print(f"MovieLens {args.dataset} is ready in {path}")
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    with _open(args, rebuild=args.rebuild) as rec:
        manifest = rec.manifest
        elapsed = time.perf_counter() - started
        print(
            f"Index ready ({settings_from_args(args).store} store): {manifest.users:,} users, "
            f"{manifest.ratings:,} ratings of {len(rec.catalogue):,} films "
            f"from {manifest.dataset} in {elapsed:.2f} s"
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with _open(args) as rec:
        result = rec.match(args.title, limit=args.limit)
        if args.json:
            print(
                json.dumps(
                    {
                        "query": result.query,
                        "status": result.status.value,
                        "candidates": [asdict(c) for c in result.candidates],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return 0
        if not result.candidates:
            raise CliError(f"No film matches {args.title!r}.")
        label = {"confident": "Best match", "ambiguous": "Several films match"}.get(
            result.status.value, "No confident match; nearest titles"
        )
        print(f"{label} for {args.title!r}:")
        for candidate in result.candidates:
            print(f"  {candidate.movie_id:>7}  {candidate.title}  ({candidate.score:.0f}%)")
    return 0


def _resolve_title(rec: Recommender, text: str) -> int:
    from movierec.titles import MatchStatus

    result = rec.match(text)
    if result.status is MatchStatus.CONFIDENT and result.best is not None:
        return result.best.movie_id
    options = "; ".join(f"{c.title} (id {c.movie_id})" for c in result.candidates[:5])
    if result.status is MatchStatus.AMBIGUOUS:
        raise CliError(f"{text!r} is ambiguous: {options}. Be more specific or use --rate ID=1.")
    hint = f" Nearest titles: {options}." if options else ""
    raise CliError(f"No film matches {text!r}.{hint}")


def _parse_rate(text: str) -> tuple[int, float]:
    movie, sep, value = text.partition("=")
    try:
        if not sep:
            raise ValueError
        return int(movie.strip()), float(value.strip())
    except ValueError:
        raise CliError(
            f"--rate expects MOVIE_ID=VALUE, e.g. --rate 2571=1 (like) or 1721=-1, not {text!r}"
        ) from None


def _preferences(rec: Recommender, args: argparse.Namespace) -> dict[int, float]:
    preferences: dict[int, float] = {}
    for title in args.like:
        preferences[_resolve_title(rec, title)] = 1.0
    for title in args.dislike:
        preferences[_resolve_title(rec, title)] = -1.0
    for item in args.rate:
        movie_id, value = _parse_rate(item)
        preferences[movie_id] = value
    if not preferences:
        raise CliError("Tell me what you like: --like TITLE, --dislike TITLE or --rate ID=1.")
    return preferences


def cmd_recommend(args: argparse.Namespace) -> int:
    from movierec.recommender import PreferencesError

    with _open(args) as rec:
        preferences = _preferences(rec, args)
        try:
            picks = rec.recommend(
                preferences, limit=args.limit, scoring=args.scoring, neighbors=args.neighbors
            )
        except PreferencesError as error:
            raise CliError(str(error)[:1].upper() + str(error)[1:] + ".") from None
        if args.json:
            print(json.dumps([asdict(p) for p in picks], ensure_ascii=False, indent=2))
            return 0
        if not picks:
            print("No recommendation: the people with your taste have seen nothing else.")
            return 0
        from movierec.titles import display_title

        for rank, pick in enumerate(picks, 1):
            genres = ", ".join(pick.genres)
            print(f"{rank}. {display_title(pick.title)}  [{genres}]")
            print(
                f"   score {pick.score:.2f} · liked by {pick.support} of "
                f"{pick.neighbors} people with your taste"
            )
    return 0


def add_evaluate_arguments(parser: argparse.ArgumentParser) -> None:
    from movierec.evaluation.methods import FAMILIES, SLOW
    from movierec.evaluation.sizing import MAX_DENSE_FILMS, QUICK
    from movierec.evaluation.split import REVEALS
    from movierec.evaluation.tuning import LAMBDAS

    parser.add_argument("--seed", type=int, default=0, help="split and reveal seed (default 0)")
    parser.add_argument(
        "--reveals",
        type=int,
        nargs="+",
        default=list(REVEALS),
        metavar="N",
        help="ratings revealed per held-out user (default: 5 10 20)",
    )
    parser.add_argument(
        "--max-users",
        type=int,
        default=None,
        help="at most this many validation and test users each, seeded "
        f"(default 600, {QUICK.max_users} with --quick; 0 = all)",
    )
    parser.add_argument(
        "--lambdas",
        type=float,
        nargs="+",
        default=None,
        metavar="λ",
        help="EASE regularisation values tried on validation "
        f"(default {' '.join(f'{x:g}' for x in LAMBDAS)})",
    )
    parser.add_argument(
        "--max-films",
        type=int,
        default=None,
        metavar="K",
        help="EASE, RP3beta, ItemKNN, GF-CF and the study's graph hold films × films matrices: "
        "they see "
        f"only the K most rated training films (default {MAX_DENSE_FILMS}, "
        f"{QUICK.max_films} with --quick; 0 = all); the report says when this drops films",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI-sized run: small grids around the default, no iALS, fewer users and films "
        "(under a minute on ml-latest-small; docs/evaluation.md)",
    )
    parser.add_argument(
        "--skip",
        nargs="+",
        default=[],
        choices=sorted(FAMILIES),
        metavar="BASELINE",
        help=f"baselines not to tune or report ({', '.join(sorted(FAMILIES))})",
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help=f"skip the slow baselines ({', '.join(SLOW)}): minutes on ml-1m",
    )
    parser.add_argument(
        "--study",
        action="store_true",
        help="also re-tune the shipped blend of neighbors and the item graph, and report it",
    )
    parser.add_argument(
        "--onboarding",
        action="store_true",
        help="measure the first questions instead: adaptive vs the fixed popular list "
        "after 3, 6 and 10 questions",
    )
    parser.add_argument(
        "--imported",
        action="store_true",
        help="measure what an imported history is worth: a held-out person's ratings (but a "
        "held-back fifth) imported, against ten onboarding answers",
    )
    parser.add_argument(
        "--nights",
        action="store_true",
        help="measure movie nights across weeks instead: 10 nights per synthetic group of 4, "
        "the worst-off and the mean member's satisfaction with and without the fairness rule",
    )
    parser.add_argument(
        "--groups", type=int, default=300, help="synthetic groups per split with --nights"
    )
    parser.add_argument("--plot", type=Path, default=None, help="write the PNG plot here")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _evaluate_onboarding(args: argparse.Namespace) -> int:
    from movierec.evaluation.onboarding import evaluate_onboarding, format_onboarding

    return _evaluate_starts(args, evaluate_onboarding, format_onboarding, "onboarding")


def _evaluate_imported(args: argparse.Namespace) -> int:
    from movierec.evaluation.onboarding import evaluate_imported, format_imported

    return _evaluate_starts(args, evaluate_imported, format_imported, "imported")


def _evaluate_starts(
    args: argparse.Namespace,
    evaluate: Callable[..., list[Any]],
    report: Callable[..., str],
    name: str,
) -> int:
    """A first-session measure (ten onboarding answers, an imported history) on a scratch
    index of the data set: its rows as a table or JSON."""
    import tempfile

    from movierec.data import load_dataset
    from movierec.download import resolve_data_dir

    dataset = load_dataset(resolve_data_dir(Settings.from_env(), progress=sys.stderr.isatty()))
    with tempfile.TemporaryDirectory(prefix=f"movierec-{name}-") as scratch:
        rows = evaluate(
            dataset.ratings,
            dataset.movies,
            Path(scratch) / "index",
            seed=args.seed,
            users=args.max_users or None,
        )
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], indent=2))
    else:
        print(report(rows))
    return 0


def _evaluate_nights(args: argparse.Namespace) -> int:
    from movierec.data import load_dataset
    from movierec.download import resolve_data_dir
    from movierec.evaluation.nights import evaluate_nights, format_nights

    dataset = load_dataset(resolve_data_dir(Settings.from_env(), progress=sys.stderr.isatty()))
    result = evaluate_nights(dataset.ratings, dataset.movies, seed=args.seed, groups=args.groups)
    print(json.dumps(result.as_dict(), indent=2) if args.json else format_nights(result))
    return 0


def _resolve_sizes(args: argparse.Namespace) -> None:
    """Fill the size options left unset: `--quick`'s values, else the full run's. Explicit values
    always win, so `--quick --max-users 0` is a quick grid over every held-out user."""
    from movierec.evaluation.sizing import MAX_DENSE_FILMS, QUICK
    from movierec.evaluation.tuning import LAMBDAS

    if args.max_users is None:
        args.max_users = QUICK.max_users if args.quick else 600
    if args.max_films is None:
        args.max_films = QUICK.max_films if args.quick else MAX_DENSE_FILMS
    if args.lambdas is None:
        args.lambdas = list(QUICK.lambdas if args.quick else LAMBDAS)


def _needs_the_eval_extra(args: argparse.Namespace) -> None:
    """One sentence instead of a traceback when what was asked needs `movierec[eval]` (the plot
    draws with matplotlib, the iALS baseline is `implicit`) and the install left it out."""
    from importlib.util import find_spec

    wanted = ["matplotlib"] if args.plot is not None else []
    ials = not (args.onboarding or args.imported or args.fast or args.quick or "ials" in args.skip)
    wanted += ["implicit", "threadpoolctl"] if ials else []
    missing = [name for name in wanted if find_spec(name) is None]
    if missing:
        raise CliError(
            f"this evaluation needs {', '.join(missing)}: pip install 'movierec[eval]'"
            + ("" if args.plot is not None else " (or leave iALS out with --fast or --quick)"),
            EXIT_INPUT,
        )


def cmd_evaluate(args: argparse.Namespace) -> int:
    from movierec.data import load_dataset
    from movierec.download import resolve_data_dir
    from movierec.evaluation.methods import FAMILIES, SLOW
    from movierec.evaluation.report import plot, render
    from movierec.evaluation.run import run_evaluation
    from movierec.evaluation.sizing import QUICK
    from movierec.evaluation.tuning import grid_scorings

    _resolve_sizes(args)
    _needs_the_eval_extra(args)
    if any(n < 1 for n in args.reveals) or args.max_users < 0 or args.max_films < 0:
        raise ValueError("--reveals must be at least 1, --max-users and --max-films not negative")
    if args.onboarding:
        return _evaluate_onboarding(args)
    if args.imported:
        return _evaluate_imported(args)
    if args.nights:
        return _evaluate_nights(args)
    if any(lam <= 0 for lam in args.lambdas):
        raise ValueError("--lambdas must be positive")
    skipped = set(args.skip) | (set(SLOW) if args.fast or args.quick else set())
    data_dir = resolve_data_dir(Settings.from_env(), progress=sys.stderr.isatty())
    dataset = load_dataset(data_dir)
    evaluation = run_evaluation(
        dataset.ratings,
        dataset.movies,
        dataset=dataset.name,
        seed=args.seed,
        reveals=sorted(set(args.reveals)),
        max_users=args.max_users or None,
        lambdas=args.lambdas,
        scorings=grid_scorings(**QUICK.scorings) if args.quick else None,
        baselines={
            name: QUICK.baselines.get(name) if args.quick else None
            for name in FAMILIES
            if name not in skipped
        },
        study=(QUICK.study if args.quick else True) if args.study else False,
        progress=sys.stderr.isatty(),
        max_films=args.max_films or None,
    )
    if args.plot is not None:
        plot(evaluation, args.plot)
    print(evaluation.to_json() if args.json else render(evaluation))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="movierec",
        description="Movie recommendations from MovieLens ratings, with Qdrant sparse vectors.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def with_store(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--store",
            choices=STORE_NAMES,
            default=None,
            help="edge: embedded Qdrant Edge (default); server (or qdrant): Qdrant at QDRANT_URL",
        )

    download = commands.add_parser("download", help="fetch the official MovieLens archive")
    download.add_argument(
        "dataset",
        nargs="?",
        default="ml-1m",
        help="ml-1m (default), ml-latest-small, ml-100k, ml-25m, ml-32m",
    )
    download.set_defaults(func=cmd_download)

    index = commands.add_parser("index", help="build (or check) the vector index")
    with_store(index)
    index.add_argument("--rebuild", action="store_true", help="rebuild even if up to date")
    index.add_argument("--shards", type=int, help="server store: shard number at creation")
    index.add_argument("--replicas", type=int, help="server store: replication factor")
    index.add_argument(
        "--on-disk", action="store_true", help="server store: keep the sparse index on disk"
    )
    index.set_defaults(func=cmd_index)

    search = commands.add_parser("search", help="find a film by (fuzzy) title")
    with_store(search)
    search.add_argument("title")
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=cmd_search)

    recommend = commands.add_parser("recommend", help="five films for your taste")
    with_store(recommend)
    recommend.add_argument("--like", action="append", default=[], metavar="TITLE")
    recommend.add_argument("--dislike", action="append", default=[], metavar="TITLE")
    recommend.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="MOVIE_ID=VALUE",
        help="a movie id with a weight from -1 (dislike) to 1 (like)",
    )
    recommend.add_argument("--scoring", default="default", choices=sorted(SCORINGS))
    recommend.add_argument(
        "--neighbors",
        type=int,
        default=None,
        help="similar users to consult (default: the scoring's own)",
    )
    recommend.add_argument("--limit", type=int, default=5)
    recommend.add_argument("--json", action="store_true", help="machine-readable output")
    recommend.set_defaults(func=cmd_recommend)

    evaluate = commands.add_parser("evaluate", help="measure recommendation quality")
    add_evaluate_arguments(evaluate)
    evaluate.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Progress lines (download, index build) for people and for container logs; stderr only.
    logging.basicConfig(level=logging.INFO, format="movierec: %(message)s", stream=sys.stderr)
    for name in ("limit", "neighbors"):
        value = getattr(args, name, None)
        if value is not None and not 1 <= value <= 10_000:
            parser.error(f"--{name} must be between 1 and 10000")
    try:
        code: int = args.func(args)
        return code
    except CliError as error:
        print(f"movierec: {error}", file=sys.stderr)
        return error.code
    except (MissingDataError, DownloadError, IndexDamagedError) as error:
        print(f"movierec: {error}", file=sys.stderr)
        return EXIT_DATA
    except ValueError as error:  # settings that cannot work, e.g. the qdrant store without URL
        print(f"movierec: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
