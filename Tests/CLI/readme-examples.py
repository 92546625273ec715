#!/usr/bin/env python3
"""Runs every example of the README's ```console blocks and checks its output, so the
README cannot drift from the binary.

    Tests/CLI/readme-examples.py README.md BUILD_DIR

In a block, a line starting with "$ " is a command: it runs with bash from the repository
root, BUILD_DIR first on PATH (so `wasmlab` is the built binary), standard error merged
into standard output. The lines up to the next command are its expected output, exactly,
except that a line "[exit N]" gives the exit status (0 when absent), a line "..." matches
any number of lines, and "..." inside a line matches any text.

A command ending in " &" (a server) runs in the background while the block's next
commands run; at the end of the block it gets SIGINT, and its output and exit status are
checked then (it has 30 seconds to stop).

A code block fenced as ```swift PATH must be the file PATH, byte for byte (the README's
embedding example is a program CI builds and runs).
"""
import os
import re
import signal
import subprocess
import sys


def examples(readme):
    """(block number, line number, command, expected lines) for every command of every
    console block."""
    found, block, blocks, current = [], False, 0, None
    with open(readme, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("```"):
                block = line == "```console"
                blocks += 1
                if current:
                    found.append(current)
                current = None
                continue
            if not block:
                continue
            if line.startswith("$ "):
                if current:
                    found.append(current)
                current = (blocks, number, line[2:], [])
            elif current:
                current[3].append(line)
    return found


def code_blocks(readme):
    """(line number, path, text) of every ```swift PATH block."""
    found, current = [], None
    with open(readme, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if current is None:
                m = re.fullmatch(r"```swift (\S+)\n?", line)
                if m:
                    current = (number, m.group(1), [])
            elif line.rstrip("\n") == "```":
                found.append((current[0], current[1], "".join(current[2])))
                current = None
            else:
                current[2].append(line)
    return found


def matches(expected, actual):
    """Whether the actual lines fit the expected ones ("..." lines and inline wildcards)."""
    if not expected:
        return not actual
    head = expected[0]
    if head == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in head.split("..."))
    return re.fullmatch(pattern, actual[0]) is not None and matches(expected[1:], actual[1:])


def main():
    readme, build = sys.argv[1], os.path.abspath(sys.argv[2])
    root = os.path.dirname(os.path.abspath(readme))
    env = dict(os.environ, PATH=build + os.pathsep + os.environ.get("PATH", ""))
    passed = failed = 0
    for number, path, text in code_blocks(readme):
        try:
            with open(os.path.join(root, path), encoding="utf-8") as f:
                same = f.read() == text
        except OSError:
            same = False
        if same:
            passed += 1
        else:
            failed += 1
            print(f"FAIL: {readme}:{number}: the block is not the content of {path}")
    def check(number, command, returncode, output, status, expected):
        nonlocal passed, failed
        actual = output.decode("utf-8", "replace").splitlines()
        if returncode == status and matches(expected, actual):
            passed += 1
            return
        failed += 1
        print(f"FAIL: {readme}:{number}: $ {command}")
        print(f"  exit status {returncode}, expected {status}")
        print("  output:\n" + "\n".join("    " + line for line in actual))
        print("  expected:\n" + "\n".join("    " + line for line in expected))

    background, current_block = [], None

    def stop_background():
        for number, command, process, status, expected in background:
            process.send_signal(signal.SIGINT)
            try:
                output, _ = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
                output += b"\n(killed: did not stop within 30 s of SIGINT)"
            check(number, command + " &", process.returncode, output, status, expected)
        background.clear()

    for block, number, command, lines in examples(readme):
        if block != current_block:
            stop_background()
            current_block = block
        status = 0
        expected = []
        for line in lines:
            m = re.fullmatch(r"\[exit (\d+)\]", line)
            if m:
                status = int(m.group(1))
            else:
                expected.append(line)
        if command.endswith(" &"):
            # exec: the signal reaches the server itself, not a shell around it.
            process = subprocess.Popen(["bash", "-c", "exec " + command[:-2]], cwd=root, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            background.append((number, command[:-2], process, status, expected))
            continue
        run = subprocess.run(["bash", "-c", command], cwd=root, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=900)
        check(number, command, run.returncode, run.stdout, status, expected)
    stop_background()
    print(f"readme examples: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
