/* broker_stats.c: the dossier.stats service: counters since start and gauges now.
 *
 * Model: one flat map (easy to read from any language), plus `services`, a map of
 * service name to {workers, idle, waiting}.  Counters are cumulative since this
 * broker process started (uptime_ms); gauges describe this moment.
 * Called through the service table of broker_client.c.
 */
#include "broker_client.h"
#include "broker_docs.h"
#include "broker_reply.h"

#include <string.h>

static void put_counters(broker_reply_t *r, const broker_stats_t *st)
{
    const struct {
        const char *key;
        uint64_t v;
    } c[] = {
        {"accepted", st->accepted},
        {"duplicate", st->duplicate},
        {"conflict", st->conflict},
        {"rejected", st->rejected},
        {"busy", st->busy},
        {"dispatched", st->dispatched},
        {"done", st->done},
        {"failed", st->failed},
        {"retried", st->retried},
        {"dead", st->dead},
        {"dead_recorded", st->dead_recorded},
        {"lost_leases", st->lost_leases},
        {"late_replies", st->late_replies},
        {"malformed", st->malformed},
        {"undeliverable", st->undeliverable},
        {"workers_expired", st->workers_expired},
        {"requests", st->requests},
        {"requests_done", st->requests_done},
        {"requests_timeout", st->requests_timeout},
        {"requests_lost", st->requests_lost},
        {"commits", st->commits},
        {"replayed", st->replayed},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        broker_reply_int(r, c[i].key, (int64_t)c[i].v);
    }
}

static void put_services(broker_t *b, broker_reply_t *r)
{
    broker_reply_key(r, "services");
    ds_pack_map(&r->pk, (uint32_t)b->pool.nservices);
    for (broker_service_t *s = b->pool.services; s; s = s->next) {
        ds_pack_strn(&r->pk, s->name, s->namelen);
        ds_pack_map(&r->pk, 3);
        ds_pack_kv_int(&r->pk, "workers", (int64_t)s->nworkers);
        ds_pack_kv_int(&r->pk, "idle", (int64_t)s->nidle);
        ds_pack_kv_int(&r->pk, "waiting", (int64_t)s->pending.n);
    }
}

void broker_stats_handle(broker_t *b, const broker_creq_t *req)
{
    broker_journal_stats_t js;
    broker_journal_stats(b->journal, &js);
    broker_reply_t r;
    broker_reply_begin(b, req, &r);
    broker_reply_str(&r, "status", "ok");
    broker_reply_int(&r, "uptime_ms", b->now_ms - b->started_ms);
    broker_reply_bool(&r, "draining", b->draining);
    broker_reply_int(&r, "queue_depth", (int64_t)b->queue.count);
    broker_reply_int(&r, "queue_bytes", (int64_t)b->queue.bytes);
    broker_reply_int(&r, "queue_ready", (int64_t)b->queue.nready);
    broker_reply_int(&r, "queue_delayed", (int64_t)b->queue.nheap);
    broker_reply_int(&r, "in_flight", (int64_t)b->leases.count);
    broker_reply_int(&r, "max_queue", (int64_t)b->queue.max_count);
    broker_reply_int(&r, "max_queue_bytes", (int64_t)b->queue.max_bytes);
    broker_reply_int(&r, "workers", (int64_t)b->pool.nworkers);
    broker_reply_int(&r, "requests_waiting", (int64_t)b->reqs.count);
    broker_reply_int(&r, "dlq", (int64_t)b->dlq_count);
    broker_reply_int(&r, "remembered", (int64_t)js.done);
    broker_reply_int(&r, "journal_bytes", (int64_t)js.file_bytes);
    broker_reply_int(&r, "journal_used_bytes", (int64_t)js.used_bytes);
    broker_reply_int(&r, "journal_live_bytes", (int64_t)js.live_bytes);
    put_counters(&r, &b->st);
    put_services(b, &r);
    broker_reply_end(b, &r);
}
