"""One-off migration (2026-12-01): give every corpus row a form-based genre and a voice (kind).

The first corpus tagged some rows by what they were ("legit_project", "bank_product",
"obfuscated", "education"), so genre carried the label: predicting the label from genre alone
gave ROC-AUC 0.935. This script rewrites ``genre`` to the text's *form* (the taxonomy in
``data/incoming/README.md``) and adds ``kind`` (promotion, case_account, warning, documentation,
other), using the old genre and, where the old genre does not decide, a few surface cues. It
never changes a text or a label. Kept for provenance; running it twice changes nothing.

Usage: ``.venv/bin/python scripts/retag_corpus_genres.py``
"""

from __future__ import annotations

import json
import re
from pathlib import Path

PARTS = Path(__file__).resolve().parent.parent / "data" / "corpus" / "parts"

GENRE = {
    "legit_project": "project_page",
    "bank_product": "product_page",
    "fintech_product": "product_page",
    "staking_product": "product_page",
    "exchange_referral": "product_page",
    "disclaimer": "terms",
    "regulator_warning": "warning",
    "education": "warning",
}
KIND = {
    "news_report": "case_account", "case_facts": "case_account", "complaint": "case_account",
    "enforcement": "case_account", "warning": "warning", "product_page": "documentation",
    "whitepaper_excerpt": "documentation", "terms": "documentation", "project_page": "promotion",
    "promotion_post": "promotion", "other": "other",
}
_CHATTY = re.compile(r"\b(?:dm|pm|lol|hey|bro|guys|u|ur|i'm|i've|my)\b"
                     r"|私聊|加我|vx|微信|兄弟|姐妹|宝子|哈哈|😂", re.IGNORECASE)
_WARNS = re.compile(r"\bpsa\b|scam|fake|beware|reminder|don't send|do not send|never dm|骗子|警惕|提醒|"
                    r"别信|不要|千万别|举报|冒充|谨防|公告", re.IGNORECASE)
_PITCH = re.compile(r"\b(?:join|sign up|register|invite|referral|link|deposit|earn|bonus)\b|邀请|注册|推荐|"
                    r"链接|入金|返佣|加入|拉你", re.IGNORECASE)
_ADDRESSES_READER = re.compile(r"\b(?:you|your|send|invest|bring|join|deposit)\b|你|您|投入|转入",
                               re.IGNORECASE)


def form_genre(row: dict) -> str:
    """The row's genre by form."""
    genre = GENRE.get(row["genre"], row["genre"])
    if genre == "obfuscated":
        genre = "chat_message" if _CHATTY.search(row["text"]) else "promotion_post"
    return genre


def voice(row: dict, genre: str) -> str:
    """The row's kind (voice), independent of its label."""
    if genre in KIND:
        return KIND[genre]
    text = row["text"]
    if genre == "contract_comment":
        return "promotion" if _ADDRESSES_READER.search(text) else "documentation"
    # chat_message
    if row["label"] == 1 or (_PITCH.search(text) and not _WARNS.search(text)):
        return "promotion"
    return "warning" if _WARNS.search(text) else "other"


def main() -> None:
    for path in sorted(PARTS.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        out = []
        for row in rows:
            genre = form_genre(row)
            kind = row.get("kind") or voice(row, genre)
            out.append({"id": row["id"], "text": row["text"], "label": row["label"],
                        "lang": row["lang"], "genre": genre, "group": row["group"], "kind": kind})
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), "utf-8")
        print(f"{path.name}: {len(out)} rows")


if __name__ == "__main__":
    main()
