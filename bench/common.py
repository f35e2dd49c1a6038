"""Helpers shared by bench/quality.py and bench/speed.py (standard library only)."""
import os
import platform
import re
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "target", "bench")


def data_dir():
    """The project's shared data beside the repository (../shared/data), or $TANDEM_DATA."""
    return os.environ.get("TANDEM_DATA") or os.path.join(ROOT, "..", "shared", "data")


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores (shared with other work), {platform.system()} {platform.release()}"


def stamp():
    return time.strftime("%Y-%m-%d %H:%M %Z")


def rustc_version():
    try:
        return subprocess.run(["rustc", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "rustc (unknown)"


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def splice(md_path, heading, body):
    """Replace the section `## heading` of md_path (up to the next `## `) with body.

    Other sections (the widget's, the edge's) are left as they are; a missing section is
    appended, a missing file is created with a title.
    """
    text = ""
    if os.path.exists(md_path):
        with open(md_path, encoding="utf-8") as f:
            text = f.read()
    if not text.strip():
        text = "# Benchmarks\n\nMeasured numbers for Tandem; each section says how to reproduce it.\n"
    section = f"## {heading}\n\n{body.strip()}\n\n"
    pat = re.compile(rf"^## {re.escape(heading)}[ \t]*\n.*?(?=^## |\Z)", re.S | re.M)
    if pat.search(text):
        text = pat.sub(lambda _m: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(md_path, "w", encoding="utf-8") as f:
        f.write(text.rstrip("\n") + "\n")
