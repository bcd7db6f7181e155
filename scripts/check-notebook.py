#!/usr/bin/env python3
"""Checks an executed notebook: no error outputs, and every Plotly chart embeds plotly.js.

Usage: check-notebook.py EXECUTED.ipynb   (exit 0 when clean; prints each problem otherwise)
"""
import json
import sys

# Plotly.NET's default HTML loads plotly.js through require.js from this CDN: nothing draws offline.
CDN_REQUIRE = "paths:{plotly:'https://cdn.plot.ly"
EMBEDDED_BANNER = "plotly.js v"  # the licence banner at the top of the embedded library


def text(value):
    return "".join(value) if isinstance(value, list) else str(value)


def problems(path):
    nb = json.load(open(path, encoding="utf-8"))
    for index, cell in enumerate(nb.get("cells", [])):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                yield f"cell {index}: {output.get('ename')}: {text(output.get('evalue', ''))[:500]}"
            html = text(output.get("data", {}).get("text/html", ""))
            if "Plotly.newPlot" in html and (CDN_REQUIRE in html or EMBEDDED_BANNER not in html):
                yield f"cell {index}: Plotly chart does not embed plotly.js (it would not draw offline)"


def main(args):
    if len(args) != 1:
        print(__doc__)
        return 2
    found = list(problems(args[0]))
    for p in found:
        print(f"{args[0]}: {p}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
