/* check_worker_store.c: the store script and its retry loop (worker_script.h,
 * worker_redis.h) against a real redis-server: exactly-once effect when a document is
 * written twice, indexes, TTL, near-duplicates, dead records, NOSCRIPT, and Redis
 * out of memory, paused, and restarted while a write is being retried. */
#include "check_worker_support.h"

#include "worker_redis.h"
#include "worker_script.h"

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

static const engine_entity_key_t ENTS[] = {{"PERSON", "condoleezza_rice"}, {"ORG", "un"}};
static const char *const CCS[] = {"IR", "US"};
static const char *const THEMES[] = {"DIPLOMACY"};
#define PUBLISHED_MS 1180310400000LL
#define SIMHASH 0x0123456789abcdefULL

static engine_summary_t summary(uint64_t simhash)
{
    engine_summary_t s = {
        "Talks Resume", "2007-05-28", PUBLISHED_MS, "en", 15, -1.25, simhash, ENTS, 2, CCS, 2, THEMES, 1};
    return s;
}

typedef struct {
    worker_redis_t *r;
    worker_args_t args;
    worker_store_t st;
    redisContext *c;
} fx_t;

static void fx_open(fx_t *f, int64_t timeout_ms, int64_t give_up_ms)
{
    memset(f, 0, sizeof *f);
    signal(SIGPIPE, SIG_IGN); /* as dossier-worker does: a dead Redis must not kill us */
    f->c = tr_connect(redis);
    freeReplyObject(redisCommand(f->c, "FLUSHALL"));
    freeReplyObject(redisCommand(f->c, "SCRIPT FLUSH"));
    worker_redis_addr_t addr;
    char err[256];
    ck_assert_int_eq(worker_redis_parse_url(redis->url, &addr, err, sizeof err), 0);
    worker_redis_opts_t o = {timeout_ms, give_up_ms, 20, 200};
    f->r = worker_redis_new(&addr, &o);
    worker_args_init(&f->args);
    f->st = (worker_store_t){"dossier", 1000, 0, true};
}

static void fx_close(fx_t *f)
{
    worker_args_free(&f->args);
    worker_redis_destroy(&f->r);
    if (f->c) {
        redisFree(f->c);
    }
}

static int put_done(fx_t *f, const char *id, uint64_t simhash, int64_t at_ms, worker_outcome_t *out,
                    char *err, size_t errlen)
{
    engine_summary_t s = summary(simhash);
    worker_done_t d = {id, "abc", 1, at_ms, "{\"schema_version\":\"1\"}", 22, &s};
    worker_script_done_args(&f->args, worker_redis_sha(f->r), &f->st, &d);
    return worker_redis_eval(f->r, &f->args, out, err, errlen);
}

static void expect_done(fx_t *f, const char *id, uint64_t simhash, bool stored)
{
    worker_outcome_t out;
    char err[256] = "";
    int rc = put_done(f, id, simhash, 1700000000000LL + (stored ? 0 : 5000), &out, err, sizeof err);
    ck_assert_msg(rc == 0, "store failed: %s", err);
    ck_assert_int_eq(out.stored, stored);
    ck_assert_str_eq(out.status, "done");
}

static void expect_dead(fx_t *f, const char *id, bool stored)
{
    worker_dead_t d = {id, "", "gave up after 5 attempts", "timeout", 5, 1700000000000LL};
    worker_script_dead_args(&f->args, worker_redis_sha(f->r), &f->st, &d);
    worker_outcome_t out;
    char err[256] = "";
    ck_assert_msg(worker_redis_eval(f->r, &f->args, &out, err, sizeof err) == 0, "store failed: %s", err);
    ck_assert_int_eq(out.stored, stored);
}

