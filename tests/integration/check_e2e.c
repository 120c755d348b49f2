/* check_e2e.c: the walking skeleton end to end, with the real binaries: a real
 * redis-server, dossier-broker on tcp://127.0.0.1:* and dossier-worker.  The client is
 * the raw RFC 7 client of tests/support (written from the RFC, not from libdossier).
 * Checks what issue 2's "Done means" lists: accepted, mmi.service 200, the hash with
 * status done and a schema-valid result with the right word count, a typed rejection
 * for a bad body after which the next request still works. */
#include "ds_msg.h"
#include "ds_test.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    ds_test_redis_t *redis;
    char *dir;
    char endpoint[256];
    pid_t broker;
    pid_t worker;
} stack_t_;

static stack_t_ st;

static bool endpoint_written(void *arg)
{
    (void)arg;
    char path[512];
    snprintf(path, sizeof path, "%s/broker.endpoint", st.dir);
    size_t len = 0;
    char *ep = ds_test_read_file(path, &len);
    bool ok = ep && len > 6;
    if (ok) {
        snprintf(st.endpoint, sizeof st.endpoint, "%.*s", (int)strcspn(ep, "\r\n"), ep);
    }
    free(ep);
    return ok;
}

static void start_stack(void)
{
    st.redis = ds_test_redis_start(NULL);
    ck_assert_ptr_nonnull(st.redis);
    st.dir = ds_test_tmpdir("e2e");
    char journal[512], epfile[512], log[512];
    snprintf(journal, sizeof journal, "%s/journal", st.dir);
    snprintf(epfile, sizeof epfile, "%s/broker.endpoint", st.dir);
    snprintf(log, sizeof log, "%s/broker.log", st.dir);
    char *broker_bin = ds_test_bin("dossier-broker");
    char *bargv[] = {broker_bin, "--bind", "tcp://127.0.0.1:*", "--journal", journal, "--endpoint-file",
                     epfile,     NULL};
    st.broker = ds_test_spawn(bargv, log);
    ck_assert_msg(ds_test_eventually(endpoint_written, NULL, 10000), "broker wrote no endpoint file");
    char *worker_bin = ds_test_bin("dossier-worker");
    snprintf(log, sizeof log, "%s/worker.log", st.dir);
    char *wargv[] = {worker_bin,    "--broker",      st.endpoint, "--redis",
                     st.redis->url, "--concurrency", "1",         NULL};
    st.worker = ds_test_spawn(wargv, log);
    free(broker_bin);
    free(worker_bin);
}

static void stop_stack(void)
{
    ds_test_stop(st.worker, SIGTERM, 5000);
    ds_test_stop(st.broker, SIGTERM, 5000);
    ds_test_redis_stop(&st.redis);
    ds_test_rmtree(st.dir);
    free(st.dir);
}

static void pack_doc(ds_buf_t *out, const char *id, const char *text)
{
    ds_pack_t p;
    ds_pack_init(&p, out);
    ds_pack_map(&p, 2);
    ds_pack_kv_str(&p, "id", id);
    ds_pack_kv_str(&p, "text", text);
}

/* Sends body to service; returns the reply's `field` as a new string ("" if absent). */
static char *request_field(const char *service, const ds_buf_t *body, const char *field)
{
    ds_buf_t reply = DS_BUF_INIT;
    int rc = ds_test_mdp_request(st.endpoint, service, body->data, body->len, &reply, 10000);
    ck_assert_msg(rc == 0, "no reply from %s", service);
    ds_body_t b;
    char err[256];
    ck_assert_int_eq(ds_body_parse(&b, (const uint8_t *)reply.data, reply.len, err, sizeof err), 0);
    ds_str_t s;
    ds_body_str(&b, field, &s, err, sizeof err);
    char *v = ds_str_dup(s);
    ds_body_free(&b);
    ds_buf_free(&reply);
    return v;
}

static const char *doc_id;

static bool doc_done(void *arg)
{
    (void)arg;
    char args[256];
    snprintf(args, sizeof args, "HGET dossier:doc:%s status", doc_id);
    char *out = ds_test_redis_cli(st.redis, args);
    bool done = strncmp(out, "done", 4) == 0;
    free(out);
    return done;
}

