"""Receiver of the fire-and-forget anchor, in the style of the original app:
recvfrom, Fernet.decrypt, count. No acks, no order, no retransmission.

Reads its job as JSON on stdin: {"key": "...", "count": 20000, "idle_s": 1.0, "max_s": 30}
Binds 127.0.0.1 on an ephemeral port and prints {"port": N} on one line, then
receives until `count` datagrams decrypted, `idle_s` of silence after the
first one, or `max_s` in all. Prints:
  {"received": N, "bad": M, "seconds": T, "msgs_per_s": R}
with T measured from the first datagram to the last.
"""
import json
import socket
import sys
import time

from cryptography.fernet import Fernet, InvalidToken


def main():
    job = json.load(sys.stdin)
    f = Fernet(job["key"].encode("ascii"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    except OSError:
        pass
    sock.bind(("127.0.0.1", 0))
    print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
    received = bad = 0
    first = last = None
    hard_deadline = time.monotonic() + job["max_s"]
    while received < job["count"]:
        now = time.monotonic()
        if now >= hard_deadline:
            break
        sock.settimeout(min(job["idle_s"] if first is not None else job["max_s"], hard_deadline - now))
        try:
            data, _ = sock.recvfrom(65535)
        except socket.timeout:
            break
        try:
            f.decrypt(data)
        except InvalidToken:
            bad += 1
            continue
        last = time.perf_counter()
        if first is None:
            first = last
        received += 1
    sock.close()
    seconds = (last - first) if first is not None and last is not None else 0.0
    print(json.dumps({
        "received": received,
        "bad": bad,
        "seconds": seconds,
        "msgs_per_s": (received - 1) / seconds if seconds > 0 else 0.0,
    }), flush=True)


if __name__ == "__main__":
    main()
