/* check_broker_journal.c: the broker's LMDB journal: records round-trip, updates keep
 * the document, moves between tables, the deduplication memory and its expiry,
 * iteration and paging, persistence across reopen, the sync fault seam (fail-stop),
 * and compaction: after 100,000 documents have passed through, the file stays within
 * twice the live data.
 */
#include "../support/ds_test.h"
#include "broker_journal.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;
static broker_journal_t *J;

static void setup(void)
{
    dir = ds_test_tmpdir("journal");
    char err[256];
    ck_assert_int_eq(broker_journal_open(&J, dir, 1LL << 30, err, sizeof err), 0);
}

static void teardown(void)
{
    broker_journal_close(&J);
    broker_journal_set_sync_fn(NULL);
    ds_test_rmtree(dir);
    free(dir);
}

static void reopen(void)
{
    broker_journal_close(&J);
    char err[256];
    ck_assert_int_eq(broker_journal_open(&J, dir, 1LL << 30, err, sizeof err), 0);
}

static broker_rec_t rec_of(uint64_t seq)
{
    broker_rec_t r = {
        .state = BROKER_REC_QUEUED, .seq = seq, .accepted_ms = 1000 + (int64_t)seq, .text_bytes = 5};
    r.updated_ms = r.accepted_ms;
    memset(r.digest, (int)seq, sizeof r.digest);
    return r;
}

static const uint8_t MAP[] = {0x82, 0xa2, 'i',  'd', 0xa1, 'a', 0xa4, 't', 'e',
                              'x',  't',  0xa5, 'h', 'e',  'l', 'l',  'o'};

START_TEST(test_record_round_trips_and_survives_reopen)
{
    broker_rec_t r = rec_of(7);
    ck_assert_int_eq(broker_journal_put(J, BROKER_TBL_DOCS, "a", 1, &r, MAP, sizeof MAP), 0);
    ck_assert(broker_journal_dirty(J));
    ck_assert_int_eq(broker_journal_commit(J), 0);
    ck_assert(!broker_journal_dirty(J));
    reopen();
    broker_rec_t g;
    const uint8_t *map;
    size_t maplen;
    ck_assert_int_eq(broker_journal_get(J, BROKER_TBL_DOCS, "a", 1, &g, &map, &maplen), 1);
    ck_assert_uint_eq(g.seq, 7);
    ck_assert_int_eq(g.accepted_ms, 1007);
    ck_assert_uint_eq(g.text_bytes, 5);
    ck_assert_mem_eq(g.digest, r.digest, sizeof r.digest);
    ck_assert_uint_eq(maplen, sizeof MAP);
    ck_assert_mem_eq(map, MAP, sizeof MAP);
    ck_assert_uint_eq(g.code.len, 0);
    ck_assert_int_eq(broker_journal_get(J, BROKER_TBL_DOCS, "b", 1, &g, NULL, NULL), 0);
    ck_assert_int_eq(broker_journal_get(J, BROKER_TBL_DEAD, "a", 1, &g, NULL, NULL), 0);
}
END_TEST

START_TEST(test_uncommitted_writes_are_lost_on_close)
{
    broker_rec_t r = rec_of(1);
    ck_assert_int_eq(broker_journal_put(J, BROKER_TBL_DOCS, "a", 1, &r, MAP, sizeof MAP), 0);
    reopen();
    broker_rec_t g;
    ck_assert_int_eq(broker_journal_get(J, BROKER_TBL_DOCS, "a", 1, &g, NULL, NULL), 0);
}
END_TEST

