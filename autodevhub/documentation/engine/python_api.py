"""Python API pages through griffe, statically (the analysed code is parsed, never imported).

One page per module: classes, functions, methods and attributes with their signatures and parsed docstrings
(Google, NumPy or Sphinx, detected per docstring). `__all__` decides what a module exports; private names
appear only when documented. A file that does not parse gets a page that says so.
"""

from __future__ import annotations

import logging
from pathlib import PurePosixPath
from typing import Any

import griffe

from autodevhub.documentation.engine import Generated, Page
from autodevhub.documentation.engine.docstrings import render_docstring
from autodevhub.documentation.engine.markdown import code, escape, page
from autodevhub.documentation.sources import SourceFile, SourceTree

TEST_DIRS = frozenset({"tests", "test"})
logging.getLogger("griffe").setLevel(logging.ERROR)  # docstring style warnings are not the reader's concern


def package_prefix(tree: SourceTree) -> str:
    """The root's name when the root itself is a package (its modules are `root.x`), else nothing."""
    is_package = any(file.path == "__init__.py" for file in tree.files)
    return tree.name if is_package and tree.name.isidentifier() else ""


def module_name(path: str, prefix: str = "") -> str:
    """`src/pkg/mod.py` -> `pkg.mod`; `pkg/__init__.py` -> `pkg`; under a package root, `prefix.` first."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[0] == "src":
        parts = parts[1:]
    if prefix:
        parts = [prefix, *parts]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or PurePosixPath(path).stem


def python_files(tree: SourceTree) -> list[SourceFile]:
    """The Python modules worth a page (tests left out)."""
    return [
        file
        for file in tree.files
        if file.path.endswith(".py") and not TEST_DIRS.intersection(PurePosixPath(file.path).parts[:-1])
    ]


def document(tree: SourceTree) -> Generated:
    """One API page per Python module, sorted by path."""
    pages, symbols = [], 0
    prefix = package_prefix(tree)
    for file in python_files(tree):
        name = module_name(file.path, prefix)
        made = module_page(file, name)
        if made is None:
            continue
        content, count = made
        target = "docs/api/" + name.replace(".", "/") + ".md"
        pages.append(Page("api", name, target, content, (file.path,)))
        symbols += count
    return Generated(tuple(pages), symbols)


def module_page(file: SourceFile, name: str) -> tuple[str, int] | None:
    """A module's Markdown and the number of symbols it documents; None for an undocumented private one."""
    header = [f"# {code(name)}", "", f"Source: {code(file.path)}", ""]
    try:
        module = griffe.visit(name, PurePosixPath(file.path), file.text, docstring_parser=griffe.Parser.auto)
    except SyntaxError as error:
        where = f" at line {error.lineno}" if error.lineno else ""
        note = f"> This file could not be parsed: {escape(error.msg or 'syntax error')}{where}."
        return page("\n".join([*header, note])), 0
    stem = PurePosixPath(file.path).stem
    if stem.startswith("_") and stem != "__init__" and module.docstring is None:
        return None
    lines = [*header, *render_docstring(module.docstring)]
    exports = {str(name) for name in module.exports} if module.exports is not None else None
    shown = [member for member in module.members.values() if _shown(member, exports)]
    count = 0
    for kind, title in (("class", "Classes"), ("function", "Functions"), ("attribute", "Attributes")):
        members = [member for member in shown if member.kind.value == kind]
        if members:
            lines += [f"## {title}", ""]
        for member in members:
            lines += _render(member, 3)
            count += 1 + sum(1 for sub in _class_members(member))
    aliases = [
        member for member in module.members.values() if member.is_alias and member.name in (exports or ())
    ]
    if aliases:
        lines += ["## Re-exported", ""]
        lines += [f"- {code(alias.name)}: from {code(alias.target_path)}" for alias in aliases]
        count += len(aliases)
    return page("\n".join(lines)), count


def _shown(member: Any, exports: set[str] | None) -> bool:
    """Public members (by `__all__` when a module declares it); private ones only with a docstring."""
    if member.is_alias or member.name == "__all__":
        return False
    if exports is not None and member.parent is not None and member.parent.is_module:
        return member.name in exports
    return not member.name.startswith("_") or member.docstring is not None


def _class_members(member: Any) -> list[Any]:
    if member.is_alias or member.kind.value != "class":
        return []
    return [sub for sub in member.members.values() if _shown(sub, None) and sub.kind.value != "class"]


def _render(member: Any, level: int) -> list[str]:
    """One class, function or attribute: a heading with its signature, then its docstring."""
    hashes = "#" * level
    kind = member.kind.value
    if kind == "class":
        bases = ", ".join(str(base) for base in member.bases)
        heading = f"class {member.name}" + (f"({bases})" if bases else "")
    elif kind == "function":
        prefix = "async def" if "async" in member.labels else "def"
        returns = f" -> {member.returns}" if member.returns is not None else ""
        heading = f"{prefix} {member.name}{signature(member, skip_first=member.parent.is_class)}{returns}"
    else:
        annotation = f": {member.annotation}" if member.annotation is not None else ""
        value = f" = {_short(str(member.value))}" if member.value is not None else ""
        heading = f"{member.name}{annotation}{value}"
    lines = [f"{hashes} {code(' '.join(heading.split()))}", ""]
    init = member.members.get("__init__") if kind == "class" else None
    if init is not None and not init.is_alias and init.kind.value == "function":
        lines += [f"Constructor: {code(member.name + signature(init, skip_first=True))}", ""]
    lines += render_docstring(member.docstring)
    for sub in _class_members(member):
        if sub.name != "__init__" or sub.docstring is not None:
            lines += _render(sub, level + 1)
    return lines


def signature(function: Any, *, skip_first: bool = False) -> str:
    """`(a: int, /, b: str = 'x', *args, c=3, **kw)` from griffe's parameters."""
    parameters = list(function.parameters)
    if skip_first and parameters and parameters[0].name in ("self", "cls"):
        parameters = parameters[1:]
    parts: list[str] = []
    keyword_marker = False
    for index, parameter in enumerate(parameters):
        kind = parameter.kind.value
        if kind == "keyword-only" and not keyword_marker:
            parts.append("*")
        keyword_marker = keyword_marker or kind in ("keyword-only", "variadic positional")
        stars = {"variadic positional": "*", "variadic keyword": "**"}.get(kind, "")
        text = stars + parameter.name
        if parameter.annotation is not None:
            text += f": {parameter.annotation}"
        if parameter.default is not None and not stars:
            equals = " = " if parameter.annotation is not None else "="
            text += equals + _short(str(parameter.default))
        parts.append(text)
        following = parameters[index + 1].kind.value if index + 1 < len(parameters) else None
        if kind == "positional-only" and following != "positional-only":
            parts.append("/")
    return f"({', '.join(parts)})"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
