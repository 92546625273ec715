"""What every benchmark tool records beside its figures: the machine, the commit, and the
file under Bench/results/DATE-NAME/ the raw samples and medians go to. Imported by the
tools/bench-* scripts (they put this folder on sys.path)."""
import json
import os
import platform
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def machine():
    """CPU model, cores and system."""
    model = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": model, "cores": os.cpu_count(), "system": platform.platform()}


def commit():
    """The checkout's commit (short), "unknown" outside git."""
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write(out, date, name, report, filename="results.json"):
    """Writes `report` to OUT/DATE-NAME/FILENAME (DATE a datetime) and returns that path,
    relative to the repository. A file already there (an earlier run the same day) is
    kept: this run's name gets the time of day (`results-HHMMSS.json`)."""
    folder = os.path.join(out, f"{date:%Y-%m-%d}-{name}")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, filename)
    if os.path.exists(path):
        stem, extension = os.path.splitext(filename)
        path = os.path.join(folder, f"{stem}-{date:%H%M%S}{extension}")
    with open(path, "w") as f:
        json.dump(report, f, indent=1)
    return os.path.relpath(path, ROOT)
