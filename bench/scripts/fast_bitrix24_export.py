"""Exports every deal with fast-bitrix24's get_all, unchanged, for the bulk-export benchmark.

Usage: fast_bitrix24_export.py WEBHOOK_URL

Prints one JSON line last: {"records": N, "unique_ids": N, "seconds": S, "error": null|TEXT}.
Only 127.0.0.1 may be contacted: the URL is checked, and every request the client makes goes
through a wrapper that refuses any other host before a connection is opened. The caller
(bitrix-bench) enforces the wall-clock cap and ends this process when it is reached.
"""

import asyncio
import json
import sys
import time
from urllib.parse import urlparse

import aiohttp

LOOPBACK = "127.0.0.1"
_send = aiohttp.ClientSession._request


async def _loopback_only(self, method, url, *args, **kwargs):
    host = urlparse(str(url)).hostname
    if host != LOOPBACK:
        raise RuntimeError(f"refused a request to {host!r}: the benchmark talks to {LOOPBACK} only")
    return await _send(self, method, url, *args, **kwargs)


aiohttp.ClientSession._request = _loopback_only

from fast_bitrix24 import BitrixAsync  # noqa: E402  (imported once the wrapper is in place)


def ident(row):
    try:
        return int(row["ID"])
    except (KeyError, TypeError, ValueError):
        return None


async def export(url):
    client = BitrixAsync(url, verbose=False)
    return await client.get_all("crm.deal.list")


def main():
    url = sys.argv[1]
    if urlparse(url).hostname != LOOPBACK:
        raise SystemExit(f"refusing a webhook URL that is not on {LOOPBACK}")
    started = time.monotonic()
    rows, error = [], None
    try:
        rows = asyncio.run(export(url))
    except Exception as e:  # the benchmark reports any failure instead of crashing
        error = f"{type(e).__name__}: {str(e)[:300]}"
    ids = {ident(r) for r in rows if isinstance(r, dict)}
    ids.discard(None)
    report = {
        "records": len(rows),
        "unique_ids": len(ids),
        "seconds": time.monotonic() - started,
        "error": error,
    }
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
