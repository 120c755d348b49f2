/* check_broker_basic.c: the broker of the walking skeleton, against the real binary
 * and a raw RFC 7 client: MDP framing, dossier.submit's replies for valid and every
 * kind of invalid body, unknown services, mmi.service (RFC 8), dispatch to a worker
 * and the synchronous dossier.analyze path.  After every bad input the broker must
 * still answer the next good one.
 */
#include "broker_testkit.h"

#define HB "100"

static bk_broker_t B;

static void start(const char *const *extra)
{
    memset(&B, 0, sizeof B);
    bk_broker_start(&B, extra);
}

static void teardown(void)
{
    bk_broker_cleanup(&B);
}

/* Submits a good document and expects `accepted`: the broker is still serving. */
static void still_serving(void)
{
    static int n;
    char id[64];
    snprintf(id, sizeof id, "alive-%d-%d", (int)getpid(), n++);
    ds_buf_t r = DS_BUF_INIT;
    bk_submit(B.endpoint, id, "Still here.", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "accepted");
    ds_buf_free(&r);
}

static void expect_rejected(const ds_buf_t *body, const char *code, const char *needle)
{
    ds_buf_t r = DS_BUF_INIT;
    ck_assert_int_eq(bk_call(B.endpoint, DS_SVC_SUBMIT, body, &r, 10000), 0);
    ck_assert_str_eq(bk_field(&r, "status"), "rejected");
    ck_assert_str_eq(bk_field(&r, "code"), code);
    if (needle) {
        ck_assert_msg(strstr(bk_field(&r, "error"), needle) != NULL, "error '%s' does not mention '%s'",
                      bk_field(&r, "error"), needle);
    }
    ds_buf_free(&r);
    still_serving();
}

START_TEST(test_submit_with_id_is_accepted)
{
    start(NULL);
    ds_buf_t r = DS_BUF_INIT;
    bk_submit(B.endpoint, "doc-1", "Tehran and Washington talked.", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "accepted");
    ck_assert_str_eq(bk_field(&r, "id"), "doc-1");
    ds_buf_free(&r);
}
END_TEST

START_TEST(test_submit_without_id_gets_a_time_ordered_id)
{
    start(NULL);
    ds_buf_t r = DS_BUF_INIT;
    bk_submit(B.endpoint, NULL, "First.", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "accepted");
    char first[64];
    snprintf(first, sizeof first, "%s", bk_field(&r, "id"));
    ck_assert_uint_eq(strlen(first), 26);
    bk_submit(B.endpoint, NULL, "Second.", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "accepted");
    ck_assert_msg(strcmp(first, bk_field(&r, "id")) < 0, "ids not increasing: %s then %s", first,
                  bk_field(&r, "id"));
    ds_buf_free(&r);
}
END_TEST

START_TEST(test_text_not_a_string_is_rejected_naming_the_field)
{
    start(NULL);
    ds_buf_t body = DS_BUF_INIT;
    ds_pack_t pk;
    ds_pack_init(&pk, &body);
    ds_pack_map(&pk, 2);
    ds_pack_kv_str(&pk, "id", "bad-1");
    ds_pack_kv_int(&pk, "text", 42);
    ds_buf_t r = DS_BUF_INIT;
    ck_assert_int_eq(bk_call(B.endpoint, DS_SVC_SUBMIT, &body, &r, 10000), 0);
    ck_assert_str_eq(bk_field(&r, "status"), "rejected");
    ck_assert_str_eq(bk_field(&r, "id"), "bad-1");
    ck_assert_str_eq(bk_field(&r, "code"), "bad_field");
    ck_assert_ptr_nonnull(strstr(bk_field(&r, "error"), "text"));
    ds_buf_free(&r);
    ds_buf_free(&body);
    still_serving();
}
END_TEST

