"""A small naive Bayes classifier for the category of a report (English, Swahili, Sheng).

Trained when first used (``classify.model``) from ``data/reports_corpus.tsv``, a synthetic,
hand-written labelled corpus shipped in the package (no download, no model file), plus the
keyword lists of the rules as one-word examples. Features are the folded words
plus the character 4-grams inside them: Swahili glues subject, tense and object onto the
stem (``wameiba``, ``imeibiwa``, ``aliiba``), so shared 4-grams such as ``ibiw``/``iba_``
carry what whole words miss, and Sheng spellings vary.

It only suggests: a desk officer confirms the category in triage. Pure Python, microseconds
per text, because it runs on every public submission.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

ALPHA = 0.5  # additive smoothing, chosen by 5-fold cross-validation on the corpus
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Example:
    category: str
    language: str
    text: str


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def features(text: str) -> list[str]:
    out: list[str] = []
    for word in _WORD.findall(fold(text)):
        out.append("w:" + word)
        padded = f"_{word}_"
        out.extend(padded[i : i + 4] for i in range(len(padded) - 3))
    return out


def corpus() -> list[Example]:
    """The labelled examples, in file order."""
    raw = resources.files("usalama.intake").joinpath("data/reports_corpus.tsv").read_text("utf-8")
    examples = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, language, text = line.split("\t", 2)
        examples.append(Example(category, language, text))
    return examples


def split(
    examples: Sequence[Example], fold_index: int = 0, folds: int = 5
) -> tuple[list[Example], list[Example]]:
    """Train and held-out parts: every ``folds``-th example of each category is held out."""
    seen: Counter[str] = Counter()
    train: list[Example] = []
    test: list[Example] = []
    for example in examples:
        (test if seen[example.category] % folds == fold_index else train).append(example)
        seen[example.category] += 1
    return train, test


class NaiveBayes:
    """Multinomial naive Bayes over :func:`features`."""

    def __init__(self, examples: Iterable[Example], alpha: float = ALPHA) -> None:
        counts: dict[str, Counter[str]] = {}
        docs: Counter[str] = Counter()
        for example in examples:
            docs[example.category] += 1
            counts.setdefault(example.category, Counter()).update(features(example.text))
        self.classes = sorted(counts)
        vocabulary = set().union(*counts.values()) if counts else set()
        size = len(vocabulary) + 1
        total_docs = sum(docs.values())
        self.prior = {c: math.log(docs[c] / total_docs) for c in self.classes}
        self.unseen = {}
        self.weights: dict[str, dict[str, float]] = {}
        for c in self.classes:
            denominator = sum(counts[c].values()) + alpha * size
            self.unseen[c] = math.log(alpha / denominator)
            for feature, n in counts[c].items():
                self.weights.setdefault(feature, {})[c] = math.log((n + alpha) / denominator)

    def probabilities(self, text: str) -> dict[str, float]:
        known = [f for f in features(text) if f in self.weights]
        scores = {}
        for c in self.classes:
            unseen = self.unseen[c]
            scores[c] = self.prior[c] + sum(self.weights[f].get(c, unseen) for f in known)
        top = max(scores.values())
        exp = {c: math.exp(s - top) for c, s in scores.items()}
        total = sum(exp.values())
        return {c: v / total for c, v in exp.items()}

    def predict(self, text: str) -> tuple[str, float]:
        probabilities = self.probabilities(text)
        best = max(probabilities, key=lambda c: probabilities[c])
        return best, probabilities[best]
