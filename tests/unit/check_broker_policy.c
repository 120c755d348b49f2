/* check_broker_policy.c: the broker's pure policy modules, without sockets or sleeps:
 * queue (FIFO, backoff heap, limits), lease (tokens, late replies, deadlines), retry
 * (exponential backoff with jitter, dead letters), dedup, ids, the hash table, the
 * worker pool (LRU, expiry) and the table of waiting synchronous requests.
 */
#include "broker_dedup.h"
#include "broker_hash.h"
#include "broker_ids.h"
#include "broker_lease.h"
#include "broker_pool.h"
#include "broker_queue.h"
#include "broker_requests.h"
#include "broker_retry.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* ---- queue ---------------------------------------------------------------------- */

START_TEST(test_queue_is_fifo_and_accounts_every_admitted_item)
{
    broker_queue_t q;
    broker_queue_init(&q, 10, 1000);
    broker_qitem_t it[3] = {{0}};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(broker_queue_admit(&q, 100), 0);
        broker_queue_add(&q, &it[i], 100);
        broker_queue_push(&q, &it[i]);
    }
    ck_assert_uint_eq(q.count, 3);
    ck_assert_uint_eq(q.bytes, 300);
    ck_assert_ptr_eq(broker_queue_pop(&q), &it[0]);
    ck_assert_ptr_eq(broker_queue_pop(&q), &it[1]);
    /* popped items stay accounted until forgotten: they are running */
    ck_assert_uint_eq(q.count, 3);
    broker_queue_forget(&q, &it[0]);
    ck_assert_uint_eq(q.count, 2);
    ck_assert_uint_eq(q.bytes, 200);
    broker_queue_push_front(&q, &it[1]);
    ck_assert_ptr_eq(broker_queue_pop(&q), &it[1]);
    ck_assert_ptr_eq(broker_queue_pop(&q), &it[2]);
    ck_assert_ptr_null(broker_queue_pop(&q));
    broker_queue_free(&q);
}
END_TEST

START_TEST(test_queue_admit_refuses_past_either_limit)
{
    broker_queue_t q;
    broker_queue_init(&q, 2, 250);
    broker_qitem_t a = {0}, b = {0};
    broker_queue_add(&q, &a, 100);
    ck_assert_int_eq(broker_queue_admit(&q, 150), 0);
    ck_assert_int_eq(broker_queue_admit(&q, 151), DS_EBUSY); /* bytes */
    broker_queue_add(&q, &b, 10);
    ck_assert_int_eq(broker_queue_admit(&q, 1), DS_EBUSY); /* count */
    broker_queue_forget(&q, &b);
    ck_assert_int_eq(broker_queue_admit(&q, 1), 0);
    broker_queue_free(&q);
}
END_TEST

START_TEST(test_deferred_items_become_ready_in_due_order_only_when_due)
{
    broker_queue_t q;
    broker_queue_init(&q, 100, 100000);
    broker_qitem_t it[6] = {{0}};
    const int64_t due[6] = {500, 100, 300, 100, 900, 200};
    for (int i = 0; i < 6; i++) {
        broker_queue_add(&q, &it[i], 1);
        broker_queue_defer(&q, &it[i], due[i]);
    }
    ck_assert_int_eq(broker_queue_next_due(&q), 100);
    ck_assert_uint_eq(broker_queue_promote(&q, 99), 0);
    ck_assert_ptr_null(broker_queue_pop(&q));
    ck_assert_uint_eq(broker_queue_promote(&q, 300), 4);
    int64_t last = 0;
    for (int i = 0; i < 4; i++) {
        broker_qitem_t *x = broker_queue_pop(&q);
        ck_assert_ptr_nonnull(x);
        ck_assert_int_ge(x->due_ms, last);
        ck_assert_int_le(x->due_ms, 300);
        last = x->due_ms;
    }
    ck_assert_int_eq(broker_queue_next_due(&q), 500);
    broker_queue_forget(&q, &it[4]); /* removing a deferred item keeps the heap valid */
    ck_assert_int_eq(broker_queue_next_due(&q), 500);
    ck_assert_uint_eq(broker_queue_promote(&q, 10000), 1);
    ck_assert_ptr_eq(broker_queue_pop(&q), &it[0]);
    ck_assert_int_eq(broker_queue_next_due(&q), INT64_MAX);
    broker_queue_free(&q);
}
END_TEST

