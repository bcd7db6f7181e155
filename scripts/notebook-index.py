#!/usr/bin/env python3
"""Writes the index of the executed workbook: results/notebooks/index.html.

Usage: scripts/notebook-index.py [--scale quick] [--results results] [--readme README.md]

For each notebook of the README's reading order (the table under "In reading order") it shows the title (the
notebook's first heading), the question it answers (the README's column, so the question is written once), its verdict
(the text output of the cells tagged "verdict" in the executed copy), a thumbnail of its main figure and links to the
executed notebook, its screenshot in the browser (scripts/browser-notebooks.sh) and every figure. A notebook's figures are named in its metadata, "pemn": {"figures": [...]},
as globs under results/ with {scale} for the scale. The page embeds no script and loads nothing from the network:
it opens offline, beside the executed notebooks it links to. A notebook that was not executed, or a figure that is
missing, is shown as missing (the index is still written), and the exit status is 1 so the main job notices.
"""
import argparse
import datetime
import glob
import html
import json
import os
import platform
import re
import subprocess
import sys

VERDICT_TAG = "verdict"
# A verdict longer than this is cut (the executed notebook has it all): the index is an overview.
VERDICT_CHARS = 900
THUMBNAIL_WIDTH = 360


def reading_order(readme):
    """(notebook name, question) of each row of the README's reading-order table."""
    text = open(readme, encoding="utf-8").read()
    start = text.find("In reading order")
    if start < 0:
        sys.exit(f"notebook-index: {readme} has no 'In reading order' table")
    rows = []
    for line in text[start:].splitlines()[1:]:
        if rows and not line.startswith("|"):
            break
        match = re.match(r"\|\s*`([^`]+)`[^|]*\|\s*([^|]+?)\s*\|", line)
        if match:
            rows.append((match.group(1), match.group(2)))
    return rows


def cell_text(cell):
    """The text a code cell printed (streams and plain-text results), in order."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append("".join(output.get("text", "")))
        elif "text/plain" in output.get("data", {}):
            parts.append("".join(output["data"]["text/plain"]))
    return "".join(parts).strip()


def title_of(notebook):
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return "(no title)"


def verdict_of(notebook):
    texts = [cell_text(c) for c in notebook["cells"]
             if c["cell_type"] == "code" and VERDICT_TAG in c.get("metadata", {}).get("tags", [])]
    text = "\n\n".join(t for t in texts if t)
    return text if len(text) <= VERDICT_CHARS else text[:VERDICT_CHARS].rsplit(" ", 1)[0] + " ..."


def figures_of(source_notebook, results, scale):
    patterns = source_notebook.get("metadata", {}).get("pemn", {}).get("figures", [])
    found, missing = [], []
    for pattern in patterns:
        matches = sorted(glob.glob(os.path.join(results, pattern.replace("{scale}", scale))))
        if matches:
            found.extend(m for m in matches if m not in found)
        else:
            missing.append(pattern.replace("{scale}", scale))
    return found, missing


def provenance(root):
    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    cores = os.cpu_count() or 0
    return commit, f"{platform.node()}, {cores} cores", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default=os.environ.get("PEMN_SCALE", "quick"))
    parser.add_argument("--results", default="results")
    parser.add_argument("--readme", default="README.md")
    parser.add_argument("--notebooks", default="notebooks")
    args = parser.parse_args()
    executed_dir = os.path.join(args.results, "notebooks")
    os.makedirs(executed_dir, exist_ok=True)
    index = os.path.join(executed_dir, "index.html")
    link = lambda path: html.escape(os.path.relpath(path, executed_dir))

    cards, problems = [], []
    for name, question in reading_order(args.readme):
        source_path = os.path.join(args.notebooks, name + ".ipynb")
        if not os.path.exists(source_path):
            problems.append(f"{name}: listed in {args.readme} but {source_path} does not exist")
            continue
        source = json.load(open(source_path, encoding="utf-8"))
        executed_path = os.path.join(executed_dir, name + ".ipynb")
        executed = json.load(open(executed_path, encoding="utf-8")) if os.path.exists(executed_path) else None
        if executed is None:
            problems.append(f"{name}: not executed (no {executed_path})")
        figures, missing = figures_of(source, args.results, args.scale)
        problems.extend(f"{name}: figure {m} is missing" for m in missing)
        title = title_of(executed or source)
        verdict = verdict_of(executed) if executed else ""
        thumb = (f'<a href="{link(figures[0])}"><img src="{link(figures[0])}" width="{THUMBNAIL_WIDTH}" alt="{html.escape(title)}"></a>'
                 if figures else '<div class="none">no figure</div>')
        links = []
        for ext, what in (("html", "executed notebook (.html)"), ("ipynb", "executed notebook (.ipynb)"),
                          ("png", "the notebook in the browser (screenshot)")):
            path = os.path.join(executed_dir, f"{name}.{ext}")
            if os.path.exists(path):
                links.append(f'<a href="{link(path)}">{what}</a>')
        links += [f'<a href="{link(f)}">{html.escape(os.path.relpath(f, args.results))}</a>' for f in figures]
        links += [f'<span class="missing">{html.escape(m)} (missing)</span>' for m in missing]
        cards.append(f"""<section>
  <div class="thumb">{thumb}</div>
  <div class="text">
    <h2>{html.escape(title)}</h2>
    <p class="question">{html.escape(question)}</p>
    <pre class="verdict">{html.escape(verdict) if verdict else '<span class="none">no verdict (not executed, or no cell tagged verdict)</span>'}</pre>
    <p class="links">{' · '.join(links)}</p>
  </div>
</section>""")

    commit, machine, date = provenance(os.path.dirname(os.path.abspath(args.readme)))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>PEMN.Notebooks: the executed workbook ({html.escape(args.scale)} scale)</title>
<style>
body {{ font-family: sans-serif; max-width: 1200px; margin: 2em auto; color: #222; }}
section {{ display: flex; gap: 1.5em; border-top: 1px solid #ccc; padding: 1em 0; }}
.thumb img {{ border: 1px solid #ddd; }}
.text {{ flex: 1; min-width: 0; }}
h2 {{ margin: 0 0 0.3em 0; font-size: 1.2em; }}
.question {{ font-style: italic; margin: 0 0 0.5em 0; }}
.verdict {{ white-space: pre-wrap; background: #f6f6f6; padding: 0.6em; font-size: 0.85em; }}
.links a, .missing {{ font-size: 0.85em; }}
.missing, .none {{ color: #b00; }}
</style></head><body>
<h1>PEMN.Notebooks: the executed workbook</h1>
<p>Scale {html.escape(args.scale)}; written by <code>scripts/notebook-index.py</code> (run by <code>scripts/reproduce.sh</code>)
at commit {html.escape(commit)} on {html.escape(machine)}, {html.escape(date)}. In reading order; each verdict is the text the
notebook computed from its runs.</p>
{chr(10).join(cards)}
</body></html>
"""
    with open(index + ".tmp", "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(index + ".tmp", index)
    print(f"notebook-index: {index} ({len(cards)} notebooks)")
    for problem in problems:
        print(f"notebook-index: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