START_TEST(test_body_not_msgpack_is_rejected)
{
    start(NULL);
    ds_buf_t body = DS_BUF_INIT;
    ds_buf_append(&body, "\xc1\x00garbage", 9);
    expect_rejected(&body, "bad_msgpack", NULL);
    /* a length header claiming far more than the frame holds */
    ds_buf_reset(&body);
    ds_buf_append(&body, "\xdd\x02\xfa\xf0\x80", 5);
    expect_rejected(&body, "bad_msgpack", NULL);
    ds_buf_free(&body);
}
END_TEST

START_TEST(test_body_not_a_map_is_rejected)
{
    start(NULL);
    ds_buf_t body = DS_BUF_INIT;
    ds_buf_append(&body, "\x92\x01\x02", 3);
    expect_rejected(&body, "not_a_map", NULL);
    ds_buf_free(&body);
}
END_TEST

START_TEST(test_missing_text_is_rejected)
{
    start(NULL);
    ds_buf_t body = DS_BUF_INIT;
    ds_pack_t pk;
    ds_pack_init(&pk, &body);
    ds_pack_map(&pk, 1);
    ds_pack_kv_str(&pk, "id", "no-text");
    expect_rejected(&body, "bad_field", "text");
    ds_buf_free(&body);
}
END_TEST

START_TEST(test_invalid_utf8_is_rejected_with_offset)
{
    start(NULL);
    ds_buf_t body = DS_BUF_INIT;
    ds_pack_t pk;
    ds_pack_init(&pk, &body);
    ds_pack_map(&pk, 1);
    ds_pack_kv_strn(&pk, "text", "ok \xff\xfe bad", 10);
    expect_rejected(&body, "bad_utf8", "at byte");
    ds_buf_free(&body);
}
END_TEST

START_TEST(test_empty_and_blank_text_are_rejected)
{
    start(NULL);
    ds_buf_t body = DS_BUF_INIT;
    bk_doc(&body, "empty", "");
    expect_rejected(&body, "empty_text", "text");
    ds_buf_reset(&body);
    bk_doc(&body, "blank", " \n\t ");
    expect_rejected(&body, "empty_text", "text");
    ds_buf_free(&body);
}
END_TEST

START_TEST(test_oversized_text_is_rejected_and_huge_frames_dropped)
{
    const char *flags[] = {"--max-doc-bytes", "1000", NULL};
    start(flags);
    char *text = ds_xmalloc(1002);
    memset(text, 'a', 1001);
    text[1001] = '\0';
    ds_buf_t body = DS_BUF_INIT;
    bk_doc(&body, "big", text);
    expect_rejected(&body, "too_large", "1000");
    text[1000] = '\0';
    ds_buf_reset(&body);
    bk_doc(&body, "just-fits", text);
    ds_buf_t r = DS_BUF_INIT;
    ck_assert_int_eq(bk_call(B.endpoint, DS_SVC_SUBMIT, &body, &r, 10000), 0);
    ck_assert_str_eq(bk_field(&r, "status"), "accepted");
    /* past ZMQ_MAXMSGSIZE the connection is dropped: no reply, and no harm */
    char *huge = ds_xcalloc(1, 4 << 20);
    memset(huge, 'b', (4 << 20) - 1);
    ds_buf_reset(&body);
    bk_doc(&body, "huge", huge);
    ck_assert_int_ne(bk_call(B.endpoint, DS_SVC_SUBMIT, &body, &r, 1000), 0);
    still_serving();
    free(huge);
    free(text);
    ds_buf_free(&r);
    ds_buf_free(&body);
}
END_TEST

