"""Sender of the file-transfer anchor, in the style of the original app:
one Fernet token per datagram of at most 1200 bytes, sock.sendto in a loop,
fire-and-forget. Each plaintext is an 8-byte file offset and the next bytes of
the file, so the receiver can write it where it belongs. No acks, no
retransmission, no pacing: what the kernel or the receiver drops is lost.

Reads its job as JSON on stdin: {"key": "...", "port": N, "path": "...", "max_s": 60}
Prints {"sent_bytes": N, "datagrams": D, "seconds": T}.
"""
import json
import socket
import struct
import sys
import time

from cryptography.fernet import Fernet

# 8-byte offset + 823 bytes = 831, the largest plaintext whose token fits 1200 bytes.
CHUNK = 823


def main():
    job = json.load(sys.stdin)
    f = Fernet(job["key"].encode("ascii"))
    peer = ("127.0.0.1", job["port"])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = datagrams = 0
    start = time.perf_counter()
    deadline = start + job["max_s"]
    with open(job["path"], "rb") as src:
        while True:
            data = src.read(CHUNK)
            if not data:
                break
            token = f.encrypt(struct.pack(">Q", sent) + data)
            sock.sendto(token, peer)
            sent += len(data)
            datagrams += 1
            if datagrams % 256 == 0 and time.perf_counter() >= deadline:
                break
    seconds = time.perf_counter() - start
    sock.close()
    print(json.dumps({"sent_bytes": sent, "datagrams": datagrams, "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