/* HGETALL as one string "f=v;f=v;" for comparisons. */
static char *hgetall(redisContext *c, const char *key)
{
    redisReply *r = redisCommand(c, "HGETALL %s", key);
    ck_assert(r && r->type == REDIS_REPLY_ARRAY);
    ds_buf_t b = DS_BUF_INIT;
    for (size_t i = 0; i + 1 < r->elements; i += 2) {
        ds_buf_printf(&b, "%s=%s;", r->element[i]->str, r->element[i + 1]->str);
    }
    freeReplyObject(r);
    return ds_buf_detach(&b, NULL);
}

START_TEST(test_writing_a_document_twice_leaves_redis_as_writing_it_once)
{
    fx_t f;
    fx_open(&f, 2000, 5000);
    expect_done(&f, "doc-1", SIMHASH, true);
    char *once = hgetall(f.c, "dossier:doc:doc-1");
    redisReply *m1 = redisCommand(f.c, "ZRANGE dossier:idx:entity:PERSON:condoleezza_rice 0 -1 WITHSCORES");
    expect_done(&f, "doc-1", SIMHASH, false); /* redelivered: different analysis time */
    char *twice = hgetall(f.c, "dossier:doc:doc-1");
    ck_assert_str_eq(once, twice);
    ck_assert_int_eq(tr_int(f.c, "XLEN %s", "dossier:results"), 1);
    redisReply *m2 = redisCommand(f.c, "ZRANGE dossier:idx:entity:PERSON:condoleezza_rice 0 -1 WITHSCORES");
    ck_assert(m1->elements == 2 && m2->elements == 2);
    ck_assert_str_eq(m1->element[0]->str, m2->element[0]->str);
    ck_assert_str_eq(m1->element[1]->str, m2->element[1]->str);
    ck_assert_int_eq(tr_int(f.c, "SCARD %s", "dossier:simhash:0:0123"), 1);
    freeReplyObject(m1);
    freeReplyObject(m2);
    free(once);
    free(twice);
    fx_close(&f);
}
END_TEST

START_TEST(test_hash_fields_indexes_and_ttl)
{
    fx_t f;
    fx_open(&f, 2000, 5000);
    f.st.ttl_s = 3600;
    expect_done(&f, "doc-2", SIMHASH, true);
    char *all = hgetall(f.c, "dossier:doc:doc-2");
    const char *want[] = {"id=doc-2;",
                          "status=done;",
                          "title=Talks Resume;",
                          "published=2007-05-28;",
                          "lang=en;",
                          "words=15;",
                          "tone=-1.25;",
                          "digest=abc;",
                          "attempts=1;",
                          "analyzed_at=2023-11-14T22:13:20.000Z;",
                          "result={\"schema_version\":\"1\"};",
                          "simhash=0123456789abcdef;"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_msg(strstr(all, want[i]) != NULL, "missing %s in %s", want[i], all);
    }
    ck_assert_ptr_null(strstr(all, "duplicate_of"));
    free(all);
    const char *keys[] = {"dossier:idx:entity:PERSON:condoleezza_rice", "dossier:idx:entity:ORG:un",
                          "dossier:idx:country:IR", "dossier:idx:country:US", "dossier:idx:theme:DIPLOMACY"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        redisReply *r = redisCommand(f.c, "ZSCORE %s doc-2", keys[i]);
        ck_assert_msg(r && r->type == REDIS_REPLY_STRING, "doc-2 not in %s", keys[i]);
        ck_assert_int_eq(atoll(r->str), PUBLISHED_MS);
        freeReplyObject(r);
    }
    long long ttl = tr_int(f.c, "TTL %s", "dossier:doc:doc-2");
    ck_assert(ttl > 3500 && ttl <= 3600);
    redisReply *x = redisCommand(f.c, "XRANGE dossier:results - +");
    ck_assert(x && x->elements == 1);
    ck_assert_str_eq(x->element[0]->element[1]->element[0]->str, "id");
    ck_assert_str_eq(x->element[0]->element[1]->element[1]->str, "doc-2");
    ck_assert_str_eq(x->element[0]->element[1]->element[2]->str, "status");
    ck_assert_str_eq(x->element[0]->element[1]->element[3]->str, "done");
    freeReplyObject(x);
    fx_close(&f);
}
END_TEST

