/* check_client_lib.c: libdossier (proto/dossier.h) against a scripted Majordomo peer.
 *
 * The peer is a ROUTER socket in a thread of the forked test, bound to
 * tcp://127.0.0.1:*, that answers dossier.submit the way a test asks (accept, drop the
 * first copy, answer busy first, answer twice, never answer), so the client's resend,
 * busy and matching rules are checked exactly; the real broker is exercised by
 * tests/integration/check_client_e2e.c.
 */
#include "dossier.h"
#include "ds_buf.h"
#include "ds_msg.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

typedef enum { PEER_ACCEPT, PEER_DROP_FIRST, PEER_BUSY_FIRST, PEER_TWICE, PEER_SILENT } peer_mode_t;

typedef struct {
    void *ctx;
    void *sock;
    char endpoint[128];
    peer_mode_t mode;
    pthread_t thread;
    volatile int stop;
    int requests;
    char seen[512][DOSSIER_ID_MAX + 1]; /* ids seen once (for the *_FIRST modes) */
    int nseen;
} peer_t;

static bool seen_before(peer_t *p, const char *id)
{
    for (int i = 0; i < p->nseen; i++) {
        if (strcmp(p->seen[i], id) == 0) {
            return true;
        }
    }
    if (p->nseen < 512) {
        snprintf(p->seen[p->nseen++], DOSSIER_ID_MAX + 1, "%s", id);
    }
    return false;
}

static void reply(peer_t *p, zmq_msg_t *identity, const char *service, const char *status, const char *id)
{
    ds_buf_t b = DS_BUF_INIT;
    ds_pack_t pk;
    ds_pack_init(&pk, &b);
    ds_pack_map(&pk, strcmp(status, "busy") == 0 ? 3 : 2);
    ds_pack_kv_str(&pk, "status", status);
    ds_pack_kv_str(&pk, "id", id);
    if (strcmp(status, "busy") == 0) {
        ds_pack_kv_int(&pk, "retry_after_ms", 30);
    }
    zmq_send(p->sock, zmq_msg_data(identity), zmq_msg_size(identity), ZMQ_SNDMORE);
    zmq_send(p->sock, "", 0, ZMQ_SNDMORE);
    zmq_send(p->sock, "MDPC01", 6, ZMQ_SNDMORE);
    zmq_send(p->sock, service, strlen(service), ZMQ_SNDMORE);
    zmq_send(p->sock, b.data, b.len, 0);
    ds_buf_free(&b);
}

/* Handles one request: frames identity "" MDPC01 service body. */
static void serve_one(peer_t *p)
{
    zmq_msg_t f[5];
    int n = 0;
    int more = 1;
    while (more && n < 5) {
        zmq_msg_init(&f[n]);
        zmq_msg_recv(&f[n], p->sock, 0);
        more = zmq_msg_more(&f[n]);
        n++;
    }
    ck_assert_int_eq(n, 5);
    char service[64];
    snprintf(service, sizeof service, "%.*s", (int)zmq_msg_size(&f[3]), (char *)zmq_msg_data(&f[3]));
    ds_body_t body;
    char err[128];
    ck_assert_int_eq(ds_body_parse(&body, zmq_msg_data(&f[4]), zmq_msg_size(&f[4]), err, sizeof err), 0);
    ds_str_t idv;
    ds_body_str(&body, "id", &idv, err, sizeof err);
    char id[DOSSIER_ID_MAX + 1];
    snprintf(id, sizeof id, "%.*s", (int)idv.len, idv.ptr);
    ds_body_free(&body);
    p->requests++;
    bool again = seen_before(p, id);
    switch (p->mode) {
    case PEER_ACCEPT:
        reply(p, &f[0], service, "accepted", id);
        break;
    case PEER_DROP_FIRST:
        if (again) {
            reply(p, &f[0], service, "duplicate", id);
        }
        break;
    case PEER_BUSY_FIRST:
        reply(p, &f[0], service, again ? "accepted" : "busy", id);
        break;
    case PEER_TWICE:
        reply(p, &f[0], service, "accepted", id);
        reply(p, &f[0], service, "duplicate", id);
        break;
    case PEER_SILENT:
        break;
    }
    for (int i = 0; i < n; i++) {
        zmq_msg_close(&f[i]);
    }
}

