#!/usr/bin/env bash
# Command-line tests of wasmlab: each case runs the built binary the way a user would and
# checks its output, exit status and the files it leaves. Usage: cli-tests.sh WASMLAB
set -uo pipefail
wasmlab=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
# Test functions shared with the Swift tests.
functions=$(cd "$(dirname "$0")/../Functions" && pwd)
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
"$wasmlab" run --invoke f types.wat 7 2> err.txt
expect "run --invoke names a reference type as text" grep -q "'7' is not a valid externref" err.txt

# Text-format errors give FILE:LINE:COLUMN and the offending token.
printf '(module\n  (func (result i32)\n    i32.bogus))\n' > bogus.wat
"$wasmlab" validate bogus.wat 2> err.txt
expect "a text error names file, line and column" grep -q "^error: bogus.wat:3:5: malformed module: unknown operator i32.bogus" err.txt

# Validation errors name the function, the place and the types.
printf '(module (func $ok) (func $bad (param i64) (result i32) local.get 0))\n' > mismatch.wat
"$wasmlab" validate mismatch.wat 2> err.txt
expect "a validation error says what was expected and found" grep -q "type mismatch: expected i32, found i64" err.txt
expect "a validation error names the function and offset" grep -q "(in function 1 \$bad, at offset 0x" err.txt

# --version: release, commit, and what the build runs.
"$wasmlab" --version > version.txt
expect "--version names the release and commit" grep -Eq "^wasmlab [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]{12}(-dirty)?\)$" version.txt
expect "--version lists the tiers" grep -q "^tiers: interp, jit" version.txt
expect "--version lists the bounds strategies" grep -q "^bounds strategies: software, guard" version.txt

# run without --tier: the JIT under guard pages, the interpreter where the JIT cannot run it.
printf '(module (memory 1) (func (export "f") (result i32) (i32.store (i32.const 8) (i32.const 7)) (i32.load (i32.const 8))))\n' > mem.wat
"$wasmlab" run -v --invoke f mem.wat > out.txt 2> err.txt
expect "run defaults to the jit with guard pages" grep -qx "wasmlab: tier jit, bounds guard" err.txt
expect "run on the default tier gives the result" grep -qx "7:i32" out.txt
# Too little address space for a guard-page reservation (8 GiB): the interpreter runs it.
(ulimit -v 3000000; "$wasmlab" run -v --invoke f mem.wat > out.txt 2> err.txt)
expect "run falls back to the interpreter" grep -qx "wasmlab: tier interp, bounds software" err.txt
expect "run on the fallback tier gives the result" grep -qx "7:i32" out.txt
(ulimit -v 3000000; "$wasmlab" run --tier jit --invoke f mem.wat > /dev/null 2> err.txt)
expect "an explicit --tier jit does not fall back" test $? -eq 125
expect "a failed guard reservation is named" grep -q "cannot reserve 8 GiB of address space (bounds guard needs the whole reservation)" err.txt

# SIGINT and SIGTERM stop the guest at a safe point with a backtrace.
printf '(module (func $spin (export "spin") (loop (br 0))) (func (export "one") (result i32) i32.const 1))\n' > spin.wat
for tier in interp jit; do
    for sig in INT TERM; do
        "$wasmlab" run --tier $tier --invoke spin spin.wat 2> err.txt &
        pid=$!
        sleep 0.5
        kill -$sig $pid
        wait $pid
        status=$?
        want=$([ $sig = INT ] && echo 130 || echo 143)
        expect "SIG$sig on $tier exits $want" test "$status" -eq "$want"
        expect "SIG$sig on $tier is named" grep -q "error: wasm trap: interrupted (SIG$sig)" err.txt
        expect "SIG$sig on $tier prints the backtrace" grep -q "0: spin" err.txt
    done
done