START_TEST(test_update_keeps_the_document_and_moves_it_to_dead)
{
    broker_rec_t r = rec_of(3);
    ck_assert_int_eq(broker_journal_put(J, BROKER_TBL_DOCS, "x", 1, &r, MAP, sizeof MAP), 0);
    broker_rec_t patch = {.state = BROKER_REC_QUEUED, .attempts = 2, .updated_ms = 5000};
    patch.code = (ds_str_t){"analysis", 8};
    patch.error = (ds_str_t){"boom", 4};
    ck_assert_int_eq(broker_journal_update(J, BROKER_TBL_DOCS, BROKER_TBL_DOCS, "x", 1, &patch), 1);
    broker_rec_t g;
    const uint8_t *map;
    size_t maplen;
    ck_assert_int_eq(broker_journal_get(J, BROKER_TBL_DOCS, "x", 1, &g, &map, &maplen), 1);
    ck_assert_uint_eq(g.attempts, 2);
    ck_assert_uint_eq(g.seq, 3);           /* kept */
    ck_assert_int_eq(g.accepted_ms, 1003); /* kept */
    ck_assert_int_eq(g.updated_ms, 5000);
    ck_assert(ds_str_eq(g.code, "analysis"));
    ck_assert(ds_str_eq(g.error, "boom"));
    ck_assert_mem_eq(map, MAP, sizeof MAP);
    /* patch strings taken from the record itself are safe */
    patch = g;
    patch.state = BROKER_REC_DEAD;
    ck_assert_int_eq(broker_journal_update(J, BROKER_TBL_DOCS, BROKER_TBL_DEAD, "x", 1, &patch), 1);
    ck_assert_int_eq(broker_journal_get(J, BROKER_TBL_DOCS, "x", 1, &g, NULL, NULL), 0);
    ck_assert_int_eq(broker_journal_get(J, BROKER_TBL_DEAD, "x", 1, &g, &map, &maplen), 1);
    ck_assert_uint_eq(g.state, BROKER_REC_DEAD);
    ck_assert(ds_str_eq(g.error, "boom"));
    ck_assert_mem_eq(map, MAP, sizeof MAP);
    ck_assert_int_eq(broker_journal_update(J, BROKER_TBL_DOCS, BROKER_TBL_DEAD, "nope", 4, &patch), 0);
}
END_TEST

