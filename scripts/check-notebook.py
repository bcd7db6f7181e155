#!/usr/bin/env python3
"""Checks notebooks.

Usage:
  check-notebook.py EXECUTED.ipynb                 an executed copy: no error outputs, every Plotly chart embeds plotly.js
  check-notebook.py --committed NOTEBOOK.ipynb ... notebooks as committed: nbformat 4.5 with a unique id per cell
                                                   (older files make nbformat warn MissingIDFieldWarning on every run,
                                                   a future nbformat refuses them), kernelspec and language_info metadata
                                                   (#!import and the headless runner need them)
  check-notebook.py --add-ids NOTEBOOK.ipynb ...   gives every cell without one an id and sets nbformat_minor 5,
                                                   changing nothing else (cell sources are kept as they are)
Exit 0 when clean; prints each problem otherwise (exit 1).
"""
import json
import re
import sys
import uuid

# Plotly.NET's default HTML loads plotly.js through require.js from this CDN: nothing draws offline.
CDN_REQUIRE = "paths:{plotly:'https://cdn.plot.ly"
EMBEDDED_BANNER = "plotly.js v"  # the licence banner at the top of the embedded library
# nbformat 4.5's schema for a cell id.
CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")


def text(value):
    return "".join(value) if isinstance(value, list) else str(value)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def problems(path):
    nb = load(path)
    for index, cell in enumerate(nb.get("cells", [])):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                yield f"cell {index}: {output.get('ename')}: {text(output.get('evalue', ''))[:500]}"
            html = text(output.get("data", {}).get("text/html", ""))
            if "Plotly.newPlot" in html and (CDN_REQUIRE in html or EMBEDDED_BANNER not in html):
                yield f"cell {index}: Plotly chart does not embed plotly.js (it would not draw offline)"


def committed_problems(path):
    nb = load(path)
    if nb.get("nbformat") != 4 or nb.get("nbformat_minor", 0) < 5:
        yield f"nbformat {nb.get('nbformat')}.{nb.get('nbformat_minor')}, expected 4.5 or later (cell ids)"
    seen = set()
    for index, cell in enumerate(nb.get("cells", [])):
        cell_id = cell.get("id")
        if cell_id is None:
            yield f"cell {index} ({cell.get('cell_type')}) has no id"
        elif not isinstance(cell_id, str) or not CELL_ID.match(cell_id):
            yield f"cell {index}: id {cell_id!r} is not 1-64 letters, digits, '-' or '_'"
        elif cell_id in seen:
            yield f"cell {index}: id {cell_id!r} is used twice"
        seen.add(cell_id)
    metadata = nb.get("metadata", {})
    if not metadata.get("kernelspec", {}).get("name"):
        yield "metadata.kernelspec is missing (#!import of this notebook would fail)"
    if not metadata.get("language_info", {}).get("name"):
        yield "metadata.language_info is missing"


def add_ids(path):
    """Adds the missing ids in place; returns how many. The file keeps its JSON layout (indent 1)."""
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    nb = json.loads(raw)
    used = {c["id"] for c in nb.get("cells", []) if isinstance(c.get("id"), str)}
    added = 0
    for cell in nb.get("cells", []):
        if "id" not in cell:
            new = uuid.uuid4().hex[:8]
            while new in used:
                new = uuid.uuid4().hex[:8]
            cell["id"] = new
            used.add(new)
            added += 1
    if added or nb.get("nbformat_minor", 0) < 5:
        nb["nbformat_minor"] = max(5, nb.get("nbformat_minor", 0))
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(nb, indent=1, ensure_ascii=False) + ("\n" if raw.endswith("\n") else ""))
    return added


def report(path, found):
    for p in found:
        print(f"{path}: {p}", file=sys.stderr)
    return bool(found)


def main(args):
    if args[:1] == ["--committed"] and len(args) > 1:
        bad = [report(path, list(committed_problems(path))) for path in args[1:]]
        if any(bad):
            print("missing ids or nbformat < 4.5: scripts/check-notebook.py --add-ids NOTEBOOK.ipynb adds them", file=sys.stderr)
        return 1 if any(bad) else 0
    if args[:1] == ["--add-ids"] and len(args) > 1:
        for path in args[1:]:
            print(f"{path}: {add_ids(path)} id(s) added")
        return 0
    if len(args) != 1 or args[0].startswith("--"):
        print(__doc__)
        return 2
    return 1 if report(args[0], list(problems(args[0]))) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