# A reader that goes away: EPIPE first, then the program ends with 141 at once.
cat > yes.wat <<'WAT'
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "y\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 2))
    (loop $again
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (br $again))))
WAT
for tier in interp jit; do
    first=$(timeout 20 "$wasmlab" run --tier $tier yes.wat | head -1)
    status=${PIPESTATUS[0]}
    expect "a closed pipe ends $tier with 141" test "$status" -eq 141
    expect "a closed pipe: $tier wrote first" test "$first" = y
done

# --env NAME passes the host's value; NAME=VALUE sets one; an unset NAME is left out.
cat > env.wat <<'WAT'
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (drop (call $get (i32.const 1024) (i32.const 4096)))
    (i32.store (i32.const 16) (i32.const 4096))
    (i32.store (i32.const 20) (i32.load (i32.const 4)))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))
WAT
FROM_HOST=inherited "$wasmlab" run --env FROM_HOST --env SET=here --env WASMLAB_UNSET_VARIABLE env.wat | tr '\0' '\n' > env.txt
expect "--env NAME inherits the host's value" grep -qx "FROM_HOST=inherited" env.txt
expect "--env NAME=VALUE sets it" grep -qx "SET=here" env.txt
expect "--env NAME of an unset variable passes nothing" test "$(wc -l < env.txt)" -eq 2

# --fuel and --timeout together: whichever comes first stops the guest, and is named.
"$wasmlab" run --fuel 1000 --timeout 10s --invoke spin spin.wat 2> err.txt
expect "--fuel with --timeout: fuel first exits 142" test $? -eq 142
expect "--fuel with --timeout: fuel first is named" grep -q "(fuel 1000 exhausted)" err.txt
"$wasmlab" run --fuel 100000000000000 --timeout 300ms --invoke spin spin.wat 2> err.txt
expect "--fuel with --timeout: timeout first exits 142" test $? -eq 142
expect "--fuel with --timeout: timeout first is named" grep -q "(timeout 300ms expired)" err.txt
# --fuel 0: no loop iteration or call at all (straight-line code still runs).
"$wasmlab" run --fuel 0 --invoke spin spin.wat 2> /dev/null
expect "--fuel 0 stops the first loop iteration" test $? -eq 142
expect "--fuel 0 runs straight-line code" test "$("$wasmlab" run --fuel 0 --invoke one spin.wat)" = "1:i32"

# --invoke takes the text format's literals; bad command-line values exit 64.
printf '(module (func (export "add") (param i32 i64 f32 f64) (result f64)
  (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))
           (f64.add (f64.promote_f32 (local.get 2)) (local.get 3)))))\n' > add.wat
expect "--invoke takes hex, signs, separators and hex floats" \
    test "$("$wasmlab" run --invoke add add.wat 0x10 -1_000 1.5 0x1p-3)" = "-982.375:f64"
"$wasmlab" run --invoke add add.wat 0x1_0000_0000 0 0 0 2> err.txt
expect "--invoke out of range exits 64" test $? -eq 64
expect "--invoke out of range says so" grep -q "'0x1_0000_0000' is out of range for i32" err.txt
"$wasmlab" run --invoke add add.wat x 0 0 0 2> /dev/null
expect "--invoke with a bad literal exits 64" test $? -eq 64
"$wasmlab" run --invoke add add.wat 1 2> /dev/null
expect "--invoke with too few arguments exits 64" test $? -eq 64
"$wasmlab" run --invoke nope add.wat 2> err.txt
expect "--invoke of a missing export exits 64" test $? -eq 64
expect "--invoke of a missing export lists the exports" grep -q "the module exports add" err.txt
for bad in "--timeout xyz" "--fuel -1" "--max-memory 1x" "--max-gc-heap 1x" "--max-stack 1" "--tier nope" "--env =x"; do
    "$wasmlab" run $bad add.wat 2> /dev/null
    expect "run $bad exits 64" test $? -eq 64
done
"$wasmlab" run missing.wasm 2> err.txt
expect "run on a missing file exits 125" test $? -eq 125
expect "run on a missing file gives the OS reason" grep -q "cannot read 'missing.wasm': No such file or directory" err.txt

