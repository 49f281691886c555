"""Run the fake Telegram standalone and print its URLs (for benchmarks and manual runs).

    python bench/fakebot_serve.py [--port 8081] [--token 123:ABC] [--no-flood]

Prints one JSON line: token, base_url, base_file_url, control_url; then serves until interrupted.
Drive it over HTTP (JSON bodies):
    POST {control_url}/user        {"first_name": "Ann", "id": 42}        -> the User
    POST {control_url}/send_text   {"user_id": 42, "text": "hi"}         -> the Message (queued as an update)
    GET  {control_url}/replies?chat_id=42                               -> Messages the bot sent
    GET  {control_url}/stats                                            -> requests_by_method, count_429, ...
    POST {control_url}/limits      {"private_burst": 5}                 -> change limits (resets flood buckets)
    POST {control_url}/fail_next   {"method": "sendMessage", "n": 2, "kind": "error", "status": 500}
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakebot import DEFAULT_TOKEN, FakeTelegram, Limits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: an ephemeral port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--no-flood", action="store_true", help="never answer 429 for flood limits")
    args = parser.parse_args()
    fake = FakeTelegram(args.token, port=args.port, limits=Limits(flood=not args.no_flood))
    with fake:
        print(json.dumps({"token": fake.token, "base_url": fake.base_url, "base_file_url": fake.base_file_url,
                          "control_url": f"{fake.url}/_fake"}), flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
