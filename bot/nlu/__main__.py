"""``python -m bot.nlu [test|train|all] [--errors]``: evaluation report; ``python -m bot.nlu parse TEXT``."""

from __future__ import annotations

import json
import sys

from . import parse
from .evaluate import main as evaluate_main

if __name__ == "__main__":
    if sys.argv[1:2] == ["parse"]:
        res = parse(" ".join(sys.argv[2:]))
        out = res.to_json() | {"needs_clarification": res.needs_clarification,
                               "implausible": [i.__dict__ for i in res.implausible],
                               "alternatives": res.alternatives, "explain": res.explain()}  # fmt: skip
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        evaluate_main(sys.argv[1:])