# --max-memory caps memory.grow and refuses larger initial memories; --max-stack the call depth.
printf '(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))\n' > grow.wat
expect "--max-memory lets memory grow up to it" test "$("$wasmlab" run --max-memory 256KiB --invoke grow grow.wat 3)" = "1:i32"
expect "--max-memory fails memory.grow past it" test "$("$wasmlab" run --max-memory 256KiB --invoke grow grow.wat 4)" = "-1:i32"
# --max-gc-heap: a program that keeps every struct traps cleanly at the limit.
printf '(module (type $n (struct (field (ref null $n))))
  (func (export "hoard") (param i32) (result i32) (local (ref null $n))
    (loop $l (local.set 1 (struct.new $n (local.get 1)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (ref.is_null (local.get 1))))\n' > hoard.wat
for tier in interp jit; do
    expect "$tier keeps 1000 structs under --max-gc-heap 8MiB" test "$("$wasmlab" run --tier $tier --max-gc-heap 8MiB --invoke hoard hoard.wat 1000)" = "0:i32"
    "$wasmlab" run --tier $tier --max-gc-heap 8MiB --invoke hoard hoard.wat 10000000 2> err.txt
    expect "$tier past --max-gc-heap exits 134" test $? -eq 134
    expect "$tier past --max-gc-heap says why" grep -q "out of GC heap memory" err.txt
done
printf '(module (memory 10))\n' > big.wat
"$wasmlab" run --max-memory 64KiB big.wat 2> err.txt
expect "--max-memory refuses a larger initial memory" test $? -eq 125
printf '(module (func $r (export "r") (param i32) (result i32)
  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
    (else (i32.add (i32.const 1) (call $r (i32.sub (local.get 0) (i32.const 1))))))))\n' > deep.wat
for tier in interp jit; do
    expect "$tier recurses 15000 deep by default" test "$("$wasmlab" run --tier $tier --invoke r deep.wat 15000)" = "15000:i32"
    "$wasmlab" run --tier $tier --max-stack 64KiB --invoke r deep.wat 15000 2> err.txt
    expect "--max-stack 64KiB on $tier traps" grep -q "call stack exhausted" err.txt
done

# compile: a .cwasm file runs without compiling; other builds, strategies and damage are refused.
"$wasmlab" compile add.wat -o add.cwasm
expect "compile writes a .cwasm file" test -s add.cwasm
expect "run FILE.cwasm gives the result" test "$("$wasmlab" run --invoke add add.cwasm 0x10 -1_000 1.5 0x1p-3)" = "-982.375:f64"
"$wasmlab" run -v --invoke add add.cwasm 1 2 3 4 > /dev/null 2> err.txt
expect "run FILE.cwasm uses the strategy it was compiled for" grep -qx "wasmlab: tier jit, bounds guard" err.txt
rm add.cwasm
"$wasmlab" compile add.wat
expect "compile without -o writes FILE.cwasm" test -s add.cwasm
"$wasmlab" compile --bounds software yes.wat -o yes.cwasm
first=$(timeout 20 "$wasmlab" run yes.cwasm | head -1)
expect "a WASI .cwasm runs" test "$first" = y
"$wasmlab" run --bounds software --invoke add add.cwasm 1 2 3 4 2> err.txt
expect "a .cwasm of another strategy exits 125" test $? -eq 125
expect "a .cwasm of another strategy is named" grep -q "precompiled for bounds guard; this engine uses software" err.txt
python3 - add.cwasm other-build.cwasm <<'PY'
import sys, zlib
data = bytearray(open(sys.argv[1], "rb").read()[:-4])
at = data.index(b"wasmlab ", 12)
data[at:at + 8] = b"wasmlax "  # another producer, same length, checksum made right again
data += zlib.crc32(bytes(data)).to_bytes(4, "little")
open(sys.argv[2], "wb").write(bytes(data))
PY
"$wasmlab" run --invoke add other-build.cwasm 1 2 3 4 2> err.txt
expect "a .cwasm of another build exits 125" test $? -eq 125
expect "a .cwasm of another build says so" grep -q "precompiled by wasmlax" err.txt
head -c 100 add.cwasm > cut.cwasm
"$wasmlab" run cut.cwasm 2> err.txt
expect "a damaged .cwasm is refused" grep -q "damaged (checksum mismatch)" err.txt
"$wasmlab" run --fuel 10 --invoke add add.cwasm 1 2 3 4 2> err.txt
expect "run --fuel on a .cwasm without fuel counting is refused" grep -q "add.cwasm was compiled without fuel counting; .wasmlab compile --fuel." err.txt
"$wasmlab" compile --fuel spin.wat -o spin.cwasm
"$wasmlab" run --fuel 1000 --invoke spin spin.cwasm 2> /dev/null
expect "compile --fuel: run --fuel meters the .cwasm" test $? -eq 142

