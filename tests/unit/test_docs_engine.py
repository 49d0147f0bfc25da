"""The offline docs engine on real code (this project, click from the venv) and on crafted bad input."""

from __future__ import annotations

import os
from pathlib import Path

import click

from autodevhub.documentation.engine import generate
from autodevhub.documentation.engine.markdown import BEGIN, END, escape
from autodevhub.documentation.sources.local import MAX_FILE_BYTES, read_directory

ROOT = Path(__file__).resolve().parents[2]
XSS = '"""Say hi <script>alert(1)</script> and <img src=x onerror=alert(2)> & `<b>code</b>`."""'


def pages_by_title(path: Path) -> dict[str, str]:
    return {page.title: page.content for page in generate(read_directory(path)).pages}


def test_the_projects_own_package_is_documented():
    result = generate(read_directory(ROOT / "autodevhub"))  # speed: bench, not a timed assertion
    pages = {page.title: page for page in result.pages}
    audit = pages["autodevhub.core.audit"].content
    assert "### `def record(session: Session, actor: Actor, action: str, resource_type: str," in audit
    assert "resource_id: object = None, **details: Any) -> AuditLog`" in audit
    assert "One audit row (who and from where: the actor)" in audit
    assert result.pages[0].doc_type == "overview" and result.symbols > 1000


def test_click_docstrings_are_parsed():
    pages = pages_by_title(Path(click.__file__).parent)
    core = pages["click.core"]
    assert "### `class Command(BaseCommand)`" in core or "### `class Command`" in core
    assert "**Parameters**" in core  # click's Sphinx `:param:` fields, parsed
    assert "Click is a simple Python module" in pages["click"]
    assert "click._compat" not in pages  # a private module is still a page; its undocumented names are not


def test_same_input_same_bytes(tmp_path):
    first = [page.content for page in generate(read_directory(ROOT / "autodevhub")).pages]
    second = [page.content for page in generate(read_directory(ROOT / "autodevhub")).pages]
    assert first == second and all(text.startswith(BEGIN) and text.rstrip().endswith(END) for text in first)


def test_docstring_html_is_escaped(tmp_path):
    (tmp_path / "mod.py").write_text(f"{XSS}\n\ndef f(x: int) -> int:\n    {XSS}\n")
    page = pages_by_title(tmp_path)["mod"]
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&amp;" in page and "`<b>code</b>`" in page  # inline code is literal already
    assert escape("```\n<b>\n```") == "```\n<b>\n```"


def test_syntax_error_page_says_so_and_the_rest_is_generated(tmp_path):
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "good.py").write_text('def ok(a, b=2):\n    """Fine."""\n')
    pages = pages_by_title(tmp_path)
    assert "This file could not be parsed: invalid syntax at line 1." in pages["broken"]
    assert "### `def ok(a, b=2)`" in pages["good"]


def test_private_names_only_when_documented_and_all_wins(tmp_path):
    (tmp_path / "a.py").write_text(
        '__all__ = ["shown"]\ndef shown(): ...\ndef hidden(): ...\n'
        'class _Helper:\n    """Documented but not exported."""\n'
    )
    (tmp_path / "b.py").write_text('def _quiet(): ...\ndef _loud():\n    """Says what it does."""\n')
    (tmp_path / "c.py").write_text('from b import _loud as loud\n__all__ = ["loud"]\n')
    pages = pages_by_title(tmp_path)
    assert "- `loud`: from `b._loud`" in pages["c"]
    assert "shown" in pages["a"] and "hidden" not in pages["a"] and "_Helper" not in pages["a"]
    assert "_loud" in pages["b"] and "_quiet" not in pages["b"]


def test_skipped_files_are_reported(tmp_path):
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.js").write_text("x")
    (tmp_path / "app.min.js").write_text("x")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\0\0")
    (tmp_path / "big.py").write_text("x = 1\n" * (MAX_FILE_BYTES // 5))
    (tmp_path / "ok.py").write_text("x = 1\n")
    os.symlink("/etc/passwd", tmp_path / "link.py")
    tree = read_directory(tmp_path)
    assert [file.path for file in tree.files] == ["ok.py"]
    assert tree.summary() == {
        "binary": 1,
        "minified": 1,
        "over 1 MB": 1,
        "symlink": 1,
        "vendored, generated or hidden folder": 1,
    }


def test_overview_has_readme_entry_points_workflows_and_graph(tmp_path):
    (tmp_path / "README.md").write_text("# Tool\n\nDoes <b>things</b>.\n\n## Install\n\npip install\n")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "t"\n[project.scripts]\ntool = "pkg.cli:main"\n'
    )
    (tmp_path / "Makefile").write_text("run:\n\techo\ntest: run\n\techo\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("name: CI\non: [push]\njobs:\n  test: {}\n")
    (tmp_path / "pkg" / "a").mkdir(parents=True)
    (tmp_path / "pkg" / "b").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text('"""The package."""\n')
    (tmp_path / "pkg" / "a" / "__init__.py").write_text('"""Part A."""\nfrom pkg.b import thing\n')
    (tmp_path / "pkg" / "b" / "__init__.py").write_text("thing = 1\n")
    overview = generate(read_directory(tmp_path)).pages[0].content
    assert "Does &lt;b&gt;things&lt;/b&gt;." in overview and "pip install" not in overview
    assert "- command `tool`: `pkg.cli:main`" in overview and "- make `test`" in overview
    assert "- CI (`.github/workflows/ci.yml`): on `push`; jobs `test`" in overview
    assert "- `pkg/` (3 files): The package." in overview and "  - `pkg/a/` (1 file): Part A." in overview
    assert '```mermaid\nflowchart LR\n  n0["pkg.a"]\n  n1["pkg.b"]\n  n0 --> n1\n```' in overview


def test_the_file_limit_and_unsafe_names(tmp_path, monkeypatch):
    from autodevhub.documentation import sources
    from autodevhub.documentation.sources import refused_name

    for index in range(5):
        (tmp_path / f"m{index}.py").write_text("x = 1\n")
    (tmp_path / "ünïcode.py").write_text('"""Ünïcode."""\n')
    monkeypatch.setattr(sources, "MAX_FILES", 4)
    tree = read_directory(tmp_path)
    assert [file.path for file in tree.files] == ["m0.py", "m1.py", "m2.py", "m3.py"]
    assert tree.summary() == {"over the 4-file limit": 2}
    assert [refused_name(path) for path in ("a/../b", "/etc/passwd", "a\\b", "a\nb")] == [
        "unsafe path name"
    ] * 4
    assert refused_name("docs/ünï.md") is None
