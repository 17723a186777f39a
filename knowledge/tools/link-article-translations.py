#!/usr/bin/env python3
"""Links article translations that do not yet say what they were translated from.

For each articles/<lang>/<id>.md (lang != en) without `translated_from`, adds `translated_from: <hash of the current
English title and body>` and `status: machine`. Run it after adding machine-assisted translations; the validator
then flags them stale whenever the English article changes. Usage: link-article-translations.py [content-dir]
"""
import hashlib, pathlib, sys, yaml

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent / "content")

def split(path):
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    end = text.index("\n---\n", 4)
    return text, yaml.safe_load(text[4:end]), text[end + 5:].strip(), end

for article in sorted(root.glob("articles/*/*.md")):
    language = article.parent.name
    if language == "en":
        continue
    text, front, _, end = split(article)
    if "translated_from" in front:
        continue
    _, source, body, _ = split(root / "articles" / "en" / article.name)
    digest = hashlib.sha256((str(source["title"]).strip() + "\n\n" + body).encode("utf-8")).hexdigest()[:8]
    article.write_text(text[:end] + f"\ntranslated_from: {digest}\nstatus: machine" + text[end:], encoding="utf-8")
    print(f"linked {article.relative_to(root)} -> {digest}")
