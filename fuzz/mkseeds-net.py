#!/usr/bin/env python3
"""mkseeds-net.py DIR -- the seed corpus of the network fuzz target
(fuzz/net_fuzz.c): one file per kind of traffic, in the target's input
format (tests/kern/rumptest_inet.h): a handshake-options byte, then
records of a flags byte, a 16-bit little-endian length and the frame
bytes.  The flags ask the target to prepend the Ethernet header and fix
up addresses, lengths, checksums, and the connection's ports and
sequence numbers (relative: seq 0 is the peer's first byte, ack 0 our
first byte), so the seeds stay valid whatever the kernel's ISS.  VNET
records start with a virtio-net header, checked as virt0 checks what a
tap with offloads hands it."""
import os
import struct
import sys

ETHER, FIXIP, FIXL4, CONN, BCAST, ARP, VNET = 1, 2, 4, 8, 16, 32, 128
IP_TCP = ETHER | FIXIP | FIXL4 | CONN
IP_ANY = ETHER | FIXIP | FIXL4
OURS, PEER = bytes([10, 9, 0, 1]), bytes([10, 9, 0, 2])


def ip(proto, payload, off=0, ident=1):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                       off, 64, proto, 0, PEER, OURS) + payload


def tcp(seq, ack, flags, data=b"", opts=b"", win=65535, dport=80):
    off = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", 5555, dport, seq, ack, off << 4, flags,
                       win, 0, 0) + opts + data


def udp(dport, data):
    return struct.pack("!HHHH", 5555, dport, 8 + len(data), 0) + data


def vnet(flags, gso=0, hdr_len=0, gso_size=0, start=0, off=0):
    return struct.pack("<BBHHHH", flags, gso, hdr_len, gso_size, start, off)


def rec(flags, body):
    return struct.pack("<BH", flags, len(body)) + body


ACK, PSH, FIN, RST, SYN = 0x10, 0x08, 0x01, 0x04, 0x02
TS = b"\x01\x01\x08\x0a\x00\x00\x00\x05\x00\x00\x00\x00"


def sack(l, r):
    return b"\x01\x01\x05\x0a" + struct.pack("!II", l, r)


def arp(op, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op,
                       b"\x02\x66\x00\x00\x00\x02", PEER, b"\0" * 6, tpa)


def icmp(typ, code, rest):
    return bytes([typ, code, 0, 0]) + rest


seeds = {
    "data": [rec(IP_TCP, ip(6, tcp(0, 0, ACK | PSH, b"hello world")))],
    "data-ts": [rec(IP_TCP, ip(6, tcp(0, 0, ACK | PSH, b"x" * 100, TS)))],
    "data-fin": [rec(IP_TCP, ip(6, tcp(0, 0, ACK | PSH | FIN, b"bye")))],
    "ooo": [rec(IP_TCP, ip(6, tcp(1000, 0, ACK, b"y" * 500))),
            rec(IP_TCP, ip(6, tcp(0, 0, ACK, b"z" * 1000)))],
    "sack": [rec(IP_TCP, ip(6, tcp(0, 0, ACK, b"", sack(0, 10))))],
    "rst": [rec(IP_TCP, ip(6, tcp(0, 0, RST)))],
    "rst-inwin": [rec(IP_TCP, ip(6, tcp(100, 0, RST)))],
    "syn-again": [rec(IP_TCP, ip(6, tcp(0, 0, SYN)))],
    "zero-window": [rec(IP_TCP, ip(6, tcp(0, 0, ACK, b"", b"", 0)))],
    "urg": [rec(IP_TCP, ip(6, tcp(0, 0, ACK | 0x20, b"u" * 8)))],
    "new-syn": [rec(IP_ANY, ip(6, tcp(7, 0, SYN, b"",
                b"\x02\x04\x05\xb4\x01\x03\x03\x07\x04\x02\x01\x01")))],
    "closed-port": [rec(IP_ANY, ip(6, tcp(7, 0, SYN, dport=81)))],
    "udp": [rec(IP_ANY, ip(17, udp(53, b"query")))],
    "udp-closed": [rec(IP_ANY, ip(17, udp(54, b"nobody")))],
    "echo": [rec(IP_ANY, ip(1, icmp(8, 0, b"\0\1\0\1" + b"p" * 32)))],
    "unreach": [rec(IP_ANY, ip(1, icmp(3, 4, b"\0\0\x05\x00" +
                ip(6, tcp(0, 0, ACK))[:28])))],
    "arp-req": [rec(ETHER | ARP | BCAST, arp(1, OURS))],
    "arp-reply": [rec(ETHER | ARP, arp(2, OURS))],
    "frags": [rec(IP_ANY & ~FIXL4, ip(17, udp(53, b"a" * 24)[:16],
                                     0x2000, 9)),
              rec(IP_ANY & ~FIXL4, ip(17, udp(53, b"a" * 24)[16:], 2, 9))],
    "vnet-csum": [rec(IP_TCP | VNET, vnet(1, 0, 0, 0, 34, 16) +
                      ip(6, tcp(0, 0, ACK | PSH, b"offloaded")))],
    "vnet-gso": [rec(IP_TCP | VNET, vnet(1, 1, 66, 100, 34, 16) +
                     ip(6, tcp(0, 0, ACK | PSH, b"g" * 1200, TS)))],
    "vnet-valid": [rec(IP_TCP | VNET, vnet(2) +
                       ip(6, tcp(0, 0, ACK | PSH, b"valid")))],
    "vnet-udp": [rec(IP_ANY | VNET, vnet(1, 0, 0, 0, 34, 6) +
                     ip(17, udp(53, b"partial")))],
    "vnet-bad": [rec(IP_TCP | VNET, vnet(1, 0x81, 0, 0, 60000, 16) +
                     ip(6, tcp(0, 0, ACK)))],
    "raw": [rec(0, b"\x02\x00\x00\x00\x00\x08\x02\x66\x00\x00\x00\x02"
                   b"\x08\x00" + ip(6, tcp(0, 0, ACK)))],
    # Batched (BATCHED in the first byte): through receive coalescing.
    "gro-run": [rec(IP_TCP, ip(6, tcp(i * 1000, 0, ACK, b"r" * 1000, TS)))
                for i in range(6)],
    "gro-mixed": [rec(IP_TCP, ip(6, tcp(0, 0, ACK, b"a" * 900, TS))),
                  rec(IP_TCP, ip(6, tcp(900, 0, ACK, b"b" * 900, TS))),
                  rec(IP_TCP, ip(6, tcp(900, 0, ACK, b"b" * 900, TS))),
                  rec(IP_TCP, ip(6, tcp(3000, 0, ACK, b"c" * 900, TS))),
                  rec(IP_TCP, ip(6, tcp(1800, 0, ACK | PSH, b"d" * 400))),
                  rec(IP_TCP, ip(6, tcp(2200, 0, ACK | FIN, b"e" * 800)))],
}
BATCHED = 0x10


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, recs in seeds.items():
        for optbits in (0x0f, 0x00):
            if name.startswith("gro-"):
                optbits |= BATCHED
            with open(os.path.join(out, "%s-%x" % (name, optbits)),
                      "wb") as f:
                f.write(bytes([optbits]) + b"".join(recs))


main()
