"""Scheme clusters: group near-duplicate texts (one pitch cloned across names, sites and chats).

Operators copy one pitch across dozens of domains and group chats, changing the project name,
the amounts and the links. This module finds such groups with MinHash locality-sensitive hashing
(``datasketch``) over character shingles of the text layer's normalised view, so it works the
same in English and Chinese, through full-width characters, zero-width characters, look-alike
letters and traditional characters:

1. each text is normalised (:class:`~ponzidetect.document.Document`: full-width to ASCII,
   invisible characters removed, traditional to simplified, lower case), links and e-mail
   addresses are removed and every run of digits becomes ``0``, so "3% daily at
   alpha-coin.io" and "5% daily at beta.net" read alike;
2. it is cut into tokens (a Latin word, or one Chinese character) and its set of shingles
   (:data:`SHINGLE` consecutive tokens: word trigrams in English, character trigrams in
   Chinese; punctuation and spacing do not count) gets a MinHash signature;
3. LSH proposes candidate pairs; a pair joins a cluster when its estimated Jaccard similarity is
   at least ``threshold``; clusters are the connected components (union-find).

Work per text is constant (its signature and a few bucket look-ups), so the cost grows about
linearly with the number of texts (measured in ``bench/bench_clusters.py``, figures in
``docs/clusters.md``).

Examples
--------
>>> clusters = cluster_texts(["Join AlphaCoin: 3% daily, paid forever! Visit alpha.io today",
...                           "Join BetaCoin: 5% daily, paid forever! Visit beta.net today",
...                           "The central bank kept its policy rate unchanged."])
>>> clusters.ids, clusters.sizes
(('C1', 'C1', ''), (2, 2, 1))
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .document import Document

__all__ = ["NUM_PERM", "SHINGLE", "THRESHOLD", "Clusters", "SchemeClusterer", "cluster_texts",
           "shingles"]

SHINGLE = 3
"""Tokens (Latin words or Chinese characters) per shingle."""
NUM_PERM = 128
"""MinHash permutations (signature length)."""
THRESHOLD = 0.5
"""Least estimated Jaccard similarity of two texts' shingle sets to put them in one cluster."""
MAX_CHARS = 20_000
"""Only the first this many characters are shingled (a template shows early)."""
SEED = 20181
MAX_INDEXED = 16
"""Members of one cluster kept in the LSH index (later copies still join through them)."""

_URL_CHARS = r"[A-Za-z0-9./?=&%#:_~+@-]"
_LINK = re.compile(
    rf"(?:https?://|www\.){_URL_CHARS}{{1,60}}"
    r"|(?<![A-Za-z0-9.-])[A-Za-z0-9._-]{1,60}@[A-Za-z0-9-]{1,60}(?:\.[A-Za-z0-9-]{1,32}){1,4}"
    r"|(?<![A-Za-z0-9.-])[A-Za-z0-9-]{1,60}(?:\.[A-Za-z0-9-]{1,60}){0,3}\.(?:com|net|org|io|co|app"
    r"|xyz|top|vip|cc|info|biz|finance|cn|hk|me|ai)(?![A-Za-z0-9-])")
_DIGITS = re.compile(r"\d{1,40}(?:[.,]\d{1,40}){0,8}")
_TOKEN = re.compile(r"[a-z0-9]{1,60}|[\u3400-\u9fff]|[^\W\d_a-z\u3400-\u9fff]{1,60}")


def tokens(text: str) -> list[str]:
    """The tokens of ``text``'s normalised view: Latin words (digit runs read ``0``), single
    Chinese characters, words of other scripts; links, punctuation and spacing are dropped.

    Examples
    --------
    >>> tokens("Earn ３% DAILY at alpha-coin.io，保本保息！")
    ['earn', '0', 'daily', 'at', '保', '本', '保', '息']
    """
    folded = Document.from_text(text[:MAX_CHARS]).folded
    folded = _DIGITS.sub("0", _LINK.sub(" ", folded))
    return _TOKEN.findall(folded)


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """The distinct shingles (``size`` consecutive :func:`tokens`) of ``text``, as UTF-8 bytes.

    Texts of fewer than ``size`` tokens give one shingle (all of them); empty ones give none.

    Examples
    --------
    >>> sorted(shingles("３% DAILY returns", size=2))
    [b'0 daily', b'daily returns']
    """
    found = tokens(text)
    if not found:
        return set()
    if len(found) <= size:
        return {" ".join(found).encode("utf-8")}
    return {" ".join(found[i:i + size]).encode("utf-8") for i in range(len(found) - size + 1)}


@dataclass(frozen=True)
class Clusters:
    """Cluster membership of a list of texts.

    Attributes
    ----------
    ids : tuple of str
        Per text: ``C1``, ``C2``… (largest cluster first, ties by first member), or ``""`` for a
        text in no cluster (alone, empty or not text).
    sizes : tuple of int
        Per text: members of its cluster (1 alone, 0 for an empty or non-text cell).
    groups : tuple of tuple of int
        Member positions of each cluster, in id order (``groups[0]`` is ``C1``).
    representatives : tuple of int
        Per cluster, the member most similar to the others (its medoid over a sample).
    """

    ids: tuple[str, ...]
    sizes: tuple[int, ...]
    groups: tuple[tuple[int, ...], ...]
    representatives: tuple[int, ...]

    def to_columns(self) -> dict[str, list]:
        """``{"cluster": ids, "cluster_size": sizes}`` for a table."""
        return {"cluster": list(self.ids), "cluster_size": list(self.sizes)}


