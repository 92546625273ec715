"""The calls of compiled objects, for the checks that read them (tools/check-signal-handler,
tools/check-hot-loop): each function's relocation targets, from `objdump -dr`."""
import re
import subprocess


def relocation_targets(objects):
    """Function symbol -> the set of symbols its relocations name (offsets stripped)."""
    calls = {}
    for obj in objects:
        out = subprocess.run(["objdump", "-dr", obj], capture_output=True, text=True, check=True).stdout
        fn = None
        for line in out.splitlines():
            m = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
            if m:
                fn = m.group(1)
                calls.setdefault(fn, set())
                continue
            m = re.search(r"R_X86_64_\w+\s+(\S+)", line)
            if m and fn:
                calls[fn].add(re.sub(r"[-+]0x[0-9a-f]+$", "", m.group(1)))
    return calls
