"""A raw RESP client for the list/hash integration tests: replies come back as exact bytes (so that
tests tell *-1 from $-1 from _), and silent_for() tells whether a client is blocked.
"""

import socket

HOST = "127.0.0.1"
# How long a client must stay silent for us to call it "blocked"; bounded waits everywhere else.
QUIET_S = 0.3
REPLY_TIMEOUT_S = 5.0


class Client:
    """A raw RESP client: send commands, read replies as raw bytes."""

    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=REPLY_TIMEOUT_S)
        self.buf = b""

    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def _exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read(self):
        line = self._line()
        kind = line[:1]
        if kind in b"$=" and int(line[1:]) >= 0:
            return line + self._exact(int(line[1:]) + 2)
        if kind in b"*%~>" and int(line[1:]) >= 0:
            n = int(line[1:]) * (2 if kind == b"%" else 1)
            return line + b"".join(self.read() for _ in range(n))
        return line

    def call(self, *args):
        self.send(*args)
        return self.read()

    def silent_for(self, seconds):
        """True when nothing arrives for `seconds` (the client is blocked)."""
        if self.buf:
            return False
        self.sock.settimeout(seconds)
        try:
            data = self.sock.recv(65536)
            self.buf += data
            return False
        except socket.timeout:
            return True
        finally:
            self.sock.settimeout(REPLY_TIMEOUT_S)

    def close(self):
        self.sock.close()
