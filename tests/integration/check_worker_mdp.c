/* check_worker_mdp.c: dossier-worker as an MDP worker, against a tiny RFC 7 broker in
 * the test process and a real redis-server (one per TCase, FLUSHALL per test): the
 * request/reply bodies, what lands in Redis, idempotent redelivery, bad documents,
 * dead-letter records, heartbeat-driven reconnects and the DISCONNECT on drain. */
#include "check_worker_support.h"

#include "ds_digest.h"

#include <sys/wait.h>

static ds_test_redis_t *redis;

static void redis_up(void)
{
    redis = ds_test_redis_start(NULL);
    ck_assert_ptr_nonnull(redis);
}

static void redis_down(void)
{
    ds_test_redis_stop(&redis);
}

/* One test's world: the fake broker, a worker with one child, a Redis connection. */
typedef struct {
    tb_t *b;
    pid_t worker;
    redisContext *rc;
    char *dir;
    char log[512];
} world_t;

static void world_start(world_t *w, const char *const *extra)
{
    memset(w, 0, sizeof *w);
    ck_assert_msg(access(redis->sock, F_OK) == 0, "redis socket %s is gone", redis->sock);
    w->rc = tr_connect(redis);
    freeReplyObject(redisCommand(w->rc, "FLUSHALL"));
    w->b = tb_new();
    w->dir = ds_test_tmpdir("wmdp");
    snprintf(w->log, sizeof w->log, "%s/worker.log", w->dir);
    /* plain MDP (one request at a time) unless a test asks for more */
    const char *args[24] = {"--concurrency", "1", "--analysis", "counts", "--prefetch", "1"};
    int n = 6;
    for (int i = 0; extra && extra[i]; i++) {
        args[n++] = extra[i];
    }
    args[n] = NULL;
    w->worker = tw_start(w->b->endpoint, redis->url, w->log, args);
    ck_assert_msg(tb_wait_ready(w->b, 1, 10000), "worker sent no READY");
}

static void world_stop(world_t *w)
{
    if (w->worker > 0) {
        ds_test_stop(w->worker, SIGTERM, 5000);
    }
    tb_destroy(&w->b);
    redisFree(w->rc);
    ds_test_rmtree(w->dir);
    free(w->dir);
}

/* Sends one body and returns the reply (caller frees). */
static zframe_t *roundtrip(world_t *w, const ds_buf_t *body)
{
    ck_assert(tb_request(w->b, body->data, body->len));
    zframe_t *reply = tb_reply(w->b, 30000);
    if (reply == NULL) {
        size_t n = 0;
        char *log = ds_test_read_file(w->log, &n);
        ck_abort_msg("no REPLY from the worker; its log ends: %s",
                     log ? log + (n > 1500 ? n - 1500 : 0) : "");
    }
    return reply;
}

static void expect_reply(zframe_t *reply, const char *status, const char *id, const char *code)
{
    char v[512], err[512];
    tb_field(reply, "status", v, sizeof v);
    tb_field(reply, "error", err, sizeof err);
    ck_assert_msg(strcmp(v, status) == 0, "status %s, expected %s (error: %s)", v, status, err);
    tb_field(reply, "id", v, sizeof v);
    ck_assert_str_eq(v, id);
    tb_field(reply, "code", v, sizeof v);
    ck_assert_str_eq(v, code);
}

/* 3 + 12 words, letters only, so every tokenizer agrees. */
static const char *const TEXT =
    "Budget Talks Resume\n\nLawmakers met again today and talked about the budget for many hours.\n";

