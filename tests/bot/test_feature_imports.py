"""Which feature may import which: features depend on each other one way, so a change to one
feature touches its own folder and those above it, never a cycle. Shared pieces live below every
feature (`bot/ui/`, `bot/storage/`, `bot/context.py`); nothing below imports a feature.

The rule, lowest first (a feature may import only those listed for it):

* ratings: records and lists ratings (every other feature rates through it)
* watchlist: saves films for later; ✅ watched asks a rating (ratings)
* picks: a person's picks, with rating, hide and save buttons (ratings, watchlist)
* inline: film cards and picks in any chat (picks)
* movienight: a group's roster, picks and vote (picks)
* onboarding: the first questions, then picks (ratings, picks, inline)
* account: language, privacy, deletion (ratings: its Cancel)
* chat: plain messages in a private chat: small talk, picks asked for in words, title search
  (picks, ratings, account: /help)
* imports: a history from Letterboxd or IMDb in, /export out; then picks (ratings, picks)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
FEATURES = BOT / "features"

ALLOWED: dict[str, set[str]] = {
    "ratings": set(),
    "watchlist": {"ratings"},
    "picks": {"ratings", "watchlist"},
    "inline": {"picks"},
    "movienight": {"picks"},
    "onboarding": {"ratings", "picks", "inline"},
    "account": {"ratings"},
    "chat": {"picks", "ratings", "account"},
    "imports": {"ratings", "picks"},
}


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _features_imported(folder: Path) -> set[str]:
    """The features a folder's files import (`bot.features` itself, what every feature shares,
    is none of them)."""
    prefix = "bot.features."
    names = set()
    for path in folder.rglob("*.py"):
        for module in _imported_modules(path):
            if module.startswith(prefix):
                names.add(module[len(prefix) :].split(".")[0])
    return names & set(ALLOWED)


def _feature_folders() -> list[str]:
    return sorted(p.name for p in FEATURES.iterdir() if (p / "__init__.py").exists())


def test_every_feature_has_a_rule() -> None:
    assert set(_feature_folders()) == set(ALLOWED)


@pytest.mark.parametrize("feature", sorted(ALLOWED))
def test_a_feature_imports_only_the_features_below_it(feature: str) -> None:
    imported = _features_imported(FEATURES / feature) - {feature}
    assert imported <= ALLOWED[feature], sorted(imported - ALLOWED[feature])


def test_the_rule_has_no_cycle() -> None:
    seen: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(feature: str, path: tuple[str, ...]) -> None:
        assert seen.get(feature) != 1, " -> ".join((*path, feature))
        if seen.get(feature) == 2:
            return
        seen[feature] = 1
        for below in ALLOWED[feature]:
            visit(below, (*path, feature))
        seen[feature] = 2

    for feature in ALLOWED:
        visit(feature, ())


@pytest.mark.parametrize("shared", ["ui", "storage", "context.py", "hooks.py", "i18n.py"])
def test_nothing_below_the_features_imports_one(shared: str) -> None:
    target = BOT / shared
    files = [target] if target.is_file() else list(target.rglob("*.py"))
    importing = {
        str(path.relative_to(BOT))
        for path in files
        if any(m.startswith("bot.features") for m in _imported_modules(path))
    }
    assert not importing


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    folder = tmp_path / "ratings"
    folder.mkdir()
    (folder / "views.py").write_text(
        "def f():\n    from bot.features.picks.callbacks import Hide\n", encoding="utf-8"
    )
    assert _features_imported(folder) == {"picks"}
