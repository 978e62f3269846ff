#!/bin/bash
# setup.sh NAME SRC [OUT]: lay out a Zola site's content twice, for Zola and for docent, with the
# same minimal templates, so that their outputs can be compared page by page (compare.py).
# OUT defaults to /tmp/zola-compat. The theme is left out: each tool gets one template that puts a
# page's or section's content, a term's pages or a taxonomy's terms in <main>, and a stub for each
# shortcode the content calls.
set -euo pipefail
name=$1; src=$2; out=${3:-/tmp/zola-compat}
here=$(cd "$(dirname "$0")" && pwd)
for tool in zola docent; do
  dir=$out/$name/$tool
  rm -rf "$dir"; mkdir -p "$dir/templates/shortcodes"
  cp -r "$src/content" "$dir/"
  [ -d "$src/static" ] && cp -r "$src/static" "$dir/"
  python3 "$here/config.py" "$src/config.toml" > "$dir/config.toml"
  python3 "$here/templates.py" "$dir"
  if [ "$name" = tabi ]; then
    # Two Catalan shortcode calls put an apostrophe inside a '…' string: Zola prints the call as
    # text, docent stops with an error at its line. Both copies get a typographic apostrophe.
    sed -i "s/text='Quan s'utilitza/text='Quan s’utilitza/" "$dir/content/blog/mastering-tabi-settings/index.ca.md"
    sed -i "s/evitar l\\\\'estil/evitar l’estil/" "$dir/content/blog/series/index.ca.md"
  fi
done
echo "$out/$name/zola and $out/$name/docent"
