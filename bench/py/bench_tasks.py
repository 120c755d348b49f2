"""bench_tasks.py: the trivial job for Celery (bench_rq.py has the same for RQ).

Count the words of a ~3 KB article and HSET r:{id} {id, words, chars} into Redis
database 1, exactly what bench/c/bench_util.c's bu_store_result() does for the C peers.
The Redis connection is made lazily, so each forked worker child opens its own.
Configured by BENCH_REDIS_PORT; imported by Celery's workers (PYTHONPATH=bench/py).
"""
import os

import redis
from celery import Celery

PORT = int(os.environ.get("BENCH_REDIS_PORT", "6379"))

app = Celery(
    "bench_tasks",
    broker=f"redis://127.0.0.1:{PORT}/0",
    backend=f"redis://127.0.0.1:{PORT}/2",
)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    worker_hijack_root_logger=False,
)

_results = None


def _redis():
    global _results
    if _results is None:
        _results = redis.Redis(host="127.0.0.1", port=PORT, db=1)
    return _results


def count_and_store(job_id, text):
    words = len(text.split())
    _redis().hset(f"r:{job_id}", mapping={"id": job_id, "words": words, "chars": len(text.encode())})
    return words


@app.task(name="bench.wc")
def wc(job_id, text):
    """Celery's task (the result goes to the Redis result backend as well)."""
    return count_and_store(job_id, text)