START_TEST(test_queue_heap_survives_many_random_items)
{
    broker_queue_t q;
    broker_queue_init(&q, 100000, UINT64_MAX);
    enum { N = 5000 };
    broker_qitem_t *it = calloc(N, sizeof *it);
    srand(7);
    for (int i = 0; i < N; i++) {
        broker_queue_add(&q, &it[i], 1);
        broker_queue_defer(&q, &it[i], rand() % 100000);
    }
    for (int i = 0; i < N; i += 3) {
        broker_queue_forget(&q, &it[i]);
    }
    broker_queue_promote(&q, INT64_MAX);
    int64_t last = -1;
    size_t n = 0;
    for (broker_qitem_t *x; (x = broker_queue_pop(&q)) != NULL; n++) {
        ck_assert_int_ge(x->due_ms, last);
        last = x->due_ms;
    }
    ck_assert_uint_eq(n, N - (N + 2) / 3);
    broker_queue_free(&q);
    free(it);
}
END_TEST

/* ---- lease ---------------------------------------------------------------------- */

START_TEST(test_lease_settles_only_for_holder_and_current_token)
{
    broker_leases_t t;
    broker_leases_init(&t, 1000, 42);
    broker_lease_t l = {0};
    int w1, w2;
    uint64_t tok = broker_lease_grant(&t, &l, &w1, 1, 0);
    ck_assert(broker_lease_held(&l));
    ck_assert(broker_lease_current(&l, tok, &w1));
    ck_assert(!broker_lease_current(&l, tok, &w2));
    ck_assert(!broker_lease_current(&l, tok + 1, &w1));
    /* taken back and granted again: the first holder's reply is now late */
    broker_lease_release(&t, &l);
    ck_assert(!broker_lease_current(&l, tok, &w1));
    uint64_t tok2 = broker_lease_grant(&t, &l, &w2, 2, 10);
    ck_assert_uint_ne(tok, tok2);
    ck_assert(!broker_lease_current(&l, tok, &w1));
    ck_assert(broker_lease_current(&l, tok2, &w2));
    ck_assert_uint_eq(l.attempt, 2);
    broker_lease_release(&t, &l);
    broker_lease_release(&t, &l); /* idempotent */
    ck_assert_uint_eq(t.count, 0);
}
END_TEST

START_TEST(test_overdue_leases_come_out_in_deadline_order)
{
    broker_leases_t t;
    broker_leases_init(&t, 100, 1);
    broker_lease_t l[3] = {{0}};
    int w;
    broker_lease_grant(&t, &l[0], &w, 1, 0);
    broker_lease_grant(&t, &l[1], &w, 1, 50);
    broker_lease_grant(&t, &l[2], &w, 1, 60);
    ck_assert_int_eq(broker_leases_next_deadline(&t), 100);
    ck_assert_ptr_null(broker_leases_overdue(&t, 99));
    ck_assert_ptr_eq(broker_leases_overdue(&t, 100), &l[0]);
    broker_lease_release(&t, &l[0]);
    broker_lease_release(&t, &l[2]); /* settled early */
    ck_assert_ptr_eq(broker_leases_overdue(&t, 1000), &l[1]);
    broker_lease_release(&t, &l[1]);
    ck_assert_ptr_null(broker_leases_overdue(&t, 1000));
    ck_assert_int_eq(broker_leases_next_deadline(&t), INT64_MAX);
}
END_TEST

START_TEST(test_lease_without_limit_never_overdue)
{
    broker_leases_t t;
    broker_leases_init(&t, 0, 1);
    broker_lease_t l = {0};
    int w;
    broker_lease_grant(&t, &l, &w, 1, 0);
    ck_assert_ptr_null(broker_leases_overdue(&t, INT64_MAX - 1));
}
END_TEST

/* ---- retry ---------------------------------------------------------------------- */