START_TEST(test_submitted_document_is_analysed_into_redis)
{
    start_stack();
    /* 9 words, 2 sentences, 1 paragraph */
    const char *text = "Ministers met in Vienna on Tuesday. Talks resumed quickly.";
    ds_buf_t body = DS_BUF_INIT;
    pack_doc(&body, "e2e-1", text);
    char *status = request_field("dossier.submit", &body, "status");
    ck_assert_str_eq(status, "accepted");
    free(status);
    doc_id = "e2e-1";
    ck_assert_msg(ds_test_eventually(doc_done, NULL, 15000), "document never reached status done");

    char *words = ds_test_redis_cli(st.redis, "HGET dossier:doc:e2e-1 words");
    ck_assert_int_eq(atoi(words), 9);
    free(words);
    char *xlen = ds_test_redis_cli(st.redis, "XLEN dossier:results");
    ck_assert_int_eq(atoi(xlen), 1);
    free(xlen);

    /* the stored result validates against proto/result.schema.json */
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "redis-cli -s %s --raw HGET dossier:doc:e2e-1 result > %s/result.json && "
             "/usr/bin/python3 -c \"import json,sys,jsonschema; "
             "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1]))); "
             "print(\\\"valid\\\")\" "
             "proto/result.schema.json %s/result.json",
             st.redis->sock, st.dir, st.dir);
    ds_buf_t out = DS_BUF_INIT;
    int rc = ds_test_run(cmd, &out, 30000);
    ck_assert_msg(rc == 0, "result does not validate: %s", ds_buf_str(&out));
    ck_assert_ptr_nonnull(strstr(ds_buf_str(&out), "valid"));
    ds_buf_free(&out);
    ds_buf_free(&body);
    stop_stack();
}
END_TEST

static bool analyze_offered(void *arg)
{
    (void)arg;
    ds_buf_t reply = DS_BUF_INIT;
    int rc = ds_test_mdp_request(st.endpoint, "mmi.service", "dossier.analyze", 15, &reply, 2000);
    bool ok = rc == 0 && reply.len == 3 && memcmp(reply.data, "200", 3) == 0;
    ds_buf_free(&reply);
    return ok;
}

START_TEST(test_mmi_service_reports_analyze_while_a_worker_is_up)
{
    start_stack();
    ck_assert(ds_test_eventually(analyze_offered, NULL, 10000));
    ds_buf_t reply = DS_BUF_INIT;
    ck_assert_int_eq(ds_test_mdp_request(st.endpoint, "mmi.service", "no.such.service", 15, &reply, 5000), 0);
    ck_assert_int_eq((int)reply.len, 3);
    ck_assert_mem_eq(reply.data, "404", 3);
    ds_buf_free(&reply);
    stop_stack();
}
END_TEST

START_TEST(test_text_42_is_rejected_naming_the_field_and_next_request_works)
{
    start_stack();
    ds_buf_t body = DS_BUF_INIT;
    ds_pack_t p;
    ds_pack_init(&p, &body);
    ds_pack_map(&p, 2);
    ds_pack_kv_str(&p, "id", "bad-1");
    ds_pack_kv_int(&p, "text", 42);
    char *status = request_field("dossier.submit", &body, "status");
    ck_assert_str_eq(status, "rejected");
    free(status);
    char *code = request_field("dossier.submit", &body, "code");
    ck_assert_str_eq(code, "bad_field");
    free(code);
    char *error = request_field("dossier.submit", &body, "error");
    ck_assert_ptr_nonnull(strstr(error, "text"));
    free(error);

    ds_buf_reset(&body);
    pack_doc(&body, "good-1", "The next request still works after a bad one.");
    status = request_field("dossier.submit", &body, "status");
    ck_assert_str_eq(status, "accepted");
    free(status);
    doc_id = "good-1";
    ck_assert(ds_test_eventually(doc_done, NULL, 15000));
    ds_buf_free(&body);
    stop_stack();
}
END_TEST

START_TEST(test_sample_article_reaches_redis_with_its_title)
{
    char *path = ds_test_sample("us-iran-relations-2007.txt");
    ck_assert_msg(path != NULL, "../shared/samples/us-iran-relations-2007.txt not found (set DS_SHARED)");
    size_t len = 0;
    char *text = ds_test_read_file(path, &len);
    ck_assert_ptr_nonnull(text);
    start_stack();
    ds_buf_t body = DS_BUF_INIT;
    pack_doc(&body, "sample-1", text);
    char *status = request_field("dossier.submit", &body, "status");
    ck_assert_str_eq(status, "accepted");
    free(status);
    doc_id = "sample-1";
    ck_assert(ds_test_eventually(doc_done, NULL, 20000));
    char *title = ds_test_redis_cli(st.redis, "HGET dossier:doc:sample-1 title");
    ck_assert_msg(strstr(title, "A New Beginning in US-Iran Relations?") != NULL, "title was %s", title);
    free(title);
    ds_buf_free(&body);
    free(text);
    free(path);
    stop_stack();
}
END_TEST

static Suite *e2e_suite(void)
{
    Suite *s = suite_create("e2e");
    TCase *tc = tcase_create("skeleton");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_submitted_document_is_analysed_into_redis);
    tcase_add_test(tc, test_mmi_service_reports_analyze_while_a_worker_is_up);
    tcase_add_test(tc, test_text_42_is_rejected_naming_the_field_and_next_request_works);
    tcase_add_test(tc, test_sample_article_reaches_redis_with_its_title);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(e2e_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
