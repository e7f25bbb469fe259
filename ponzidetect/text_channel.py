"""The text channel: character n-gram TF-IDF + logistic regression, as one model feature.

Stateless hashing (no vocabulary to store), so the fitted state is two numpy vectors (idf and
coefficients) saved with ``numpy.save`` and loaded with ``allow_pickle=False``. In training its
score enters LightGBM out-of-fold, so the booster never sees a score fitted on the same row.

:func:`hashed_counts` is scikit-learn's ``HashingVectorizer(analyzer="char_wb",
ngram_range=(2, 4), n_features=2**19, alternate_sign=False, norm=None, lowercase=False)``
computed with numpy over code points instead of a Python loop over n-grams: the same words
(``str.split``), padded with one space each side, the same n-grams inside each padded word,
the same MurmurHash3 (x86, 32-bit, seed 0) of each n-gram's UTF-8 bytes and the same
``abs(hash) % n_features`` column; ``tests/test_text_channel.py`` checks that the sparse
matrices are identical.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from scipy import sparse

N_FEATURES = 2**19
NGRAMS = (2, 4)
NGRAMS_RANGE = range(NGRAMS[0], NGRAMS[1] + 1)
MAX_CHARS = 20_000
C = 4.0
IDF_FILE = "text_idf.npy"
COEF_FILE = "text_coef.npy"


_WORD = re.compile(r"\S+")
CHUNK_CHARS = 250_000  # characters hashed per numpy pass (bounds the temporary arrays)
_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)
_MASKS = np.array([0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF], dtype=np.uint32)  # by valid bytes


def hashed_counts(folded_texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed character n-gram counts of normalised, case-folded texts (first 20,000 chars).

    Identical to the ``HashingVectorizer`` described in the module docstring
    (:func:`hashed_counts_reference`), computed with numpy.
    """
    texts = [text[:MAX_CHARS] for text in folded_texts]
    padded = [" " + "  ".join(words) + " " if (words := text.split()) else "" for text in texts]
    pieces: list[sparse.csr_matrix] = []
    start = 0
    while start < len(padded) or not pieces:
        stop, chars = start, 0
        while stop < len(padded) and (stop == start or chars + len(padded[stop]) <= CHUNK_CHARS):
            chars += len(padded[stop])
            stop += 1
        try:
            pieces.append(_hash_padded(padded[start:stop]))
        except UnicodeEncodeError:  # lone surrogates: let scikit-learn raise its own error
            return hashed_counts_reference(folded_texts)
        start = stop
        if start >= len(padded):
            break
    return pieces[0] if len(pieces) == 1 else sparse.vstack(pieces, format="csr")


def hashed_counts_reference(folded_texts: Sequence[str]) -> sparse.csr_matrix:
    """The same counts from scikit-learn's ``HashingVectorizer`` (the reference, slower)."""
    from sklearn.feature_extraction.text import HashingVectorizer  # only here: slow to import

    vectorizer = HashingVectorizer(analyzer="char_wb", ngram_range=NGRAMS, n_features=N_FEATURES,
                                   alternate_sign=False, norm=None, lowercase=False)
    return vectorizer.transform([text[:MAX_CHARS] for text in folded_texts]).tocsr()


def _rotl(value: np.ndarray, bits: int) -> np.ndarray:
    return (value << np.uint32(bits)) | (value >> np.uint32(32 - bits))


