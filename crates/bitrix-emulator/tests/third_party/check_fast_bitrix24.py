"""Runs fast-bitrix24, unchanged, against the emulator: a list (get_all), a batch and an
update, asserting the results. Usage: check_fast_bitrix24.py WEBHOOK_URL

Every HTTP request the client makes passes through a guard that fails the run if its host is
not 127.0.0.1, so the check can never reach another machine.
"""

import sys
from urllib.parse import urlparse

import aiohttp

_original_request = aiohttp.ClientSession._request
hosts_seen = set()


async def _guarded_request(self, method, url, *args, **kwargs):
    host = urlparse(str(url)).hostname
    hosts_seen.add(host)
    if host != "127.0.0.1":
        raise AssertionError(f"client tried to reach {host!r}; only 127.0.0.1 is allowed")
    return await _original_request(self, method, url, *args, **kwargs)


aiohttp.ClientSession._request = _guarded_request

from fast_bitrix24 import Bitrix  # noqa: E402  (after the guard is installed)


def check(label, got, expected):
    if got != expected:
        raise AssertionError(f"{label}: got {got!r}, expected {expected!r}")
    print(f"ok - {label}")


def main():
    url = sys.argv[1]
    if urlparse(url).hostname != "127.0.0.1":
        raise SystemExit(f"refusing a non-loopback webhook URL: {url}")
    b = Bitrix(url, verbose=False)

    # get_all: the first page gives `total`, the rest comes through batches of start=N.
    deals = b.get_all("crm.deal.list", params={"select": ["ID", "TITLE", "STAGE_ID"]})
    ids = sorted(int(d["ID"]) for d in deals)
    check("get_all crm.deal.list returns every deal once", ids, list(range(1, 231)))
    check("classic list rows carry string IDs", type(deals[0]["ID"]), str)

    filtered = b.get_all("crm.deal.list", params={"filter": {">ID": 200}, "select": ["ID"]})
    check("get_all with a filter", sorted(int(d["ID"]) for d in filtered), list(range(201, 231)))

    items = b.get_all("crm.item.list", params={"entityTypeId": 177, "select": ["id", "title"]})
    check("get_all crm.item.list (rows under result.items)", len(items), 60)

    # A batch built by the client from a list of calls.
    got = b.call("crm.deal.get", [{"id": i} for i in (3, 1, 2)])
    check("call with a list of items (batched)", [d["ID"] for d in got], ["3", "1", "2"])

    # A raw batch with a $result reference.
    raw = b.call_batch({
        "halt": 0,
        "cmd": {
            "first": "crm.deal.get?id=7",
            "same": "crm.deal.list?select[]=ID&filter[ID]=$result[first][ID]",
        },
    })
    check("call_batch with a reference", raw["same"][0]["ID"], "7")

    # An update, then read back through both APIs.
    b.call("crm.deal.update", {"id": 5, "fields": {"TITLE": "Updated by fast-bitrix24"}})
    # call() with a list answers a tuple in the order of the list.
    (deal,) = b.call("crm.deal.get", [{"id": 5}])
    check("update is visible in crm.deal.get", deal["TITLE"], "Updated by fast-bitrix24")
    # fast-bitrix24 unwraps the single-key {"item": {...}} answer of crm.item.get itself.
    item = b.call("crm.item.get", {"entityTypeId": 2, "id": 5})
    check("update is visible in crm.item.get", item["title"], "Updated by fast-bitrix24")

    check("hosts contacted", hosts_seen, {"127.0.0.1"})
    print("all fast-bitrix24 checks passed")


if __name__ == "__main__":
    main()
