#!/usr/bin/python3
"""consumer.py: follow Dossier's results from Python, with Debian's python3-redis.

Joins a consumer group on the `dossier:results` stream (one entry {id, status} per
finished document, SPEC.md section 8), reads each new document's hash `dossier:doc:{id}`,
and prints its title and the people it mentions.  Entries are acknowledged (XACK) after
they are printed, so a consumer that dies gets its unacknowledged entries again when it
restarts with the same --consumer name.  Consumers in one --group share the work.

    /usr/bin/python3 examples/python/consumer.py --redis redis://127.0.0.1:6379/0

Also: find every document that mentions Iran and has the theme NUCLEAR, straight from
the indexes (sorted sets of ids scored by publication time):

    /usr/bin/python3 examples/python/consumer.py --search-entity Iran --search-theme NUCLEAR
"""
import argparse
import json
import os
import socket
import sys

import redis


def person_names(result):
    return [e["name"] for e in result.get("entities", []) if e.get("type") == "PERSON"]


def show(r, prefix, doc_id, status):
    title, raw = r.hmget("%s:doc:%s" % (prefix, doc_id), "title", "result")
    if status != "done" or raw is None:
        print("%s  %s" % (doc_id, status), flush=True)
        return
    result = json.loads(raw)
    title = result.get("meta", {}).get("title") or title or "(untitled)"
    people = ", ".join(person_names(result)) or "-"
    print("%s  %s  | people: %s" % (doc_id, title, people), flush=True)


def follow(r, args):
    stream = "%s:results" % args.prefix
    try:
        r.xgroup_create(stream, args.group, id="0" if args.from_start else "$", mkstream=True)
    except redis.ResponseError as e:
        if "BUSYGROUP" not in str(e):
            raise
    seen, backlog = 0, "0"  # first our own unacknowledged entries, then new ones
    while args.count == 0 or seen < args.count:
        reply = r.xreadgroup(args.group, args.consumer, {stream: backlog}, count=100, block=1000)
        entries = reply[0][1] if reply else []
        if backlog == "0" and not entries:
            backlog = ">"
        for entry_id, fields in entries:
            show(r, args.prefix, fields.get("id"), fields.get("status"))
            r.xack(stream, args.group, entry_id)
            seen += 1
            if args.count and seen >= args.count:
                break


def search(r, args):
    """Ids in every index given, newest first (as `dossier search`)."""
    keys = []
    if args.search_entity:
        norm = "_".join(args.search_entity.lower().split())
        keys.append(["%s:idx:entity:%s:%s" % (args.prefix, t, norm) for t in ("PERSON", "ORG", "LOCATION", "NORP", "MISC")])
    if args.search_theme:
        keys.append(["%s:idx:theme:%s" % (args.prefix, args.search_theme.upper())])
    if args.search_country:
        keys.append(["%s:idx:country:%s" % (args.prefix, args.search_country.upper())])
    sets = [set().union(*(r.zrange(k, 0, -1) for k in group)) for group in keys]
    ids = set.intersection(*sets) if sets else set()
    for doc_id in sorted(ids):
        title, published = r.hmget("%s:doc:%s" % (args.prefix, doc_id), "title", "published")
        print("%s  %s  %s" % (published or "", doc_id, title or "(untitled)"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--redis", default=os.environ.get("DOSSIER_REDIS", "redis://127.0.0.1:6379/0"))
    ap.add_argument("--prefix", default="dossier")
    ap.add_argument("--group", default="python-consumer")
    ap.add_argument("--consumer", default="python-" + socket.gethostname())
    ap.add_argument("--from-start", action="store_true", help="a new group starts at the first entry")
    ap.add_argument("--count", type=int, default=0, help="exit after N documents (0: never)")
    ap.add_argument("--search-entity")
    ap.add_argument("--search-theme")
    ap.add_argument("--search-country")
    args = ap.parse_args()
    r = redis.Redis.from_url(args.redis, decode_responses=True)
    try:
        if args.search_entity or args.search_theme or args.search_country:
            search(r, args)
        else:
            follow(r, args)
    except KeyboardInterrupt:
        pass
    except redis.ConnectionError as e:
        print("cannot reach Redis at %s: %s; set --redis or DOSSIER_REDIS" % (args.redis, e), file=sys.stderr)
        return 69
    return 0


if __name__ == "__main__":
    sys.exit(main())
