#!/usr/bin/env python3
"""Check that a Neo4j server answers over Bolt: log in and run RETURN 1.

Stdlib only (no Neo4j driver needed). Used by deploy/neo4j/neo4j.sh wait/start.

    NEO4J_PASSWORD=... python3 bolt_check.py [--host 127.0.0.1] [--port 7687]
                                             [--user neo4j] [--timeout 5]

The password is read from the environment (NEO4J_PASSWORD), never from argv,
so it does not show up in `ps`.

Exit codes:
  0  logged in and RETURN 1 returned 1
  1  not (yet) ready: connection refused/reset, timeout, handshake or
     protocol trouble, database not available, login rate-limited
     (Neo.ClientError.Security.AuthenticationRateLimit)... (worth retrying)
  2  the server rejected the credentials (Neo.ClientError.Security.Unauthorized)
  64 usage error

Only Unauthorized means "wrong user or password". A rate-limit answer says
nothing about our password: after dbms.security.auth_max_failed_attempts
failed logins by anyone, Neo4j refuses every login as that user for
dbms.security.auth_lock_time, the right password included, and the lock then
lapses. Treating it as fatal made a start fail because some other client had
tried too early or with a wrong password.
"""

import argparse
import os
import socket
import struct
import sys

BOLT_MAGIC = b"\x60\x60\xb0\x17"
# Proposed versions, best first: 5.4 down to 5.0 (range 4), then 4.4.
# Each is 4 bytes: [0, range, minor, major].
PROPOSALS = bytes([0, 4, 4, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0])

SUCCESS, RECORD, IGNORED, FAILURE = 0x70, 0x71, 0x7E, 0x7F
MSG_HELLO, MSG_LOGON, MSG_GOODBYE, MSG_RUN, MSG_PULL = 0x01, 0x6A, 0x02, 0x10, 0x3F


# The one answer that is final: wrong user or password.
UNAUTHORIZED = "Neo.ClientError.Security.Unauthorized"


class AuthError(Exception):
    pass


class BoltError(Exception):
    pass


# --- PackStream -------------------------------------------------------------

def pack(v):
    if v is None:
        return b"\xc0"
    if v is True:
        return b"\xc3"
    if v is False:
        return b"\xc2"
    if isinstance(v, int):
        if -16 <= v < 128:
            return struct.pack(">b", v)
        if -128 <= v < 128:
            return b"\xc8" + struct.pack(">b", v)
        if -32768 <= v < 32768:
            return b"\xc9" + struct.pack(">h", v)
        if -(2**31) <= v < 2**31:
            return b"\xca" + struct.pack(">i", v)
        return b"\xcb" + struct.pack(">q", v)
    if isinstance(v, float):
        return b"\xc1" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode("utf-8")
        n = len(b)
        if n < 16:
            return bytes([0x80 + n]) + b
        if n < 256:
            return b"\xd0" + struct.pack(">B", n) + b
        if n < 65536:
            return b"\xd1" + struct.pack(">H", n) + b
        return b"\xd2" + struct.pack(">I", n) + b
    if isinstance(v, (list, tuple)):
        n = len(v)
        head = bytes([0x90 + n]) if n < 16 else b"\xd4" + struct.pack(">B", n)
        return head + b"".join(pack(x) for x in v)
    if isinstance(v, dict):
        n = len(v)
        head = bytes([0xA0 + n]) if n < 16 else b"\xd8" + struct.pack(">B", n)
        return head + b"".join(pack(k) + pack(x) for k, x in v.items())
    raise TypeError("cannot pack %r" % type(v))


def struct_msg(sig, *fields):
    return bytes([0xB0 + len(fields), sig]) + b"".join(pack(f) for f in fields)


