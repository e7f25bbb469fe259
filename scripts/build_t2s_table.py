"""Build ``ponzidetect/data/t2s_chars.json``: a one-to-one traditional -> simplified map.

The normaliser needs a length-preserving map so that offsets stay aligned, so only
characters that OpenCC converts to exactly one different character are kept.
Run once when OpenCC is upgraded: ``python scripts/build_t2s_table.py`` (needs ``pip install opencc``).
"""

from __future__ import annotations

import json
from pathlib import Path

import opencc

OUT = Path(__file__).resolve().parent.parent / "ponzidetect" / "data" / "t2s_chars.json"


def main() -> None:
    converter = opencc.OpenCC("t2s")
    table: dict[str, str] = {}
    for code in list(range(0x3400, 0x4DC0)) + list(range(0x4E00, 0xA000)):
        char = chr(code)
        simple = converter.convert(char)
        if len(simple) == 1 and simple != char:
            table[char] = simple
    OUT.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
    print(f"wrote {len(table)} pairs to {OUT}")


if __name__ == "__main__":
    main()
