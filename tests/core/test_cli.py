"""The `movierec` command line as a person (and a script) uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from movierec.cli import build_parser, main, settings_from_args
from movierec.config import Settings, StoreKind
from movierec.recommender import Recommender
from tests.conftest import SEED_PREFERENCES, SEED_TABLE


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings, recommender: Recommender) -> Path:
    """Point the CLI at the session's already-built index."""
    monkeypatch.setenv("MOVIEREC_HOME", str(settings.home))
    monkeypatch.setenv("MOVIELENS_DIR", str(settings.movielens_dir))
    for name in ("QDRANT_URL", "QDRANT_HOST", "MOVIEREC_STORE"):
        monkeypatch.delenv(name, raising=False)
    return settings.home


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def seed_rates() -> list[str]:
    return [arg for m, v in SEED_PREFERENCES.items() for arg in ("--rate", f"{m}={v}")]


def test_recommend_json_reproduces_the_seed_table(cli_env: Path, capsys) -> None:
    code, out, _ = run(capsys, "recommend", *seed_rates(), "--scoring", "seed", "--json")
    assert code == 0
    picks = json.loads(out)
    assert [(p["title"], round(p["score"], 5)) for p in picks] == [
        (t, round(s, 5)) for t, s in SEED_TABLE
    ]
    assert {"movie_id", "title", "score", "year", "genres", "support"} <= set(picks[0])


def test_recommend_by_title_prints_five_readable_picks(cli_env: Path, capsys) -> None:
    code, out, _ = run(
        capsys, "recommend", "--like", "the matrix", "--like", "toy story", "--dislike", "titanic"
    )
    assert code == 0
    lines = [line for line in out.splitlines() if line[:2].strip(". ").isdigit()]
    assert len(lines) == 5 and lines[0].startswith("1. ")
    assert "Matrix, The (1999)" not in out and "people with your taste" in out


def test_neighbors_and_limit_are_honoured(cli_env: Path, capsys) -> None:
    code, out, _ = run(
        capsys, "recommend", "--rate", "2571=1", "--neighbors", "5", "--limit", "3", "--json"
    )
    assert code == 0
    picks = json.loads(out)
    assert len(picks) == 3 and all(p["neighbors"] == 5 for p in picks)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["recommend"], "Tell me what you like"),
        (["recommend", "--like", "qwxzyqwxzy"], "No film matches"),
        (["recommend", "--like", "star wars"], "ambiguous"),
        (["recommend", "--rate", "999999=1"], "unknown movie id"),
        (["recommend", "--rate", "2571"], "MOVIE_ID=VALUE"),
        (["recommend", "--rate", "abc=1"], "MOVIE_ID=VALUE"),
        (["recommend", "--rate", "2571=nan"], "between -1"),
        (["recommend", "--rate", "2571=3"], "between -1"),
    ],
)
def test_bad_input_exits_non_zero_with_one_clear_line(
    cli_env: Path, capsys, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message.lower() in err.lower() and err.startswith("movierec: ")
    assert "Traceback" not in err


def test_limit_out_of_range_is_a_usage_error(cli_env: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["recommend", "--rate", "2571=1", "--limit", "0"])
    assert exit_info.value.code == 2
    assert "--limit must be between" in capsys.readouterr().err


def test_search_reports_ambiguity_and_matches(cli_env: Path, capsys) -> None:
    code, out, _ = run(capsys, "search", "star wars", "--json")
    result = json.loads(out)
    assert code == 0 and result["status"] == "ambiguous"
    assert len({c["movie_id"] for c in result["candidates"]}) >= 2
    code, out, _ = run(capsys, "search", "matrix")
    assert code == 0 and "Matrix, The (1999)" in out.splitlines()[1]


def test_index_command_reports_what_it_holds(cli_env: Path, capsys) -> None:
    code, out, _ = run(capsys, "index")
    assert code == 0 and "6,040 users" in out and "1,000,209 ratings" in out


def test_missing_data_exits_3_and_says_where_to_put_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("MOVIEREC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MOVIELENS_DIR", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "recommend", "--rate", "1=1")
    assert code == 3 and "MOVIELENS_DIR" in err


@pytest.mark.process
def test_installed_console_script_runs(cli_env: Path) -> None:
    """The entry point a newcomer types, as a real process."""
    script = Path(sys.executable).with_name("movierec")
    result = subprocess.run(
        [str(script), "recommend", "--rate", "260=1", "--limit", "2", "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 2


@pytest.mark.parametrize(
    ("flag", "kind"),
    [("edge", StoreKind.EDGE), ("server", StoreKind.SERVER), ("qdrant", StoreKind.SERVER)],
)
def test_store_flag_accepts_server_and_its_old_name_qdrant(
    cli_env: Path, flag: str, kind: StoreKind
) -> None:
    args = build_parser().parse_args(["index", "--store", flag])
    assert settings_from_args(args).store is kind


def test_unknown_store_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["index", "--store", "sqlite"])
    assert exit_info.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_unknown_store_in_the_environment_is_one_clear_line(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOVIEREC_STORE", "sqlite")
    code, out, err = run(capsys, "recommend", "--rate", "2571=1")
    assert code == 2 and out == "" and err.startswith("movierec: unknown store 'sqlite'")