START_TEST(test_unknown_service_is_answered_at_once)
{
    start(NULL);
    ds_buf_t body = DS_BUF_INIT, r = DS_BUF_INIT;
    bk_doc(&body, "x", "y");
    ck_assert_int_eq(bk_call(B.endpoint, "no.such.service", &body, &r, 10000), 0);
    ck_assert_str_eq(bk_field(&r, "status"), "rejected");
    ck_assert_str_eq(bk_field(&r, "code"), "unknown_service");
    /* a name that is not UTF-8 still gets a valid (UTF-8) reply */
    ck_assert_int_eq(bk_call(B.endpoint, "bad\xff\xfename", &body, &r, 10000), 0);
    ck_assert_str_eq(bk_field(&r, "code"), "unknown_service");
    /* dossier.analyze before any worker offered it is unknown too */
    ck_assert_int_eq(bk_call(B.endpoint, DS_SVC_ANALYZE, &body, &r, 10000), 0);
    ck_assert_str_eq(bk_field(&r, "code"), "unknown_service");
    ds_buf_free(&r);
    ds_buf_free(&body);
    still_serving();
}
END_TEST

START_TEST(test_wrong_header_is_dropped_and_wrong_frame_count_rejected)
{
    start(NULL);
    ds_buf_t out = DS_BUF_INIT;
    /* not MDP at all: dropped, no reply */
    const void *f1[] = {"", "MDPX01", DS_SVC_SUBMIT, "\x80"};
    const size_t l1[] = {0, 6, strlen(DS_SVC_SUBMIT), 1};
    ck_assert_int_eq(ds_test_raw_request(B.endpoint, f1, l1, 4, &out, 500), 0);
    /* no empty delimiter */
    const void *f2[] = {"MDPC01", DS_SVC_SUBMIT, "\x80"};
    const size_t l2[] = {6, strlen(DS_SVC_SUBMIT), 1};
    ck_assert_int_eq(ds_test_raw_request(B.endpoint, f2, l2, 3, &out, 500), 0);
    /* a body in two frames: answered rejected bad_frame */
    const void *f3[] = {"", "MDPC01", DS_SVC_SUBMIT, "\x80", "\x80"};
    const size_t l3[] = {0, 6, strlen(DS_SVC_SUBMIT), 1, 1};
    ck_assert_int_eq(ds_test_raw_request(B.endpoint, f3, l3, 5, &out, 5000), 4);
    ck_assert_ptr_nonnull(memmem(out.data, out.len, "bad_frame", 9));
    /* no body at all */
    ds_buf_reset(&out);
    ck_assert_int_eq(ds_test_raw_request(B.endpoint, f3, l3, 3, &out, 5000), 4);
    ck_assert_ptr_nonnull(memmem(out.data, out.len, "bad_frame", 9));
    /* a lone frame; a worker command that does not exist */
    ck_assert_int_eq(ds_test_raw_request(B.endpoint, f1, l1, 1, &out, 300), 0);
    const void *f4[] = {"", "MDPW01", "\x09"};
    const size_t l4[] = {0, 6, 1};
    ds_buf_reset(&out);
    ck_assert_int_eq(ds_test_raw_request(B.endpoint, f4, l4, 3, &out, 5000), 3); /* DISCONNECT */
    ck_assert_uint_eq((uint8_t)out.data[out.len - 1], MDPW_DISCONNECT);
    ds_buf_free(&out);
    still_serving();
    ck_assert_int_gt(bk_stat(B.endpoint, "malformed"), 3);
}
END_TEST

static void mmi(const char *service, const char *expect)
{
    ds_buf_t body = DS_BUF_INIT, r = DS_BUF_INIT;
    ds_buf_puts(&body, service);
    ck_assert_int_eq(bk_call(B.endpoint, DS_SVC_MMI, &body, &r, 10000), 0);
    ck_assert_str_eq(ds_buf_str(&r), expect);
    ds_buf_free(&r);
    ds_buf_free(&body);
}

static bool worker_registered(void *arg)
{
    (void)arg;
    ds_buf_t body = DS_BUF_INIT, r = DS_BUF_INIT;
    ds_buf_puts(&body, DS_SVC_ANALYZE);
    bool ok = bk_call(B.endpoint, DS_SVC_MMI, &body, &r, 2000) == 0 && strcmp(ds_buf_str(&r), "200") == 0;
    ds_buf_free(&r);
    ds_buf_free(&body);
    return ok;
}

