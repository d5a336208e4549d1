"""Multiple-choice options: shuffled per learner, matched however a learner names one.

The order is stable for one learner (seed, lesson, step) and differs between learners, so the
right option cannot be learnt by position. An answer may be the letter (`b`, `(b)`, `b)`), the
position (`2`, `second`), or the option's text up to case, spacing and trailing punctuation.
"""

from __future__ import annotations

import re
import string
import zlib
from typing import Any

import numpy as np

LETTERS = string.ascii_lowercase
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_TRAILING = ".!?;:,"


def order(choices: list[Any], seed: int, key: str) -> list[int]:
    """The authored indices in the order this learner sees them."""
    # crc32, not hash(): str hashes are salted per process, and the order must survive restarts.
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, zlib.crc32(key.encode())])
    return [int(i) for i in rng.permutation(len(choices))]


def letter(position: int) -> str:
    return LETTERS[position]


def normalize(text: str) -> str:
    """Case, runs of spaces, quotes, a leading article and trailing punctuation do not matter."""
    text = " ".join(text.strip().lower().split())
    text = text.strip("\"'`")
    text = re.sub(r"^(the|an|a)\s+(?=\w)", "", text)
    return text.rstrip(_TRAILING).strip()


def position_of(texts: list[str], answer: str) -> int | None:
    """The displayed position (0-based) an answer names, or None when it names none."""
    n = len(texts)
    said = normalize(answer)
    if not said:
        return None
    letters = LETTERS[:n]
    bare = re.fullmatch(r"[(\[]?([a-z])[)\].]?", said)  # b, (b), b), b., [b]
    if bare and bare.group(1) in letters:
        return letters.index(bare.group(1))
    if said.isdigit() and 1 <= int(said) <= n:
        return int(said) - 1
    words = said.removeprefix("the ").removesuffix(" one").removesuffix(" option")
    if words in ORDINALS[:n]:
        return ORDINALS.index(words)
    if words == "last":
        return n - 1
    for i, text in enumerate(texts):
        if normalize(text) == said:
            return i
    labelled = re.match(r"[(\[]?([a-z])[)\].]\s+(.*)", said)  # "b) keeps the old state"
    if labelled and labelled.group(1) in letters:
        i = letters.index(labelled.group(1))
        if normalize(labelled.group(2)) and normalize(texts[i]).startswith(
            normalize(labelled.group(2))
        ):
            return i
    return None
