"""bench_rq.py: RQ's job function for the trivial job (see bench_tasks.py for Celery's).

Kept apart from bench_tasks.py so that RQ's forked work horses, which import the job's
module, do not import Celery as well.  Configured by BENCH_REDIS_PORT.
"""
import os

import redis

PORT = int(os.environ.get("BENCH_REDIS_PORT", "6379"))
_results = None


def rq_wc(job_id, text):
    """Count the words and HSET r:{id} {id, words, chars} into Redis db 1."""
    global _results
    if _results is None:
        _results = redis.Redis(host="127.0.0.1", port=PORT, db=1)
    words = len(text.split())
    _results.hset(f"r:{job_id}", mapping={"id": job_id, "words": words, "chars": len(text.encode())})
    return words