START_TEST(test_mmi_service_answers_200_404_501)
{
    start(NULL);
    mmi(DS_SVC_SUBMIT, "200");
    mmi(DS_SVC_ANALYZE, "404");
    mmi("nobody.serves.this", "404");
    ds_buf_t body = DS_BUF_INIT, r = DS_BUF_INIT;
    ds_buf_puts(&body, "x");
    ck_assert_int_eq(bk_call(B.endpoint, "mmi.nothing", &body, &r, 10000), 0);
    ck_assert_str_eq(ds_buf_str(&r), "501");
    char record[600];
    snprintf(record, sizeof record, "%s/record", B.dir);
    pid_t w = bk_worker_spawn(B.endpoint, "done", record, 100);
    ck_assert(ds_test_eventually(worker_registered, NULL, 10000));
    bk_stop(w, SIGKILL, 5000);
    ds_buf_free(&r);
    ds_buf_free(&body);
}
END_TEST

typedef struct {
    const char *record, *what, *id;
    int n;
} seen_t;

static bool seen(void *arg)
{
    seen_t *s = arg;
    return bk_count(s->record, s->what, s->id) >= s->n;
}

START_TEST(test_submitted_document_reaches_a_worker_and_is_done)
{
    const char *flags[] = {"--heartbeat-ms", HB, NULL};
    start(flags);
    char record[600];
    snprintf(record, sizeof record, "%s/record", B.dir);
    pid_t w = bk_worker_spawn(B.endpoint, "done", record, 100);
    ds_buf_t r = DS_BUF_INIT;
    bk_submit(B.endpoint, "e2e-1", "Iran and the United States held talks in Baghdad.", &r);
    ck_assert_str_eq(bk_field(&r, "status"), "accepted");
    seen_t s = {record, "done", "e2e-1", 1};
    ck_assert(ds_test_eventually(seen, &s, 10000));
    ck_assert_str_eq(bk_status(B.endpoint, "e2e-1", &r), "done");
    ck_assert_int_eq(bk_count(record, "got", "e2e-1"), 1);
    bk_stop(w, SIGKILL, 5000);
    ds_buf_free(&r);
}
END_TEST

START_TEST(test_analyze_is_routed_synchronously_to_a_worker)
{
    const char *flags[] = {"--heartbeat-ms", HB, "--request-timeout-ms", "500", NULL};
    start(flags);
    char record[600];
    snprintf(record, sizeof record, "%s/record", B.dir);
    pid_t w = bk_worker_spawn(B.endpoint, "done", record, 100);
    ck_assert(ds_test_eventually(worker_registered, NULL, 10000));
    ds_buf_t body = DS_BUF_INIT, r = DS_BUF_INIT;
    bk_doc(&body, "sync-1", "A direct request.");
    ck_assert_int_eq(bk_call(B.endpoint, DS_SVC_ANALYZE, &body, &r, 10000), 0);
    ck_assert_str_eq(bk_field(&r, "status"), "done");
    ck_assert_str_eq(bk_field(&r, "id"), "sync-1");
    ck_assert_int_eq(bk_count(record, "done", "sync-1"), 1);
    /* with no worker left, a request for the known service waits, then times out */
    bk_stop(w, SIGKILL, 5000);
    ck_assert_int_eq(bk_call(B.endpoint, DS_SVC_ANALYZE, &body, &r, 10000), 0);
    ck_assert_str_eq(bk_field(&r, "status"), "failed");
    ck_assert_str_eq(bk_field(&r, "code"), "timeout");
    ds_buf_free(&r);
    ds_buf_free(&body);
}
END_TEST

/* READY with the credit frame {"credit": K} (raw bytes of the msgpack map, or junk). */
static zsock_t *credit_worker(const void *frame, size_t len)
{
    zsock_t *s = zsock_new_dealer(B.endpoint);
    ck_assert_ptr_nonnull(s);
    zsock_set_rcvtimeo(s, 5000);
    zmsg_t *m = zmsg_new();
    zmsg_addmem(m, "", 0);
    zmsg_addstr(m, MDPW_WORKER);
    uint8_t c = MDPW_READY;
    zmsg_addmem(m, &c, 1);
    zmsg_addstr(m, DS_SVC_ANALYZE);
    zmsg_addmem(m, frame, len);
    zmsg_send(&m, s);
    return s;
}

