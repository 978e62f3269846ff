"""compare.py ZOLA_OUT DOCENT_OUT [-v]: for every page Zola wrote (redirects and 404 left out), does
docent write the same URL, the same heading ids in <main> in the same order, and the same text in
<main>? Whitespace and quote style are ignored, and so is the text of heading anchor links (Zola's
🔗 from its anchor-link.html, docent's #), which each theme draws its own way. -v prints each
page's first difference."""
import html.parser
import pathlib
import re
import sys

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


class Main(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.in_anchor = 0
        self.ids, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        classes = (dict(attrs).get("class") or "").split()
        if tag == "a" and ("zola-anchor" in classes or "anchor" in classes):
            self.in_anchor += 1
        elif tag == "a" and self.in_anchor:
            self.in_anchor += 1
        if self.depth and re.fullmatch(r"h[1-6]", tag):
            ident = dict(attrs).get("id")
            if ident:
                self.ids.append(ident)

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        if tag == "a" and self.in_anchor:
            self.in_anchor -= 1

    def handle_data(self, data):
        if self.depth and not self.in_anchor:
            self.text.append(data)


def read(path):
    parser = Main()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    text = re.sub(r"\s+", "", "".join(parser.text)).translate(QUOTES)
    return parser.ids, text


def first_diff(a, b):
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"zola …{a[max(0, i - 40):i + 60]}…\n    docent …{b[max(0, i - 40):i + 60]}…"


def main():
    zola, docent = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    verbose = "-v" in sys.argv
    counts = {"pages": 0, "url": 0, "ids": 0, "text": 0, "all": 0}
    for page in sorted(zola.rglob("*.html")):
        rel = page.relative_to(zola)
        raw = page.read_text(encoding="utf-8", errors="replace")
        if rel.name == "404.html" or 'http-equiv="refresh"' in raw:
            continue
        counts["pages"] += 1
        other = docent / rel
        if not other.exists():
            if verbose:
                print(f"{rel}: no such page in docent's output")
            continue
        counts["url"] += 1
        (zids, ztext), (dids, dtext) = read(page), read(other)
        same_ids, same_text = zids == dids, ztext == dtext
        counts["ids"] += same_ids
        counts["text"] += same_text
        counts["all"] += same_ids and same_text
        if verbose and not same_ids:
            print(f"{rel}: ids\n    zola {zids}\n    docent {dids}")
        if verbose and not same_text:
            print(f"{rel}: text\n    {first_diff(ztext, dtext)}")
    n = counts["pages"] or 1
    print(" | ".join(f"{k} {v}" if k == "pages" else f"{k} {100 * v / n:.1f}%"
                     for k, v in counts.items()))


main()
