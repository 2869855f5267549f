"""Index life cycle: built once, reopened without rebuilding, rebuilt when the data changes,
never left half-built by a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from movierec.config import Settings, StoreKind
from movierec.data import fingerprint
from movierec.index import LoadedIndex, build_index, open_index, read_manifest
from movierec.recommender import Recommender
from movierec.vectors import RatingStats, build_user_vectors
from tests.support.datasets import small_data, write_dat


def open_rec(home: Path, data: Path, **kwargs: object) -> Recommender:
    return Recommender.open(Settings(home=home, movielens_dir=data), data_dir=data, **kwargs)


def test_index_is_reused_then_rebuilt_when_the_data_changes(tmp_path: Path) -> None:
    data = small_data(tmp_path / "ml-small")
    home = tmp_path / "home"
    with open_rec(home, data) as rec:
        first_build = rec.manifest.built_at
        before = rec.recommend({1: 1, 2: -1}, scoring="seed")
    with open_rec(home, data) as rec:
        assert rec.manifest.built_at == first_build  # reopened, not rebuilt
        assert rec.recommend({1: 1, 2: -1}, scoring="seed") == before
    with (data / "ratings.dat").open("a") as handle:
        handle.write("31::1::5::0\n31::3::5::0\n")
    with open_rec(home, data) as rec:
        assert rec.manifest.built_at > first_build
        assert rec.manifest.users == 31
    builds = sorted(p.name for p in (home / "index").iterdir())
    assert builds == [f"ml-small-{fingerprint(data)}"]  # the stale build was removed


def test_rebuild_flag_forces_a_new_build(tmp_path: Path) -> None:
    data = small_data(tmp_path / "d")
    with open_rec(tmp_path / "h", data) as rec:
        first = rec.manifest.built_at
    with open_rec(tmp_path / "h", data, rebuild=True) as rec:
        assert rec.manifest.built_at > first


def test_a_crash_during_the_build_leaves_no_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = small_data(tmp_path / "d")
    home = tmp_path / "h"

    def explode(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # like Ctrl-C or a kill in the middle of the upload

    monkeypatch.setattr("movierec.vectorstore.edge.EdgeStore.upload", explode)
    with pytest.raises(KeyboardInterrupt):
        open_rec(home, data)
    root = home / "index" / f"d-{fingerprint(data)}"
    assert read_manifest(root) is None and not list((home / "index").glob("*building*"))
    monkeypatch.undo()
    with open_rec(home, data) as rec:  # the next start simply builds again
        assert rec.store.count() == 30


def test_a_server_collection_is_reused_by_fingerprint(tmp_path: Path) -> None:
    """qdrant-client local mode on disk: the second open finds a complete, matching collection."""
    data = small_data(tmp_path / "d")
    settings = Settings(
        home=tmp_path / "h", movielens_dir=data, store="qdrant", qdrant_url=str(tmp_path / "qdrant")
    )
    with Recommender.open(settings, data_dir=data) as rec:
        metadata = rec.store.metadata()
        assert metadata and metadata["complete"] and metadata["users"] == 30
        picks = rec.recommend({1: 1}, scoring="seed")
    with Recommender.open(settings, data_dir=data) as rec:
        assert rec.store.metadata() == metadata  # not recreated
        assert rec.recommend({1: 1}, scoring="seed") == picks
        edge_dir = settings.index_dir / f"d-{fingerprint(data)}" / "shard"
        assert not edge_dir.exists()  # the server store needs no embedded shard


def test_edge_shard_is_added_to_an_index_built_for_the_server(tmp_path: Path) -> None:
    data = small_data(tmp_path / "d")
    server = Settings(
        home=tmp_path / "h", movielens_dir=data, store="qdrant", qdrant_url=":memory:"
    )
    with Recommender.open(server, data_dir=data) as rec:
        expected = rec.recommend({4: 1, 5: -1}, scoring="seed")
    with open_rec(tmp_path / "h", data) as rec:
        assert rec.recommend({4: 1, 5: -1}, scoring="seed") == expected


def test_build_from_any_table_into_a_location(tmp_path: Path) -> None:
    from movierec.data import load_dataset

    data = load_dataset(write_dat(tmp_path / "d"))
    with Recommender.build(data.ratings, data.movies, tmp_path / "idx") as rec:
        assert rec.store.count() == 2
        assert [p.movie_id for p in rec.recommend({10: 1}, scoring="seed")] == [20]
    shutil.rmtree(tmp_path / "idx")


def test_open_index_hands_the_recommender_one_loaded_index(tmp_path: Path) -> None:
    data = small_data(tmp_path / "d")
    settings = Settings(home=tmp_path / "h", movielens_dir=data)
    index = open_index(settings, data_dir=data)
    assert isinstance(index, LoadedIndex) and index.manifest.users == 30
    assert len(index.popularity) == len(index.mean_rating) == index.manifest.columns == 21
    with Recommender(index) as rec, open_rec(tmp_path / "h", data) as opened:
        assert rec.store is index.store and rec.manifest is index.manifest
        assert rec.recommend({1: 1}, scoring="seed") == opened.recommend({1: 1}, scoring="seed")


def test_store_kinds_are_validated_by_open_and_build(tmp_path: Path) -> None:
    """An unknown store kind is refused up front by both `build` and `open_index`."""
    from movierec.data import load_dataset

    data = load_dataset(write_dat(tmp_path / "d"))
    with pytest.raises(ValueError, match="unknown store 'egde'"):
        build_index(data.ratings, data.movies, tmp_path / "idx", store="egde")
    with pytest.raises(ValueError, match="unknown store"):
        Recommender.build(data.ratings, data.movies, tmp_path / "idx", store="qdrnat")
    assert not (tmp_path / "idx").exists()
    settings = Settings(home=tmp_path / "h", movielens_dir=tmp_path / "d")
    with pytest.raises(ValueError, match="unknown store"):
        open_index(settings, store="sqlite", data_dir=tmp_path / "d")
    for alias in ("qdrant", StoreKind.SERVER):
        with Recommender.build(data.ratings, data.movies, tmp_path / "s", store=alias) as rec:
            assert rec.store.count() == 2 and rec.store.metadata() is not None  # a ServerStore


def test_the_server_store_without_a_url_says_what_to_set(tmp_path: Path) -> None:
    data = small_data(tmp_path / "d")
    settings = Settings(home=tmp_path / "h", movielens_dir=data, store=StoreKind.SERVER)
    with pytest.raises(ValueError, match="QDRANT_URL"):
        open_index(settings, data_dir=data)


@pytest.mark.process
def test_a_sampled_graph_is_built_in_a_child_process_like_the_exact_one(tmp_path: Path) -> None:
    """Over the product budget the graph comes from `python -m movierec.graph` reading the saved
    vectors; with a budget above the data it is the exact graph, built in this process."""
    from movierec.graph import ItemGraph, build_graph, products
    from movierec.index import graph_builder

    rng = np.random.default_rng(3)
    rows = [(u, m, float(rng.integers(1, 6))) for u in range(1, 60) for m in rng.choice(80, 25)]
    frame = pd.DataFrame(rows, columns=["user_id", "movie_id", "rating"]).drop_duplicates(
        ["user_id", "movie_id"]
    )
    vectors = build_user_vectors(frame, RatingStats.of(frame))
    vectors.save(tmp_path / "exact" / "vectors")
    vectors.save(tmp_path / "sampled" / "vectors")
    total = products(vectors)
    with graph_builder(vectors, 80, tmp_path / "exact", budget=total) as built:
        exact_params = built()
    assert not exact_params.sampled and exact_params.ratings == vectors.nnz
    with graph_builder(vectors, 80, tmp_path / "sampled", budget=total / 4) as built:
        sampled_params = built()
    assert sampled_params.sampled and sampled_params.ratings < vectors.nnz
    exact = ItemGraph.load(tmp_path / "exact" / "graph")
    direct = build_graph(vectors, 80)
    assert np.array_equal(exact.indices, direct.indices)
    assert np.allclose(exact.weights, direct.weights)
    here = build_graph(vectors, 80, budget=total / 4)
    sampled = ItemGraph.load(tmp_path / "sampled" / "graph")
    assert here.params == sampled_params  # seeded: the child's sample is the one made here
    assert np.array_equal(here.indices, sampled.indices)
    (tmp_path / "broken").mkdir()  # no vectors: the child fails, the build says why
    broken = graph_builder(vectors, 80, tmp_path / "broken", budget=total / 4)
    with pytest.raises(RuntimeError, match="item graph failed"), broken as built:
        built()


@pytest.mark.process
@pytest.mark.slow
def test_the_shipped_install_builds_a_sampled_graph_in_its_child_process(
    tmp_path: Path, shipped: Path
) -> None:
    """`python -m movierec.graph`, the child the index build starts for ml-25m / ml-32m, runs
    from the wheel as installed (no source tree on the path) and writes the graph this process
    would have built from the same sample."""
    import subprocess

    from movierec.graph import ItemGraph, build_graph, products

    rng = np.random.default_rng(5)
    rows = [(u, m, 4.0) for u in range(1, 40) for m in rng.choice(60, 20, replace=False)]
    frame = pd.DataFrame(rows, columns=["user_id", "movie_id", "rating"])
    vectors = build_user_vectors(frame, RatingStats.of(frame))
    vectors.save(tmp_path / "staging" / "vectors")
    budget = products(vectors) / 3
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    command = [str(shipped / "python"), "-m", "movierec.graph", str(tmp_path / "staging"), "60"]
    done = subprocess.run(
        [*command, repr(budget)], cwd=outside, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    built = ItemGraph.load(tmp_path / "staging" / "graph")
    here = build_graph(vectors, 60, budget=budget)
    assert built.params.sampled and built.params == here.params
    assert np.array_equal(built.indices, here.indices) and built.edges > 0
