#!/bin/sh
# Rebuilds wasi-test.wasm from wasi-test.c (the .wasm is committed so tests need no clang).
# Needs Debian's wasi-libc and libclang-rt-14-dev-wasm32 and a clang that targets wasm32
# (the Swift toolchain's clang works).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
clang=${CLANG:-clang}
sysroot=$(mktemp -d)
trap 'rm -rf "$sysroot"' EXIT
mkdir -p "$sysroot/include" "$sysroot/lib"
ln -s /usr/include/wasm32-wasi "$sysroot/include/wasm32-wasi"
ln -s /usr/lib/wasm32-wasi "$sysroot/lib/wasm32-wasi"
builtins=$(ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a | head -n 1)
"$clang" --target=wasm32-wasi --sysroot="$sysroot" -O2 -Wall -Wno-unused-result \
    -nodefaultlibs -Wl,--strip-debug -o "$here/wasi-test.wasm" "$here/wasi-test.c" -lc "$builtins"
echo "built $here/wasi-test.wasm ($(wc -c < "$here/wasi-test.wasm") bytes)"