# explore: a self-contained page, rendered by headless Chromium, that highlights each
# strategy's isolation instructions.
printf '(module (memory 1) (func $poke (export "poke") (param i32) (result i32)
  (i32.store offset=4 (local.get 0) (i32.const 7)) (i32.load offset=4 (local.get 0))))\n' > poke.wat
for strategy in software:iso-bounds-check guard:iso-guarded-access masked:iso-address-mask; do
    bounds=${strategy%%:*} class=${strategy#*:}
    "$wasmlab" explore poke.wat --bounds $bounds -o poke-$bounds.html
    expect "explore --bounds $bounds writes a page" test -s poke-$bounds.html
    expect "explore --bounds $bounds has no external references" \
        test -z "$(grep -Eio '(src|href|action)="[^#"][^"]*"|url\(|@import' poke-$bounds.html)"
    timeout 60 chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$PWD/poke-$bounds.html" \
        > dom-$bounds.html 2> /dev/null
    expect "chromium renders the $bounds page" grep -q '<section id="f0">' dom-$bounds.html
    expect "the $bounds page names the function" grep -q "function 0 &lt;poke&gt;" dom-$bounds.html
    expect "the $bounds page highlights its isolation" test "$(grep -c "<tr class=\"$class\"" dom-$bounds.html)" -ge 2
done
expect "software checks are not highlighted under guard" test "$(grep -c '<tr class="iso-bounds-check"' dom-guard.html)" -eq 0
"$wasmlab" explore poke.wat --func nope -o nope.html 2> err.txt
expect "explore --func of a missing function fails" grep -q "no function 'nope'" err.txt

# disasm shows the code `run` runs: its loop polls the interrupt flag only; with --fuel
# the poll also counts fuel (a subtraction and a branch to the fuel-out stub).
printf '(module (func (export "poll") (param i32) (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))' > poll.wat
"$wasmlab" disasm poll.wat > poll.txt 2>&1
"$wasmlab" disasm --fuel poll.wat > poll-fuel.txt 2>&1
expect "disasm polls without counting fuel" test "$(grep -c 'sub qword ptr \[rax\], 1' poll.txt)" -eq 0
expect "disasm --fuel counts fuel at the loop" test "$(grep -c 'sub qword ptr \[rax\], 1' poll-fuel.txt)" -ge 1
expect "both poll the interrupt flag" test "$(grep -c 'cmp dword ptr \[rax + 8\], 0' poll.txt)" -ge 1

# --profile perfmap: /tmp/perf-PID.map names the JIT's functions, and perf reports them.
printf '(module (func $hot_loop (export "hot") (param i32) (result i32) (local i32)
  (loop $l (local.set 1 (i32.add (local.get 1) (local.get 0)))
    (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if $l (local.get 0)))
  (local.get 1)))\n' > hot.wat
