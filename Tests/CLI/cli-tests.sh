#!/usr/bin/env bash
# Command-line tests of wasmlab: each case runs the built binary the way a user would and
# checks its output, exit status and the files it leaves. Usage: cli-tests.sh WASMLAB
set -uo pipefail
wasmlab=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
passed=0 failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
expect() {  # expect NAME CONDITION...: the condition is a command that must succeed
    local name=$1; shift
    if "$@"; then pass; else fail "$name"; fi
}

printf '(module (func (export "f") (result i32) i32.const 7))\n' > ok.wat
printf '(module (func (result i32) i64.const 1))\n' > bad.wat
"$wasmlab" wat2wasm ok.wat -o ok.wasm

# wat2wasm writes in place: through symlinks, into special files, never renaming over them.
ln -s target.wasm link.wasm
"$wasmlab" wat2wasm ok.wat -o link.wasm
expect "wat2wasm -o SYMLINK keeps the link" test -L link.wasm
expect "wat2wasm -o SYMLINK writes its target" cmp -s target.wasm ok.wasm
mkfifo pipe
timeout 10 cat pipe > from-pipe.wasm &
reader=$!
timeout 10 "$wasmlab" wat2wasm ok.wat -o pipe
wait $reader
expect "wat2wasm -o FIFO leaves a FIFO" test -p pipe
expect "wat2wasm -o FIFO writes into it" cmp -s from-pipe.wasm ok.wasm
"$wasmlab" wat2wasm ok.wat -o - > dash.wasm
expect "wat2wasm -o - writes to stdout" cmp -s dash.wasm ok.wasm
expect "wat2wasm -o - creates no file named -" test ! -e ./-
"$wasmlab" wat2wasm ok.wat > plain.wasm
expect "wat2wasm without -o writes to stdout" cmp -s plain.wasm ok.wasm
# What /dev/stdout is, made here: a broken build must not replace the machine's own.
ln -s /proc/self/fd/1 stdout-link
"$wasmlab" wat2wasm ok.wat -o stdout-link > devstdout.wasm
expect "wat2wasm -o (link to /proc/self/fd/1) writes to stdout" cmp -s devstdout.wasm ok.wasm
expect "wat2wasm -o (link to /proc/self/fd/1) keeps the link" test -L stdout-link
echo old > existing.wasm
"$wasmlab" wat2wasm ok.wat -o existing.wasm
expect "wat2wasm truncates a longer file" cmp -s existing.wasm ok.wasm

# wat2wasm validates by default and names what is wrong with its input.
"$wasmlab" wat2wasm bad.wat -o bad.wasm 2> err.txt
status=$?
expect "wat2wasm on an invalid module fails" test "$status" -eq 1
expect "wat2wasm on an invalid module writes nothing" test ! -e bad.wasm
expect "wat2wasm says the module is invalid" grep -q "invalid module" err.txt
"$wasmlab" wat2wasm --no-validate bad.wat -o bad.wasm
expect "wat2wasm --no-validate writes it anyway" test -s bad.wasm
"$wasmlab" wat2wasm ok.wasm -o again.wasm 2> err.txt
expect "wat2wasm on a binary says so" grep -q "already a binary module" err.txt
"$wasmlab" wat2wasm missing.wat 2> err.txt
expect "wat2wasm on a missing file gives the OS reason" grep -q "No such file" err.txt

# run: spectest's print functions print as the reference interpreter does.
printf '(module (import "spectest" "print_i32" (func $p (param i32))) (import "spectest" "print_f64" (func $q (param f64)))
  (func (export "_start") (call $p (i32.const -42)) (call $q (f64.const 1.5))))\n' > print.wat
"$wasmlab" run print.wat > out.txt
expect "spectest.print_i32 prints its value" grep -qx -- "-42 : i32" out.txt
expect "spectest.print_f64 prints its value" grep -qx -- "1.5 : f64" out.txt

# run --dir: the directory that cannot be opened is named, with the OS's reason.
"$wasmlab" run --dir . --dir ./nonexistent print.wat > /dev/null 2> err.txt
status=$?
expect "run --dir names the failing directory" grep -q "cannot preopen './nonexistent': No such file or directory" err.txt
expect "run --dir failure exits 125" test "$status" -eq 125

# Types print as the text format writes them.
printf '(module (type $t (func (param i32))) (table 10 20 externref) (table 1 (ref null $t)) (memory i64 1 2)
  (global (mut i64) (i64.const 0)) (func (export "f") (param externref) (result i32) i32.const 0))\n' > types.wat
"$wasmlab" objdump types.wat > objdump.txt
expect "objdump prints table types as text" grep -qx "  10 20 externref" objdump.txt
expect "objdump prints typed references as text" grep -qx "  1 (ref null 0)" objdump.txt
expect "objdump prints function types as text" grep -qx "  type\[1\] (func (param externref) (result i32))" objdump.txt
expect "objdump prints global types as text" grep -qx "  (mut i64)" objdump.txt
expect "objdump prints memory64 limits as text" grep -qx "  i64 1 2" objdump.txt
"$wasmlab" run --invoke f types.wat null 2> err.txt
expect "run --invoke names a reference type as text" grep -q "of type externref" err.txt

# Text-format errors give FILE:LINE:COLUMN and the offending token.
printf '(module\n  (func (result i32)\n    i32.bogus))\n' > bogus.wat
"$wasmlab" validate bogus.wat 2> err.txt
expect "a text error names file, line and column" grep -q "^error: bogus.wat:3:5: malformed module: unknown operator i32.bogus" err.txt

# diff: tiers agree on a module, and the exit status says so.
"$wasmlab" diff ok.wasm > diff.txt
expect "diff exits 0 when configurations agree" test $? -eq 0
expect "diff prints agree" grep -q "ok.wasm: agree" diff.txt

echo "cli tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