START_TEST(test_near_duplicate_is_marked_and_a_distant_one_is_not)
{
    fx_t f;
    fx_open(&f, 2000, 5000);
    expect_done(&f, "orig", SIMHASH, true);
    expect_done(&f, "near", SIMHASH ^ 0x8000000000000005ULL, true); /* 3 bits */
    expect_done(&f, "far", SIMHASH ^ 0xF0F0ULL, true);              /* 8 bits, one band */
    expect_done(&f, "same", SIMHASH, true);                         /* identical */
    char *v = tr_hget(f.c, "dossier:doc:near", "duplicate_of");
    ck_assert_str_eq(v, "orig");
    free(v);
    v = tr_hget(f.c, "dossier:doc:same", "duplicate_of");
    ck_assert_str_eq(v, "orig");
    free(v);
    ck_assert_ptr_null(tr_hget(f.c, "dossier:doc:far", "duplicate_of"));
    ck_assert_ptr_null(tr_hget(f.c, "dossier:doc:orig", "duplicate_of"));
    fx_close(&f);
}
END_TEST

START_TEST(test_a_cluster_of_identical_documents_keeps_buckets_bounded)
{
    fx_t f;
    fx_open(&f, 2000, 5000);
    for (int i = 0; i < WORKER_SIMHASH_BUCKET_MAX + 20; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%03d", i);
        expect_done(&f, id, SIMHASH, true);
    }
    ck_assert_int_eq(tr_int(f.c, "SCARD %s", "dossier:simhash:2:89ab"), WORKER_SIMHASH_BUCKET_MAX);
    /* a near-duplicate of the cluster still finds it */
    expect_done(&f, "z-near", SIMHASH ^ 0x3ULL, true);
    char *v = tr_hget(f.c, "dossier:doc:z-near", "duplicate_of");
    ck_assert_msg(v && v[0] == 'c', "duplicate_of %s", v ? v : "(none)");
    free(v);
    v = tr_hget(f.c, "dossier:doc:c050", "duplicate_of");
    ck_assert_str_eq(v, "c000");
    free(v);
    fx_close(&f);
}
END_TEST

START_TEST(test_dead_record_is_final_until_a_done_replaces_it)
{
    fx_t f;
    fx_open(&f, 2000, 5000);
    expect_dead(&f, "bad", true);
    expect_dead(&f, "bad", false);
    ck_assert_int_eq(tr_int(f.c, "XLEN %s", "dossier:dead"), 1);
    char *v = tr_hget(f.c, "dossier:doc:bad", "status");
    ck_assert_str_eq(v, "dead");
    free(v);
    expect_done(&f, "bad", 0, true); /* requeued from the DLQ, then analysed */
    ck_assert_ptr_null(tr_hget(f.c, "dossier:doc:bad", "error"));
    ck_assert_ptr_null(tr_hget(f.c, "dossier:doc:bad", "dead_at"));
    expect_dead(&f, "bad", false); /* a late dead record never overwrites done */
    v = tr_hget(f.c, "dossier:doc:bad", "status");
    ck_assert_str_eq(v, "done");
    free(v);
    ck_assert_int_eq(tr_int(f.c, "XLEN %s", "dossier:dead"), 1);
    ck_assert_int_eq(tr_int(f.c, "XLEN %s", "dossier:results"), 2);
    fx_close(&f);
}
END_TEST

/* A batch (worker_redis_eval_many) goes as one script call in "many" mode: each
 * document gets its own answer, and one already stored is not written again. */
