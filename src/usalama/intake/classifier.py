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
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

ALPHA = 0.3  # smoothing, chosen by 5-fold cross-validation on the corpus
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Example:
    category: str
    language: str
    text: str


def fold(text: str) -> str:
    if text.isascii():
        return text.lower()  # the common case: nothing to decompose, a third of scoring's time
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
    # scikit-learn (with SciPy) takes about 2 s to import: only the process that trains the
    # model pays for it, not every command, server and worker that merely imports intake
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import make_pipeline, make_union

    words = TfidfVectorizer(preprocessor=fold, token_pattern=_WORD.pattern, sublinear_tf=True)
    grams = TfidfVectorizer(
        preprocessor=fold, analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
    )
    return make_pipeline(make_union(words, grams), ComplementNB(alpha=alpha))


class CategoryModel:
    """Category probabilities for a text, fitted on labelled examples.

    Fitted with the scikit-learn pipeline; a text is scored by ``_Scorer``, the same
    arithmetic on the fitted vocabularies and weights without the pipeline's per-call checks
    (which cost about 2 ms of the ~3 ms a public report took: the intake load benchmark)."""

    def __init__(self, examples: Iterable[Example], alpha: float = ALPHA) -> None:
        examples = list(examples)
        self._pipeline = _pipeline(alpha).fit(
            [e.text for e in examples], [e.category for e in examples]
        )
        self.classes: list[str] = [str(c) for c in self._pipeline.classes_]
        self._scorer = _Scorer(self._pipeline)

    def probabilities(self, text: str) -> dict[str, float]:
        row = self._scorer.probabilities(text)
        return {c: float(p) for c, p in zip(self.classes, row, strict=True)}

    def pipeline_probabilities(self, text: str) -> dict[str, float]:
        """The same through scikit-learn's ``predict_proba`` (tests compare the two)."""
        row: Any = self._pipeline.predict_proba([text])[0]
        return {c: float(p) for c, p in zip(self.classes, row, strict=True)}

    def predict(self, text: str) -> tuple[str, float]:
        probabilities = self.probabilities(text)
        best = max(probabilities, key=lambda c: probabilities[c])
        return best, probabilities[best]


class _Scorer:
    """``predict_proba`` of the fitted pipeline for one text: per vectorizer, counts of the
    known terms, sublinear tf times idf, L2-normalised; the two blocks side by side (the
    union); complement naive Bayes' joint log-likelihood; normalised by log-sum-exp."""

    def __init__(self, pipeline: Pipeline) -> None:
        union, bayes = pipeline.steps[0][1], pipeline.steps[-1][1]
        self._blocks: list[tuple[Any, dict[str, int], np.ndarray, int]] = []
        offset = 0
        for _name, vectorizer in union.transformer_list:
            vocabulary: dict[str, int] = vectorizer.vocabulary_
            self._blocks.append((vectorizer.build_analyzer(), vocabulary, vectorizer.idf_, offset))
            offset += len(vocabulary)
        # one row per feature: a text's few features gather their rows at once
        self._log_prob = np.ascontiguousarray(bayes.feature_log_prob_.T)
        self._prior = bayes.class_log_prior_ if len(bayes.classes_) == 1 else None

    def probabilities(self, text: str) -> np.ndarray:
        joint = np.zeros(self._log_prob.shape[1])
        for analyze, vocabulary, idf, offset in self._blocks:
            counts = Counter(i for i in map(vocabulary.get, analyze(text)) if i is not None)
            if not counts:
                continue
            columns = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
            tf = np.fromiter((counts[c] for c in columns), dtype=np.float64, count=len(counts))
            weights = (np.log(tf) + 1.0) * idf[columns]
            weights /= np.sqrt(np.dot(weights, weights))
            joint += weights @ self._log_prob[columns + offset]
        if self._prior is not None:
            joint += self._prior
        top = joint.max()
        log_total = top + np.log(np.exp(joint - top).sum())
        return np.asarray(np.exp(joint - log_total))