START_TEST(test_backoff_doubles_with_jitter_and_is_capped)
{
    broker_retry_policy_t p = {5, 1000, 10000};
    const int64_t base[] = {1000, 2000, 4000, 8000, 10000, 10000};
    for (uint32_t a = 1; a <= 6; a++) {
        int64_t lo = INT64_MAX, hi = 0;
        for (uint64_t r = 0; r < 2000; r++) {
            int64_t d = broker_retry_backoff_ms(&p, a, r * 0x9E3779B97F4A7C15ULL);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        /* equal jitter: between half and all of the exponential delay, and it varies */
        ck_assert_int_ge(lo, base[a - 1] / 2);
        ck_assert_int_le(hi, base[a - 1]);
        ck_assert_int_lt(lo, hi);
    }
}
END_TEST

START_TEST(test_retryable_failures_retry_until_max_attempts_then_dead)
{
    broker_retry_policy_t p = {3, 100, 1000};
    int64_t due = 0;
    ck_assert_int_eq(broker_retry_decide(&p, 1, true, 5000, 1, &due), BROKER_RETRY);
    ck_assert_int_ge(due, 5050);
    ck_assert_int_le(due, 5100);
    ck_assert_int_eq(broker_retry_decide(&p, 2, true, 5000, 1, &due), BROKER_RETRY);
    ck_assert_int_eq(broker_retry_decide(&p, 3, true, 5000, 1, &due), BROKER_DEAD);
    ck_assert_int_eq(broker_retry_decide(&p, 9, true, 5000, 1, &due), BROKER_DEAD);
}
END_TEST

START_TEST(test_non_retryable_failure_is_dead_at_once)
{
    broker_retry_policy_t p = {5, 100, 1000};
    int64_t due = -1;
    ck_assert_int_eq(broker_retry_decide(&p, 1, false, 0, 1, &due), BROKER_DEAD);
    ck_assert_int_eq(due, -1);
}
END_TEST

START_TEST(test_zero_base_backoff_retries_immediately)
{
    broker_retry_policy_t p = {5, 0, 0};
    int64_t due = -1;
    ck_assert_int_eq(broker_retry_decide(&p, 1, true, 77, 12345, &due), BROKER_RETRY);
    ck_assert_int_eq(due, 77);
}
END_TEST

/* ---- dedup ---------------------------------------------------------------------- */

START_TEST(test_dedup_same_digest_duplicate_other_digest_conflict)
{
    uint8_t a[BROKER_DIGEST_BYTES], b[BROKER_DIGEST_BYTES];
    memset(a, 1, sizeof a);
    memcpy(b, a, sizeof b);
    ck_assert_int_eq(broker_dedup_decide(false, a, b), BROKER_DEDUP_NEW);
    ck_assert_int_eq(broker_dedup_decide(true, a, b), BROKER_DEDUP_DUPLICATE);
    b[31] ^= 1;
    ck_assert_int_eq(broker_dedup_decide(true, a, b), BROKER_DEDUP_CONFLICT);
}
END_TEST

START_TEST(test_dedup_cutoff_is_days_before_now)
{
    ck_assert_int_eq(broker_dedup_cutoff_ms(1000LL * 86400000, 30), 970LL * 86400000);
    ck_assert_int_eq(broker_dedup_cutoff_ms(5000, 0), 5000);
    ck_assert_int_eq(broker_dedup_cutoff_ms(5000, -3), 5000);
}
END_TEST

/* ---- ids ------------------------------------------------------------------------ */

START_TEST(test_ids_are_26_crockford_chars_sorted_by_time)
{
    broker_ids_t g;
    broker_ids_init(&g);
    uint8_t r[BROKER_ID_RAND_BYTES];
    memset(r, 0xff, sizeof r);
    char a[BROKER_ID_LEN + 1], b[BROKER_ID_LEN + 1];
    broker_ids_next(&g, 1700000000000LL, r, a);
    memset(r, 0, sizeof r);
    broker_ids_next(&g, 1700000000001LL, r, b);
    ck_assert_uint_eq(strlen(a), 26);
    ck_assert_int_lt(strcmp(a, b), 0);
    for (int i = 0; i < 26; i++) {
        ck_assert_ptr_nonnull(strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", a[i]));
    }
    ck_assert_str_eq(a + 10, "ZZZZZZZZZZZZZZZZ");
}
END_TEST

START_TEST(test_ids_increase_within_a_millisecond_and_when_the_clock_steps_back)
{
    broker_ids_t g;
    broker_ids_init(&g);
    uint8_t r[BROKER_ID_RAND_BYTES] = {0};
    char prev[BROKER_ID_LEN + 1], cur[BROKER_ID_LEN + 1];
    broker_ids_next(&g, 5000, r, prev);
    for (int i = 0; i < 300; i++) {
        memset(r, i & 0xff, sizeof r); /* fresh randomness is ignored until time moves on */
        broker_ids_next(&g, i % 2 ? 5000 : 4000, r, cur);
        ck_assert_msg(strcmp(prev, cur) < 0, "%s !< %s", prev, cur);
        memcpy(prev, cur, sizeof cur);
    }
}
END_TEST

/* ---- hash ----------------------------------------------------------------------- */

typedef struct {
    broker_hnode_t node;
    char key[16];
} hitem_t;

START_TEST(test_hash_finds_inserts_removes_and_grows)
{
    broker_hash_t h;
    broker_hash_init(&h, 99);
    enum { N = 3000 };
    hitem_t *it = calloc(N, sizeof *it);
    for (int i = 0; i < N; i++) {
        snprintf(it[i].key, sizeof it[i].key, "k%d", i);
        broker_hash_insert(&h, &it[i].node, it[i].key, strlen(it[i].key));
    }
    ck_assert_uint_eq(h.count, N);
    ck_assert_uint_ge(h.nbuckets, N);
    for (int i = 0; i < N; i += 2) {
        broker_hash_remove(&h, &it[i].node);
    }
    for (int i = 0; i < N; i++) {
        broker_hnode_t *n = broker_hash_find(&h, it[i].key, strlen(it[i].key));
        if (i % 2) {
            ck_assert_ptr_eq(n, &it[i].node);
        } else {
            ck_assert_ptr_null(n);
        }
    }
    ck_assert_ptr_null(broker_hash_find(&h, "k1x", 3));
    broker_hash_free(&h);
    free(it);
}
END_TEST

/* ---- pool ----------------------------------------------------------------------- */

START_TEST(test_pool_dispatches_least_recently_used_idle_worker)
{
    broker_pool_t p;
    broker_pool_init(&p, 300, 1);
    broker_worker_t *w[3];
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "w%d", i);
        ck_assert_int_eq(broker_pool_ready(&p, id, 2, "svc", 3, 1, 0, &w[i]), 0);
    }
    broker_service_t *s = broker_pool_service(&p, "svc", 3);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(s->nidle, 3);
    ck_assert_ptr_eq(broker_pool_take(&p, s), w[0]);
    ck_assert_ptr_eq(broker_pool_take(&p, s), w[1]);
    broker_pool_idle(&p, w[0]); /* w0 finished: now the most recently used */
    ck_assert_ptr_eq(broker_pool_take(&p, s), w[2]);
    ck_assert_ptr_eq(broker_pool_take(&p, s), w[0]);
    ck_assert_ptr_null(broker_pool_take(&p, s));
    ck_assert_ptr_eq(broker_pool_worker(&p, "w1", 2), w[1]);
    broker_pool_remove(&p, &w[1]);
    ck_assert_ptr_null(w[1]);
    ck_assert_ptr_null(broker_pool_worker(&p, "w1", 2));
    ck_assert_uint_eq(s->nworkers, 2);
    /* a service stays known after its last worker left */
    broker_pool_remove(&p, &w[0]);
    broker_pool_remove(&p, &w[2]);
    ck_assert_ptr_eq(broker_pool_service(&p, "svc", 3), s);
    ck_assert_uint_eq(s->nworkers, 0);
    broker_pool_free(&p);
}
END_TEST

