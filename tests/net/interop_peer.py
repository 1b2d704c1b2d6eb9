#!/usr/bin/env python3
# tests/net/interop_peer.py -- the Linux end of t_virtif_interop and
# t_virtif_bulk, run inside the test's network namespace.  "recv ADDR
# PORT" listens, prints "listening", takes one connection and reads it
# to EOF; "send ADDR PORT NBYTES" connects (retrying while refused) and
# sends NBYTES random bytes.  Both end by printing "<sha256 hex> <bytes>".
import hashlib
import os
import socket
import sys
import time

CHUNK = 1 << 20


def recv(addr, port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    print("listening", flush=True)
    s, _ = ls.accept()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    h, total = hashlib.sha256(), 0
    while True:
        n = s.recv_into(buf)
        if n == 0:
            break
        h.update(view[:n])
        total += n
    s.close()
    ls.close()
    print("%s %d" % (h.hexdigest(), total), flush=True)


def send(addr, port, nbytes):
    for _ in range(600):
        try:
            s = socket.create_connection((addr, port))
            break
        except ConnectionRefusedError:
            time.sleep(0.05)
    else:
        sys.exit("connection refused throughout")
    h, left = hashlib.sha256(), nbytes
    while left > 0:
        data = os.urandom(min(CHUNK, left))
        s.sendall(data)
        h.update(data)
        left -= len(data)
    s.shutdown(socket.SHUT_WR)
    # Wait for the receiver's close, so that everything was taken.
    while s.recv(4096):
        pass
    s.close()
    print("%s %d" % (h.hexdigest(), nbytes), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "recv":
        recv(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("usage: interop_peer.py recv ADDR PORT | "
                 "send ADDR PORT NBYTES")
