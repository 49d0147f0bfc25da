"""API pages for JavaScript/TypeScript, Go, Java and Rust through tree-sitter: exported symbols with their
signatures and leading comments, one page per source file."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

import tree_sitter_go
import tree_sitter_java
import tree_sitter_javascript
import tree_sitter_rust
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser

from autodevhub.documentation.engine import Generated, Page
from autodevhub.documentation.engine.markdown import block, code, escape, page
from autodevhub.documentation.sources import SourceTree

Symbol = tuple[
    str, Node, Node
]  # name, the node whose text up to its body is the signature, the comment anchor
GRAMMARS: dict[str, tuple[str, Callable[[], object]]] = {
    ".js": ("javascript", tree_sitter_javascript.language),
    ".mjs": ("javascript", tree_sitter_javascript.language),
    ".cjs": ("javascript", tree_sitter_javascript.language),
    ".jsx": ("javascript", tree_sitter_javascript.language),
    ".ts": ("typescript", tree_sitter_typescript.language_typescript),
    ".tsx": ("tsx", tree_sitter_typescript.language_tsx),
    ".go": ("go", tree_sitter_go.language),
    ".java": ("java", tree_sitter_java.language),
    ".rs": ("rust", tree_sitter_rust.language),
}
COMMENTS = {"comment", "line_comment", "block_comment"}
COMMENT_MARKS = re.compile(r"^\s*(/\*\*?|\*/|\*(?!/)|///?|//!)\s?|\s*\*/\s*$")
MAX_SIGNATURE = 300


@functools.cache
def _parser(suffix: str) -> Parser:
    return Parser(Language(GRAMMARS[suffix][1]()))


def document(tree: SourceTree) -> Generated:
    """One page per source file of a supported language that exports at least one symbol."""
    pages, count = [], 0
    for file in tree.files:
        suffix = PurePosixPath(file.path).suffix
        if suffix not in GRAMMARS or file.path.endswith(".d.ts"):
            continue
        source = file.text.encode("utf-8")
        root = _parser(suffix).parse(source).root_node
        symbols = list(COLLECTORS[GRAMMARS[suffix][0]](root))
        if not symbols and not root.has_error:
            continue
        lines = [f"# {code(file.path)}", ""]
        if root.has_error:
            lines += [
                "> Parts of this file could not be parsed; the symbols below are the ones that could.",
                "",
            ]
        for name, node, anchor in symbols:
            lines += [f"## {code(name)}", "", block(signature(node, source), GRAMMARS[suffix][0])]
            comment = leading_comment(anchor, source)
            lines += ["", escape(comment), ""] if comment else [""]
        target = f"docs/api/{file.path}.md"
        pages.append(Page("api", file.path, target, page("\n".join(lines)), (file.path,)))
        count += len(symbols)
    return Generated(tuple(pages), count)


def signature(node: Node, source: bytes) -> str:
    """The declaration's text up to its body, whitespace collapsed."""
    body = node.child_by_field_name("body")
    if body is None and node.type == "variable_declarator":
        value = node.child_by_field_name("value")
        body = value.child_by_field_name("body") if value is not None else None
    end = body.start_byte if body is not None else node.end_byte
    text = " ".join(source[node.start_byte : end].decode("utf-8", "replace").split())
    return text if len(text) <= MAX_SIGNATURE else text[: MAX_SIGNATURE - 1] + "…"


def leading_comment(anchor: Node, source: bytes) -> str:
    """The comments right above a declaration (no blank line between), markers stripped."""
    found: list[str] = []
    node, line = anchor.prev_named_sibling, anchor.start_point[0]
    while node is not None and node.type in COMMENTS and node.end_point[0] >= line - 1:
        found.insert(0, source[node.start_byte : node.end_byte].decode("utf-8", "replace"))
        node, line = node.prev_named_sibling, node.start_point[0]
    lines = (COMMENT_MARKS.sub("", text).rstrip() for comment in found for text in comment.splitlines())
    return "\n".join(text for text in lines if text.strip() not in ("", "*/")).strip()


def _name(node: Node) -> str:
    name = node.child_by_field_name("name")
    return name.text.decode("utf-8", "replace") if name is not None and name.text else ""


def _javascript(root: Node) -> Iterator[Symbol]:
    for statement in root.named_children:
        declaration = (
            statement.child_by_field_name("declaration") if statement.type == "export_statement" else None
        )
        if declaration is None:
            continue
        if declaration.type in ("lexical_declaration", "variable_declaration"):
            for declarator in declaration.named_children:
                if declarator.type == "variable_declarator" and _name(declarator):
                    yield _name(declarator), declarator, statement
        elif _name(declaration):
            yield _name(declaration), declaration, statement


def _go(root: Node) -> Iterator[Symbol]:
    for node in root.named_children:
        if node.type in ("function_declaration", "method_declaration") and _name(node)[:1].isupper():
            yield _name(node), node, node
        elif node.type == "type_declaration":
            for spec in node.named_children:
                if spec.type == "type_spec" and _name(spec)[:1].isupper():
                    yield _name(spec), spec, node


def _public(node: Node) -> bool:
    return any(child.type == "modifiers" and b"public" in (child.text or b"") for child in node.children)


def _java(root: Node) -> Iterator[Symbol]:
    for node in root.named_children:
        if node.type.endswith("_declaration") and node.type != "import_declaration" and _public(node):
            yield _name(node), node, node
            body = node.child_by_field_name("body")
            for member in body.named_children if body is not None else ():
                if member.type in ("method_declaration", "constructor_declaration") and _public(member):
                    yield f"{_name(node)}.{_name(member)}", member, member


def _pub(node: Node) -> bool:
    return any(child.type == "visibility_modifier" for child in node.children)


def _rust(root: Node) -> Iterator[Symbol]:
    for node in root.named_children:
        if node.type == "impl_item":
            owner = node.child_by_field_name("type")
            body = node.child_by_field_name("body")
            for item in body.named_children if body is not None else ():
                if item.type == "function_item" and _pub(item) and owner is not None:
                    yield f"{owner.text.decode('utf-8', 'replace')}::{_name(item)}", item, item
        elif _pub(node) and _name(node):
            yield _name(node), node, node


COLLECTORS: dict[str, Callable[[Node], Iterator[Symbol]]] = {
    "javascript": _javascript,
    "typescript": _javascript,
    "tsx": _javascript,
    "go": _go,
    "java": _java,
    "rust": _rust,
}
