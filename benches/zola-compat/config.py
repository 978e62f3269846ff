"""config.py CONFIG: print a Zola config.toml without its theme, Sass, minification or search
index, and with Zola 0.22's highlighting table (a theme is required there; the pre-0.22
`highlight_code` keys are refused)."""
import re
import sys

DROP = re.compile(
    r"^\s*(theme|compile_sass|minify_html|build_search_index|highlight_code|highlight_theme)\s*=")
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if not DROP.match(l)]
out = ["compile_sass = false", "minify_html = false", "build_search_index = false"]
highlighting = False
for line in lines:
    out.append(line)
    if line.strip() == "[markdown.highlighting]":
        highlighting = True
        out.append('theme = "github-dark"')
if not highlighting:
    out += ["[markdown.highlighting]", 'theme = "github-dark"']
print("\n".join(out))