"$wasmlab" run --profile perfmap --tier jit --invoke hot hot.wat 10 > /dev/null &
pid=$!
wait $pid
expect "--profile perfmap writes the map" grep -Eq "^[0-9a-f]+ [0-9a-f]+ wasm::hot_loop$" /tmp/perf-$pid.map
rm -f /tmp/perf-$pid.map
"$wasmlab" run --tier jit --invoke hot hot.wat 10 > /dev/null &
pid=$!
wait $pid
expect "no map without --profile" test ! -e /tmp/perf-$pid.map
if timeout 120 perf record -q -e cpu-clock -o perf.data "$wasmlab" run --profile perfmap --tier jit --invoke hot hot.wat 200000000 > /dev/null 2>&1; then
    expect "perf report names the Wasm function" grep -q "wasm::hot_loop" <(perf report -i perf.data --stdio 2> /dev/null)
else
    fail "perf record runs (linux-perf)"
fi
grep -l "wasm::hot_loop" /tmp/perf-*.map 2> /dev/null | xargs -r rm -f

# The GDB JIT interface: stopped in the host's write under a Wasm call, gdb names the
# Wasm frames and unwinds through them, the entry trampoline and the trap guard to the CLI.
printf '(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1) (data (i32.const 16) "hi\\n")
  (func $inner (result i32)
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func $middle (result i32) (i32.add (call $inner) (i32.const 1)))
  (func (export "_start") (drop (call $middle))))\n' > nested.wat
if command -v gdb > /dev/null; then
    timeout 300 gdb -batch -nx -iex 'set debuginfod enabled off' -ex 'set complaints 0' -ex 'catch syscall writev' \
        -ex run -ex bt --args "$wasmlab" run --tier jit nested.wat 2>&1 | grep '^#' > gdb-bt.txt
    # The frames in order, innermost first: each name's first line number.
    order=$(for name in 'wasm::inner ' 'wasm::middle ' 'wasm::_start ' 'wasm::<entry trampoline>' 'wasm::<trap guard entry>' 'RunInvocation'; do
        grep -n -m1 -F "$name" gdb-bt.txt | cut -d: -f1; done | tr '\n' ' ')
    expect "gdb shows the Wasm frames, in order, and the host's beyond them ($order)" \
        test "$(echo $order | wc -w)" -eq 6 -a "$(echo $order | tr ' ' '\n' | sort -n | tr '\n' ' ')" = "$order"
else
    fail "gdb is installed (the GDB JIT interface test)"
fi

# diff: tiers agree on a module, and the exit status says so.
"$wasmlab" diff ok.wasm > diff.txt
expect "diff exits 0 when configurations agree" test $? -eq 0
expect "diff prints agree" grep -q "ok.wasm: agree" diff.txt

# A runaway _start under --timeout 1s exits 142 within 2 s on each tier.
printf '(module (func (export "_start") (loop br 0)))\n' > runaway.wat
for tier in jit interp; do
    start=$(date +%s%N)
    "$wasmlab" run --tier $tier --timeout 1s runaway.wat 2> /dev/null
    status=$?
    elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
    expect "runaway under --tier $tier --timeout 1s exits 142" test $status -eq 142
    expect "runaway under --tier $tier --timeout 1s stops within 2 s (took $elapsed ms)" test $elapsed -lt 2000
done

# bench-sched: a quick section runs and writes its results; bad arguments exit 64.
"$wasmlab" bench-sched --sections switch --runs 1 --output bench-sched > bs.txt 2> /dev/null
expect "bench-sched prints the switch cost" grep -q "emitted switch" bs.txt
expect "bench-sched writes raw samples" grep -q '"rawSamples"' bench-sched/results.json
"$wasmlab" bench-sched --sections nope 2> err.txt
expect "bench-sched with an unknown section exits 64" test $? -eq 64
expect "bench-sched names the sections" grep -q "sections: switch, latency" err.txt
"$wasmlab" bench-sched --quantum 0 2> /dev/null
expect "bench-sched with a bad quantum exits 64" test $? -eq 64

