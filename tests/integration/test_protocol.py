"""RESP protocol handling, after the cases of Redis's tests/unit/protocol.tcl.

Every test runs against redis-server and kv-server (the `server` fixture is parametrised), so the
expected bytes below are proven on Redis 7.0 by the same run.
"""

import select
import time

import pytest

import resp
from resp import encode_command

PROTO_ERR = b"-ERR Protocol error: "


def expect_close_with(server, payload, reply):
    """Sends `payload` on a new connection; the server must reply `reply` and close."""
    with server.raw(timeout=5) as c:
        c.send(payload)
        assert c.read_until_closed(timeout=5) == reply


def test_empty_query(server):
    with server.raw() as c:
        c.send(b"\r\n")
        assert c.cmd("PING") == b"PONG"
        c.send(b"\r\n\r\n   \r\nPING\r\n")
        assert c.read_raw()[1] == b"+PONG\r\n"


def test_negative_multibulk_length(server):
    with server.raw() as c:
        c.send(b"*-10\r\n")
        assert c.cmd("PING") == b"PONG"
        c.send(b"*-1\r\n*0\r\nPING\r\n")
        assert c.read_raw()[1] == b"+PONG\r\n"


def test_out_of_range_multibulk_length(server):
    expect_close_with(server, b"*3000000000\r\n", PROTO_ERR + b"invalid multibulk length\r\n")
    expect_close_with(server, b"*2147483648\r\n", PROTO_ERR + b"invalid multibulk length\r\n")


def test_non_number_multibulk_length(server):
    expect_close_with(server, b"*abc\r\n", PROTO_ERR + b"invalid multibulk length\r\n")


def test_wrong_multibulk_payload_header(server):
    expect_close_with(server, b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n",
                      PROTO_ERR + b"expected '$', got 'f'\r\n")


def test_negative_multibulk_payload_length(server):
    expect_close_with(server, b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n",
                      PROTO_ERR + b"invalid bulk length\r\n")


def test_out_of_range_multibulk_payload_length(server):
    expect_close_with(server, b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n",
                      PROTO_ERR + b"invalid bulk length\r\n")


def test_excessive_bulk_length(server):
    # proto-max-bulk-len defaults to 512 MiB: one byte more is refused before any allocation.
    expect_close_with(server, b"*1\r\n$536870913\r\n", PROTO_ERR + b"invalid bulk length\r\n")


def test_non_number_multibulk_payload_length(server):
    expect_close_with(server, b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n",
                      PROTO_ERR + b"invalid bulk length\r\n")


def test_multibulk_request_not_followed_by_bulk_arguments(server):
    expect_close_with(server, b"*1\r\nfoo\r\n", PROTO_ERR + b"expected '$', got 'f'\r\n")


def test_generic_wrong_number_of_args(server):
    with server.raw() as c:
        assert c.cmd_raw("PING", "x", "y", "z")[1] == \
            b"-ERR wrong number of arguments for 'ping' command\r\n"
        assert c.cmd("PING") == b"PONG"  # an arity error keeps the connection


@pytest.mark.parametrize("line", [
    b'set """test-key""" test-value\r\n',
    b'set "a b\r\n',
    b"set 'a b\r\n",
    b'set "a"b c\r\n',
], ids=["triple-quotes", "open-double", "open-single", "text-after-quote"])
def test_unbalanced_quotes_in_inline_protocol(server, line):
    expect_close_with(server, line, PROTO_ERR + b"unbalanced quotes in request\r\n")


def test_too_big_inline_request(server):
    expect_close_with(server, b"A" * 70000, PROTO_ERR + b"too big inline request\r\n")


def test_too_big_count_strings(server):
    expect_close_with(server, b"*" + b"1" * 70000, PROTO_ERR + b"too big mbulk count string\r\n")
    expect_close_with(server, b"*1\r\n$" + b"1" * 70000,
                      PROTO_ERR + b"too big bulk count string\r\n")


def test_inline_commands(server):
    with server.raw() as c:
        c.send(b"PING\r\n")
        assert c.read_raw()[1] == b"+PONG\r\n"
        c.send(b"SET k \"a\\x41\\n\"\r\nGET k\n")  # quotes, hex escapes, bare LF
        assert c.read_raw()[1] == b"+OK\r\n"
        assert c.read_raw()[1] == b"$3\r\naA\n\r\n"
        c.send(b"ECHO \"\"\r\nECHO 'x y'\r\n")
        assert c.read_raw()[1] == b"$0\r\n\r\n"
        assert c.read_raw()[1] == b"$3\r\nx y\r\n"