START_TEST(test_done_entries_are_remembered_then_expire_oldest_first)
{
    for (int i = 0; i < 10; i++) {
        char id[8];
        snprintf(id, sizeof id, "d%d", i);
        broker_done_t d = {.attempts = 1, .accepted_ms = 1, .finished_ms = 100 * (10 - i)};
        memset(d.digest, i, sizeof d.digest);
        ck_assert_int_eq(broker_journal_put_done(J, id, strlen(id), &d), 0);
    }
    ck_assert_int_eq(broker_journal_commit(J), 0);
    broker_done_t g;
    ck_assert_int_eq(broker_journal_get_done(J, "d3", 2, &g), 1);
    ck_assert_int_eq(g.finished_ms, 700);
    ck_assert_uint_eq(g.digest[0], 3);
    size_t n = 0;
    /* finished before 450: d6 (400), d7 (300), d8 (200), d9 (100) */
    ck_assert_int_eq(broker_journal_expire_done(J, 450, 2, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(broker_journal_get_done(J, "d9", 2, &g), 0);
    ck_assert_int_eq(broker_journal_get_done(J, "d8", 2, &g), 0);
    ck_assert_int_eq(broker_journal_get_done(J, "d7", 2, &g), 1);
    ck_assert_int_eq(broker_journal_expire_done(J, 450, 100, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(broker_journal_get_done(J, "d5", 2, &g), 1);
    ck_assert_int_eq(broker_journal_del_done(J, "d5", 2), 0);
    ck_assert_int_eq(broker_journal_get_done(J, "d5", 2, &g), 0);
    ck_assert_int_eq(broker_journal_expire_done(J, 550, 100, &n), 0);
    ck_assert_uint_eq(n, 0); /* d5's time index went with it */
    broker_journal_stats_t st;
    broker_journal_stats(J, &st);
    ck_assert_uint_eq(st.done, 5);
}
END_TEST

typedef struct {
    char seen[64][8];
    int n;
} each_t;

static int each_fn(void *arg, const char *id, size_t idlen, const broker_rec_t *rec, size_t maplen)
{
    (void)rec;
    each_t *e = arg;
    ck_assert_uint_eq(maplen, sizeof MAP);
    snprintf(e->seen[e->n++], 8, "%.*s", (int)idlen, id);
    return 0;
}

START_TEST(test_each_walks_in_id_order_and_pages_after_an_id)
{
    const char *ids[] = {"c", "a", "e", "b", "d"};
    for (int i = 0; i < 5; i++) {
        broker_rec_t r = rec_of((uint64_t)i);
        ck_assert_int_eq(broker_journal_put(J, BROKER_TBL_DEAD, ids[i], 1, &r, MAP, sizeof MAP), 0);
    }
    each_t e = {.n = 0};
    ck_assert_int_eq(broker_journal_each(J, BROKER_TBL_DEAD, NULL, 0, 2, each_fn, &e), 0);
    ck_assert_int_eq(e.n, 2);
    ck_assert_str_eq(e.seen[1], "b");
    ck_assert_int_eq(broker_journal_each(J, BROKER_TBL_DEAD, "b", 1, 0, each_fn, &e), 0);
    ck_assert_int_eq(e.n, 5);
    ck_assert_str_eq(e.seen[2], "c");
    ck_assert_str_eq(e.seen[4], "e");
    e.n = 0;
    ck_assert_int_eq(broker_journal_each(J, BROKER_TBL_DEAD, "bb", 2, 0, each_fn, &e), 0);
    ck_assert_int_eq(e.n, 3);
}
END_TEST

static int failing_sync(void *env, int force)
{
    (void)env, (void)force;
    return 5; /* EIO */
}

START_TEST(test_failed_sync_is_reported_as_journal_error)
{
    broker_journal_set_sync_fn(failing_sync);
    broker_rec_t r = rec_of(1);
    ck_assert_int_eq(broker_journal_put(J, BROKER_TBL_DOCS, "a", 1, &r, MAP, sizeof MAP), 0);
    ck_assert_int_eq(broker_journal_commit(J), DS_EJOURNAL);
    ck_assert_ptr_nonnull(strstr(broker_journal_strerror(J), "sync"));
    /* a commit with nothing written needs no sync and cannot fail */
    ck_assert_int_eq(broker_journal_commit(J), 0);
}
END_TEST

START_TEST(test_open_refuses_a_directory_that_is_not_a_journal)
{
    broker_journal_close(&J);
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/file", dir);
    FILE *f = fopen(path, "w");
    fputs("x", f);
    fclose(f);
    ck_assert_int_eq(broker_journal_open(&J, path, 1LL << 20, err, sizeof err), DS_EJOURNAL);
    ck_assert_ptr_null(J);
    ck_assert_ptr_nonnull(strstr(err, path));
    reopen();
}
END_TEST

/* 100,000 documents of 2 KB pass through in batches: each is journaled, then finished
 * (its record deleted, a done entry written).  Finished documents leave; the file
 * must stay within twice the pages in use. */
START_TEST(test_file_stays_within_twice_live_data_after_100000_documents)
{
    enum { N = 100000, BATCH = 256, TEXT = 2048 };
    uint8_t *map = malloc(TEXT + 64);
    memset(map, 'x', TEXT + 64);
    map[0] = 0x81; /* any bytes do: the journal stores maps opaquely */
    char prev[BATCH][16];
    int nprev = 0;
    for (int i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof id, "doc-%06d", i);
        broker_rec_t r = rec_of((uint64_t)i);
        ck_assert_int_eq(broker_journal_put(J, BROKER_TBL_DOCS, id, strlen(id), &r, map, TEXT + 64), 0);
        if (i % BATCH == BATCH - 1) {
            /* the previous batch finishes while this one is accepted */
            for (int k = 0; k < nprev; k++) {
                broker_done_t d = {.attempts = 1, .accepted_ms = 1, .finished_ms = 1000 + i};
                ck_assert_int_eq(broker_journal_del(J, BROKER_TBL_DOCS, prev[k], strlen(prev[k])), 0);
                ck_assert_int_eq(broker_journal_put_done(J, prev[k], strlen(prev[k]), &d), 0);
            }
            ck_assert_int_eq(broker_journal_commit(J), 0);
            nprev = 0;
        }
        snprintf(prev[nprev++ % BATCH], 16, "%s", id);
    }
    ck_assert_int_eq(broker_journal_commit(J), 0);
    broker_journal_stats_t st;
    broker_journal_stats(J, &st);
    ck_assert_uint_le(st.docs, 2 * BATCH);
    ck_assert_uint_ge(st.done, N - 2 * BATCH);
    ck_assert_msg(st.file_bytes <= 2 * st.live_bytes, "file %llu bytes, live %llu bytes",
                  (unsigned long long)st.file_bytes, (unsigned long long)st.live_bytes);
    /* without compaction it would hold every text: N * 2 KB */
    ck_assert_uint_lt(st.file_bytes, (uint64_t)N * TEXT / 4);
    free(map);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("broker_journal");
    TCase *tc = tcase_create("journal");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_record_round_trips_and_survives_reopen);
    tcase_add_test(tc, test_uncommitted_writes_are_lost_on_close);
    tcase_add_test(tc, test_update_keeps_the_document_and_moves_it_to_dead);
    tcase_add_test(tc, test_done_entries_are_remembered_then_expire_oldest_first);
    tcase_add_test(tc, test_each_walks_in_id_order_and_pages_after_an_id);
    tcase_add_test(tc, test_failed_sync_is_reported_as_journal_error);
    tcase_add_test(tc, test_open_refuses_a_directory_that_is_not_a_journal);
    tcase_add_test(tc, test_file_stays_within_twice_live_data_after_100000_documents);
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