class Unpacker:
    def __init__(self, data):
        self.d = data
        self.i = 0

    def take(self, n):
        if self.i + n > len(self.d):
            raise BoltError("truncated PackStream value")
        b = self.d[self.i:self.i + n]
        self.i += n
        return b

    def u(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def value(self):
        m = self.u(">B")
        if m < 0x80:
            return m
        if m >= 0xF0:
            return m - 0x100
        hi, lo = m & 0xF0, m & 0x0F
        if hi == 0x80:
            return self.take(lo).decode("utf-8")
        if hi == 0x90:
            return [self.value() for _ in range(lo)]
        if hi == 0xA0:
            return self.map(lo)
        if hi == 0xB0:
            return self.structure(lo)
        simple = {0xC0: None, 0xC2: False, 0xC3: True}
        if m in simple:
            return simple[m]
        if m == 0xC1:
            return self.u(">d")
        ints = {0xC8: ">b", 0xC9: ">h", 0xCA: ">i", 0xCB: ">q"}
        if m in ints:
            return self.u(ints[m])
        sizes = {0: ">B", 1: ">H", 2: ">I"}
        if 0xCC <= m <= 0xCE:
            return self.take(self.u(sizes[m - 0xCC]))
        if 0xD0 <= m <= 0xD2:
            return self.take(self.u(sizes[m - 0xD0])).decode("utf-8")
        if 0xD4 <= m <= 0xD6:
            return [self.value() for _ in range(self.u(sizes[m - 0xD4]))]
        if 0xD8 <= m <= 0xDA:
            return self.map(self.u(sizes[m - 0xD8]))
        raise BoltError("unknown PackStream marker 0x%02X" % m)

    def map(self, n):
        out = {}
        for _ in range(n):
            k = self.value()
            out[k] = self.value()
        return out

    def structure(self, n):
        sig = self.u(">B")
        return ("struct", sig, [self.value() for _ in range(n)])


# --- Bolt transport ---------------------------------------------------------

class Conn:
    def __init__(self, sock):
        self.s = sock

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise BoltError("connection closed by server")
            buf += chunk
        return buf

    def send(self, msg):
        out = b""
        for i in range(0, len(msg), 65535):
            part = msg[i:i + 65535]
            out += struct.pack(">H", len(part)) + part
        self.s.sendall(out + b"\x00\x00")

    def recv(self):
        data = b""
        while True:
            (n,) = struct.unpack(">H", self.recv_exact(2))
            if n == 0:
                if data:  # else: NOOP keep-alive chunk
                    break
                continue
            data += self.recv_exact(n)
        v = Unpacker(data).value()
        if not (isinstance(v, tuple) and v[0] == "struct"):
            raise BoltError("unexpected message %r" % (v,))
        return v[1], v[2]

    def request(self, msg, what):
        """Send one message; return the records and the SUCCESS metadata."""
        self.send(msg)
        records = []
        while True:
            sig, fields = self.recv()
            if sig == RECORD:
                records.append(fields[0])
            elif sig == SUCCESS:
                return records, (fields[0] if fields else {})
            elif sig == FAILURE:
                meta = fields[0] if fields else {}
                code = meta.get("code", "?")
                text = "%s failed: %s: %s" % (what, code, meta.get("message", ""))
                if code == UNAUTHORIZED:
                    raise AuthError(text)
                raise BoltError(text)
            elif sig == IGNORED:
                raise BoltError("%s was ignored by the server" % what)
            else:
                raise BoltError("%s: unexpected message 0x%02X" % (what, sig))


def check(host, port, user, password, timeout):
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        sock.settimeout(timeout)
        conn = Conn(sock)
        sock.sendall(BOLT_MAGIC + PROPOSALS)
        chosen = conn.recv_exact(4)
        major, minor = chosen[3], chosen[2]
        if major == 0:
            raise BoltError("server supports none of the proposed Bolt versions (5.0-5.4, 4.4)")
        if chosen[0] == 0x48:  # "HTTP"
            raise BoltError("this port speaks HTTP, not Bolt")

        agent = "exphub-bolt-check/1"
        auth = {"scheme": "basic", "principal": user, "credentials": password}
        hello = {"user_agent": agent}
        if (major, minor) >= (5, 3):
            hello["bolt_agent"] = {"product": agent}
        if (major, minor) >= (5, 1):
            conn.request(struct_msg(MSG_HELLO, hello), "HELLO")
            conn.request(struct_msg(MSG_LOGON, auth), "LOGON")
        else:
            hello.update(auth)
            conn.request(struct_msg(MSG_HELLO, hello), "HELLO")

        conn.request(struct_msg(MSG_RUN, "RETURN 1 AS one", {}, {}), "RUN")
        records, _ = conn.request(struct_msg(MSG_PULL, {"n": -1}), "PULL")
        if records != [[1]]:
            raise BoltError("RETURN 1 returned %r" % (records,))
        try:
            conn.send(struct_msg(MSG_GOODBYE))
        except OSError:
            pass
        return "Bolt %d.%d: logged in as %s, RETURN 1 -> 1" % (major, minor, user)
    finally:
        sock.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=7687)
    ap.add_argument("--user", default="neo4j")
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    args = ap.parse_args()
    password = os.environ.get("NEO4J_PASSWORD")
    if password is None:
        print("bolt_check: NEO4J_PASSWORD is not set", file=sys.stderr)
        return 64
    try:
        msg = check(args.host, args.port, args.user, password, args.timeout)
    except AuthError as e:
        print("bolt_check: %s:%d: %s" % (args.host, args.port, e), file=sys.stderr)
        return 2
    except (OSError, BoltError, struct.error, UnicodeDecodeError) as e:
        print("bolt_check: %s:%d: %s" % (args.host, args.port, e or type(e).__name__), file=sys.stderr)
        return 1
    if not args.quiet:
        print("bolt_check: %s:%d: %s" % (args.host, args.port, msg))
    return 0


if __name__ == "__main__":
    sys.exit(main())