def test_empty_command_name(server):
    with server.raw() as c:
        c.send(b"*1\r\n$0\r\n\r\n")
        assert c.read_raw()[1] == b"-ERR unknown command '', with args beginning with: \r\n"
        c.send(b"*0\r\nPING\r\n")  # an empty multibulk is skipped silently
        assert c.read_raw()[1] == b"+PONG\r\n"


def test_command_split_byte_by_byte(server):
    with server.raw() as c:
        payload = encode_command("ECHO", "split into single bytes")
        for i in range(len(payload)):
            c.send(payload[i:i + 1])
        assert c.read_raw()[1] == b"$23\r\nsplit into single bytes\r\n"


def test_binary_safe_arguments(server):
    value = bytes(range(256)) * 4
    with server.raw() as c:
        assert c.cmd("SET", b"bin\r\nkey", value) == b"OK"
        assert c.cmd("GET", b"bin\r\nkey") == value


def test_pipelining_in_one_write(server):
    n = 1000
    payload = b"".join(encode_command("SET", f"pk{i}", f"v{i}") for i in range(n))
    payload += b"".join(encode_command("GET", f"pk{i}") for i in range(n))
    payload += b"PING\r\n"  # inline after multibulk in the same buffer
    with server.raw() as c:
        c.send(payload)
        for i in range(n):
            assert c.read_raw()[1] == b"+OK\r\n", i
        for i in range(n):
            assert c.read() == f"v{i}".encode(), i
        assert c.read_raw()[1] == b"+PONG\r\n"


def test_pipeline_stops_at_protocol_error(server):
    # Commands before the bad request are answered, the error is sent, nothing after it runs.
    with server.raw() as c:
        c.send(encode_command("SET", "pe", "1") + b"*1\r\nfoo\r\n" + encode_command("SET", "pe", "2"))
        assert c.read_until_closed(timeout=5) == b"+OK\r\n" + PROTO_ERR + b"expected '$', got 'f'\r\n"
    with server.raw() as c:
        assert c.cmd("GET", "pe") == b"1"


