#!/bin/sh
# Runs wasi-test.wasm under WasmLab and under wasmtime (Python embedding,
# `pip install wasmtime`) in identical fresh sandboxes and diffs their outputs and exit
# statuses. The program itself checks that escapes (`..`, absolute paths, symlinks
# pointing out) are refused. Usage: run-wasi-test.sh [path/to/wasmlab] [extra wasmlab run options]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
wasmlab=${1:-"$here/../../.build/debug/wasmlab"}
[ $# -gt 0 ] && shift
wasm="$here/wasi-test.wasm"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# prepare DIR: a fresh sandbox with a secret next to it and symlinks pointing out.
prepare() {
    mkdir -p "$1/sandbox"
    echo SECRET > "$1/outside.txt"
    ln -s ../outside.txt "$1/sandbox/link_out"
    ln -s /etc "$1/sandbox/abs_link"
}

prepare "$work/lab"
set +e
env -i GREETING=unused "$wasmlab" run "$@" --dir "$work/lab/sandbox::/sandbox" --env GREETING=hi --env EMPTY= \
    "$wasm" first "second arg" exit=7 > "$work/lab.out" 2> "$work/lab.err"
lab_status=$?
set -e
echo "wasmlab:  exit status $lab_status"

if ! python3 -c 'import wasmtime' 2> /dev/null; then
    echo "wasmtime (Python) not installed: showing WasmLab's output only"
    cat "$work/lab.out" "$work/lab.err"
    grep -q "== done: 0 failure(s)" "$work/lab.out" && [ "$lab_status" = 7 ]
    exit
fi

prepare "$work/peer"
python3 - "$wasm" "$work/peer/sandbox" "$work/peer.out" > "$work/peer.status" <<'PY'
import sys, wasmtime
wasm, sandbox, out = sys.argv[1:4]
config = wasmtime.WasiConfig()
config.argv = ["wasi-test.wasm", "first", "second arg", "exit=7"]
config.env = [("GREETING", "hi"), ("EMPTY", "")]
config.preopen_dir(sandbox, "/sandbox")
config.stdout_file = out
config.inherit_stderr()
engine = wasmtime.Engine()
store = wasmtime.Store(engine)
store.set_wasi(config)
linker = wasmtime.Linker(engine)
linker.define_wasi()
instance = linker.instantiate(store, wasmtime.Module.from_file(engine, wasm))
status = 0
try:
    instance.exports(store)["_start"](store)
except wasmtime.ExitTrap as e:
    status = e.code
print(status)
PY
peer_status=$(cat "$work/peer.status")
echo "wasmtime: exit status $peer_status"

if diff -u "$work/peer.out" "$work/lab.out"; then
    echo "outputs identical ($(wc -l < "$work/lab.out") lines)"
else
    echo "outputs differ (- wasmtime, + wasmlab)"
    cat "$work/lab.err"
    exit 1
fi
[ -s "$work/lab.err" ] && { echo "wasmlab stderr:"; cat "$work/lab.err"; }
[ "$lab_status" = "$peer_status" ] || { echo "exit statuses differ"; exit 1; }
grep -q "== done: 0 failure(s)" "$work/lab.out" || { echo "the program reported failures"; exit 1; }
[ "$(cat "$work/lab/outside.txt")" = SECRET ] || { echo "outside.txt was modified"; exit 1; }
[ ! -e "$work/made" ] && [ ! -e "$work/lab/made" ] && [ ! -e "$work/lab/created.txt" ] || { echo "something was created outside"; exit 1; }
echo "PASS"
