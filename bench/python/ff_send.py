"""Sender of the fire-and-forget anchor, in the style of the original app:
sock.sendto(Fernet(key).encrypt(text.encode()), peer) in a loop. No acks.

Reads its job as JSON on stdin: {"key": "...", "port": N, "count": 20000, "size": 100, "max_s": 30}
Prints {"sent": N, "seconds": T, "msgs_per_s": R}.
"""
import json
import socket
import sys
import time

from cryptography.fernet import Fernet


def main():
    job = json.load(sys.stdin)
    f = Fernet(job["key"].encode("ascii"))
    peer = ("127.0.0.1", job["port"])
    text = "x" * job["size"]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = 0
    start = time.perf_counter()
    deadline = start + job["max_s"]
    while sent < job["count"]:
        sock.sendto(f.encrypt(text.encode()), peer)
        sent += 1
        if sent % 256 == 0 and time.perf_counter() >= deadline:
            break
    seconds = time.perf_counter() - start
    sock.close()
    print(json.dumps({"sent": sent, "seconds": seconds, "msgs_per_s": sent / seconds if seconds > 0 else 0.0}), flush=True)


if __name__ == "__main__":
    main()
