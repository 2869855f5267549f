"""Every repository path, module and class attribute the docs and the code's own comments name
exists, so a file that moves takes its mentions with it.

What is read: every Markdown file of the repository (README.md, docs/), `.env.example`, the
comments of the shell scripts, Dockerfile, Compose, Kubernetes and TOML files (pyproject.toml, the
filters' lexicon), and the docstrings and
comments of every Python file under movierec/, bot/, scripts/, benchmarks/ and tests/ (never
their code: a string literal in a test may name a path on purpose).

What counts as a mention (`mentions`), after URLs are taken out:

* a path that starts with one of the repository's top-level folders (`bot/ui/buttons.py`,
  `movierec/filters/`, `deploy/k8s`) or is a top-level file (README.md, pyproject.toml, and the
  usual names a project may have even when this one has not: `TOP_FILES`), not glued to anything
  before it: `$MOVIEREC_HOME/bot.sqlite3`, `../shared/data/ml-1m` and `/app/bot/` are not ours;
* a bare file name in backticks (`schema.py`; a bare folder such as `vectorstore/` in Markdown
  only): in a Markdown section about a folder ("## `movierec/` (core library)") it must be under
  that folder or one named on the same line, elsewhere anywhere in the repository;
* a Markdown link's target, relative to the file that links, and its `#anchor` among the target's
  headings;
* a dotted module in backticks (`bot.storage.schema`, `movierec.index.open_index`), or without
  them in Python comments when its first two parts are a module (`bot.hooks.claim`, not a call
  on a Telegram bot object): the module must exist, and the name after it be defined at
  its top level (read with `ast`, nothing imported), and a class's member after that;
* `Class.member` in backticks, for a class defined in movierec/ or bot/ (`Services.core`).

Skipped: placeholders and globs (`bot/features/<feature>/`, `lexicon/*.toml`, `deploy/...`), and
files this test cannot see because they are made elsewhere (`GENERATED`).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP_FOLDERS = ("bot", "movierec", "tests", "docs", "scripts", "benchmarks", "deploy", ".ci")
PYTHON_FOLDERS = ("movierec", "bot", "scripts", "benchmarks", "tests")
# Top-level files whose `#` comments are read.
HASH_COMMENTED = (
    "Dockerfile",
    "docker-compose.yml",
    "pyproject.toml",
    "babel.cfg",
    ".dockerignore",
    ".gitignore",
    ".hadolint.yaml",
    ".pre-commit-config.yaml",
)
# Top-level files the repository has, and the usual ones it might name without having them.
TOP_FILES = (
    *HASH_COMMENTED,
    "README.md",
    ".env.example",
    *("setup.py", "setup.cfg", "requirements.txt", "requirements-dev.txt", "Makefile", "tox.ini"),
    *("noxfile.py", "CONTRIBUTING.md", "DEVELOPERS.md", "CHANGELOG.md", "compose.yaml"),
    "docker-compose.yaml",
)
# What a bare file name may end with to be taken for one of ours (data files such as ratings.dat,
# links.csv or an index's manifest.json are MovieLens's or generated).
FILE_SUFFIXES = ("py", "md", "toml", "yaml", "yml", "po", "pot", "png", "cfg")
# Paths named on purpose that are not in the repository: made by a tool, or outside it.
GENERATED: frozenset[str] = frozenset()
SKIP_DIRS = {"__pycache__", ".venv", ".git", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
HOST_SUFFIXES = (".com", ".org", ".net", ".io")

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I)
_TOP = "|".join(re.escape(f) for f in TOP_FOLDERS)
_TOP_FILE = "|".join(re.escape(f) for f in TOP_FILES)
# A path: not glued to a word, a dot, a slash, a `$` or a `-` before it; placeholders, globs and
# ellipses are matched too, so that they can be recognised and skipped.
_PATH = re.compile(
    rf"(?<![\w./$~@%-])(?:(?:{_TOP})/[\w./<>*{{}}-]*|(?:{_TOP_FILE})(?![\w.-]*[\w]))",
)
_BACKTICKS = re.compile(r"`([^`\n]+)`")
_BARE_FILE = re.compile(rf"[\w-]+\.(?:{'|'.join(FILE_SUFFIXES)})/?|[\w-]+/")
_DOTTED = re.compile(r"(?<![\w./$-])((?:bot|movierec|tests|benchmarks)(?:\.[A-Za-z_]\w*)+)")
_CLASS_MEMBER = re.compile(r"([A-Z][A-Za-z0-9]+)\.([A-Za-z_]\w*)(?:\(.*\))?")
_MD_LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_HEADING_FOLDER = re.compile(r"^`([\w./-]+/)`|\(`([\w./-]+/)`\)\s*$")
_SH_COMMENT = re.compile(r"(?:^|\s)#(.*)$")


@dataclass(frozen=True)
class Text:
    """A piece of prose to check: its lines, where it comes from, and what kind of file it is in
    (Markdown sections and links only mean something in Markdown)."""

    origin: Path
    first_line: int
    body: str
    markdown: bool = False
    python: bool = False  # comments and docstrings: unquoted dotted names are read too


def _walk(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.iterdir()):
        if path.name in SKIP_DIRS or path.name.startswith(".venv"):
            continue
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


@cache
def repository_files() -> tuple[Path, ...]:
    """Every file of the repository's own folders (not the virtual environments or caches)."""
    files = [p for p in ROOT.iterdir() if p.is_file()]
    for folder in TOP_FOLDERS:
        if (ROOT / folder).is_dir():
            files.extend(_walk(ROOT / folder))
    return tuple(files)


