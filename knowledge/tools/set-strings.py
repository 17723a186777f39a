#!/usr/bin/env python3
"""Sets (or removes) UI strings in every language at once, keeping each file's layout.

Input: a YAML file such as

    remove: [data.items_none]          # keys to delete from every strings file
    en: { data.summary: "This is what is kept about you: {items}" }
    fr: { data.summary: "Voici ce qui est gardé : {items}" }

English entries are written as `key: "text"`. Every other language gets `key: { text, source, status: machine }`,
where source is the hash of the English text it translates (the English in the same input, or the one on file), so
the validator can tell when the English changes later. Usage: set-strings.py changes.yaml [content-dir]
"""
import hashlib, json, pathlib, re, sys, yaml

changes = yaml.safe_load(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"))
root = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else pathlib.Path(__file__).parent.parent / "content")
strings = root / "strings"


def source_hash(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def quoted(text):
    return json.dumps(text, ensure_ascii=False)


english = yaml.safe_load((strings / "en.yaml").read_text(encoding="utf-8"))["strings"]
english.update(changes.get("en", {}))
removed = set(changes.get("remove", []))

for path in sorted(strings.glob("*.yaml")):
    language = path.stem
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [l for l in lines if not any(l.startswith(f"  {key}:") for key in removed)]
    for key, text in changes.get(language, {}).items():
        if key not in english:
            sys.exit(f"{language}: '{key}' is not an English string; add it under 'en' first")
        if language == "en":
            entry = f"  {key}: {quoted(text)}"
        else:
            entry = f"  {key}: {{ text: {quoted(text)}, source: {source_hash(english[key])}, status: machine }}"
        index = next((i for i, l in enumerate(lines) if l.startswith(f"  {key}:")), None)
        if index is None:
            while lines and lines[-1] == "":
                lines.pop()
            lines.append(entry)
            lines.append("")
        else:
            lines[index] = entry
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"{path.relative_to(root)}: {len(changes.get(language, {}))} set")
