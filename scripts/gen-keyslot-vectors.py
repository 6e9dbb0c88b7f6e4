#!/usr/bin/python3
"""Prints the {key, slot} rows of server/base/key_slot_test.cc from a real Redis Cluster node.

Usage: redis-server --port P --cluster-enabled yes --dir TMP  (in a temporary directory), then
  /usr/bin/python3 scripts/gen-keyslot-vectors.py P
The keys are random (fixed seed) over an alphabet rich in braces, NUL and high bytes, after the
hash-tag corner cases; redis-server's CLUSTER KEYSLOT gives the expected slots.
"""
import random
import sys

import redis

r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
rng = random.Random(11)
alphabet = b"abcxyz019:_-{}{}{}" + bytes([0, 0xff, 0x7f, 0x80, 0x0a])
keys = [b"123456789", b"", b"{", b"}", b"{}", b"}{", b"{}{a}", b"{{a}}", b"a{b}{c}", b"foo{}{bar}",
        b"foo{{bar}}zap", b"foo{bar}{zap}", b"{user1000}.following", b"{user1000}.followers",
        b"user{1000}", b"a{", b"a}b{c", b"{a", b"a}", b"x{y}", b"{x}y", b"key:000000000001"]
while len(keys) < 320:
    n = rng.randint(1, 24)
    keys.append(bytes(rng.choice(alphabet) for _ in range(n)))
def lit(b):
    out = []
    for c in b:
        ch = chr(c)
        if ch in '\\"': out.append('\\' + ch)
        elif 32 <= c < 127 and ch != '?': out.append(ch)
        else: out.append('\\%03o' % c)  # three octal digits: the escape cannot run on
    return '"' + ''.join(out) + '"'
for k in keys:
    slot = r.execute_command('CLUSTER', 'KEYSLOT', k)
    print('    {%ssv, %d},' % (lit(k), slot))
