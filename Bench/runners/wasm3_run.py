#!/usr/bin/env python3
"""Runs a WASI command module with wasm3 (pywasm3) and reports the in-process time.

Usage: wasm3_run.py FILE.wasm [ARGS...]

pywasm3 0.5.0 has no WASI of its own, so this script provides the few
wasi_snapshot_preview1 functions that wasi-libc command modules import: arguments,
environment (empty), fd_write/fd_close/fd_seek/fd_fdstat_get on the standard streams,
clock_time_get, random_get and proc_exit. Anything else the module imports is reported
and the run fails. On exit one line goes to stderr:
    bench-time: TOTAL parse=P run=R
in seconds (parse + load + run; Python start-up and the import of wasm3 are excluded).
The exit status is the guest's.
"""
import os
import struct
import sys
import time

ERRNO_SUCCESS, ERRNO_BADF, ERRNO_INVAL, ERRNO_SPIPE = 0, 8, 28, 70


class ProcExit(Exception):
    def __init__(self, code: int):
        super().__init__(f"proc_exit({code})")
        self.code = code


class Wasi:
    """Host side of the WASI subset; memory is fetched per call because it can grow."""

    def __init__(self, runtime, argv):
        self.runtime = runtime
        self.args = [a.encode() + b"\0" for a in argv]
        self.streams = {1: sys.stdout.buffer, 2: sys.stderr.buffer}
        self.exit_code = None

    def mem(self):
        return self.runtime.get_memory(0)

    def put_u32(self, addr, value):
        self.mem()[addr:addr + 4] = struct.pack("<I", value & 0xFFFFFFFF)

    def put_u64(self, addr, value):
        self.mem()[addr:addr + 8] = struct.pack("<Q", value & 0xFFFFFFFFFFFFFFFF)

    # -- arguments and environment
    def args_sizes_get(self, argc_ptr, size_ptr):
        self.put_u32(argc_ptr, len(self.args))
        self.put_u32(size_ptr, sum(len(a) for a in self.args))
        return ERRNO_SUCCESS

    def args_get(self, argv_ptr, buf_ptr):
        m = self.mem()
        for i, a in enumerate(self.args):
            self.put_u32(argv_ptr + 4 * i, buf_ptr)
            m[buf_ptr:buf_ptr + len(a)] = a
            buf_ptr += len(a)
        return ERRNO_SUCCESS

    def environ_sizes_get(self, count_ptr, size_ptr):
        self.put_u32(count_ptr, 0)
        self.put_u32(size_ptr, 0)
        return ERRNO_SUCCESS

    def environ_get(self, env_ptr, buf_ptr):
        return ERRNO_SUCCESS

    # -- files: only the standard streams exist
    def fd_write(self, fd, iovs, iovs_len, nwritten_ptr):
        stream = self.streams.get(fd)
        if stream is None:
            return ERRNO_BADF
        m = self.mem()
        total = 0
        for i in range(iovs_len):
            base, length = struct.unpack_from("<II", m, iovs + 8 * i)
            stream.write(bytes(m[base:base + length]))
            total += length
        stream.flush()
        self.put_u32(nwritten_ptr, total)
        return ERRNO_SUCCESS

    def fd_close(self, fd):
        return ERRNO_SUCCESS if fd in (0, 1, 2) else ERRNO_BADF

    def fd_seek(self, fd, offset, whence, newoffset_ptr):
        return ERRNO_SPIPE if fd in (0, 1, 2) else ERRNO_BADF

    def fd_fdstat_get(self, fd, buf):
        if fd not in (0, 1, 2):
            return ERRNO_BADF
        # filetype 2 = character device, no flags, all rights
        self.mem()[buf:buf + 24] = struct.pack("<BxHxxxxQQ", 2, 0, 2**64 - 1, 2**64 - 1)
        return ERRNO_SUCCESS

    # -- the rest
    def clock_time_get(self, clock_id, precision, time_ptr):
        clock = time.monotonic_ns if clock_id == 1 else time.time_ns
        self.put_u64(time_ptr, clock())
        return ERRNO_SUCCESS

    def random_get(self, buf, length):
        self.mem()[buf:buf + length] = os.urandom(length)
        return ERRNO_SUCCESS

    def proc_exit(self, code):
        self.exit_code = code
        raise ProcExit(code)

    SIGNATURES = {
        "args_sizes_get": "i(ii)", "args_get": "i(ii)",
        "environ_sizes_get": "i(ii)", "environ_get": "i(ii)",
        "fd_write": "i(iiii)", "fd_close": "i(i)", "fd_seek": "i(iIii)", "fd_fdstat_get": "i(ii)",
        "clock_time_get": "i(iIi)", "random_get": "i(ii)", "proc_exit": "v(i)",
    }


def wasi_imports(data: bytes):
    """Names of the functions imported from wasi_snapshot_preview1 (reads the import section)."""
    def leb(pos):
        result = shift = 0
        while True:
            b = data[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return result, pos

    def name(pos):
        n, pos = leb(pos)
        return data[pos:pos + n].decode(), pos + n

    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, pos = leb(pos + 1)
        end = pos + size
        if sid == 2:
            count, pos = leb(pos)
            names = []
            for _ in range(count):
                mod, pos = name(pos)
                field, pos = name(pos)
                kind = data[pos]
                pos += 1
                if kind == 0:
                    _, pos = leb(pos)
                    if mod == "wasi_snapshot_preview1":
                        names.append(field)
                elif kind == 1:  # table: reftype, limits
                    pos += 1
                    flags, pos = leb(pos)
                    _, pos = leb(pos)
                    if flags & 1:
                        _, pos = leb(pos)
                elif kind == 2:  # memory: limits
                    flags, pos = leb(pos)
                    _, pos = leb(pos)
                    if flags & 1:
                        _, pos = leb(pos)
                else:  # global: valtype, mutability
                    pos += 2
            return names
        pos = end
    return []


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = sys.argv[1]
    with open(path, "rb") as f:
        data = f.read()
    import wasm3

    missing = [n for n in wasi_imports(data) if n not in Wasi.SIGNATURES]
    if missing:
        print(f"wasm3 runner: unsupported WASI imports: {', '.join(missing)}", file=sys.stderr)
        return 125

    t0 = time.perf_counter()
    env = wasm3.Environment()
    rt = env.new_runtime(8 * 1024 * 1024)
    mod = env.parse_module(data)
    rt.load(mod)
    wasi = Wasi(rt, [os.path.basename(path)] + sys.argv[2:])
    for field in wasi_imports(data):
        mod.link_function("wasi_snapshot_preview1", field, Wasi.SIGNATURES[field], getattr(wasi, field))
    t1 = time.perf_counter()
    code = 0
    try:
        rt.find_function("_start")()
    except Exception as e:  # wasm3 reports traps, and our ProcExit, as exceptions
        if wasi.exit_code is not None:
            code = wasi.exit_code
        else:
            print(f"trap: {e}", file=sys.stderr)
            code = 134
    t2 = time.perf_counter()
    sys.stdout.flush()
    print(f"bench-time: {t2 - t0:.6f} parse={t1 - t0:.6f} run={t2 - t1:.6f}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
