"""Scheme clusters: grouping quality and cost on a templated set (see bench/cluster_set.py).

Prints pairwise precision and recall of the clusters against the templates the texts came from,
and the time per text as the set grows (cost should grow about linearly), for templated sets and
for sets of unrelated texts (no clusters: every text is a singleton). Figures go to
docs/clusters.md.

    .venv/bin/python bench/bench_clusters.py                        # 1k ... 16k texts
    .venv/bin/python bench/bench_clusters.py --quick                # 1k and 2k
    .venv/bin/python bench/bench_clusters.py --similarity --real-dev  # and the pair similarities,
                                                                      # and the real-dev files
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_set import build_set, pair_scores

from ponzidetect.clusters import NUM_PERM, SHINGLE, THRESHOLD, cluster_texts

REAL_DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real-dev"


def unrelated(n: int, seed: int = 3) -> list[str]:
    """``n`` unrelated texts: half of random pseudo-words from a 5,000-word vocabulary, half of
    random characters among 3,000 Chinese ones (any two share few shingles)."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
                  for _ in range(5000)]
    han = [chr(0x4E00 + i) for i in range(3000)]
    texts = []
    for i in range(n):
        if i % 2:
            texts.append("".join(rng.choice(han) for _ in range(rng.randint(60, 200))))
        else:
            texts.append(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(40, 120))))
    return texts


def run(sizes: list[int]) -> None:
    print(f"shingle={SHINGLE} num_perm={NUM_PERM} threshold={THRESHOLD}")
    print("| set | texts | clusters | pair precision | pair recall | seconds | ms / text |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        copies = max(2, int(n * 0.8) // 18)
        items = build_set(copies=copies, ordinary=n - 18 * copies, seed=n)
        texts, truth = [i.text for i in items], [i.template for i in items]
        started = time.perf_counter()
        clusters = cluster_texts(texts)
        seconds = time.perf_counter() - started
        precision, recall = pair_scores(truth, list(clusters.ids))
        print(f"| templated | {len(texts):,} | {len(clusters.groups)} | {precision:.3f} | "
              f"{recall:.3f} | {seconds:.2f} | {1000 * seconds / len(texts):.2f} |", flush=True)
    for n in sizes:
        texts = unrelated(n)
        started = time.perf_counter()
        clusters = cluster_texts(texts)
        seconds = time.perf_counter() - started
        print(f"| unrelated | {n:,} | {len(clusters.groups)} | – | – | {seconds:.2f} | "
              f"{1000 * seconds / n:.2f} |", flush=True)


def similarity(copies: int = 20, seed: int = 1000) -> None:
    """Exact Jaccard similarity of shingle sets: copies of one template, the sibling templates
    (two shared sentences), and all other pairs; the threshold must sit between them."""
    import itertools

    import numpy as np

    from ponzidetect.clusters import shingles

    items = build_set(copies=copies, ordinary=60, seed=seed)
    sets = [shingles(item.text) for item in items]
    siblings = ({0, 8}, {9, 17})
    groups: dict[str, list[float]] = {"same template": [], "sibling templates": [],
                                      "other pairs": []}
    for i, j in itertools.combinations(range(len(items)), 2):
        a, b = sets[i], sets[j]
        value = len(a & b) / len(a | b)
        ti, tj = items[i].template, items[j].template
        name = ("same template" if ti == tj else "sibling templates" if {ti, tj} in siblings
                else "other pairs")
        groups[name].append(value)
    print("| pairs | n | min | 1% | 5% | median | 95% | 99% | max |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, values in groups.items():
        q = np.percentile(values, [0, 1, 5, 50, 95, 99, 100])
        print(f"| {name} | {len(values):,} | " + " | ".join(f"{v:.3f}" for v in q) + " |")


def real_dev(folder: Path) -> None:
    """Clusters in the real-dev files (read by path; no text is printed): how many, how big,
    whether any mixes scheme and non-scheme texts, and the time."""
    import json

    print("| real-dev file | texts | clusters | sizes | clusters mixing labels | seconds |")
    print("|---|---|---|---|---|---|")
    for name in ("project_pages", "whitepapers", "contract_pitches"):
        path = folder / f"{name}.jsonl"
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as handle:  # not splitlines(): U+2028 sits in texts
            rows = [json.loads(line) for line in handle if line.strip()]
        started = time.perf_counter()
        clusters = cluster_texts([row["text"] for row in rows])
        seconds = time.perf_counter() - started
        mixed = sum(len({rows[i]["label"] for i in group}) > 1 for group in clusters.groups)
        sizes = ", ".join(str(len(group)) for group in clusters.groups)
        print(f"| {name} | {len(rows)} | {len(clusters.groups)} | {sizes} | {mixed} | "
              f"{seconds:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 1,000 and 2,000 texts")
    parser.add_argument("--similarity", action="store_true",
                        help="also print the Jaccard similarity of pairs by kind")
    parser.add_argument("--real-dev", type=Path, nargs="?", const=REAL_DEV, default=None,
                        help="also cluster the real-dev files in this folder")
    args = parser.parse_args()
    run([1000, 2000] if args.quick else [1000, 2000, 4000, 8000, 16000])
    if args.similarity:
        similarity()
    if args.real_dev is not None:
        real_dev(args.real_dev)


if __name__ == "__main__":
    main()
