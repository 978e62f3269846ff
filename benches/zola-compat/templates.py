"""templates.py DIR: write the one comparison template under every name DIR's content uses, and a
stub for every shortcode it calls."""
import pathlib
import re
import sys

UNIVERSAL = """<!doctype html><html><head><meta charset="utf-8"><title>compare</title></head><body><main>
{% if page is defined %}{{ page.content | safe }}
{% elif term is defined %}<h1>{{ term.name }}</h1>{% for p in term.pages %}<p><a href="{{ p.permalink }}">{{ p.title }}</a></p>{% endfor %}
{% elif terms is defined %}{% for t in terms %}<p><a href="{{ t.permalink }}">{{ t.name }}</a></p>{% endfor %}
{% elif section is defined %}{{ section.content | safe }}
{% endif %}</main></body></html>
"""
STANDARD = ["index.html", "section.html", "page.html", "404.html", "taxonomy_list.html",
            "taxonomy_single.html"]

root = pathlib.Path(sys.argv[1])
names = set(STANDARD)
shortcodes = set()
config = (root / "config.toml").read_text(encoding="utf-8")
for kind in re.findall(r'name\s*=\s*"([^"]+)"', config.split("[extra]")[0]):
    names.update({f"{kind}/list.html", f"{kind}/single.html"})
for md in root.joinpath("content").rglob("*.md"):
    text = md.read_text(encoding="utf-8")
    names.update(re.findall(r'^\s*(?:page_)?template\s*=\s*"([^"]+)"', text, re.M))
    shortcodes.update(re.findall(r"\{[{%]-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(", text))
for name in names:
    path = root / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(UNIVERSAL, encoding="utf-8")
for sc in shortcodes:
    (root / "templates" / "shortcodes" / f"{sc}.html").write_text(
        f'<span class="sc">{sc}</span>{{% if body is defined %}}<span class="scb">{{{{ body }}}}</span>{{% endif %}}',
        encoding="utf-8")