START_TEST(test_pool_expires_the_worker_silent_longest)
{
    broker_pool_t p;
    broker_pool_init(&p, 300, 1);
    broker_worker_t *a, *b;
    ck_assert_int_eq(broker_pool_ready(&p, "a", 1, "svc", 3, 1, 0, &a), 0);
    ck_assert_int_eq(broker_pool_ready(&p, "b", 1, "svc", 3, 1, 100, &b), 0);
    ck_assert_ptr_null(broker_pool_expired(&p, 299));
    broker_pool_seen(&p, a, 250); /* a spoke: b is now the oldest */
    ck_assert_ptr_eq(broker_pool_expired(&p, 400), b);
    ck_assert_ptr_null(broker_pool_expired(&p, 399));
    broker_pool_remove(&p, &b);
    ck_assert_ptr_eq(broker_pool_expired(&p, 550), a);
    broker_pool_free(&p);
}
END_TEST

START_TEST(test_pool_credit_slots)
{
    broker_pool_t p;
    broker_pool_init(&p, 300, 1);
    broker_worker_t *a, *b, *w;
    ck_assert_int_eq(broker_pool_ready(&p, "a", 1, "svc", 3, 0, 0, &w), DS_EINVAL);
    ck_assert_int_eq(broker_pool_ready(&p, "a", 1, "svc", 3, BROKER_MAX_CREDIT + 1, 0, &w), DS_EINVAL);
    ck_assert_int_eq(broker_pool_ready(&p, "a", 1, "svc", 3, 3, 0, &a), 0);
    ck_assert_int_eq(broker_pool_ready(&p, "b", 1, "svc", 3, 1, 0, &b), 0);
    broker_service_t *s = broker_pool_service(&p, "svc", 3);
    int jobs[4];
    /* a keeps a free slot after each of its first two jobs and goes to the tail */
    ck_assert_ptr_eq(broker_pool_take(&p, s), a);
    broker_slot_t *s0 = broker_pool_assign(&p, a, BROKER_JOB_DOC, &jobs[0], 7);
    ck_assert_uint_eq(s->nidle, 2);
    ck_assert_ptr_eq(broker_pool_take(&p, s), b);
    broker_pool_assign(&p, b, BROKER_JOB_REQ, &jobs[1], 0);
    ck_assert_uint_eq(s->nidle, 1); /* b is full */
    ck_assert_ptr_eq(broker_pool_take(&p, s), a);
    broker_slot_t *s1 = broker_pool_assign(&p, a, BROKER_JOB_DOC, &jobs[2], 8);
    ck_assert_ptr_eq(broker_pool_take(&p, s), a);
    broker_pool_assign(&p, a, BROKER_JOB_REQ, &jobs[3], 0);
    ck_assert_uint_eq(s->nidle, 0);
    ck_assert_ptr_null(broker_pool_take(&p, s));
    ck_assert_uint_eq(a->nheld, 3);
    ck_assert_ptr_eq(broker_worker_doc_slot(a, 8), s1);
    ck_assert_ptr_null(broker_worker_doc_slot(a, 9));
    ck_assert_ptr_eq(broker_worker_job_slot(a, &jobs[3])->job, &jobs[3]);
    /* a late slot still holds its place, but does not keep the worker busy */
    s0->kind = BROKER_JOB_LATE;
    s0->job = NULL;
    ck_assert_ptr_eq(broker_worker_doc_slot(a, 7), s0);
    broker_pool_settle(&p, a, s1);
    ck_assert_uint_eq(s->nidle, 1);
    ck_assert_ptr_eq(broker_pool_take(&p, s), a);
    broker_pool_idle(&p, a); /* given back unused */
    broker_pool_settle(&p, a, broker_worker_job_slot(a, &jobs[3]));
    ck_assert(!broker_worker_busy(a));
    broker_pool_settle(&p, a, s0);
    broker_pool_settle(&p, a, s0); /* settling a free slot twice is harmless */
    ck_assert_uint_eq(a->nheld, 0);
    ck_assert_uint_eq(s->nidle, 1);
    broker_pool_settle(&p, b, broker_worker_job_slot(b, &jobs[1]));
    ck_assert_uint_eq(s->nidle, 2);
    broker_pool_free(&p);
}
END_TEST

