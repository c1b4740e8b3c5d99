"""Receiver of the headless-pipeline anchor, in the style of the original app:
recvfrom, Fernet.decrypt, print the line. No acks, no order.

stdin: the job as JSON {"key": "...", "count": 20000, "idle_s": 1.0, "max_s": 30}.
Binds 127.0.0.1 on an ephemeral port and prints {"port": N}, then one stdout
line per message decrypted (its text). stdout is block-buffered, as Python's
is on a pipe, and flushed whenever no datagram is waiting (the lines are never
held back while the socket is idle). Stops after `count` messages, `idle_s`
of silence after the first one, or `max_s` in all.
"""
import json
import select
import socket
import sys
import time

from cryptography.fernet import Fernet, InvalidToken


def main():
    job = json.loads(sys.stdin.readline())
    f = Fernet(job["key"].encode("ascii"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    except OSError:
        pass
    sock.bind(("127.0.0.1", 0))
    out = sys.stdout.buffer
    out.write(b'{"port": %d}\n' % sock.getsockname()[1])
    out.flush()
    received = 0
    hard_deadline = time.monotonic() + job["max_s"]
    sock.setblocking(False)
    while received < job["count"]:
        try:
            data, _ = sock.recvfrom(65535)
        except BlockingIOError:
            # Nothing waiting: show what was printed, then sleep until a datagram comes.
            out.flush()
            left = hard_deadline - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], min(job["idle_s"] if received else job["max_s"], left))[0]:
                break
            continue
        try:
            out.write(f.decrypt(data) + b"\n")
        except InvalidToken:
            continue
        received += 1
    out.flush()
    sock.close()


if __name__ == "__main__":
    main()
