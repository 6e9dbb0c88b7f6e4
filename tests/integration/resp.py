"""A small RESP2/RESP3 reply parser and a raw socket client for black-box tests.

The parser keeps the exact bytes of every reply next to its decoded value, so tests can compare
servers byte for byte and still look inside a reply when its order is unspecified.
"""

import re
import socket
import time


class Incomplete(Exception):
    """The buffer ends before the reply does."""


class ProtocolViolation(Exception):
    """The bytes are not RESP."""


# Decoded values. Subclasses of builtins keep the RESP type visible after parsing, so a simple
# string "OK" and a bulk string "OK" do not compare equal by accident.
class Status(bytes):
    kind = "+"


class Error(bytes):
    kind = "-"


class BlobError(bytes):
    kind = "!"


class Double(float):
    kind = ","


class BigNumber(int):
    kind = "("


class Verbatim(bytes):
    kind = "="

    def __new__(cls, fmt, data):
        obj = super().__new__(cls, data)
        obj.format = fmt
        return obj


class Map(list):
    """RESP3 map, kept as a list of (key, value) pairs: keys may be unhashable."""

    kind = "%"


class Set(list):
    kind = "~"


class Push(list):
    kind = ">"


class Attributed:
    """A reply preceded by a RESP3 attribute map."""

    kind = "|"

    def __init__(self, attributes, value):
        self.attributes = attributes
        self.value = value

    def __eq__(self, other):
        return (isinstance(other, Attributed) and self.attributes == other.attributes
                and self.value == other.value)

    def __repr__(self):
        return f"Attributed({self.attributes!r}, {self.value!r})"


class Null:
    """RESP3 `_` null; RESP2 null bulk/array decode to None instead (their bytes differ anyway)."""

    kind = "_"

    def __eq__(self, other):
        return isinstance(other, Null)

    def __hash__(self):
        return 0

    def __repr__(self):
        return "Null"


NULL = Null()


def _line(buf, pos):
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise Incomplete()
    return buf[pos:end], end + 2


def _int(text):
    try:
        return int(text)
    except ValueError as exc:
        raise ProtocolViolation(f"bad integer {text!r}") from exc


def parse(buf, pos=0):
    """Parses one reply starting at buf[pos]; returns (value, end). Raises Incomplete."""
    if pos >= len(buf):
        raise Incomplete()
    kind = bytes(buf[pos:pos + 1])
    line, nxt = _line(buf, pos + 1)
    if kind == b"+":
        return Status(line), nxt
    if kind == b"-":
        return Error(line), nxt
    if kind == b":":
        return _int(line), nxt
    if kind == b"_":
        return NULL, nxt
    if kind == b",":
        text = line.decode()
        return Double(float(text)), nxt  # float() accepts inf, -inf and nan
    if kind == b"#":
        if line not in (b"t", b"f"):
            raise ProtocolViolation(f"bad boolean {line!r}")
        return line == b"t", nxt
    if kind == b"(":
        return BigNumber(_int(line)), nxt
    if kind in (b"$", b"!", b"="):
        n = _int(line)
        if n < 0:
            if kind != b"$":
                raise ProtocolViolation("negative length")
            return None, nxt
        if len(buf) < nxt + n + 2:
            raise Incomplete()
        data = bytes(buf[nxt:nxt + n])
        if buf[nxt + n:nxt + n + 2] != b"\r\n":
            raise ProtocolViolation("bulk not terminated by CRLF")
        end = nxt + n + 2
        if kind == b"$":
            return data, end
        if kind == b"!":
            return BlobError(data), end
        if len(data) < 4 or data[3:4] != b":":
            raise ProtocolViolation("verbatim string without format")
        return Verbatim(data[:3], data[4:]), end
    if kind in (b"*", b"~", b">"):
        n = _int(line)
        if n < 0:
            if kind != b"*":
                raise ProtocolViolation("negative length")
            return None, nxt
        items = []
        for _ in range(n):
            item, nxt = parse(buf, nxt)
            items.append(item)
        cls = {b"*": list, b"~": Set, b">": Push}[kind]
        return cls(items), nxt
    if kind in (b"%", b"|"):
        n = _int(line)
        pairs = Map()
        for _ in range(n):
            key, nxt = parse(buf, nxt)
            value, nxt = parse(buf, nxt)
            pairs.append((key, value))
        if kind == b"%":
            return pairs, nxt
        value, nxt = parse(buf, nxt)
        return Attributed(pairs, value), nxt
    raise ProtocolViolation(f"unknown reply type {kind!r} in {bytes(buf[pos:pos + 40])!r}")


def encode_command(*args):
    """Encodes a command as a RESP multibulk request (bytes as is, anything else as str())."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        if not isinstance(arg, (bytes, bytearray)):
            arg = str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


class ConnectionClosed(Exception):
    pass


class RawClient:
    """A blocking socket client that writes raw bytes and reads whole RESP replies."""

    def __init__(self, host, port, timeout=10.0):
        """Connects to host:port (loopback in every test; Node.raw() builds one for a node)."""
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = bytearray()

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no complete reply before the deadline; buffered %r" %
                               bytes(self.buf[:200]))
        self.sock.settimeout(remaining)
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionClosed("server closed the connection; buffered %r" %
                                   bytes(self.buf[:200]))
        self.buf += chunk

    def read_raw(self, timeout=None):
        """Returns (value, raw_bytes) of the next reply."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                value, end = parse(self.buf, 0)
            except Incomplete:
                self._fill(deadline)
                continue
            raw = bytes(self.buf[:end])
            del self.buf[:end]
            return value, raw

    def read(self, timeout=None):
        """The next reply, decoded."""
        return self.read_raw(timeout)[0]

    def read_bytes(self, timeout=None):
        """The next reply, as the exact bytes the server sent."""
        return self.read_raw(timeout)[1]

    def send_command(self, *args):
        """Sends one command without reading its reply (pipelining, blocking commands)."""
        self.send(encode_command(*args))

    def cmd(self, *args):
        """Sends a command, returns its decoded reply."""
        self.send_command(*args)
        return self.read()

    def cmd_raw(self, *args):
        self.send_command(*args)
        return self.read_raw()

    def call(self, *args):
        """Sends a command, returns its reply's exact bytes."""
        self.send_command(*args)
        return self.read_bytes()

    def has_data(self):
        """Whether reply bytes are already here (buffered or readable now), without waiting."""
        if self.buf:
            return True
        import select
        readable, _, _ = select.select([self.sock], [], [], 0)
        return bool(readable)

    def read_until_closed(self, timeout=None):
        """Reads everything until the server closes the connection; returns the bytes."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                self._fill(deadline)
            except ConnectionClosed:
                return bytes(self.buf)
            except ConnectionResetError:
                return bytes(self.buf)


def normalise(reply):
    """Raw reply bytes with HELLO's connection id replaced: the one field that differs by design
    between two servers fed the same commands."""
    return re.sub(rb"\$2\r\nid\r\n:\d+\r\n", b"$2\r\nid\r\n:N\r\n", reply)
