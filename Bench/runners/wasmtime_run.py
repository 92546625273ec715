#!/usr/bin/env python3
"""Runs a WASI command module with wasmtime-py and reports the in-process time.

Usage: wasmtime_run.py FILE.wasm [ARGS...]

The guest's stdout and stderr are the process's own. On exit, one line goes to stderr:
    bench-time: TOTAL compile=C run=R
in seconds, where TOTAL = compile (Cranelift, ahead of the run) + instantiate + run, so
Python start-up and the import of wasmtime are excluded. The exit status is the guest's.
"""
import os
import sys
import time


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = sys.argv[1]
    import wasmtime

    t0 = time.perf_counter()
    engine = wasmtime.Engine()
    module = wasmtime.Module.from_file(engine, path)
    t1 = time.perf_counter()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = [os.path.basename(path)] + sys.argv[2:]
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    code = 0
    try:
        instance = linker.instantiate(store, module)
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        code = e.code
    except wasmtime.Trap as e:
        print(f"trap: {e}", file=sys.stderr)
        code = 134
    t2 = time.perf_counter()
    print(f"bench-time: {t2 - t0:.6f} compile={t1 - t0:.6f} run={t2 - t1:.6f}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
