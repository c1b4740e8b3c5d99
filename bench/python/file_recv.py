"""Receiver of the file-transfer anchor, in the style of the original app:
recvfrom, Fernet.decrypt, write the bytes at the offset they carry. No acks:
a lost datagram leaves a hole in the file, which only the byte count shows.

Reads its job as JSON on stdin: {"key": "...", "path": "...", "size": N, "idle_s": 1.0, "max_s": 60}
Binds 127.0.0.1 on an ephemeral port and prints {"port": N} on one line, then
receives until `size` bytes were written, `idle_s` of silence after the first
datagram, or `max_s` in all. Prints:
  {"received_bytes": N, "bad": M, "seconds": T}
with T from the first datagram to the last.
"""
import json
import socket
import struct
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
    with open(job["path"], "wb") as out:
        while received < job["size"]:
            now = time.monotonic()
            if now >= hard_deadline:
                break
            sock.settimeout(min(job["idle_s"] if first is not None else job["max_s"], hard_deadline - now))
            try:
                token, _ = sock.recvfrom(65535)
            except socket.timeout:
                break
            try:
                plain = f.decrypt(token)
            except InvalidToken:
                bad += 1
                continue
            (offset,) = struct.unpack(">Q", plain[:8])
            out.seek(offset)
            out.write(plain[8:])
            received += len(plain) - 8
            last = time.perf_counter()
            if first is None:
                first = last
    sock.close()
    seconds = (last - first) if first is not None and last is not None else 0.0
    print(json.dumps({"received_bytes": received, "bad": bad, "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main()
