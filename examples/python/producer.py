#!/usr/bin/python3
"""producer.py: submit a folder of articles to Dossier, in Python, from proto/SPEC.md alone.

Speaks Majordomo v0.1 (ZeroMQ RFC 7/MDP) to the broker's `dossier.submit` service with
Debian's python3-zmq and python3-msgpack: each request is the four frames
"" | "MDPC01" | "dossier.submit" | msgpack{id, text, format?}, and each reply has the same
frames with a msgpack map {status, id, code?, error?, retry_after_ms?}.

Up to --window documents are in flight on one DEALER socket; replies are matched by id.
A document that gets no answer within --timeout is sent again with the same id (safe: the
id is the idempotency key, a repeat answers "duplicate"); "busy" is retried after
retry_after_ms.  Ids are "sha256-" + the first 32 hex digits of the text's SHA-256, as the
`dossier` tool makes them, so the same article is never stored twice.

    /usr/bin/python3 examples/python/producer.py --broker tcp://127.0.0.1:5555 articles/

Prints one line per document: id, status, file.  Exits 65 if any was rejected.
"""
import argparse
import hashlib
import json
import os
import sys
import time

import msgpack
import zmq

EXTENSIONS = {".txt": "text", ".text": "text", ".md": "text", ".html": "html", ".htm": "html", ".json": "json"}


def documents(folder):
    """Yields (origin, body) for every article under folder, in sorted order."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            kind = EXTENSIONS.get(os.path.splitext(name)[1].lower())
            if name.startswith(".") or kind is None:
                continue
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                raw = f.read()
            if kind == "json":
                body = json.loads(raw)
            else:
                body = {"text": raw.decode("utf-8"), "format": kind}
            body.setdefault("id", "sha256-" + hashlib.sha256(body["text"].encode("utf-8")).hexdigest()[:32])
            yield path, body


class Pipeline:
    """Many dossier.submit requests in flight on one DEALER socket."""

    def __init__(self, endpoint, window, timeout_ms):
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.IMMEDIATE, 1)  # queue nothing for a broker that is not connected
        self.sock.connect(endpoint)
        self.window, self.timeout = window, timeout_ms / 1000.0
        self.inflight = {}  # id -> [origin, packed body, due time]

    def full(self):
        return len(self.inflight) >= self.window

    def send(self, doc_id, origin, packed):
        self.inflight[doc_id] = [origin, packed, 0.0]
        self._transmit(doc_id)

    def _transmit(self, doc_id):
        entry = self.inflight[doc_id]
        try:
            self.sock.send_multipart([b"", b"MDPC01", b"dossier.submit", entry[1]], zmq.DONTWAIT)
            entry[2] = time.monotonic() + self.timeout
        except zmq.Again:  # no broker connected yet: try again shortly
            entry[2] = time.monotonic() + 0.1

    def poll(self, wait_s):
        """Returns finished (origin, reply) pairs; resends whatever is overdue."""
        done = []
        if self.sock.poll(int(wait_s * 1000), zmq.POLLIN):
            while True:
                try:
                    frames = self.sock.recv_multipart(zmq.DONTWAIT)
                except zmq.Again:
                    break
                if len(frames) != 4 or frames[0] != b"" or frames[1] != b"MDPC01":
                    continue  # not a Majordomo reply: ignore it
                reply = msgpack.unpackb(frames[3], raw=False)
                entry = self.inflight.get(reply.get("id"))
                if entry is None:
                    continue  # the answer to an earlier copy of a finished request
                if reply.get("status") == "busy":
                    entry[2] = time.monotonic() + reply.get("retry_after_ms", 100) / 1000.0
                    continue
                del self.inflight[reply["id"]]
                done.append((entry[0], reply))
        now = time.monotonic()
        for doc_id, entry in list(self.inflight.items()):
            if entry[2] <= now:
                self._transmit(doc_id)
        return done


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--broker", default=os.environ.get("DOSSIER_BROKER", "tcp://127.0.0.1:5555"))
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--timeout", type=int, default=5000, help="ms before resending a request")
    args = ap.parse_args()

    pipe = Pipeline(args.broker, args.window, args.timeout)
    rejected = 0

    def report(finished):
        nonlocal rejected
        for origin, reply in finished:
            status = reply.get("status")
            rejected += status not in ("accepted", "duplicate")
            extra = " %s: %s" % (reply.get("code"), reply.get("error")) if reply.get("error") else ""
            print("%s  %s  %s%s" % (reply.get("id"), status, origin, extra), flush=True)

    for origin, body in documents(args.folder):
        while pipe.full():
            report(pipe.poll(0.1))
        pipe.send(body["id"], origin, msgpack.packb(body, use_bin_type=True))
    while pipe.inflight:
        report(pipe.poll(0.1))
    return 65 if rejected else 0


if __name__ == "__main__":
    sys.exit(main())
