"""Times Python's cryptography.fernet: encrypt + decrypt of one message, in a loop.

Reads its job as JSON on stdin (the key never goes on the command line):
  {"key": "<urlsafe base64>", "sizes": [100, 1024, 65536], "seconds": 0.5, "reps": 3, "max_ops": 200000}
Prints one JSON object on stdout:
  {"python": "3.11.7", "cryptography": "48.0.0", "ops_per_s": {"100": 51234.5, ...}, "runs": {"100": [..]}}

Each repetition runs for `seconds` or `max_ops` operations, whichever ends first
(bounded in time and count); the figure per size is the median of the reps.
"""
import json
import statistics
import sys
import time

import cryptography
from cryptography.fernet import Fernet


def time_size(f, size, seconds, max_ops):
    msg = b"x" * size
    for _ in range(50):  # warm-up
        f.decrypt(f.encrypt(msg))
    ops = 0
    start = time.perf_counter()
    deadline = start + seconds
    while ops < max_ops:
        token = f.encrypt(msg)
        if f.decrypt(token) != msg:
            raise SystemExit("decrypt mismatch")
        ops += 1
        if ops % 16 == 0 and time.perf_counter() >= deadline:
            break
    return ops / (time.perf_counter() - start)


def main():
    job = json.load(sys.stdin)
    f = Fernet(job["key"].encode("ascii"))
    runs = {}
    for size in job["sizes"]:
        runs[str(size)] = [time_size(f, size, job["seconds"], job["max_ops"]) for _ in range(job["reps"])]
    print(json.dumps({
        "python": sys.version.split()[0],
        "cryptography": cryptography.__version__,
        "ops_per_s": {k: statistics.median(v) for k, v in runs.items()},
        "runs": runs,
    }))


if __name__ == "__main__":
    main()
