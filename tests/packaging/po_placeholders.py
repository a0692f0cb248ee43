#!/usr/bin/env python3
"""Every placeholder of a msgid appears in its translation, and nothing else does.

Hangar fills `{name}`-style placeholders with str::replace: a translation that drops
one loses the value, a misspelt one ("{nmae}") shows up literally. printf-style
conversions (%s, %d, %1$s) are compared the same way in case a string ever uses them.
Usage: po_placeholders.py FILE.po — exits 1 and lists each broken entry.
Reads the PO format directly (no polib on a fresh machine).
"""
import re
import sys

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:ll|l|h|z)?[sdiuxXfc]")


def unquote(s):
    return bytes(s[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def entries(path):
    """Yields dicts with msgid, msgid_plural, msgstr (list), fuzzy, line."""
    entry, key, fuzzy = {}, None, False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                if entry:
                    yield entry
                entry, key, fuzzy = {}, None, False
                continue
            if line.startswith("#~"):  # obsolete: not used at run time
                continue
            if line.startswith("#,"):
                fuzzy = "fuzzy" in line
                continue
            if line.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line)
            if m:
                key = m.group(1)
                entry.setdefault("line", n)
                entry["fuzzy"] = fuzzy
                entry[key] = unquote(m.group(2))
            elif line.startswith('"') and key:
                entry[key] += unquote(line)
        if entry:
            yield entry


def found(text):
    return set(PLACEHOLDER.findall(text))


def main(path):
    bad = 0
    for e in entries(path):
        if not e.get("msgid") or e.get("fuzzy"):
            continue  # the header, or not used at run time
        sources = [found(e["msgid"])]
        if "msgid_plural" in e:
            sources.append(found(e["msgid_plural"]))
        for key in sorted(k for k in e if k.startswith("msgstr")):
            if not e[key]:
                continue  # untranslated: shows the msgid, which is complete
            have = found(e[key])
            if have not in sources:
                want = " or ".join(" ".join(sorted(s)) or "(none)" for s in sources)
                print(f"{path}:{e['line']}: {e['msgid']!r}")
                print(f"    {key} has {' '.join(sorted(have)) or '(none)'}, expected {want}")
                bad += 1
    total = sum(1 for _ in entries(path))
    print(f"{total} entries read, {bad} with wrong placeholders")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