@cache
def _names_anywhere() -> frozenset[str]:
    """Every file and folder name in the repository, for bare names with nothing to go on."""
    names: set[str] = set()
    for path in repository_files():
        rel = path.relative_to(ROOT)
        names.add(rel.name)
        names.update(f"{part}/" for part in rel.parts[:-1])
    return frozenset(names)


@cache
def _exists_under(folder: Path, name: str) -> bool:
    """`name` (`schema.py`, `baselines/`) somewhere under `folder`."""
    if not folder.is_dir():
        return False
    want_dir = name.endswith("/")
    name = name.rstrip("/")
    for path in folder.rglob(name):
        if SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            continue
        if path.is_dir() == want_dir:
            return True
    return False


def _placeholder(token: str) -> bool:
    return any(c in token for c in "<>*{}") or "..." in token


def _clean(token: str) -> str:
    return token.rstrip(".,:;)")


# --- Python: what a module defines, read with ast ------------------------------------------------


@cache
def _module_file(dotted: str) -> Path | None:
    """The file of a module or package of the repository (`bot.storage` -> its __init__.py)."""
    base = ROOT.joinpath(*dotted.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.is_dir() and dotted.split(".")[0] in TOP_FOLDERS:
        return base  # a folder of scripts without __init__.py (benchmarks/)
    return None


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Top-level statements, including those under `if TYPE_CHECKING:` and `try:`."""
    for node in body:
        yield node
        if isinstance(node, ast.If | ast.Try):
            yield from _statements(node.body + node.orelse + getattr(node, "finalbody", []))


def _defined(body: list[ast.stmt], *, instance: bool = False) -> set[str]:
    """The names a module or class body binds (and, for a class, `self.x = ...` in its methods)."""
    names: set[str] = set()
    for node in _statements(body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            if instance and not isinstance(node, ast.ClassDef):
                for sub in ast.walk(node):
                    if (
                        isinstance(sub, ast.Attribute)
                        and isinstance(sub.ctx, ast.Store)
                        and isinstance(sub.value, ast.Name)
                        and sub.value.id == "self"
                    ):
                        names.add(sub.attr)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


@cache
def _classes() -> dict[str, tuple[ast.ClassDef, ...]]:
    """Every class defined in movierec/ and bot/, by name."""
    found: dict[str, list[ast.ClassDef]] = {}
    for path in repository_files():
        if path.suffix == ".py" and path.relative_to(ROOT).parts[0] in ("movierec", "bot"):
            for node in ast.walk(_tree(path)):
                if isinstance(node, ast.ClassDef):
                    found.setdefault(node.name, []).append(node)
    return {name: tuple(nodes) for name, nodes in found.items()}


def _has_member(cls: ast.ClassDef, member: str, seen: frozenset[str] = frozenset()) -> bool:
    """`member` is defined by the class or by a base defined in the repository; a base from
    elsewhere (an Enum, a NamedTuple, python-telegram-bot's) may define anything."""
    if member in _defined(cls.body, instance=True):
        return True
    for base in cls.bases:
        name = base.value if isinstance(base, ast.Subscript) else base
        base_name = name.attr if isinstance(name, ast.Attribute) else getattr(name, "id", "")
        if base_name in {"object", "Protocol", "Generic"} or base_name in seen:
            continue
        repo_bases = _classes().get(base_name)
        if not repo_bases:
            return True
        if any(_has_member(b, member, seen | {cls.name}) for b in repo_bases):
            return True
    return False


def check_dotted(dotted: str) -> str | None:
    """Why a dotted name (`bot.storage.schema.ratings`) does not resolve, or None when it does."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = _module_file(".".join(parts[:cut]))
        if module is not None:
            break
    else:
        return f"no module {parts[0]}"
    rest = parts[cut:]
    if not rest:
        return None
    if module.is_dir():
        return f"no module {'.'.join(parts[: cut + 1])}"
    tree = _tree(module)
    top = _defined(tree.body)
    if rest[0] not in top:
        if "__getattr__" in top:
            return None  # a lazy package (movierec/__init__.py)
        return f"{'.'.join(parts[:cut])} defines no {rest[0]}"
    if len(rest) > 1:
        for node in _statements(tree.body):
            if (
                isinstance(node, ast.ClassDef)
                and node.name == rest[0]
                and not _has_member(node, rest[1])
            ):
                return f"{'.'.join(parts[: cut + 1])} has no {rest[1]}"
    return None


def check_class_member(cls: str, member: str) -> str | None:
    """Why `Class.member` is wrong, or None (also for a class the repository does not define)."""
    nodes = _classes().get(cls)
    if not nodes or any(_has_member(node, member) for node in nodes):
        return None
    return f"{cls} has no {member}"


# --- The mentions in a text -----------------------------------------------------------------------


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@cache
def _anchors(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(_slug(m.group(2)) for line in lines if (m := _HEADING.match(line)))


def _check_path(token: str) -> str | None:
    if token in GENERATED or (ROOT / token).exists():
        return None
    return "no such file or folder"


def _check_link(target: str, origin: Path) -> str | None:
    path_part, _, anchor = target.partition("#")
    where = (origin.parent / path_part).resolve() if path_part else origin
    if not where.exists():
        return "the link's target does not exist"
    if anchor and where.suffix == ".md" and anchor not in _anchors(where):
        return f"{where.name} has no heading #{anchor}"
    return None


def _check_bare(name: str, folders: list[Path]) -> str | None:
    """A bare file name: under the folders its context names, else anywhere."""
    if folders:
        if any(_exists_under(f, name) for f in folders):
            return None
        return f"not under {', '.join(str(f.relative_to(ROOT)) + '/' for f in folders)}"
    if name in _names_anywhere():
        return None
    return "no file or folder of that name"


def mentions(text: Text) -> Iterator[tuple[int, str, str | None]]:
    """(line, what is named, why it is wrong or None) for everything `text` names."""
    section: list[tuple[int, Path | None]] = []  # Markdown headings above: (level, folder)
    fence = False
    for offset, raw in enumerate(text.body.splitlines()):
        line_no = text.first_line + offset
        line = _URL.sub(" ", raw)
        if text.markdown:
            if line.lstrip().startswith("```"):
                fence = not fence
            heading = None if fence else _HEADING.match(line)
            if heading:
                level = len(heading.group(1))
                section = [(lv, f) for lv, f in section if lv < level]
                named = _HEADING_FOLDER.search(heading.group(2))
                folder = named.group(1) or named.group(2) if named else None
                section.append((level, ROOT / folder if folder else None))
            for link in _MD_LINK.finditer(line):
                target = link.group(1)
                if not _URL.match(target) and not target.startswith("mailto:"):
                    yield line_no, target, _check_link(target, text.origin)
            line = _MD_LINK.sub(" ", line)
        full_paths: list[str] = []
        for match in _PATH.finditer(line):
            token = _clean(match.group(0))
            if _placeholder(token):
                full_paths.append(re.split(r"[<>*{}]|\.\.\.", token)[0])  # its fixed part
                continue
            full_paths.append(token)
            yield line_no, token, _check_path(token)
        # A section about a folder ("## `movierec/`") holds its bare names to that folder and to
        # those named on the same line; elsewhere a bare name may be anywhere.
        context: list[Path] = []
        section_folder = next((f for _, f in reversed(section) if f is not None), None)
        if section_folder is not None:
            context.append(section_folder)
            for p in full_paths:
                folder = ROOT / p if p.endswith("/") else (ROOT / p).parent
                context.extend([folder] if folder.is_dir() else [])
        for quoted in _BACKTICKS.finditer(line):
            inner = quoted.group(1).strip()
            if _BARE_FILE.fullmatch(inner) and not _PATH.fullmatch(inner):
                # A bare folder (`index/`, `bin/`) outside Markdown is mostly one that is made.
                if not _placeholder(inner) and (text.markdown or not inner.endswith("/")):
                    yield line_no, inner, _check_bare(inner, context)
                continue
            dotted = _DOTTED.match(inner)
            if dotted and re.fullmatch(r"(?:\(.*\)|\[.*\])?", inner[dotted.end() :]):
                name = dotted.group(1)
                if not name.endswith(HOST_SUFFIXES):
                    yield line_no, name, check_dotted(name)
                continue
            member = _CLASS_MEMBER.fullmatch(inner)
            if member:
                yield line_no, inner, check_class_member(member.group(1), member.group(2))
        if text.python:
            unquoted = _BACKTICKS.sub(" ", line)
            for dotted in _DOTTED.finditer(unquoted):
                name = dotted.group(1).rstrip(".")
                head = ".".join(name.split(".")[:2])
                if name.count(".") >= 1 and _module_file(head) is not None:
                    yield line_no, name, check_dotted(name)


def problems(text: Text) -> list[str]:
    """`origin:line: name (why)` for each mention of `text` that does not resolve."""
    where = text.origin.relative_to(ROOT) if text.origin.is_relative_to(ROOT) else text.origin
    return [
        f"{where}:{line}: {name} ({why})" for line, name, why in mentions(text) if why is not None
    ]


# --- Where the texts are ------------------------------------------------------------------------


def python_texts(path: Path) -> Iterator[Text]:
    """The docstrings and comments of a Python file."""
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                # The docstring's first line: where the literal starts (`"""` and text together).
                yield Text(path, body[0].lineno, body[0].value.value, python=True)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield Text(path, token.start[0], token.string, python=True)


def hash_comment_texts(path: Path) -> Iterator[Text]:
    """The `#` comments of a shell script, Dockerfile or YAML file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number == 1 and line.startswith("#!"):
            continue
        comment = _SH_COMMENT.search(line)
        if comment:
            yield Text(path, number, comment.group(1))


def repository_texts() -> Iterator[Text]:
    """Every text this test checks."""
    for path in repository_files():
        rel = path.relative_to(ROOT)
        if path.suffix == ".md":
            yield Text(path, 1, path.read_text(encoding="utf-8"), markdown=True)
        elif rel.as_posix() == ".env.example":
            yield Text(path, 1, path.read_text(encoding="utf-8"))
        elif rel.parts[0] in PYTHON_FOLDERS and path.suffix == ".py":
            yield from python_texts(path)
        elif (
            (rel.parts[0] in ("scripts", ".ci") and not path.suffix)  # the shell scripts
            or path.name in HASH_COMMENTED
            or (rel.parts[0] == "deploy" and path.suffix in (".yaml", ".yml"))
            or (rel.parts[0] == "movierec" and path.suffix == ".toml")  # the filters' lexicon
        ):
            yield from hash_comment_texts(path)


def _all_problems() -> list[str]:
    return [problem for text in repository_texts() for problem in problems(text)]


def test_every_path_module_and_member_the_docs_and_comments_name_exists() -> None:
    found = _all_problems()
    assert not found, "stale references (rename them with the file they name):\n" + "\n".join(found)


def test_the_texts_read_are_the_repository_s() -> None:
    """The guard reads what it should: all the docs, and comments and docstrings of every
    package, so that passing means something."""
    origins = {t.origin.relative_to(ROOT).as_posix() for t in repository_texts()}
    for expected in (
        "README.md",
        "docs/ARCHITECTURE.md",
        "docs/bot.md",
        ".env.example",
        "bot/storage/base.py",
        "movierec/titles.py",
        "scripts/i18n",
        "benchmarks/core.py",
        "tests/conftest.py",
        "Dockerfile",
    ):
        assert expected in origins
    assert not any(o.startswith(".venv") for o in origins)


def _sample(body: str, markdown: bool = True) -> list[str]:
    return problems(Text(ROOT / "docs" / "sample.md", 1, body, markdown=markdown, python=True))


def test_a_stale_path_module_or_member_fails_the_guard() -> None:
    sample = """\
# A sample

Moved: `movierec/filters.py`, tests/test_storage_contract.py and deploy/k8s/gone.yaml.
`bot.storage.nothere`, `bot.storage.migrations.MIGRATIONS`, `Services.db`, see DEVELOPERS.md.
A link to [the bot](nothere.md) and [a heading](bot.md#no-such-heading).

## `movierec/` (core library)

| `filters.py` | the filters |
"""
    found = _sample(sample)
    named = [p.split(": ", 1)[1].split(" (")[0] for p in found]
    assert named == [
        "movierec/filters.py",
        "tests/test_storage_contract.py",
        "deploy/k8s/gone.yaml",
        "DEVELOPERS.md",  # paths first on each line, then what is in backticks
        "bot.storage.nothere",
        "bot.storage.migrations.MIGRATIONS",
        "Services.db",
        "nothere.md",
        "bot.md#no-such-heading",
        "filters.py",
    ], found
    assert found[0].startswith("docs/sample.md:3: ")
    # Unquoted in a comment: checked once the first two parts are a module of ours.
    assert _sample("# see bot.hooks.no_such_hook", markdown=False) == [
        "docs/sample.md:1: bot.hooks.no_such_hook (bot.hooks defines no no_such_hook)"
    ]


@pytest.mark.parametrize(
    "fine",
    [
        "`bot/ui/buttons.py`, movierec/filters/, docs/img/evaluation.png, (deploy/k8s).",
        "`bot.storage.schema`, `movierec.index.open_index`, `bot.i18n.load()`, `Services.core`",
        "`ChatStore.claim_update`, `Recommender.open()`, `Application.run_webhook` (not ours)",
        "https://github.com/o/r/blob/main/bot/ui/gone.py and $MOVIEREC_HOME/bot/x.py",
        "../shared/data/ml-1m, /app/bot/gone.py, .venv-shipped/bot/, ratings.dat, `links.csv`",
        "bot/features/<feature>/handlers.py, `lexicon/<code>.toml`, deploy/..., tests/*/x.py",
        "`bot.example.com`, the bot.send_message call, [bot](bot.md#several-replicas)",
        "| `schema.py` | in bot/storage/, `store.py`",
    ],
)
def test_what_is_not_stale_passes(fine: str) -> None:
    assert _sample(fine) == []


def test_only_the_docstrings_and_comments_of_python_are_read(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        '"""A module: see bot/gone_module.py."""\n'
        "\n"
        'PATH = "bot/gone_code.py"  # see bot/gone_comment.py\n'
        "\n"
        "\n"
        "def f() -> None:\n"
        '    """A function.\n'
        "\n"
        '    In bot/gone_function.py."""\n'
    )
    found = [problem for text in python_texts(source) for problem in problems(text)]
    assert found == [
        f"{source}:1: bot/gone_module.py (no such file or folder)",
        f"{source}:9: bot/gone_function.py (no such file or folder)",
        f"{source}:3: bot/gone_comment.py (no such file or folder)",
    ]


def test_mentions_are_counted() -> None:
    """Enough is checked for the guard to mean something (a change in the extraction that reads
    nothing would pass the first test)."""
    kinds = {"paths": 0, "names": 0}
    for text in repository_texts():
        for _, name, _ in mentions(text):
            kinds["paths" if "/" in name else "names"] += 1
    assert kinds["paths"] > 200 and kinds["names"] > 100, kinds