static void *peer_main(void *arg)
{
    peer_t *p = arg;
    while (!p->stop) {
        zmq_pollitem_t item = {p->sock, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, 50) > 0) {
            serve_one(p);
        }
    }
    return NULL;
}

static peer_t *peer_start(peer_mode_t mode)
{
    peer_t *p = calloc(1, sizeof *p);
    p->mode = mode;
    p->ctx = zmq_ctx_new();
    p->sock = zmq_socket(p->ctx, ZMQ_ROUTER);
    int zero = 0;
    zmq_setsockopt(p->sock, ZMQ_LINGER, &zero, sizeof zero);
    ck_assert_int_eq(zmq_bind(p->sock, "tcp://127.0.0.1:*"), 0);
    size_t len = sizeof p->endpoint;
    zmq_getsockopt(p->sock, ZMQ_LAST_ENDPOINT, p->endpoint, &len);
    pthread_create(&p->thread, NULL, peer_main, p);
    return p;
}

static void peer_stop(peer_t *p)
{
    p->stop = 1;
    pthread_join(p->thread, NULL);
    zmq_close(p->sock);
    zmq_ctx_term(p->ctx);
    free(p);
}

/* Submits n distinct documents and collects every completion (20 s at most). */
static int run_pipeline(ds_pipeline_t *pipe, int n, ds_pipeline_done_t *last, int *resends, int *busy)
{
    int next = 0, done = 0;
    *resends = *busy = 0;
    for (int spins = 0; (next < n || ds_pipeline_pending(pipe) > 0) && spins < 400; spins++) {
        while (next < n) {
            char text[64], err[128];
            snprintf(text, sizeof text, "Document number %d.", next);
            ds_document_t doc = {0};
            doc.text = text;
            if (ds_pipeline_submit(pipe, &doc, NULL, NULL, err, sizeof err) != 0) {
                break;
            }
            next++;
        }
        ds_pipeline_done_t d;
        while (ds_pipeline_next(pipe, 50, &d) == 1) {
            ck_assert_int_eq(d.rc, 0);
            *resends += d.resends;
            *busy += d.busy_retries;
            *last = d;
            done++;
        }
    }
    return done;
}

START_TEST(test_pipeline_gets_one_answer_per_document)
{
    peer_t *p = peer_start(PEER_ACCEPT);
    char err[128];
    ds_pipeline_t *pipe = ds_pipeline_new(p->endpoint, 8, err, sizeof err);
    ck_assert_ptr_nonnull(pipe);
    ds_pipeline_done_t last;
    int resends, busy;
    ck_assert_int_eq(run_pipeline(pipe, 100, &last, &resends, &busy), 100);
    ck_assert_str_eq(last.submit.status, "accepted");
    ck_assert_int_eq(resends, 0);
    ds_pipeline_destroy(&pipe);
    ck_assert_int_eq(p->requests, 100);
    peer_stop(p);
}
END_TEST

START_TEST(test_pipeline_resends_same_id_after_timeout)
{
    peer_t *p = peer_start(PEER_DROP_FIRST);
    char err[128];
    ds_pipeline_t *pipe = ds_pipeline_new(p->endpoint, 4, err, sizeof err);
    ds_pipeline_set_timeout(pipe, 200);
    ds_pipeline_done_t last;
    int resends, busy;
    ck_assert_int_eq(run_pipeline(pipe, 10, &last, &resends, &busy), 10);
    ck_assert_str_eq(last.submit.status, "duplicate");
    ck_assert_int_eq(resends, 10);
    ck_assert_int_eq(p->requests, 20);
    ds_pipeline_destroy(&pipe);
    peer_stop(p);
}
END_TEST

START_TEST(test_pipeline_honours_busy_then_gets_accepted)
{
    peer_t *p = peer_start(PEER_BUSY_FIRST);
    char err[128];
    ds_pipeline_t *pipe = ds_pipeline_new(p->endpoint, 4, err, sizeof err);
    ds_pipeline_done_t last;
    int resends, busy;
    ck_assert_int_eq(run_pipeline(pipe, 6, &last, &resends, &busy), 6);
    ck_assert_str_eq(last.submit.status, "accepted");
    ck_assert_int_eq(busy, 6);
    ck_assert_int_eq(resends, 0);
    ds_pipeline_counters_t c;
    ds_pipeline_counters(pipe, &c);
    ck_assert_int_eq(c.busy, 6);
    ds_pipeline_destroy(&pipe);
    peer_stop(p);
}
END_TEST