START_TEST(test_a_batch_is_one_script_call_with_an_answer_per_document)
{
    fx_t f;
    fx_open(&f, 2000, 5000);
    expect_done(&f, "b-old", SIMHASH, true);
    freeReplyObject(redisCommand(f.c, "CONFIG RESETSTAT"));
    worker_args_t args[3];
    worker_redis_item_t items[3];
    const char *ids[3] = {"b-new-1", "b-old", "b-new-2"};
    const uint64_t sims[3] = {0x1111111111111111ULL, SIMHASH, SIMHASH ^ 0x1ULL};
    engine_summary_t sum[3];
    memset(items, 0, sizeof items);
    for (int i = 0; i < 3; i++) {
        sum[i] = summary(sims[i]);
        worker_done_t d = {ids[i], "abc", 1, 1700000000000LL, "{\"schema_version\":\"1\"}", 22, &sum[i]};
        worker_args_init(&args[i]);
        worker_script_done_args(&args[i], worker_redis_sha(f.r), &f.st, &d);
        items[i].args = &args[i];
    }
    ck_assert_int_eq(worker_redis_eval_many(f.r, items, 3), 0);
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(items[i].rc == 0, "%s: %s", ids[i], items[i].err);
        ck_assert_str_eq(items[i].out.status, "done");
        ck_assert_int_eq(items[i].out.stored, i != 1);
        char key[64];
        snprintf(key, sizeof key, "dossier:doc:%s", ids[i]);
        char *v = tr_hget(f.c, key, "status");
        ck_assert_str_eq(v, "done");
        free(v);
    }
    ck_assert_str_eq(items[1].out.duplicate_of, "");
    ck_assert_str_eq(items[2].out.duplicate_of, "b-old"); /* one bit from b-old */
    ck_assert_int_eq(tr_int(f.c, "XLEN %s", "dossier:results"), 3);
    /* one EVALSHA for the three */
    redisReply *r = redisCommand(f.c, "INFO commandstats");
    ck_assert(r != NULL && r->str != NULL);
    ck_assert_msg(strstr(r->str, "cmdstat_evalsha:calls=1,") != NULL, "%s", r->str);
    /* the two new documents share their 5 index keys: one ZADD per key */
    ck_assert_msg(strstr(r->str, "cmdstat_zadd:calls=5,") != NULL, "%s", r->str);
    freeReplyObject(r);
    ck_assert_int_eq(tr_int(f.c, "ZCARD %s", "dossier:idx:entity:PERSON:condoleezza_rice"), 3);
    ck_assert_int_eq(tr_int(f.c, "ZCARD %s", "dossier:idx:country:IR"), 3);
    ck_assert_int_eq(tr_int(f.c, "ZCARD %s", "dossier:idx:theme:DIPLOMACY"), 3);
    for (int i = 0; i < 3; i++) {
        worker_args_free(&args[i]);
    }
    fx_close(&f);
}
END_TEST

START_TEST(test_script_flush_is_answered_with_script_load)
{
    fx_t f;
    fx_open(&f, 2000, 5000);
    expect_done(&f, "a", 0, true);
    freeReplyObject(redisCommand(f.c, "SCRIPT FLUSH"));
    expect_done(&f, "b", 0, true);
    ck_assert_int_eq(tr_int(f.c, "XLEN %s", "dossier:results"), 2);
    fx_close(&f);
}
END_TEST

/* The ACL of deploy/redis.conf: the worker may run its script on dossier:* keys and
 * nothing else. */
#define WORKER_ACL                                                                                           \
    "ACL SETUSER dossier-worker reset on >pw ~dossier:* resetchannels -@all +evalsha +script|load "          \
    "+ping +hget +hset +hsetnx +hdel +xadd +zadd +sadd +smembers +scard +expire"

