"""The docs hold together: links resolve, the README stays a front page, nothing goes undocumented.

README.md is the front page and `docs/*.md` one page per part. These tests read the Markdown and
the source (with `ast` and regular expressions, importing nothing), so they fail when a link
breaks, the README grows past a front page, or a new subcommand, benchmark or setting lands
without a line of documentation.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
README_MAX_LINES = 420

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"`[^`\n]*`")
# [text](target) and ![alt](target), text allowing one level of nested brackets; optional title.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def markdown_files() -> list[Path]:
    return [README, REPO_ROOT / "MODEL.md", *sorted(DOCS.rglob("*.md"))]


def prose_lines(path: Path) -> Iterator[str]:
    """The file's lines outside fenced code blocks."""
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: rendered text, lower case, punctuation dropped."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"<[^>]+>", "", text).replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file, with GitHub's -1, -2 suffixes on repeats."""
    seen: dict[str, int] = {}
    result = set()
    for line in prose_lines(path):
        match = HEADING.match(line)
        if not match:
            continue
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def links(path: Path) -> list[str]:
    """Relative link and image targets of a Markdown file (web and mail links left out)."""
    text = "\n".join(INLINE_CODE.sub("", line) for line in prose_lines(path))
    targets = [match.group(1).strip("<>") for match in LINK.finditer(text)]
    targets += REFERENCE.findall(text)
    return [target for target in targets if not SCHEME.match(target)]


def documentation_text(*, with_readme: bool = True) -> str:
    pages = sorted(DOCS.rglob("*.md"))
    return "\n".join(page.read_text(encoding="utf-8") for page in [README] * with_readme + pages)


def module_file(module: str) -> Path:
    """The source file of a `neurodebug.…` module, in the package folder or a mapped top folder."""
    parts = module.split(".")
    for candidate in (REPO_ROOT.joinpath(*parts), REPO_ROOT.joinpath(*parts[1:])):
        if candidate.with_suffix(".py").is_file():
            return candidate.with_suffix(".py")
    raise AssertionError(f"no source file for {module}")


def tuple_of_strings(path: Path, name: str) -> list[str]:
    """The string items of a module-level `NAME: tuple[str, ...] = (...)` assignment."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == name and node.value is not None:
            value = ast.literal_eval(node.value)
            assert isinstance(value, tuple | list)
            return [str(item) for item in value]
    raise AssertionError(f"{name} not found in {path}")


def parser_names(modules: list[str]) -> list[str]:
    """The names the modules register with `subparsers.add_parser("name", ...)`."""
    names = []
    for module in modules:
        tree = ast.parse(module_file(module).read_text(encoding="utf-8"))
        registered = [
            node.args[0].value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_parser"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ]
        assert registered, f"{module} registers no parser"
        names.append(registered[0])
    return names


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.name)
def test_every_relative_link_resolves(path: Path) -> None:
    broken = []
    for target in links(path):
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target}: no heading with that anchor in {resolved.name}")
    assert not broken, f"{path.relative_to(REPO_ROOT)}: " + "; ".join(broken)


def test_slugs_follow_github() -> None:
    assert github_slug("`neurodebug eval` — how good is it?") == "neurodebug-eval--how-good-is-it"
    assert github_slug("bench analyze --peers") == "bench-analyze---peers"
    assert (
        github_slug("Around the model: constraints, folding")
        == "around-the-model-constraints-folding"
    )


def test_readme_is_a_front_page() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail to docs/"


def test_readme_links_every_docs_page_and_the_model_card() -> None:
    linked = {(REPO_ROOT / target.partition("#")[0]).resolve() for target in links(README)}
    pages = [*sorted(DOCS.rglob("*.md")), REPO_ROOT / "MODEL.md"]
    missing = [page.relative_to(REPO_ROOT) for page in pages if page.resolve() not in linked]
    assert pages and not missing, f"not linked from README.md: {missing}"


def test_every_subcommand_is_documented() -> None:
    modules = tuple_of_strings(REPO_ROOT / "neurodebug" / "cli.py", "COMMAND_MODULES")
    text = documentation_text()
    missing = [
        name
        for name in parser_names(modules)
        if not re.search(rf"neurodebug\s+{re.escape(name)}\b", text)
    ]
    assert not missing, f"subcommands missing from README.md and docs/: {missing}"


def test_every_benchmark_is_documented() -> None:
    modules = tuple_of_strings(REPO_ROOT / "neurodebug" / "commands" / "bench.py", "BENCH_MODULES")
    text = documentation_text()
    names = parser_names(modules)
    missing = [name for name in names if not re.search(rf"bench\s+{re.escape(name)}\b", text)]
    assert names and not missing, f"benchmarks missing from README.md and docs/: {missing}"


def server_setting_keys() -> list[str]:
    """camelCase keys of the server's options dataclass, as editors send them."""
    tree = ast.parse((REPO_ROOT / "server" / "options.py").read_text(encoding="utf-8"))
    classes = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any("dataclass" in ast.unparse(decorator) for decorator in node.decorator_list)
    ]
    assert classes, "no dataclass in server/options.py"
    keys = []
    for cls in classes:
        for node in cls.body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                head, *rest = node.target.id.split("_")
                keys.append(head + "".join(part.title() for part in rest))
    return keys


def test_every_server_setting_is_documented() -> None:
    keys = server_setting_keys()
    text = documentation_text(with_readme=False)
    missing = [key for key in keys if f"`{key}`" not in text]
    assert {"maxSteps", "debounceMs"} <= set(keys) and not missing, (
        f"server settings missing from docs/: {missing}"
    )


def test_every_vscode_setting_is_documented() -> None:
    manifest = json.loads((REPO_ROOT / "vscode-extension" / "package.json").read_text())
    configuration = manifest["contributes"]["configuration"]
    sections = configuration if isinstance(configuration, list) else [configuration]
    settings = [key for section in sections for key in section["properties"]]
    text = documentation_text(with_readme=False)
    missing = [
        key
        for key in settings
        if f"`{key}`" not in text and f"`{key.removeprefix('neurodebug')}`" not in text
    ]
    assert settings and not missing, f"VS Code settings missing from docs/: {missing}"


def test_every_server_command_is_documented() -> None:
    pattern = re.compile(r'^[A-Z_]+\s*(?::\s*str\s*)?=\s*"(neurodebug\.[A-Za-z.]+)"', re.MULTILINE)
    commands = {
        command
        for source in sorted((REPO_ROOT / "server").rglob("*.py"))
        for command in pattern.findall(source.read_text(encoding="utf-8"))
    }
    text = documentation_text(with_readme=False)
    missing = sorted(
        command
        for command in commands
        if f"`{command}`" not in text and f"`{command.removeprefix('neurodebug.')}`" not in text
    )
    assert commands and not missing, f"server commands missing from docs/: {missing}"


def test_every_project_setting_is_documented() -> None:
    source = (REPO_ROOT / "neurodebug" / "config.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'\bkey == "([a-z-]+)"', source))
    text = documentation_text(with_readme=False)
    missing = sorted(key for key in keys if f"{key} =" not in text)
    assert keys and not missing, f"[tool.neurodebug] keys missing from docs/: {missing}"


def test_every_rule_module_is_linked_from_the_rules_page() -> None:
    targets = {Path(target).name for target in links(DOCS / "rules.md")}
    modules = sorted(path.name for path in (REPO_ROOT / "analyzers" / "rules").glob("nd[0-9]*.py"))
    missing = [name for name in modules if name not in targets]
    assert modules and not missing, f"rule modules not linked from docs/rules.md: {missing}"