START_TEST(test_pipeline_ignores_second_answer_to_same_request)
{
    peer_t *p = peer_start(PEER_TWICE);
    char err[128];
    ds_pipeline_t *pipe = ds_pipeline_new(p->endpoint, 4, err, sizeof err);
    ds_pipeline_done_t last;
    int resends, busy;
    ck_assert_int_eq(run_pipeline(pipe, 5, &last, &resends, &busy), 5);
    ck_assert_str_eq(last.submit.status, "accepted");
    ds_pipeline_done_t extra;
    ck_assert_int_eq(ds_pipeline_next(pipe, 200, &extra), 0);
    ds_pipeline_counters_t c;
    ds_pipeline_counters(pipe, &c);
    ck_assert_int_eq(c.stale, 5);
    ds_pipeline_destroy(&pipe);
    peer_stop(p);
}
END_TEST

START_TEST(test_pipeline_gives_up_at_deadline_and_lists_pending)
{
    peer_t *p = peer_start(PEER_SILENT);
    char err[128], id[DOSSIER_ID_MAX + 1];
    ds_pipeline_t *pipe = ds_pipeline_new(p->endpoint, 4, err, sizeof err);
    ds_pipeline_set_timeout(pipe, 100);
    ds_pipeline_set_deadline(pipe, 400);
    ds_document_t doc = {0};
    doc.text = "Nobody will answer this.";
    doc.id = "silent-1";
    int tag = 7;
    ck_assert_int_eq(ds_pipeline_submit(pipe, &doc, &tag, id, err, sizeof err), 0);
    ck_assert_str_eq(id, "silent-1");
    ck_assert_int_eq(ds_pipeline_submit(pipe, &doc, NULL, NULL, err, sizeof err), DOSSIER_EBUSY);
    void *t = NULL;
    ck_assert_str_eq(ds_pipeline_pending_id(pipe, 0, &t), "silent-1");
    ck_assert_ptr_eq(t, &tag);
    ds_pipeline_done_t d;
    int got = 0;
    for (int i = 0; i < 40 && got == 0; i++) {
        got = ds_pipeline_next(pipe, 100, &d);
    }
    ck_assert_int_eq(got, 1);
    ck_assert_int_eq(d.rc, DOSSIER_ETIMEOUT);
    ck_assert_int_ge(d.resends, 1);
    ck_assert_int_eq((int)ds_pipeline_pending(pipe), 0);
    ds_pipeline_destroy(&pipe);
    peer_stop(p);
}
END_TEST

START_TEST(test_pipeline_window_full_is_busy)
{
    peer_t *p = peer_start(PEER_SILENT);
    char err[128];
    ds_pipeline_t *pipe = ds_pipeline_new(p->endpoint, 2, err, sizeof err);
    ds_document_t doc = {0};
    doc.text = "one";
    ck_assert_int_eq(ds_pipeline_submit(pipe, &doc, NULL, NULL, err, sizeof err), 0);
    doc.text = "two";
    ck_assert_int_eq(ds_pipeline_submit(pipe, &doc, NULL, NULL, err, sizeof err), 0);
    doc.text = "three";
    ck_assert_int_eq(ds_pipeline_submit(pipe, &doc, NULL, NULL, err, sizeof err), DOSSIER_EBUSY);
    ck_assert_int_eq((int)ds_pipeline_pending(pipe), 2);
    ds_pipeline_destroy(&pipe);
    peer_stop(p);
}
END_TEST

START_TEST(test_sync_submit_resends_on_a_fresh_socket)
{
    peer_t *p = peer_start(PEER_DROP_FIRST);
    char err[256];
    ds_client_t *c = ds_client_new(p->endpoint, err, sizeof err);
    ck_assert_ptr_nonnull(c);
    ds_client_set_timeout(c, 200);
    ds_document_t doc = {0};
    doc.text = "Resend me.";
    ds_submit_reply_t r;
    ck_assert_int_eq(ds_client_submit(c, &doc, &r, err, sizeof err), 0);
    ck_assert_str_eq(r.status, "duplicate");
    ck_assert_int_eq(p->requests, 2);
    ds_client_destroy(&c);
    peer_stop(p);
}
END_TEST