/* Receives the next command other than HEARTBEAT: its byte, with a REQUEST's address
 * and document id. */
static int credit_recv(zsock_t *s, zframe_t **addr, char *id, size_t idlen)
{
    for (;;) {
        zmsg_t *m = zmsg_recv(s);
        ck_assert_msg(m != NULL, "nothing from the broker");
        zframe_t *e = zmsg_pop(m), *p = zmsg_pop(m), *c = zmsg_pop(m);
        int cmd = c && zframe_size(c) == 1 ? zframe_data(c)[0] : -1;
        if (cmd == MDPW_REQUEST) {
            *addr = zmsg_pop(m);
            zframe_t *e2 = zmsg_pop(m), *body = zmsg_pop(m);
            ds_body_t b;
            char err[128];
            ds_str_t v;
            ck_assert_int_eq(ds_body_parse(&b, zframe_data(body), zframe_size(body), err, sizeof err), 0);
            ck_assert_int_eq(ds_body_str(&b, "id", &v, err, sizeof err), 1);
            snprintf(id, idlen, "%.*s", (int)v.len, v.ptr);
            ds_body_free(&b);
            zframe_destroy(&e2);
            zframe_destroy(&body);
        }
        zframe_destroy(&e);
        zframe_destroy(&p);
        zframe_destroy(&c);
        zmsg_destroy(&m);
        if (cmd != MDPW_HEARTBEAT) {
            return cmd;
        }
    }
}

/* The credit extension (SPEC 7.9.1): a worker that said credit 3 gets three documents
 * at once, its replies in any order settle each one; a fourth waits for a free slot. */
START_TEST(test_worker_with_credit_3_holds_three_documents_at_once)
{
    const char *flags[] = {"--heartbeat-ms", "1000", NULL};
    start(flags);
    const uint8_t credit3[] = {0x81, 0xa6, 'c', 'r', 'e', 'd', 'i', 't', 0x03};
    zsock_t *w = credit_worker(credit3, sizeof credit3);
    ck_assert(ds_test_eventually(worker_registered, NULL, 10000));
    ds_buf_t r = DS_BUF_INIT;
    for (int i = 0; i < 4; i++) {
        char id[32];
        snprintf(id, sizeof id, "credit-%d", i);
        bk_submit(B.endpoint, id, "Talks resumed in Vienna on Monday.", &r);
        ck_assert_str_eq(bk_field(&r, "status"), "accepted");
    }
    zframe_t *addr[4] = {NULL, NULL, NULL, NULL};
    char ids[4][32];
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(credit_recv(w, &addr[i], ids[i], sizeof ids[i]), MDPW_REQUEST);
    }
    /* no fourth REQUEST while all three slots are held */
    zsock_set_rcvtimeo(w, 300);
    zmsg_t *extra = zmsg_recv(w);
    while (extra != NULL) { /* heartbeats only */
        zframe_t *cmd = zmsg_last(extra);
        ck_assert(zframe_size(cmd) == 1 && zframe_data(cmd)[0] == MDPW_HEARTBEAT);
        zmsg_destroy(&extra);
        extra = zmsg_recv(w);
    }
    zsock_set_rcvtimeo(w, 5000);
    /* answer the second first: its slot goes to the fourth document */
    bk_worker_reply(w, &addr[1], "done", ids[1], false);
    ck_assert_int_eq(credit_recv(w, &addr[3], ids[3], sizeof ids[3]), MDPW_REQUEST);
    bk_worker_reply(w, &addr[2], "done", ids[2], false);
    bk_worker_reply(w, &addr[0], "done", ids[0], false);
    bk_worker_reply(w, &addr[3], "done", ids[3], false);
    for (int i = 0; i < 4; i++) {
        char id[32];
        snprintf(id, sizeof id, "credit-%d", i);
        ck_assert_str_eq(bk_status(B.endpoint, id, &r), "done");
    }
    ck_assert_int_eq(bk_stat(B.endpoint, "late_replies"), 0);
    zsock_destroy(&w);
    ds_buf_free(&r);
}
END_TEST

