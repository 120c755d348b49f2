#!/usr/bin/python3
"""Prints a few lines summarising one Dossier result JSON read from stdin (used by make run)."""
import json
import sys

r = json.load(sys.stdin)
m = r.get("meta", {})
title = m.get("title") or "(untitled)"
ents = ", ".join("%s (%s)" % (e["name"], e["type"]) for e in r.get("entities", [])[:6])
ctry = ", ".join(c["code"] for c in r.get("countries", [])[:6])
themes = ", ".join(t["code"] for t in r.get("themes", [])[:4])
tone = r.get("tone", {}).get("score")
print("- %s: %s" % (r.get("id"), title))
print("    published %s  language %s  words %s  tone %s" % (
    m.get("published"), m.get("language"), r.get("counts", {}).get("words"), tone))
if ents:
    print("    entities: " + ents)
if ctry:
    print("    countries: " + ctry)
if themes:
    print("    themes: " + themes)
summary = r.get("summary") or []
if summary:
    first = summary[0] if isinstance(summary[0], str) else summary[0].get("text", "")
    print("    summary: " + first[:160])
events = ["%s %s%s [%s]" % (e.get("source") or "?", e["action"], " " + e["target"] if e.get("target") else "",
                            e.get("code")) for e in r.get("events", [])[:3]]
if events:
    print("    events: " + "; ".join(events))
