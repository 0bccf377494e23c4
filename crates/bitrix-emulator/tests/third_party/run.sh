#!/usr/bin/env bash
# Proof that the emulator is faithful enough for a real third-party client: installs
# fast-bitrix24 from PyPI into a venv, starts the emulator binary on 127.0.0.1 and runs
# check_fast_bitrix24.py against it (get_all, batch, update). Exits non-zero on failure.
#
# Usage: crates/bitrix-emulator/tests/third_party/run.sh
# Env: VENV (default target/third-party-venv), FAST_BITRIX24_VERSION (default 1.8.14).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
venv=${VENV:-"$root/target/third-party-venv"}
version=${FAST_BITRIX24_VERSION:-1.8.14}
started=$(date +%s)

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "fast-bitrix24==$version"

(cd "$root" && cargo build --quiet -p bitrix-emulator)
workdir=$(mktemp -d)
"$root/target/debug/bitrix-emulator" serve --addr 127.0.0.1:0 --seed 7 \
    --deals 230 --companies 5 --contacts 5 --items 60 >"$workdir/url" 2>"$workdir/log" &
emu_pid=$!
cleanup() {
    kill "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT

# Bounded wait for the first stdout line (the webhook URL).
for _ in $(seq 1 100); do
    [ -s "$workdir/url" ] && break
    sleep 0.1
done
url=$(head -n 1 "$workdir/url")
case "$url" in
    http://127.0.0.1:*) ;;
    *) echo "emulator did not print a 127.0.0.1 webhook URL: '$url'" >&2; cat "$workdir/log" >&2; exit 1 ;;
esac

# No proxy may route the client elsewhere; the script also refuses any non-loopback host.
env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u ALL_PROXY -u all_proxy \
    NO_PROXY='*' "$venv/bin/python" "$here/check_fast_bitrix24.py" "$url"

echo "third-party check (fast-bitrix24 $version) passed in $(( $(date +%s) - started )) s"
