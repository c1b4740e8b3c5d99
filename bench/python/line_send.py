"""Sender of the headless-pipeline anchor, in the style of the original app:
read a line, sock.sendto(Fernet(key).encrypt(line), peer), next line. No acks.

stdin: first line the job as JSON {"key": "...", "port": N} (the key never
goes on the command line), then the lines to send. Prints {"ready": true}
once its socket is open, and {"sent": N} at end of input.
"""
import json
import socket
import sys

from cryptography.fernet import Fernet


def main():
    stdin = sys.stdin.buffer
    job = json.loads(stdin.readline())
    f = Fernet(job["key"].encode("ascii"))
    peer = ("127.0.0.1", job["port"])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    print(json.dumps({"ready": True}), flush=True)
    sent = 0
    for line in stdin:
        sock.sendto(f.encrypt(line.rstrip(b"\n")), peer)
        sent += 1
    sock.close()
    print(json.dumps({"sent": sent}), flush=True)


if __name__ == "__main__":
    main()
