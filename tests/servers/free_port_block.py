#!/usr/bin/python3
"""Prints the first port of COUNT consecutive TCP ports that are all free on 127.0.0.1.

Usage: free_port_block.py COUNT

The block is drawn at random below the kernel's ephemeral range (so outgoing connections
cannot grab one of its ports while the daemons start) and every port is test-bound first.
Two callers can still race for the same block: rgw-start.sh serialises its starts with flock.
"""
import random
import socket
import sys

LOW, HIGH = 20000, 32000  # Linux's ephemeral range starts at 32768 by default


def is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    rng = random.SystemRandom()
    for _ in range(200):
        base = rng.randrange(LOW, HIGH - count)
        if all(is_free(p) for p in range(base, base + count)):
            print(base)
            return 0
    print("no block of %d free ports found in %d-%d" % (count, LOW, HIGH), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