/* A credit frame that is not {"credit": 1..256} is refused with DISCONNECT. */
START_TEST(test_bad_credit_frame_is_refused)
{
    const char *flags[] = {"--heartbeat-ms", "1000", NULL};
    start(flags);
    const uint8_t zero[] = {0x81, 0xa6, 'c', 'r', 'e', 'd', 'i', 't', 0x00};
    const uint8_t big[] = {0x81, 0xa6, 'c', 'r', 'e', 'd', 'i', 't', 0xcd, 0x04, 0x00};
    const uint8_t junk[] = {0xc1, 0x00};
    const uint8_t str[] = {0x81, 0xa6, 'c', 'r', 'e', 'd', 'i', 't', 0xa1, '3'};
    const struct {
        const uint8_t *p;
        size_t n;
    } bad[] = {{zero, sizeof zero}, {big, sizeof big}, {junk, sizeof junk}, {str, sizeof str}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        zsock_t *w = credit_worker(bad[i].p, bad[i].n);
        zframe_t *addr = NULL;
        char id[8];
        ck_assert_int_eq(credit_recv(w, &addr, id, sizeof id), MDPW_DISCONNECT);
        zsock_destroy(&w);
    }
    ck_assert(!worker_registered(NULL));
    ck_assert_int_ge(bk_stat(B.endpoint, "malformed"), 4);
    still_serving();
}
END_TEST

/* Keys of `key = value` lines (comments and blank lines skipped), one per line. */
static void config_keys(const char *text, ds_buf_t *keys)
{
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        const char *eq = memchr(line, '=', len);
        if (len && line[0] != '#' && eq) {
            size_t k = (size_t)(eq - line);
            while (k && line[k - 1] == ' ') {
                k--;
            }
            ds_buf_append(keys, line, k);
            ds_buf_putc(keys, '\n');
        }
        line = nl ? nl + 1 : NULL;
    }
}

START_TEST(test_deploy_conf_documents_every_setting_with_its_default)
{
    char *bin = ds_test_bin("dossier-broker");
    char cmd[1200];
    ds_buf_t dump = DS_BUF_INIT, dump_conf = DS_BUF_INIT, k1 = DS_BUF_INIT, k2 = DS_BUF_INIT;
    snprintf(cmd, sizeof cmd, "%s --dump-config", bin);
    ck_assert_int_eq(ds_test_run(cmd, &dump, 10000), 0);
    size_t len = 0;
    char *conf = ds_test_read_file("deploy/broker.conf", &len);
    ck_assert_msg(conf != NULL, "run the suite from the source tree (deploy/broker.conf not found)");
    config_keys(ds_buf_str(&dump), &k1);
    config_keys(conf, &k2);
    ck_assert_str_eq(ds_buf_str(&k2), ds_buf_str(&k1));
    /* the values written there are the defaults */
    snprintf(cmd, sizeof cmd, "%s --config deploy/broker.conf --dump-config", bin);
    ck_assert_int_eq(ds_test_run(cmd, &dump_conf, 10000), 0);
    ck_assert_str_eq(ds_buf_str(&dump_conf), ds_buf_str(&dump));
    free(conf);
    free(bin);
    ds_buf_free(&dump);
    ds_buf_free(&dump_conf);
    ds_buf_free(&k1);
    ds_buf_free(&k2);
}
END_TEST