START_TEST(test_sync_submit_times_out_with_endpoint_in_message)
{
    peer_t *p = peer_start(PEER_SILENT);
    char err[256];
    ds_client_t *c = ds_client_new(p->endpoint, err, sizeof err);
    ds_client_set_timeout(c, 100);
    ds_client_set_retries(c, 1);
    ds_document_t doc = {0};
    doc.text = "Into the void.";
    ds_submit_reply_t r;
    ck_assert_int_eq(ds_client_submit(c, &doc, &r, err, sizeof err), DOSSIER_ETIMEOUT);
    ck_assert_ptr_nonnull(strstr(err, p->endpoint));
    ds_client_destroy(&c);
    peer_stop(p);
}
END_TEST

START_TEST(test_default_id_is_sha256_prefix_and_stable)
{
    char a[DOSSIER_ID_MAX + 1], b[DOSSIER_ID_MAX + 1];
    ds_document_default_id("abc", 3, a);
    ds_document_default_id("abc", 3, b);
    ck_assert_str_eq(a, b);
    /* SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad */
    ck_assert_str_eq(a, "sha256-ba7816bf8f01cfea414140de5dae2223");
}
END_TEST

START_TEST(test_invalid_documents_are_refused_before_sending)
{
    char err[256];
    ds_pipeline_t *pipe = ds_pipeline_new("tcp://127.0.0.1:9", 4, err, sizeof err);
    ck_assert_ptr_nonnull(pipe);
    ds_document_t doc = {0};
    doc.text = "   \n";
    ck_assert_int_eq(ds_pipeline_submit(pipe, &doc, NULL, NULL, err, sizeof err), DOSSIER_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "empty"));
    doc.text = "bad \xff byte";
    ck_assert_int_eq(ds_pipeline_submit(pipe, &doc, NULL, NULL, err, sizeof err), DOSSIER_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "UTF-8"));
    doc.text = "fine";
    doc.id = "has space";
    ck_assert_int_eq(ds_pipeline_submit(pipe, &doc, NULL, NULL, err, sizeof err), DOSSIER_EINVAL);
    doc.id = NULL;
    doc.format = "pdf";
    ck_assert_int_eq(ds_pipeline_submit(pipe, &doc, NULL, NULL, err, sizeof err), DOSSIER_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "format"));
    doc.format = NULL;
    doc.meta = "\x93\x01\x02\x03"; /* an array, not a map */
    doc.meta_len = 4;
    ck_assert_int_eq(ds_pipeline_submit(pipe, &doc, NULL, NULL, err, sizeof err), DOSSIER_EINVAL);
    ck_assert_int_eq((int)ds_pipeline_pending(pipe), 0);
    ds_pipeline_destroy(&pipe);
}
END_TEST

START_TEST(test_bad_endpoint_is_reported)
{
    char err[256];
    ds_client_t *c = ds_client_new("not-an-endpoint", err, sizeof err);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(err, "not-an-endpoint"));
    ck_assert_ptr_null(ds_pipeline_new("tcp://127.0.0.1:9", 0, err, sizeof err));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("client_lib");
    TCase *tc = tcase_create("pipeline");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_pipeline_gets_one_answer_per_document);
    tcase_add_test(tc, test_pipeline_resends_same_id_after_timeout);
    tcase_add_test(tc, test_pipeline_honours_busy_then_gets_accepted);
    tcase_add_test(tc, test_pipeline_ignores_second_answer_to_same_request);
    tcase_add_test(tc, test_pipeline_gives_up_at_deadline_and_lists_pending);
    tcase_add_test(tc, test_pipeline_window_full_is_busy);
    suite_add_tcase(s, tc);
    TCase *sync = tcase_create("sync");
    tcase_set_timeout(sync, 30);
    tcase_add_test(sync, test_sync_submit_resends_on_a_fresh_socket);
    tcase_add_test(sync, test_sync_submit_times_out_with_endpoint_in_message);
    suite_add_tcase(s, sync);
    TCase *enc = tcase_create("encode");
    tcase_set_timeout(enc, 10);
    tcase_add_test(enc, test_default_id_is_sha256_prefix_and_stable);
    tcase_add_test(enc, test_invalid_documents_are_refused_before_sending);
    tcase_add_test(enc, test_bad_endpoint_is_reported);
    suite_add_tcase(s, enc);
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