def _murmur3(packed: np.ndarray, first: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """MurmurHash3_x86_32 (seed 0) of the byte strings ``data[first:first + lengths]``.

    ``packed[i]`` is the little-endian 32-bit word of bytes ``i .. i + 3`` of ``data``.
    """
    blocks = lengths >> 2
    h = np.zeros(len(lengths), dtype=np.uint32)
    for index in range(int(blocks.max(initial=0))):
        k1 = _rotl(packed[first + 4 * index] * _C1, 15) * _C2
        mixed = _rotl(h ^ k1, 13) * np.uint32(5) + np.uint32(0xE6546B64)
        h = np.where(blocks > index, mixed, h)
    tail = packed[first + 4 * blocks] & _MASKS[lengths & 3]
    h ^= _rotl(tail * _C1, 15) * _C2  # zero when there is no tail: no change
    h ^= lengths.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def _padded_columns(padded: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every char_wb 2-4-gram of space-padded, space-joined words: its hashed column, the text
    it belongs to, and its start and length in the joined stream of ``padded``."""
    rows = len(padded)
    stream = "".join(padded)
    empty = np.zeros(0, dtype=np.int64)
    if not stream:
        return empty.astype(np.int32), empty, empty, empty
    codes = np.frombuffer(stream.encode("utf-32-le"), dtype=np.uint32)
    data = np.frombuffer(stream.encode("utf-8") + bytes(19), dtype=np.uint8).astype(np.uint32)
    width = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
    byte_at = np.concatenate(([0], np.cumsum(width)))
    # every position belongs to one padded word " w ": starts are a space before a non-space
    space = codes == 32
    begin = space & ~np.concatenate((space[1:], [True]))
    word_of = np.cumsum(begin) - 1
    word_end = np.concatenate((np.flatnonzero(begin)[1:], [len(codes)]))[word_of]
    row_of = np.repeat(np.arange(rows), [len(text) for text in padded])
    packed = data[:-3] | (data[1:-2] << 8) | (data[2:-1] << 16) | (data[3:] << 24)
    positions = np.arange(len(codes))
    columns, owners, begins, sizes = [], [], [], []
    for n in NGRAMS_RANGE:
        starts = positions[word_end - positions >= n]
        first = byte_at[starts]
        lengths = byte_at[starts + n] - first
        signed = _murmur3(packed, first, lengths).view(np.int32).astype(np.int64)
        column = np.abs(signed) % N_FEATURES
        column[signed == -(2**31)] = (2**31 - 1 - (N_FEATURES - 1)) % N_FEATURES
        columns.append(column)
        owners.append(row_of[starts])
        begins.append(starts)
        sizes.append(np.full(len(starts), n))
    return (np.concatenate(columns).astype(np.int32), np.concatenate(owners),
            np.concatenate(begins), np.concatenate(sizes))


def _hash_padded(padded: list[str]) -> sparse.csr_matrix:
    """Counts of the char_wb 2-4-grams of space-padded, space-joined words, one row per text."""
    column, owner, _, _ = _padded_columns(padded)
    counts = sparse.coo_matrix((np.ones(len(column)), (owner, column)),
                               shape=(len(padded), N_FEATURES)).tocsr()
    counts.sum_duplicates()
    return counts


def ngram_spans(folded: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each hashed n-gram occurrence of one normalised text: its column and its span.

    The same n-grams as :func:`hashed_counts` counts for ``folded`` (first ``MAX_CHARS``
    characters); spans are in ``folded`` coordinates, without the padding spaces.

    Returns
    -------
    columns, starts, ends : numpy arrays
    """
    text = folded[:MAX_CHARS]
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    if not words:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    padded = " " + "  ".join(text[a:b] for a, b in words) + " "
    column, _, start, size = _padded_columns([padded])
    origin = np.array([a for a, _ in words])
    length = np.array([b - a for a, b in words])
    stream_start = 1 + np.concatenate(([0], np.cumsum(length + 2)[:-1]))
    word = np.searchsorted(stream_start, start + 1, side="right") - 1
    inside = np.clip(start - stream_start[word], 0, None)
    stop = np.minimum(start + size - stream_start[word], length[word])
    return column.astype(np.int64), origin[word] + inside, origin[word] + stop


def tfidf_rows(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF times idf, L2-normalised rows (a new matrix; ``counts`` is not changed)."""
    weighted = counts.astype(np.float64)
    weighted.data = np.log1p(weighted.data) * idf[weighted.indices]
    squares = np.concatenate(([0.0], np.cumsum(weighted.data ** 2)))
    norms = np.sqrt(squares[weighted.indptr[1:]] - squares[weighted.indptr[:-1]])
    norms[norms == 0] = 1.0
    weighted.data /= np.repeat(norms, np.diff(weighted.indptr))
    return weighted


@dataclass(frozen=True)
class TextChannel:
    """Fitted idf weights and logistic-regression coefficients."""

    idf: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def fit(cls, counts: sparse.csr_matrix, labels: np.ndarray, seed: int) -> TextChannel:
        """Fit idf and the classifier on hashed counts."""
        rows = counts.shape[0]
        document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        idf = np.log((1 + rows) / (1 + document_frequency)) + 1.0
        from sklearn.linear_model import LogisticRegression  # training only: slow to import

        model = LogisticRegression(C=C, max_iter=2000, random_state=seed)
        model.fit(tfidf_rows(counts, idf), labels)
        return cls(idf.astype(np.float32), model.coef_[0].astype(np.float32),
                   float(model.intercept_[0]))

    @cached_property
    def idf64(self) -> np.ndarray:
        """The idf weights as float64 (the precision scoring uses)."""
        return self.idf.astype(np.float64)

    @cached_property
    def coef64(self) -> np.ndarray:
        """The coefficients as float64."""
        return self.coef.astype(np.float64)

    def weighted(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """The TF-IDF rows the classifier reads (sublinear tf x idf, L2-normalised)."""
        return tfidf_rows(counts, self.idf64)

    def score(self, counts: sparse.csr_matrix) -> np.ndarray:
        """The wording score without intercept: the sum of one term per hashed n-gram."""
        return self.weighted(counts) @ self.coef64

    def logit(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Log-odds of the positive class."""
        return self.score(counts) + self.intercept

    def save(self, folder: Path) -> None:
        """Write the two vectors as ``.npy`` (no pickle)."""
        np.save(folder / IDF_FILE, self.idf, allow_pickle=False)
        np.save(folder / COEF_FILE, self.coef, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, intercept: float) -> TextChannel:
        """Read the vectors back with ``allow_pickle=False``; check their shape."""
        idf = np.load(folder / IDF_FILE, allow_pickle=False)
        coef = np.load(folder / COEF_FILE, allow_pickle=False)
        if idf.shape != (N_FEATURES,) or coef.shape != (N_FEATURES,):
            raise ValueError(f"text channel vectors in {folder} have the wrong shape")
        return cls(idf, coef, float(intercept))