START_TEST(test_pool_refuses_bad_names_and_too_many_services)
{
    broker_pool_t p;
    broker_pool_init(&p, 300, 1);
    broker_worker_t *w;
    ck_assert_int_eq(broker_pool_ready(&p, "a", 1, "", 0, 1, 0, &w), DS_EINVAL);
    ck_assert_int_eq(broker_pool_ready(&p, "", 0, "svc", 3, 1, 0, &w), DS_EINVAL);
    for (int i = 0; i < BROKER_MAX_SERVICES; i++) {
        char id[16], svc[16];
        snprintf(id, sizeof id, "w%d", i);
        snprintf(svc, sizeof svc, "s%d", i);
        ck_assert_int_eq(broker_pool_ready(&p, id, strlen(id), svc, strlen(svc), 1, 0, &w), 0);
    }
    ck_assert_int_eq(broker_pool_ready(&p, "x", 1, "one.more", 8, 1, 0, &w), DS_EINVAL);
    ck_assert_int_eq(broker_pool_ready(&p, "x", 1, "s1", 2, 1, 0, &w), 0); /* a known one is fine */
    broker_pool_free(&p);
}
END_TEST

/* ---- requests --------------------------------------------------------------------- */

START_TEST(test_requests_time_out_oldest_first_and_are_bounded)
{
    broker_requests_t rs;
    broker_requests_init(&rs, 2, 100);
    broker_reqlist_t l1, l2;
    broker_reqlist_init(&l1);
    broker_reqlist_init(&l2);
    zmq_msg_t body;
    zmq_msg_init_size(&body, 40);
    broker_request_t *a = broker_request_new("c1", 2, &body, NULL, 1000);
    zmq_msg_init_size(&body, 40);
    broker_request_t *b = broker_request_new("c2", 2, &body, NULL, 2000);
    ck_assert_uint_eq(zmq_msg_size(&body), 0); /* moved, not copied */
    ck_assert_int_eq(broker_requests_admit(&rs, 40), 0);
    broker_requests_enqueue(&rs, &l1, a);
    ck_assert_int_eq(broker_requests_admit(&rs, 61), DS_EBUSY);
    broker_requests_enqueue(&rs, &l2, b);
    ck_assert_int_eq(broker_requests_admit(&rs, 1), DS_EBUSY);
    ck_assert_int_eq(broker_requests_next_deadline(&rs), 1000);
    ck_assert_ptr_null(broker_requests_overdue(&rs, 999));
    ck_assert_ptr_eq(broker_requests_overdue(&rs, 1000), a);
    ck_assert_ptr_eq(broker_requests_pop(&rs, &l1), a);
    ck_assert_ptr_eq(broker_requests_overdue(&rs, 5000), b);
    broker_requests_remove(&rs, &l2, b);
    ck_assert_uint_eq(rs.count, 0);
    ck_assert_uint_eq(rs.bytes, 0);
    broker_request_destroy(&a);
    broker_request_destroy(&b);
    ck_assert_ptr_null(a);
    zmq_msg_close(&body);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("broker_policy");
    TCase *tc = tcase_create("policy");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_queue_is_fifo_and_accounts_every_admitted_item);
    tcase_add_test(tc, test_queue_admit_refuses_past_either_limit);
    tcase_add_test(tc, test_deferred_items_become_ready_in_due_order_only_when_due);
    tcase_add_test(tc, test_queue_heap_survives_many_random_items);
    tcase_add_test(tc, test_lease_settles_only_for_holder_and_current_token);
    tcase_add_test(tc, test_overdue_leases_come_out_in_deadline_order);
    tcase_add_test(tc, test_lease_without_limit_never_overdue);
    tcase_add_test(tc, test_backoff_doubles_with_jitter_and_is_capped);
    tcase_add_test(tc, test_retryable_failures_retry_until_max_attempts_then_dead);
    tcase_add_test(tc, test_non_retryable_failure_is_dead_at_once);
    tcase_add_test(tc, test_zero_base_backoff_retries_immediately);
    tcase_add_test(tc, test_dedup_same_digest_duplicate_other_digest_conflict);
    tcase_add_test(tc, test_dedup_cutoff_is_days_before_now);
    tcase_add_test(tc, test_ids_are_26_crockford_chars_sorted_by_time);
    tcase_add_test(tc, test_ids_increase_within_a_millisecond_and_when_the_clock_steps_back);
    tcase_add_test(tc, test_hash_finds_inserts_removes_and_grows);
    tcase_add_test(tc, test_pool_dispatches_least_recently_used_idle_worker);
    tcase_add_test(tc, test_pool_expires_the_worker_silent_longest);
    tcase_add_test(tc, test_pool_refuses_bad_names_and_too_many_services);
    tcase_add_test(tc, test_pool_credit_slots);
    tcase_add_test(tc, test_requests_time_out_oldest_first_and_are_bounded);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