START_TEST(test_least_privilege_acl_user_can_store_and_nothing_more)
{
    fx_t f;
    fx_open(&f, 2000, 5000);
    redisReply *r = redisCommand(f.c, WORKER_ACL);
    ck_assert_msg(r && r->type == REDIS_REPLY_STATUS, "ACL SETUSER: %s", r && r->str ? r->str : "?");
    freeReplyObject(r);
    worker_redis_destroy(&f.r);
    char url[700], err[256] = "";
    snprintf(url, sizeof url, "unix://dossier-worker:pw@%s", redis->sock);
    worker_redis_addr_t addr;
    ck_assert_int_eq(worker_redis_parse_url(url, &addr, err, sizeof err), 0);
    worker_redis_opts_t o = {2000, 300, 20, 100};
    f.r = worker_redis_new(&addr, &o);
    expect_done(&f, "acl-1", SIMHASH, true);
    expect_done(&f, "acl-1", SIMHASH, false);
    expect_dead(&f, "acl-2", true);
    f.st.prefix = "other"; /* keys outside dossier:* are refused */
    worker_outcome_t out;
    ck_assert_int_eq(put_done(&f, "acl-3", 0, 1, &out, err, sizeof err), DS_EREDIS);
    ck_assert_msg(strstr(err, "NOPERM") || strstr(err, "permission"), "error was %s", err);
    fx_close(&f);
}
END_TEST

/* ---- outages: each fixes itself from the wait hook after a few retries --------- */

typedef struct {
    int calls;
    int fix_after;
    const char *fix; /* a redis command to run from a second connection */
    bool restart;    /* or: start redis-server again */
    pid_t restarted;
} outage_t;

static bool socket_up(void *arg)
{
    (void)arg;
    struct timeval tv = {0, 200000};
    redisContext *c = redisConnectUnixWithTimeout(redis->sock, tv);
    bool ok = c && !c->err;
    if (c) {
        redisFree(c);
    }
    return ok;
}

static bool outage_wait(void *arg, int64_t ms)
{
    outage_t *o = arg;
    if (++o->calls == o->fix_after) {
        if (o->restart) {
            char conf[600];
            snprintf(conf, sizeof conf, "%s/redis.conf", redis->dir);
            char *argv[] = {"/usr/bin/redis-server", conf, NULL};
            o->restarted = tw_spawn(argv, NULL);
            ck_assert(ds_test_eventually(socket_up, NULL, 5000));
        } else {
            redisContext *c = tr_connect(redis);
            freeReplyObject(redisCommand(c, o->fix));
            redisFree(c);
        }
    }
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    return true;
}

START_TEST(test_out_of_memory_is_retried_and_nothing_is_half_written)
{
    fx_t f;
    fx_open(&f, 2000, 600);
    freeReplyObject(redisCommand(f.c, "CONFIG SET maxmemory-policy noeviction"));
    freeReplyObject(redisCommand(f.c, "CONFIG SET maxmemory 1"));
    worker_outcome_t out;
    char err[256] = "";
    ck_assert_int_eq(put_done(&f, "oom", SIMHASH, 1, &out, err, sizeof err), DS_EREDIS);
    ck_assert_msg(strstr(err, "OOM") != NULL, "error was %s", err);
    ck_assert_int_eq(tr_int(f.c, "DBSIZE%s", ""), 0);

    worker_redis_destroy(&f.r);
    worker_redis_addr_t addr;
    ck_assert_int_eq(worker_redis_parse_url(redis->url, &addr, err, sizeof err), 0);
    worker_redis_opts_t o = {2000, 20000, 20, 100};
    f.r = worker_redis_new(&addr, &o);
    outage_t ot = {0, 3, "CONFIG SET maxmemory 0", false, 0};
    worker_redis_set_wait(f.r, outage_wait, &ot);
    ck_assert_int_eq(put_done(&f, "oom", SIMHASH, 1, &out, err, sizeof err), 0);
    ck_assert(out.stored);
    ck_assert_int_ge(ot.calls, 3);
    ck_assert_int_eq(tr_int(f.c, "XLEN %s", "dossier:results"), 1);
    fx_close(&f);
}
END_TEST