# serve: bad specs and arguments exit 64 naming what is wrong; SIGHUP reloads the routes
# (a broken spec keeps the old ones); SIGTERM answers and exits 0.
hello='(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1) (data (i32.const 16) "MSG")
  (func (export "_start") (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 3))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))'
echo "${hello/MSG/one}" > one.wat
echo "${hello/MSG/two}" > two.wat
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
spec() { printf '[{"name": "t", "port": %s, "routes": [{"route": "/f", "path": "%s", "relative-deadline-us": 100000%s}]}]' "$port" "$1" "${2:-}" > serve.json; }
spec one.wat ', "admissions-percentile": 100'
"$wasmlab" serve serve.json 2> err.txt
expect "serve with a bad key value exits 64" test $? -eq 64
expect "serve names tenant, route and field" grep -q 'tenant "t", route "/f", field "admissions-percentile"' err.txt
"$wasmlab" serve missing.json 2> err.txt
expect "serve of a missing spec exits 64" test $? -eq 64
"$wasmlab" serve serve.json --workers 0 2> /dev/null
expect "serve --workers 0 exits 64" test $? -eq 64
"$wasmlab" serve serve.json --max-upload-bytes 0 2> /dev/null
expect "serve --max-upload-bytes 0 exits 64" test $? -eq 64
spec one.wat
"$wasmlab" serve serve.json > serve-out.txt 2> serve-log.txt &
server=$!
first=$(curl -s --retry 20 --retry-connrefused --retry-delay 1 "http://127.0.0.1:$port/f")
expect "serve answers (got '$first')" test "$first" = one
spec two.wat
kill -HUP $server
sleep 1
expect "SIGHUP reloads the routes" test "$(curl -s "http://127.0.0.1:$port/f")" = two
spec nowhere.wat
kill -HUP $server
sleep 1
expect "a reload that fails keeps the old routes" test "$(curl -s "http://127.0.0.1:$port/f")" = two
expect "a refused reload is logged" grep -q "reload refused" serve-log.txt
# The invoke API: a Faasm function uploaded in the text format is live at once (by the API
# and as a route), stays across a reload, and another tenant's name is refused.
cat > greet.wat <<'EOF'
(module
  (import "env" "__faasm_read_input" (func $in (param i32 i32) (result i32)))
  (import "env" "__faasm_write_output" (func $out (param i32 i32)))
  (memory (export "memory") 1) (data (i32.const 1018) "hello ")
  (func (export "_start") (call $out (i32.const 1018) (i32.add (call $in (i32.const 1024) (i32.const 1000)) (i32.const 6)))))
EOF
api="http://127.0.0.1:$port"
status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary @greet.wat "$api/f/t/greet")
expect "PUT /f/t/greet uploads (got $status)" test "$status" = 201
expect "POST /f/t/greet invokes it" test "$(curl -s --data-binary bob "$api/f/t/greet")" = "hello bob"
expect "the upload is the route /greet" test "$(curl -s --data-binary ann "$api/greet")" = "hello ann"
spec one.wat
kill -HUP $server
sleep 1
expect "uploads stay across a reload" test "$(curl -s --data-binary eve "$api/f/t/greet")" = "hello eve"
expect "the reload took" test "$(curl -s "$api/f")" = one
status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary @greet.wat "$api/f/u/greet")
expect "another tenant's functions are 403 (got $status)" test "$status" = 403
expect "a spec route below /f/ hidden by the API is logged" grep -q "the invoke API answers the paths below" serve-log.txt
kill -TERM $server
wait $server
expect "serve exits 0 on SIGTERM" test $? -eq 0

