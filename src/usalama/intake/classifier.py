"""A small category classifier for reports in English, Swahili and Sheng (scikit-learn).

Trained when first used (``classify.model``) from ``data/reports_corpus.tsv``, a synthetic,
hand-written labelled corpus shipped in the package (no download, no model file), plus the
keyword lists of the rules as one-word examples. Features are tf-idf weights of the folded
words and of the character 3- to 5-grams inside them: Swahili glues subject, tense and object
onto the stem (``wameiba``, ``imeibiwa``, ``aliiba``), so shared n-grams such as ``ibiw``
carry what whole words miss, and Sheng spellings vary. Complement naive Bayes suits short,
unevenly worded texts and trains in milliseconds; it beat logistic regression and a linear
SVM on the held-out split (docs/intake.md).

It only suggests: a desk officer confirms the category in triage.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline, make_pipeline, make_union

ALPHA = 0.3  # smoothing, chosen by 5-fold cross-validation on the corpus
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Example:
    category: str
    language: str
    text: str


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


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


def _pipeline(alpha: float) -> Pipeline:
    words = TfidfVectorizer(preprocessor=fold, token_pattern=_WORD.pattern, sublinear_tf=True)
    grams = TfidfVectorizer(
        preprocessor=fold, analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
    )
    return make_pipeline(make_union(words, grams), ComplementNB(alpha=alpha))


class CategoryModel:
    """Category probabilities for a text, fitted on labelled examples."""

    def __init__(self, examples: Iterable[Example], alpha: float = ALPHA) -> None:
        examples = list(examples)
        self._pipeline = _pipeline(alpha).fit(
            [e.text for e in examples], [e.category for e in examples]
        )
        self.classes: list[str] = [str(c) for c in self._pipeline.classes_]

    def probabilities(self, text: str) -> dict[str, float]:
        row: Any = self._pipeline.predict_proba([text])[0]
        return {c: float(p) for c, p in zip(self.classes, row, strict=True)}

    def predict(self, text: str) -> tuple[str, float]:
        probabilities = self.probabilities(text)
        best = max(probabilities, key=lambda c: probabilities[c])
        return best, probabilities[best]
