#!/usr/bin/env python3
"""Generates test/data/difflib-ratios.json: string pairs with the ratio Python's
difflib.SequenceMatcher(None, a, b).ratio() gives them (autojunk on, the default).
Run once and commit the output; the tests read the JSON and need no Python.

    python3 scripts/gen-difflib-fixtures.py > test/data/difflib-ratios.json
"""
import difflib
import json
import random
import sys

rng = random.Random(20250512)

ASCII_SMALL = "ab"
ASCII_MED = "abcde "
ASCII_TEXT = "abcdefghijklmnopqrstuvwxyz     .,\n"
ACCENTED = "aeiouéèêàçñøß "
CJK = "的一是不了人我在有他这中大来上"
EMOJI = "😀🎉🚀🌍🐍✨"
GRID = "#.@$_ \n"


def random_text(alphabet, length, weights=None):
    return "".join(rng.choices(alphabet, weights=weights, k=length))


def mutate(s, alphabet, rate):
    """Random substitutions, insertions and deletions, so pairs share long blocks."""
    out = []
    for ch in s:
        r = rng.random()
        if r < rate / 3:
            continue
        if r < 2 * rate / 3:
            out.append(rng.choice(alphabet))
        elif r < rate:
            out.append(ch)
            out.append(rng.choice(alphabet))
        else:
            out.append(ch)
    return "".join(out)


def skewed(alphabet):
    """Weights that make the first characters popular (the autojunk case)."""
    return [12 if i < 2 else 1 for i in range(len(alphabet))]


def grid_observation(width, height):
    rows = []
    for _ in range(height):
        rows.append("".join(rng.choices(GRID, weights=[6, 10, 1, 1, 1, 2, 0], k=width)))
    return "Room:\n" + "\n".join(rows) + "\nWhat do you do next?"


pairs = []


def add(a, b, kind):
    pairs.append({"kind": kind, "a": a, "b": b})


# Edge cases.
for a, b in [("", ""), ("", "abc"), ("abc", ""), ("abc", "abc"), ("abcd", "bcde"), ("a" * 250, "a" * 250),
             ("a" * 199, "a" * 199), ("a" * 200, "a" * 200), ("ab" * 100, "ba" * 100), ("x" * 300, "y" * 300)]:
    add(a, b, "edge")

# Short pairs from small alphabets (many ties between equally long blocks).
for _ in range(160):
    alphabet = rng.choice([ASCII_SMALL, ASCII_MED, ASCII_TEXT])
    a = random_text(alphabet, rng.randint(0, 30))
    b = mutate(a, alphabet, rng.choice([0.1, 0.3, 0.6])) if rng.random() < 0.6 else random_text(alphabet, rng.randint(0, 30))
    add(a, b, "short")

# Lengths around the autojunk limit (|b| = 199, 200, 201) with characters right at |b|/100 + 1.
for _ in range(40):
    n = rng.choice([198, 199, 200, 201, 202, 299, 300, 301])
    b = random_text(ASCII_TEXT, n, skewed(ASCII_TEXT))
    a = mutate(b, ASCII_TEXT, 0.2)
    add(a, b, "limit")
    add(b, a, "limit")

# Long text with popular characters (spaces, a few letters), b derived from a.
for _ in range(130):
    alphabet = rng.choice([ASCII_TEXT, ASCII_MED])
    a = random_text(alphabet, rng.randint(201, 900), skewed(alphabet))
    b = mutate(a, alphabet, rng.choice([0.02, 0.1, 0.3]))
    if rng.random() < 0.5:
        a, b = b, a
    add(a, b, "long")

# Grid-world observations (long; '#', '.', ' ' and newlines are popular).
for _ in range(60):
    w, h = rng.randint(8, 14), rng.randint(8, 14)
    a = grid_observation(w, h)
    b = mutate(a, GRID, rng.choice([0.01, 0.05, 0.2])) if rng.random() < 0.7 else grid_observation(w, h)
    add(a, b, "grid")

# One long, one short.
for _ in range(30):
    a = random_text(ASCII_TEXT, rng.randint(220, 500), skewed(ASCII_TEXT))
    b = a[rng.randint(0, 100):][: rng.randint(5, 150)]
    add(a, b, "mixed-length")
    add(b, a, "mixed-length")

# Non-ASCII: accented Latin, CJK, emoji outside the BMP; short and long.
for _ in range(120):
    alphabet = rng.choice([ACCENTED, CJK, EMOJI, ACCENTED + CJK + EMOJI, ASCII_MED + EMOJI])
    n = rng.choice([rng.randint(0, 40), rng.randint(200, 600)])
    a = random_text(alphabet, n, skewed(alphabet))
    b = mutate(a, alphabet, rng.choice([0.05, 0.2, 0.5])) if rng.random() < 0.7 else random_text(alphabet, rng.randint(0, 300))
    add(a, b, "unicode")

for p in pairs:
    p["ratio"] = difflib.SequenceMatcher(None, p["a"], p["b"]).ratio()

json.dump({"python": sys.version.split()[0], "generator": "scripts/gen-difflib-fixtures.py", "pairs": pairs},
          sys.stdout, ensure_ascii=True, indent=0)
sys.stdout.write("\n")