START_TEST(test_document_is_stored_then_replied_done)
{
    world_t w;
    const char *extra[] = {"--analysis", "full", NULL};
    world_start(&w, extra);
    ds_buf_t body = DS_BUF_INIT;
    tb_doc(&body, "doc-1", TEXT, 2);
    zframe_t *reply = roundtrip(&w, &body);
    expect_reply(reply, "done", "doc-1", "");
    char key[64];
    tb_field(reply, "key", key, sizeof key);
    ck_assert_str_eq(key, "dossier:doc:doc-1");

    char *v = tr_hget(w.rc, "dossier:doc:doc-1", "status");
    ck_assert_str_eq(v, "done");
    free(v);
    v = tr_hget(w.rc, "dossier:doc:doc-1", "words");
    ck_assert_str_eq(v, "15");
    free(v);
    v = tr_hget(w.rc, "dossier:doc:doc-1", "attempts");
    ck_assert_str_eq(v, "2");
    free(v);
    char digest[65];
    ds_sha256_hex((const uint8_t *)TEXT, strlen(TEXT), digest);
    v = tr_hget(w.rc, "dossier:doc:doc-1", "digest");
    ck_assert_str_eq(v, digest);
    free(v);
    v = tr_hget(w.rc, "dossier:doc:doc-1", "analyzed_at");
    ck_assert_msg(v && strlen(v) == 24 && v[10] == 'T' && v[23] == 'Z', "analyzed_at %s", v);
    free(v);
    ck_assert_int_eq(tr_int(w.rc, "XLEN %s", "dossier:results"), 1);
    redisReply *x = redisCommand(w.rc, "XRANGE dossier:results - +");
    ck_assert(x && x->elements == 1 && x->element[0]->element[1]->elements == 4);
    ck_assert_str_eq(x->element[0]->element[1]->element[1]->str, "doc-1");
    ck_assert_str_eq(x->element[0]->element[1]->element[3]->str, "done");
    freeReplyObject(x);

    /* the result is schema-valid and counts.words is right */
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "redis-cli -s %s --raw HGET dossier:doc:doc-1 result | head -c -1 > %s/r.json && "
             "/usr/bin/python3 tests/tools/validate_result.py proto/result.schema.json %s/r.json && "
             "/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); "
             "sys.exit(0 if r[\"counts\"][\"words\"]==15 and r[\"id\"]==\"doc-1\" else 1)' %s/r.json",
             redis->sock, w.dir, w.dir, w.dir);
    ds_buf_t out = DS_BUF_INIT;
    ck_assert_msg(ds_test_run(cmd, &out, 30000) == 0, "result invalid: %s", ds_buf_str(&out));
    ds_buf_free(&out);
    zframe_destroy(&reply);
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