class SchemeClusterer:
    """Add texts one at a time; read the clusters at any point.

    Parameters
    ----------
    threshold : float
        Least estimated Jaccard similarity for two texts to be linked.
    num_perm : int
        MinHash signature length.
    shingle : int
        Characters per shingle.
    seed : int
        Seed of the MinHash permutations (same seed, same clusters).
    """

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM,
                 shingle: int = SHINGLE, seed: int = SEED) -> None:
        from datasketch import MinHash, MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.seed = seed
        self._minhash = MinHash
        self._template = MinHash(num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._parent: list[int] = []
        self._signatures: list[np.ndarray | None] = []
        self._indexed: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._parent)

    def signature(self, text: object) -> np.ndarray | None:
        """The MinHash signature of one text (None for an empty or non-text cell)."""
        if not isinstance(text, str):
            return None
        grams = shingles(text, self.shingle)
        if not grams:
            return None
        minhash = self._minhash(num_perm=self.num_perm, seed=self.seed, hashfunc=zlib.crc32,
                                permutations=self._template.permutations,
                                scheme=self._template.scheme)
        minhash.update_batch(grams)
        return minhash.hashvalues

    def add(self, text: object) -> int:
        """Add one text; returns its position."""
        return self.add_signature(self.signature(text))

    def add_many(self, texts: Iterable[object]) -> None:
        """Add texts in order."""
        for text in texts:
            self.add(text)

    def add_signature(self, signature: np.ndarray | None) -> int:
        """Add a text by its :meth:`signature`; returns its position."""
        position = len(self._parent)
        self._parent.append(position)
        self._signatures.append(signature)
        if signature is None:
            return position
        minhash = self._minhash(num_perm=self.num_perm, seed=self.seed, hashvalues=signature,
                                permutations=self._template.permutations,
                                scheme=self._template.scheme)
        joined = False
        for other in self._lsh.query(minhash):
            if self._find(other) == self._find(position):
                continue
            other_signature = self._signatures[other]
            if other_signature is not None and _jaccard(signature, other_signature) >= self.threshold:
                self._union(position, other)
                joined = True
        root = self._find(position)
        # A cluster keeps at most MAX_INDEXED members in the LSH buckets: enough for the next
        # copy to find it, and bucket sizes (hence the cost of a query) stay bounded.
        if not joined or self._indexed.get(root, 0) < MAX_INDEXED:
            self._lsh.insert(position, minhash, check_duplication=False)
            self._indexed[root] = self._indexed.get(root, 0) + 1
        return position

    def _find(self, node: int) -> int:
        parent = self._parent
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def _union(self, a: int, b: int) -> None:
        root_a, root_b = self._find(a), self._find(b)
        if root_a != root_b:
            low, high = min(root_a, root_b), max(root_a, root_b)
            self._parent[high] = low
            self._indexed[low] = self._indexed.get(low, 0) + self._indexed.pop(high, 0)

    def clusters(self, sample: int = 32) -> Clusters:
        """The clusters of every text added so far.

        Parameters
        ----------
        sample : int
            Members compared when choosing each cluster's representative.
        """
        roots = [self._find(i) for i in range(len(self._parent))]
        counts = Counter(root for root, sig in zip(roots, self._signatures, strict=True)
                         if sig is not None)
        multi = sorted((root for root, n in counts.items() if n > 1),
                       key=lambda root: (-counts[root], root))
        names = {root: f"C{number}" for number, root in enumerate(multi, start=1)}
        members: dict[int, list[int]] = {root: [] for root in multi}
        for position, root in enumerate(roots):
            if root in members:
                members[root].append(position)
        groups = tuple(tuple(members[root]) for root in multi)
        ids = tuple(names.get(root, "") for root in roots)
        sizes = tuple(counts.get(root, 0) if sig is not None else 0
                      for root, sig in zip(roots, self._signatures, strict=True))
        representatives = tuple(self._medoid(group, sample) for group in groups)
        return Clusters(ids=ids, sizes=sizes, groups=groups, representatives=representatives)

    def _medoid(self, group: Sequence[int], sample: int) -> int:
        chosen = list(group[:sample])
        signatures = np.stack([self._signatures[i] for i in chosen])  # type: ignore[misc]
        similarity = (signatures[:, None, :] == signatures[None, :, :]).mean(axis=2)
        return chosen[int(np.argmax(similarity.sum(axis=1)))]


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


def cluster_texts(texts: Iterable[object], threshold: float = THRESHOLD,
                  num_perm: int = NUM_PERM, shingle: int = SHINGLE, seed: int = SEED) -> Clusters:
    """Group near-duplicate texts.

    Parameters
    ----------
    texts : iterable of str
        The texts; cells that are not strings or are empty are in no cluster.
    threshold : float
        Least estimated Jaccard similarity of two texts' shingle sets to link them.
    num_perm : int
        MinHash signature length.
    shingle : int
        Characters per shingle.
    seed : int
        Seed of the permutations.

    Returns
    -------
    Clusters
    """
    clusterer = SchemeClusterer(threshold=threshold, num_perm=num_perm, shingle=shingle, seed=seed)
    clusterer.add_many(texts)
    return clusterer.clusters()