START_TEST(test_startup_errors_exit_with_sysexits_codes)
{
    char *bin = ds_test_bin("dossier-broker");
    char *dir = ds_test_tmpdir("broker-exit");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s --no-such-flag 2>/dev/null", bin);
    ck_assert_int_eq(ds_test_run(cmd, NULL, 10000), 64); /* EX_USAGE */
    snprintf(cmd, sizeof cmd, "%s --max-attempts 0 --journal %s/j 2>/dev/null", bin, dir);
    ck_assert_int_eq(ds_test_run(cmd, NULL, 10000), 64);
    snprintf(cmd, sizeof cmd, "echo 'bogus = 1' > %s/c.conf; %s --config %s/c.conf 2>/dev/null", dir, bin,
             dir);
    ck_assert_int_eq(ds_test_run(cmd, NULL, 10000), 64);
    snprintf(cmd, sizeof cmd, "%s --journal /proc/nope/journal 2>/dev/null", bin);
    ck_assert_int_eq(ds_test_run(cmd, NULL, 10000), 73); /* EX_CANTCREAT */
    snprintf(cmd, sizeof cmd, "%s --journal %s/j --bind bogus://x 2>/dev/null", bin, dir);
    ck_assert_int_eq(ds_test_run(cmd, NULL, 10000), 78); /* EX_CONFIG */
    ds_test_rmtree(dir);
    free(dir);
    free(bin);
}
END_TEST

static bool reopened(void *path)
{
    size_t len = 0;
    char *text = ds_test_read_file(path, &len);
    bool ok = text && strstr(text, "log reopened") != NULL;
    free(text);
    return ok;
}

START_TEST(test_sighup_reopens_the_log_file)
{
    char *dir = ds_test_tmpdir("broker-log");
    char log[600], rotated[600];
    snprintf(log, sizeof log, "%s/broker.log", dir);
    snprintf(rotated, sizeof rotated, "%s/broker.log.1", dir);
    const char *flags[] = {"--log-file", log, NULL};
    start(flags);
    ck_assert(ds_test_eventually(bk_file_exists, log, 5000));
    ck_assert_int_eq(rename(log, rotated), 0);
    kill(B.pid, SIGHUP);
    ck_assert(ds_test_eventually(reopened, log, 5000));
    still_serving();
    ds_test_rmtree(dir);
    free(dir);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("broker_basic");
    TCase *tc = tcase_create("mdp");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_submit_with_id_is_accepted);
    tcase_add_test(tc, test_submit_without_id_gets_a_time_ordered_id);
    tcase_add_test(tc, test_text_not_a_string_is_rejected_naming_the_field);
    tcase_add_test(tc, test_body_not_msgpack_is_rejected);
    tcase_add_test(tc, test_body_not_a_map_is_rejected);
    tcase_add_test(tc, test_missing_text_is_rejected);
    tcase_add_test(tc, test_invalid_utf8_is_rejected_with_offset);
    tcase_add_test(tc, test_empty_and_blank_text_are_rejected);
    tcase_add_test(tc, test_oversized_text_is_rejected_and_huge_frames_dropped);
    tcase_add_test(tc, test_unknown_service_is_answered_at_once);
    tcase_add_test(tc, test_wrong_header_is_dropped_and_wrong_frame_count_rejected);
    tcase_add_test(tc, test_mmi_service_answers_200_404_501);
    tcase_add_test(tc, test_submitted_document_reaches_a_worker_and_is_done);
    tcase_add_test(tc, test_analyze_is_routed_synchronously_to_a_worker);
    tcase_add_test(tc, test_worker_with_credit_3_holds_three_documents_at_once);
    tcase_add_test(tc, test_bad_credit_frame_is_refused);
    tcase_add_test(tc, test_sighup_reopens_the_log_file);
    suite_add_tcase(s, tc);
    TCase *cli = tcase_create("cli");
    tcase_set_timeout(cli, 30);
    tcase_add_test(cli, test_deploy_conf_documents_every_setting_with_its_default);
    tcase_add_test(cli, test_startup_errors_exit_with_sysexits_codes);
    suite_add_tcase(s, cli);
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--bk-worker") == 0) {
        return bk_worker_main(argc, argv);
    }
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
