"""The documentation stays true: generated sections are current, links resolve, and the
README's examples run."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

import wavyte_core as wv

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _gen_docs():  # noqa: ANN202 - the script module
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generated_sections_are_current() -> None:
    stale = [str(p.relative_to(ROOT)) for p, _ in _gen_docs().stale_files()]
    assert not stale, f"{stale}: out of date, run `python scripts/gen_docs.py`"


def test_a_stale_section_is_detected() -> None:
    gen = _gen_docs()
    text = "intro\n<!-- BEGIN GENERATED values:Ease -->\nold\n<!-- END GENERATED -->\nend"
    new = gen.regenerate(text)
    assert "old" not in new and '`"InOutCubic"`' in new
    assert new.startswith("intro\n") and new.endswith("\nend")
    assert gen.regenerate(new) == new
    with pytest.raises(ValueError, match="has no"):
        gen.regenerate("<!-- BEGIN GENERATED values:Ease -->\nno end")


def test_every_asset_kind_has_a_generated_table_in_format_md() -> None:
    from wavyte_core.format.model import ASSET_TAGS

    text = (ROOT / "docs" / "format.md").read_text()
    for tag in ASSET_TAGS.values():
        assert f"<!-- BEGIN GENERATED schema:Asset/{tag} -->" in text, tag


def test_every_builtin_asset_kind_has_a_section_in_format_md() -> None:
    from wavyte_core.plugin.registry import Registry

    headings = re.findall(r"^### (\S+)", (ROOT / "docs" / "format.md").read_text(), re.M)
    kinds = list(Registry.build(entrypoints=False).asset_kinds)
    assert kinds
    assert [k for k in kinds if k not in headings] == []


def test_every_hook_is_in_architecture_md() -> None:
    from wavyte_core.plugin import hookspecs

    text = (ROOT / "docs" / "architecture.md").read_text()
    hooks = [n for n in vars(hookspecs) if n.startswith("wavyte_")]
    assert hooks
    assert [h for h in hooks if f"`{h}`" not in text] == []


def test_every_core_command_has_a_generated_section_in_cli_md() -> None:
    from wavyte_core.cli.main import COMMANDS

    text = (ROOT / "docs" / "cli.md").read_text()
    assert [c for c in COMMANDS if f"<!-- BEGIN GENERATED cli:{c} -->" not in text] == []


# ----------------------------------------------------------------------------- links

_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_HTML_ID = re.compile(r'<a id="([^"]+)"')


def _slug(heading: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text())
    out: set[str] = set(_HTML_ID.findall(text))
    seen: dict[str, int] = {}
    for m in re.finditer(r"^#{1,6} (.+)$", text, re.M):
        slug = _slug(m.group(1))
        n = seen.get(slug, 0)
        out.add(slug if n == 0 else f"{slug}-{n}")
        seen[slug] = n + 1
    return out


def _links(path: Path) -> list[str]:
    text = _FENCE.sub("", path.read_text())
    text = re.sub(r"`[^`\n]*`", "", text)
    return [a or b for a, b in _LINK.findall(text)]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_resolve(doc: Path) -> None:
    broken = []
    for target in _links(doc):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        dest = (doc.parent / file).resolve() if file else doc
        if not dest.exists() or anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(target)
    assert not broken, f"{doc.relative_to(ROOT)}: broken links {broken}"


def test_the_link_check_catches_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n[ok](#title) [bad](missing.md) [anchor](#nope)\n"
        "Run `python scripts/nope.py` or `scripts/gen_docs.py --check`.\n"
    )
    assert _repo_paths(page) == ["scripts/nope.py", "scripts/gen_docs.py"]
    assert not (ROOT / "scripts/nope.py").exists()
    targets = _links(page)
    assert targets == ["#title", "missing.md", "#nope"]
    assert "title" in _anchors(page) and "nope" not in _anchors(page)


_REPO_PATH = re.compile(
    r"(?<![\w/.])((?:scripts|wavyte_core|plugins|conformance|examples|tests|docs)/[\w./-]*[\w/])"
)
#: Where a path written in the docs may live: the repository, or (for the files of a
#: generated plugin package) the example plugin.
_PATH_BASES = (ROOT, ROOT / "examples" / "plugin_example")


def _repo_paths(doc: Path) -> list[str]:
    """Repository paths written in code spans (``scripts/x.py``, ``wavyte_core/run/job.py``)."""
    out = []
    for span in re.findall(r"`([^`\n]+)`", doc.read_text()):
        for path in _REPO_PATH.findall(span):
            if not any(c in path for c in "%*{<"):  # patterns, not paths
                out.append(path.split(":")[0])
    return out


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_paths_in_code_spans_exist(doc: Path) -> None:
    missing = [
        p
        for p in _repo_paths(doc)
        if not any((base / p).exists() or any(base.glob(p + "*")) for base in _PATH_BASES)
    ]
    assert not missing, f"{doc.relative_to(ROOT)}: no such file or folder {missing}"


# -------------------------------------------------------------------- README examples


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, re.S | re.M)


def test_readme_json_example_is_examples_hello_json() -> None:
    readme = (ROOT / "README.md").read_text()
    (block,) = _blocks(readme, "json")
    assert block == (ROOT / "examples" / "hello.json").read_text()


def test_readme_python_example_builds_the_json_example_and_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (ROOT / "README.md").read_text()
    (code,) = _blocks(readme, "python")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - the README's own example
    assert scope["comp"] == wv.load(ROOT / "examples" / "hello.json")
    assert scope["frame"].shape == (360, 640, 4)
    assert (tmp_path / "hello.mp4").stat().st_size > 1000


def test_quick_start_commands_are_make_targets() -> None:
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("demo", "test"):
        assert f"make {target}" in readme
        assert re.search(rf"^{target}:", makefile, re.M), target


# --------------------------------------------------------------------- doc examples


def _json_examples() -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        for block in _blocks(doc.read_text(), "json"):
            if "..." in block or "…" in block:
                continue  # an outline, not a value
            out.append((doc.name, block))
    return out


@pytest.mark.parametrize(
    ("doc", "block"), _json_examples(), ids=lambda v: "" if "\n" in v or len(v) > 40 else v
)
def test_json_examples_parse_and_documents_load(doc: str, block: str) -> None:
    try:
        value = json.loads(block)
    except json.JSONDecodeError:
        value = json.loads("{" + block + "}")  # a member: "key": value
    if isinstance(value, dict) and "fps" in value and "tracks" in value:
        wv.load(block.encode())