START_TEST(test_client_pause_is_waited_out)
{
    fx_t f;
    fx_open(&f, 300, 20000); /* command timeout shorter than the pause */
    expect_done(&f, "before", 0, true);
    freeReplyObject(redisCommand(f.c, "CLIENT PAUSE 1500 WRITE"));
    int64_t t0 = ds_now_ms();
    expect_done(&f, "during", 0, true);
    ck_assert_int_ge(ds_now_ms() - t0, 1000); /* it really waited for the pause */
    ck_assert_int_eq(tr_int(f.c, "XLEN %s", "dossier:results"), 2);
    fx_close(&f);
}
END_TEST

START_TEST(test_redis_restart_during_retries_is_survived)
{
    fx_t f;
    fx_open(&f, 500, 20000);
    expect_done(&f, "before", 0, true);
    freeReplyObject(redisCommand(f.c, "SHUTDOWN NOSAVE"));
    redisFree(f.c);
    f.c = NULL;
    outage_t ot = {0, 3, NULL, true, 0};
    worker_redis_set_wait(f.r, outage_wait, &ot);
    worker_outcome_t out;
    char err[256] = "";
    ck_assert_msg(put_done(&f, "after", 0, 1, &out, err, sizeof err) == 0, "store failed: %s", err);
    ck_assert(out.stored);
    ck_assert_int_ge(ot.calls, 3);
    f.c = tr_connect(redis);
    ck_assert_int_eq(tr_int(f.c, "EXISTS %s", "dossier:doc:after"), 1);
    fx_close(&f);
    ds_test_stop(ot.restarted, SIGTERM, 5000);
}
END_TEST

START_TEST(test_unreachable_redis_gives_up_after_the_bound)
{
    fx_t f;
    fx_open(&f, 200, 700);
    freeReplyObject(redisCommand(f.c, "SHUTDOWN NOSAVE"));
    redisFree(f.c);
    f.c = NULL;
    worker_outcome_t out;
    char err[256] = "";
    int64_t t0 = ds_now_ms();
    ck_assert_int_eq(put_done(&f, "lost", 0, 1, &out, err, sizeof err), DS_EREDIS);
    ck_assert_int_ge(ds_now_ms() - t0, 600);
    ck_assert_msg(err[0] != '\0', "no error message");
    fx_close(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("worker_store");
    TCase *tc = tcase_create("script");
    tcase_set_timeout(tc, 30);
    tcase_add_unchecked_fixture(tc, redis_up, redis_down);
    tcase_add_test(tc, test_writing_a_document_twice_leaves_redis_as_writing_it_once);
    tcase_add_test(tc, test_hash_fields_indexes_and_ttl);
    tcase_add_test(tc, test_near_duplicate_is_marked_and_a_distant_one_is_not);
    tcase_add_test(tc, test_a_cluster_of_identical_documents_keeps_buckets_bounded);
    tcase_add_test(tc, test_dead_record_is_final_until_a_done_replaces_it);
    tcase_add_test(tc, test_script_flush_is_answered_with_script_load);
    tcase_add_test(tc, test_a_batch_is_one_script_call_with_an_answer_per_document);
    tcase_add_test(tc, test_least_privilege_acl_user_can_store_and_nothing_more);
    tcase_add_test(tc, test_out_of_memory_is_retried_and_nothing_is_half_written);
    tcase_add_test(tc, test_client_pause_is_waited_out);
    suite_add_tcase(s, tc);
    /* these shut Redis down: one server each */
    TCase *down = tcase_create("restart");
    tcase_set_timeout(down, 30);
    tcase_add_unchecked_fixture(down, redis_up, redis_down);
    tcase_add_test(down, test_redis_restart_during_retries_is_survived);
    suite_add_tcase(s, down);
    TCase *gone = tcase_create("gone");
    tcase_set_timeout(gone, 30);
    tcase_add_unchecked_fixture(gone, redis_up, redis_down);
    tcase_add_test(gone, test_unreachable_redis_gives_up_after_the_bound);
    suite_add_tcase(s, gone);
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