# serve --redis: two nodes (two processes) share Faasm state through Redis under its
# global lock; with Redis down, calls that need it get 503 and the others are served.
cp "$functions/gcount.wat" .
"$wasmlab" serve serve.json --redis nowhere 2> err.txt
expect "serve --redis without a port exits 64" test $? -eq 64
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
node_spec() {  # node_spec PORT TENANT FILE
    printf '[{"name": "%s", "port": %s, "routes": [{"route": "/count", "path": "gcount.wat", "relative-deadline-us": 100000},
      {"route": "/hello", "path": "one.wat", "relative-deadline-us": 100000}]}]' "$2" "$1" > "$3"
}
if [ -n "${WASMLAB_TEST_REDIS:-}" ]; then
    tenant="cli$RANDOM$RANDOM"
    port1=$(free_port); port2=$(free_port)
    node_spec "$port1" "$tenant" node1.json; node_spec "$port2" "$tenant" node2.json
    "$wasmlab" serve node1.json --redis "$WASMLAB_TEST_REDIS" > /dev/null 2> node1.log & node1=$!
    "$wasmlab" serve node2.json --redis "$WASMLAB_TEST_REDIS" > /dev/null 2> node2.log & node2=$!
    curl -s --retry 20 --retry-connrefused --retry-delay 1 -o /dev/null "http://127.0.0.1:$port1/hello"
    curl -s --retry 20 --retry-connrefused --retry-delay 1 -o /dev/null "http://127.0.0.1:$port2/hello"
    counts=""
    for i in 1 2 3 4 5 6; do
        p=$port1; [ $((i % 2)) -eq 0 ] && p=$port2
        counts="$counts$(curl -s "http://127.0.0.1:$p/count")"
    done
    expect "two serve processes count together through Redis (got '$counts')" test "$counts" = 123456
    kill -TERM $node1 $node2; wait $node1 $node2
else
    echo "skipped: two serve nodes over Redis (WASMLAB_TEST_REDIS is not set)"
fi
port1=$(free_port)
node_spec "$port1" down node1.json
"$wasmlab" serve node1.json --redis 127.0.0.1:1 > /dev/null 2> node1.log & node1=$!
hello_status=$(curl -s --retry 20 --retry-connrefused --retry-delay 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port1/hello")
expect "with Redis down a node-local route is served (got $hello_status)" test "$hello_status" = 200
count_status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port1/count")
expect "with Redis down a call that needs it gets 503 (got $count_status)" test "$count_status" = 503
expect "the server warns that the global tier does not answer" grep -q "global state tier does not answer" node1.log
kill -TERM $node1; wait $node1

# snapshot: an init export's state written once, started from on every tier; damaged or
# foreign snapshots are refused (125), a missing init is an error.
cat > zygote.wat <<'EOF'
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1) (global $n (mut i32) (i32.const 0)) (data (i32.const 100) "fresh\n")
  (func (export "setup") (i32.store (i32.const 100) (i32.const 0x64616572)) (global.set $n (i32.const 5)))
  (func (export "_start")
    (i32.store8 (i32.const 105) (i32.add (i32.const 48) (global.get $n)))
    (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 6))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
EOF
"$wasmlab" snapshot zygote.wat --init setup -o zygote.snap
expect "snapshot writes the file" test -s zygote.snap
for tier in jit interp; do
    expect "run --snapshot on $tier starts from the init's state" test "$("$wasmlab" run --tier $tier --snapshot zygote.snap zygote.wat)" = "readh5"
done
expect "run without --snapshot starts fresh" test "$("$wasmlab" run zygote.wat)" = "fresh0"
cp zygote.snap damaged.snap
printf 'x' >> damaged.snap
"$wasmlab" run --snapshot damaged.snap zygote.wat 2> err.txt
expect "a damaged snapshot exits 125" test $? -eq 125
expect "a damaged snapshot is named" grep -q "damaged.snap: the snapshot is damaged" err.txt
"$wasmlab" run --snapshot zygote.snap ok.wat 2> err.txt
expect "another module's snapshot exits 125" test $? -eq 125
"$wasmlab" snapshot zygote.wat --init nope -o none.snap 2> err.txt
expect "snapshot of a missing export fails" test $? -ne 0
expect "snapshot names the missing export" grep -q "exports no function 'nope'" err.txt

echo "cli tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