START_TEST(test_second_delivery_leaves_one_stream_entry_and_same_hash)
{
    world_t w;
    world_start(&w, NULL);
    ds_buf_t body = DS_BUF_INIT;
    tb_doc(&body, "twice", TEXT, 1);
    zframe_t *reply = roundtrip(&w, &body);
    expect_reply(reply, "done", "twice", "");
    zframe_destroy(&reply);
    char *at1 = tr_hget(w.rc, "dossier:doc:twice", "analyzed_at");
    tb_doc(&body, "twice", TEXT, 2);
    reply = roundtrip(&w, &body);
    expect_reply(reply, "done", "twice", "");
    zframe_destroy(&reply);
    char *at2 = tr_hget(w.rc, "dossier:doc:twice", "analyzed_at");
    char *att = tr_hget(w.rc, "dossier:doc:twice", "attempts");
    ck_assert_str_eq(at1, at2);
    ck_assert_str_eq(att, "1");
    ck_assert_int_eq(tr_int(w.rc, "XLEN %s", "dossier:results"), 1);
    free(at1);
    free(at2);
    free(att);
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

START_TEST(test_body_without_id_gets_the_digest_as_id)
{
    world_t w;
    world_start(&w, NULL);
    ds_buf_t body = DS_BUF_INIT;
    tb_doc(&body, NULL, TEXT, 0);
    zframe_t *reply = roundtrip(&w, &body);
    char digest[65];
    ds_sha256_hex((const uint8_t *)TEXT, strlen(TEXT), digest);
    expect_reply(reply, "done", digest, "");
    char key[128];
    snprintf(key, sizeof key, "dossier:doc:%s", digest);
    char *v = tr_hget(w.rc, key, "status");
    ck_assert_str_eq(v, "done");
    free(v);
    zframe_destroy(&reply);
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

static void expect_failed(world_t *w, const ds_buf_t *body, const char *id, const char *code)
{
    zframe_t *reply = roundtrip(w, body);
    expect_reply(reply, "failed", id, code);
    ck_assert(!tb_flag(reply, "retryable"));
    char err[512];
    tb_field(reply, "error", err, sizeof err);
    ck_assert_msg(err[0] != '\0', "failed reply without an error message");
    zframe_destroy(&reply);
}

START_TEST(test_bad_documents_fail_without_retry_and_the_worker_keeps_serving)
{
    world_t w;
    const char *extra[] = {"--max-doc-bytes", "200", NULL};
    world_start(&w, extra);
    ds_buf_t body = DS_BUF_INIT;
    ds_buf_append(&body, "\xc1", 1);
    expect_failed(&w, &body, "", "bad_msgpack");
    ds_buf_reset(&body);
    ds_pack_t p;
    ds_pack_init(&p, &body);
    ds_pack_map(&p, 2);
    ds_pack_kv_str(&p, "id", "num");
    ds_pack_kv_int(&p, "text", 42);
    expect_failed(&w, &body, "num", "bad_field");
    tb_doc(&body, "blank", "  \n\t ", 1);
    expect_failed(&w, &body, "blank", "empty_text");
    char big[400];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    tb_doc(&body, "big", big, 1);
    expect_failed(&w, &body, "big", "too_large");
    ds_buf_reset(&body);
    ds_buf_append(&body, "\x81\xa4text\xa2\xff\xfe", 9); /* {text: <invalid UTF-8>} */
    expect_failed(&w, &body, "", "bad_utf8");
    ck_assert_int_eq(tr_int(w.rc, "EXISTS %s", "dossier:results"), 0);

    tb_doc(&body, "good", TEXT, 1);
    zframe_t *reply = roundtrip(&w, &body);
    expect_reply(reply, "done", "good", "");
    zframe_destroy(&reply);
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

static void pack_dead(ds_buf_t *body, const char *id)
{
    ds_buf_reset(body);
    ds_pack_t p;
    ds_pack_init(&p, body);
    ds_pack_map(&p, 6);
    ds_pack_kv_str(&p, "id", id);
    ds_pack_kv_str(&p, "text", TEXT);
    ds_pack_kv_bool(&p, "dead", true);
    ds_pack_kv_str(&p, "error", "analysis timed out 5 times");
    ds_pack_kv_str(&p, "code", "timeout");
    ds_pack_kv_int(&p, "attempt", 5);
}

START_TEST(test_dead_record_is_stored_once_and_a_requeue_replaces_it)
{
    world_t w;
    world_start(&w, NULL);
    ds_buf_t body = DS_BUF_INIT;
    pack_dead(&body, "poison");
    for (int i = 0; i < 2; i++) {
        zframe_t *reply = roundtrip(&w, &body);
        expect_reply(reply, "done", "poison", "");
        zframe_destroy(&reply);
    }
    char *v = tr_hget(w.rc, "dossier:doc:poison", "status");
    ck_assert_str_eq(v, "dead");
    free(v);
    v = tr_hget(w.rc, "dossier:doc:poison", "code");
    ck_assert_str_eq(v, "timeout");
    free(v);
    ck_assert_ptr_null(tr_hget(w.rc, "dossier:doc:poison", "result"));
    ck_assert_int_eq(tr_int(w.rc, "XLEN %s", "dossier:dead"), 1);

    /* the broker's DLQ requeue delivers it again as a normal document */
    tb_doc(&body, "poison", TEXT, 6);
    zframe_t *reply = roundtrip(&w, &body);
    expect_reply(reply, "done", "poison", "");
    zframe_destroy(&reply);
    v = tr_hget(w.rc, "dossier:doc:poison", "status");
    ck_assert_str_eq(v, "done");
    free(v);
    ck_assert_ptr_null(tr_hget(w.rc, "dossier:doc:poison", "error"));
    ck_assert_int_eq(tr_int(w.rc, "XLEN %s", "dossier:results"), 2); /* dead, then done */
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

START_TEST(test_sigterm_sends_disconnect_and_exits_zero)
{
    world_t w;
    world_start(&w, NULL);
    kill(w.worker, SIGTERM);
    int64_t until = ds_now_ms() + 10000;
    while (w.b->disconnects == 0 && ds_now_ms() < until) {
        zframe_t *from = NULL;
        zframe_t *body = tb_poll(w.b, 100, &from);
        zframe_destroy(&body);
        zframe_destroy(&from);
    }
    ck_assert_int_eq(w.b->disconnects, 1);
    int status = ds_test_wait(w.worker, 10000);
    ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "worker status %d", status);
    w.worker = 0;
    world_stop(&w);
}
END_TEST

/* --prefetch 3: one socket, READY with credit 3, three requests in flight at once,
 * each answered with its own client address; one DISCONNECT on SIGTERM. */
START_TEST(test_prefetch_3_child_takes_3_requests_on_one_socket_with_credit)
{
    world_t w;
    const char *extra[] = {"--prefetch", "3", NULL};
    world_start(&w, extra);
    ck_assert_int_eq(w.b->readies, 1);
    ck_assert_int_eq(w.b->last_credit, 3);
    ck_assert_int_eq(w.b->n_idle, 3); /* three slots of the one worker */
    zframe_t *worker = zframe_dup(w.b->idle[0]);
    ds_buf_t body = DS_BUF_INIT;
    for (int i = 0; i < 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "pf-%d", i);
        ck_assert(zframe_eq(w.b->idle[0], worker));
        ds_buf_reset(&body);
        tb_doc(&body, id, TEXT, 1);
        ck_assert(tb_request(w.b, body.data, body.len));
    }
    int got = 0, seen[3] = {0, 0, 0};
    int64_t until = ds_now_ms() + 20000;
    while (got < 3 && ds_now_ms() < until) {
        zframe_t *from = NULL;
        zframe_t *reply = tb_poll(w.b, 100, &from);
        if (reply) {
            char id[32];
            tb_field(reply, "id", id, sizeof id);
            int k = id[3] - '0';
            ck_assert_msg(strncmp(id, "pf-", 3) == 0 && k >= 0 && k < 3 && !seen[k], "reply for %s", id);
            ck_assert_msg(zframe_eq(from, worker), "reply for %s came from another socket", id);
            expect_reply(reply, "done", id, "");
            seen[k] = 1;
            got++;
        }
        zframe_destroy(&reply);
        zframe_destroy(&from);
    }
    ck_assert_int_eq(got, 3);
    ck_assert_int_eq(tr_int(w.rc, "XLEN %s", "dossier:results"), 3);
    kill(w.worker, SIGTERM);
    until = ds_now_ms() + 10000;
    while (w.b->disconnects < 1 && ds_now_ms() < until) {
        zframe_t *from = NULL;
        zframe_t *b2 = tb_poll(w.b, 100, &from);
        zframe_destroy(&b2);
        zframe_destroy(&from);
    }
    ck_assert_int_eq(w.b->disconnects, 1);
    ck_assert_int_eq(w.b->readies, 1);
    zframe_destroy(&worker);
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

START_TEST(test_silent_broker_makes_the_worker_reconnect_with_ready)
{
    world_t w;
    world_start(&w, NULL); /* heartbeat 500 ms: silent for 1.5 s means dead */
    struct timespec ts = {3, 0};
    nanosleep(&ts, NULL); /* the test broker neither reads nor heartbeats */
    ck_assert_msg(access(redis->sock, F_OK) == 0, "redis socket %s is gone after sleep", redis->sock);
    ck_assert_msg(tb_wait_ready(w.b, 2, 10000), "no second READY after the broker went silent");
    tb_wait_ready(w.b, 99, 500); /* take every READY already queued (heartbeating again) */
    /* and the new connection works */
    ds_buf_t body = DS_BUF_INIT;
    tb_doc(&body, "after", TEXT, 1);
    /* drop stale identities: only the newest READY is live */
    while (w.b->n_idle > 1) {
        zframe_destroy(&w.b->idle[0]);
        memmove(&w.b->idle[0], &w.b->idle[1], (size_t)(w.b->n_idle - 1) * sizeof w.b->idle[0]);
        w.b->n_idle--;
    }
    zframe_t *reply = roundtrip(&w, &body);
    expect_reply(reply, "done", "after", "");
    zframe_destroy(&reply);
    ds_buf_free(&body);
    world_stop(&w);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("worker_mdp");
    TCase *tc = tcase_create("mdp");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, redis_up, redis_down);
    tcase_add_test(tc, test_document_is_stored_then_replied_done);
    tcase_add_test(tc, test_second_delivery_leaves_one_stream_entry_and_same_hash);
    tcase_add_test(tc, test_body_without_id_gets_the_digest_as_id);
    tcase_add_test(tc, test_bad_documents_fail_without_retry_and_the_worker_keeps_serving);
    tcase_add_test(tc, test_dead_record_is_stored_once_and_a_requeue_replaces_it);
    tcase_add_test(tc, test_sigterm_sends_disconnect_and_exits_zero);
    tcase_add_test(tc, test_silent_broker_makes_the_worker_reconnect_with_ready);
    tcase_add_test(tc, test_prefetch_3_child_takes_3_requests_on_one_socket_with_credit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
