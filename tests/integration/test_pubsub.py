"""Pub/sub against kv-server, compared byte for byte with Debian's redis-server 7.0, plus the
slow-subscriber output limit (kv-server only: Redis spells that config key differently)."""

import socket
import time

import pytest
import redis

from harness import HOST, wait_for
from resp import RawClient, normalise


def Raw(port):
    return RawClient(HOST, port)


# (connection, command, number of replies to read). Subscribers' message frames are read as
# replies of the connection that receives them.
CASES = {
    "confirmations": [("s", "SUBSCRIBE a b a", 3), ("s", "PSUBSCRIBE n* n*", 2),
                      ("s", "UNSUBSCRIBE b zz", 2), ("s", "PUNSUBSCRIBE", 1),
                      ("s", "UNSUBSCRIBE", 1), ("s", "UNSUBSCRIBE", 1),
                      ("s", "PUNSUBSCRIBE", 1), ("s", "SUBSCRIBE", 1), ("s", "PSUBSCRIBE", 1)],
    "subscribed_context": [("s", "SUBSCRIBE a", 1), ("s", "GET k", 1), ("s", "PUBLISH a x", 1),
                           ("s", "PUBSUB NUMPAT", 1), ("s", "MULTI", 1), ("s", "PING", 1),
                           ("s", "PING hi", 1), ("s", "UNSUBSCRIBE a", 1), ("s", "PING", 1),
                           ("s", "GET k", 1)],
    "fan_out": [("s1", "SUBSCRIBE ch", 1), ("s2", "SUBSCRIBE ch other", 2),
                ("s3", "PSUBSCRIBE c? x*", 2), ("p", "PUBLISH ch hello", 1), ("s1", None, 1),
                ("s2", None, 1), ("s3", None, 1), ("p", "PUBLISH other o", 1), ("s2", None, 1),
                ("p", "PUBLISH nobody x", 1), ("p", "PUBLISH xy 1", 1), ("s3", None, 1),
                ("p", "PUBSUB NUMSUB ch other nobody", 1), ("p", "PUBSUB NUMPAT", 1),
                ("p", "PUBSUB CHANNELS o*", 1), ("p", "PUBSUB CHANNELS [o]ther", 1),
                ("p", "PUBSUB NUMSUB", 1), ("p", "PUBSUB foo", 1),
                ("p", "PUBSUB CHANNELS a b", 1), ("p", "PUBSUB NUMPAT x", 1),
                ("p", "PUBSUB HELP", 1), ("p", "PUBSUB HELP x", 1), ("p", "PUBSUB SHARDCHANNELS", 1),
                ("p", "PUBSUB SHARDNUMSUB a", 1), ("p", "pubsub channels a b", 1), ("p", "PUBSUB", 1)],
    "resp3_push": [("s", "HELLO 3", 1), ("s", "SUBSCRIBE r3", 1), ("s", "PSUBSCRIBE r*", 1),
                   ("s", "GET k", 1), ("s", "PING", 1), ("p", "PUBLISH r3 m", 1), ("s", None, 2),
                   ("s", "UNSUBSCRIBE", 1), ("s", "PUNSUBSCRIBE", 1), ("s", "UNSUBSCRIBE", 1)],
    "binary_payload": [("s", "SUBSCRIBE bin", 1), ("p", r"PUBLISH bin a\r\nb", 1),
                       ("s", None, 1)],
}


def run_case(port, steps):
    conns = {}
    out = []
    try:
        for name, cmd, replies in steps:
            conn = conns.setdefault(name, Raw(port))
            if cmd is not None:
                conn.send_command(*[a.encode().decode("unicode_escape") for a in cmd.split()])
            for _ in range(replies):
                out.append(normalise(conn.read_bytes()))
    finally:
        for c in conns.values():
            c.close()
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_replies_as_redis(pair, case):
    reference, candidate = pair
    expected = run_case(reference.port, CASES[case])
    got = run_case(candidate.port, CASES[case])
    assert len(got) == len(expected)
    for i, (want, have) in enumerate(zip(expected, got)):
        assert have == want, f"reply {i}"


def test_many_messages_in_order_across_threads(servers):
    # Subscribers land on both I/O threads; each must see one publisher's messages in order.
    port = servers["kv"].port
    subs = []
    for _ in range(4):
        p = redis.Redis(port=port).pubsub()
        p.subscribe("seq")
        assert p.get_message(timeout=5)["type"] == "subscribe"
        subs.append(p)
    with redis.Redis(port=port) as pub:
        for i in range(500):
            assert pub.publish("seq", str(i)) == 4
    for p in subs:
        got = []
        deadline = time.monotonic() + 10
        while len(got) < 500 and time.monotonic() < deadline:
            m = p.get_message(timeout=1)
            if m and m["type"] == "message":
                got.append(int(m["data"]))
        assert got == list(range(500))
        p.close()


def test_slow_subscriber_is_disconnected(nodes):
    limit = 1024 * 1024
    kv = nodes.one("kv", client_output_buffer_limit_pubsub=limit)
    slow = socket.create_connection((HOST, kv.port))
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    slow.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nslow\r\n")
    with redis.Redis(port=kv.port, socket_timeout=5) as probe:
        wait_for(lambda: probe.pubsub_numsub("slow") == [(b"slow", 1)], 10,
                 "the subscription")
    payload = b"x" * (100 * 1024)
    receivers = []
    with redis.Redis(port=kv.port, socket_timeout=5) as pub:
        # Never reading, the subscriber stops draining after the socket buffers fill (a few
        # MB on loopback); then its queued output passes the limit and it must be dropped,
        # while every PUBLISH keeps answering.
        for _ in range(1000):
            n = pub.publish("slow", payload)
            receivers.append(n)
            if n == 0:
                break
        print(f"subscriber dropped after {len(receivers) - 1} PUBLISH of 100 KiB")
        assert receivers[0] == 1
        assert receivers[-1] == 0, "subscriber never disconnected"
        assert pub.pubsub_numsub("slow") == [(b"slow", 0)]
        assert pub.ping()
    assert "scheduled to be closed ASAP for overcoming of output buffer limits" in kv.log()
    # The socket is closed: after what was already sent, reads end.
    slow.settimeout(5)
    total = 0
    while True:
        try:
            data = slow.recv(1 << 20)
        except ConnectionResetError:
            break
        if not data:
            break
        total += len(data)
        assert total < 64 * 1024 * 1024
    slow.close()