@pytest.mark.parametrize("prefix", [b"\x00", b"*\x00", b"$\x00"], ids=["nul", "star-nul", "dollar-nul"])
def test_protocol_desync_regression(server, prefix):
    """A desynchronised stream must end in a protocol error, not in an endless buffer.

    As in protocol.tcl, the garbage after the prefix has no newline (the Tcl test sends the literal
    word "payload" over and over), so the server has to give up on a request that never ends.
    """
    with server.raw(timeout=5) as c:
        c.send(prefix)
        chunk = b"A" * 1024
        deadline = time.monotonic() + 20
        for _ in range(2000):  # at most ~2 MB; Redis gives up after 64 KiB
            assert time.monotonic() < deadline, "server did not close after a protocol desync"
            readable, _, _ = select.select([c.sock], [], [], 0)
            if readable:
                break
            try:
                c.send(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        else:
            pytest.fail("server kept reading 2 MB of garbage without replying")
        try:
            data = c.read_until_closed(timeout=5)
        except ConnectionResetError:
            data = bytes(c.buf)
        assert b"Protocol error" in data, data[:200]


# ---- RESP3 ----

HELLO_FIELDS = [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]


def test_hello_default_is_resp2(server):
    with server.raw() as c:
        reply, raw = c.cmd_raw("HELLO")
        assert raw.startswith(b"*14\r\n")
        assert reply[0::2] == HELLO_FIELDS
        assert dict(zip(reply[0::2], reply[1::2]))[b"proto"] == 2


def test_hello_3(server):
    with server.raw() as c:
        reply, raw = c.cmd_raw("HELLO", "3")
        assert raw.startswith(b"%7\r\n")
        assert isinstance(reply, resp.Map)
        assert [k for k, _ in reply] == HELLO_FIELDS
        assert dict(reply)[b"proto"] == 3
        assert c.cmd_raw("GET", "r3missing")[1] == b"_\r\n"
        assert c.cmd_raw("SET", "r3k", "v")[1] == b"+OK\r\n"
        assert c.cmd_raw("GET", "r3k")[1] == b"$1\r\nv\r\n"
        assert c.cmd_raw("INCRBYFLOAT", "r3f", "1.5")[1] == b"$3\r\n1.5\r\n"  # stays a bulk
        assert c.cmd_raw("MGET", "r3k", "r3missing")[1] == b"*2\r\n$1\r\nv\r\n_\r\n"
        assert c.cmd_raw("HELLO", "2")[1].startswith(b"*14\r\n")
        assert c.cmd_raw("GET", "r3missing")[1] == b"$-1\r\n"
        assert c.cmd_raw("MGET", "r3k", "r3missing")[1] == b"*2\r\n$1\r\nv\r\n$-1\r\n"


def test_hello_3_collection_types(server):
    with server.raw() as c:
        c.cmd("HELLO", "3")
        assert c.cmd_raw("LPOP", "r3missing", "2")[1] == b"_\r\n"
        c.cmd("HSET", "r3h", "f", "v")
        assert c.cmd_raw("HGETALL", "r3h")[1] == b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
        assert c.cmd_raw("HGETALL", "r3missing")[1] == b"%0\r\n"
        c.cmd("SADD", "r3s", "m")
        assert c.cmd_raw("SMEMBERS", "r3s")[1] == b"~1\r\n$1\r\nm\r\n"
        c.cmd("ZADD", "r3z", "1.5", "a")
        assert c.cmd_raw("ZSCORE", "r3z", "a")[1] == b",1.5\r\n"
        assert c.cmd_raw("ZRANGE", "r3z", "0", "-1", "WITHSCORES")[1] == \
            b"*1\r\n*2\r\n$1\r\na\r\n,1.5\r\n"
        assert c.cmd_raw("ZINCRBY", "r3z", "1", "a")[1] == b",2.5\r\n"
        assert c.cmd_raw("HELLO", "2")[1].startswith(b"*14\r\n")
        assert c.cmd_raw("ZSCORE", "r3z", "a")[1] == b"$3\r\n2.5\r\n"
        assert c.cmd_raw("HGETALL", "r3h")[1] == b"*2\r\n$1\r\nf\r\n$1\r\nv\r\n"


def test_hello_errors(server):
    with server.raw() as c:
        assert c.cmd_raw("HELLO", "4")[1] == b"-NOPROTO unsupported protocol version\r\n"
        assert c.cmd_raw("HELLO", "1")[1] == b"-NOPROTO unsupported protocol version\r\n"
        assert c.cmd_raw("HELLO", "x")[1] == \
            b"-ERR Protocol version is not an integer or out of range\r\n"
        assert c.cmd_raw("HELLO", "3", "BOGUS")[1] == b"-ERR Syntax error in HELLO option 'BOGUS'\r\n"
        assert c.cmd_raw("GET", "missing")[1] == b"$-1\r\n"  # still RESP2 after failed HELLOs


def test_resp3_types_from_debug_protocol(server_factory):
    """Checks the test's own parser on every RESP3 type Redis can emit (DEBUG PROTOCOL, which
    kv-server does not have: redis-server only)."""
    server = server_factory("redis", ["--enable-debug-command", "yes"])
    with server.raw() as c:
        c.cmd("HELLO", "3")
        assert c.cmd_raw("DEBUG", "PROTOCOL", "null")[1] == b"_\r\n"
        assert c.cmd("DEBUG", "PROTOCOL", "true") is True
        assert c.cmd("DEBUG", "PROTOCOL", "false") is False
        big = c.cmd("DEBUG", "PROTOCOL", "bignum")
        assert isinstance(big, resp.BigNumber) and big > 2**64
        d = c.cmd("DEBUG", "PROTOCOL", "double")
        assert isinstance(d, resp.Double) and abs(d - 3.141) < 1e-9
        v = c.cmd("DEBUG", "PROTOCOL", "verbatim")
        assert isinstance(v, resp.Verbatim) and v.format == b"txt"
        m = c.cmd("DEBUG", "PROTOCOL", "map")
        assert isinstance(m, resp.Map) and len(m) == 3
        s = c.cmd("DEBUG", "PROTOCOL", "set")
        assert isinstance(s, resp.Set) and len(s) == 3
        a = c.cmd("DEBUG", "PROTOCOL", "attrib")
        assert isinstance(a, resp.Attributed)
        assert a.attributes == [(b"key-popularity", [b"key:123", 90])]
        assert a.value == b"Some real reply following the attribute"
        assert c.cmd("PING") == b"PONG"  # the stream is still in sync


def test_parser_self_check():
    """The reply parser on hand-written RESP3 input (independent of any server)."""
    raw = (b"|1\r\n+ttl\r\n:3\r\n%2\r\n+a\r\n#t\r\n$1\r\nb\r\n~2\r\n,inf\r\n(-12345678901234567890\r\n"
           b">2\r\n+msg\r\n!5\r\nboom!\r\n")
    value, end = resp.parse(raw)
    assert isinstance(value, resp.Attributed) and value.attributes == [(b"ttl", 3)]
    assert value.value == [(b"a", True), (b"b", [float("inf"), -12345678901234567890])]
    push, end2 = resp.parse(raw, end)
    assert end2 == len(raw)
    assert isinstance(push, resp.Push) and isinstance(push[1], resp.BlobError)
    with pytest.raises(resp.Incomplete):
        resp.parse(b"$5\r\nab")
    with pytest.raises(resp.ProtocolViolation):
        resp.parse(b"?x\r\n")
