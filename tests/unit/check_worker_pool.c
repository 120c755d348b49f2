/* check_worker_pool.c: the prefork supervisor's restart policy (worker_pool.h), pure:
 * a fake clock, no fork, no sleep. */
#include "worker_pool.h"

#include <check.h>
#include <stdlib.h>

static const worker_pool_opts_t OPTS = {100, 1000, 5000};

/* Starts every due slot with pids base, base+1, ... */
static int start_due(worker_pool_t *p, int64_t now, pid_t base)
{
    int n = 0;
    int slot;
    while ((slot = worker_pool_due(p, now)) >= 0) {
        worker_pool_started(p, slot, base + n, now);
        n++;
    }
    return n;
}

START_TEST(test_new_pool_starts_every_slot_at_once)
{
    worker_pool_t *p = worker_pool_new(3, &OPTS, 1000);
    ck_assert_int_eq(worker_pool_timeout_ms(p, 1000), 0);
    ck_assert_int_eq(start_due(p, 1000, 100), 3);
    ck_assert_int_eq(worker_pool_running(p), 3);
    ck_assert_int_eq(worker_pool_due(p, 1000), -1);
    ck_assert_int_eq(worker_pool_timeout_ms(p, 1000), -1);
    worker_pool_destroy(&p);
    ck_assert_ptr_null(p);
}
END_TEST

START_TEST(test_first_crash_is_replaced_immediately)
{
    worker_pool_t *p = worker_pool_new(2, &OPTS, 0);
    start_due(p, 0, 100);
    int64_t delay = -1;
    int slot = worker_pool_exited(p, 101, WORKER_EXIT_CRASHED, 60000, &delay);
    ck_assert_int_eq(slot, 1);
    ck_assert_int_eq(delay, 0);
    ck_assert_int_eq(worker_pool_due(p, 60000), 1);
    ck_assert_int_eq(worker_pool_running(p), 1);
    worker_pool_destroy(&p);
}
END_TEST

START_TEST(test_crash_loop_backs_off_exponentially_up_to_the_cap)
{
    worker_pool_t *p = worker_pool_new(1, &OPTS, 0);
    int64_t now = 0;
    int64_t want[] = {0, 100, 200, 400, 800, 1000, 1000};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int slot = worker_pool_due(p, now);
        ck_assert_int_eq(slot, 0);
        worker_pool_started(p, 0, 500 + (pid_t)i, now);
        now += 10; /* dies quickly */
        int64_t delay = -1;
        worker_pool_exited(p, 500 + (pid_t)i, WORKER_EXIT_CRASHED, now, &delay);
        ck_assert_int_eq(delay, want[i]);
        ck_assert_int_eq(worker_pool_timeout_ms(p, now), want[i]);
        if (want[i] > 0) {
            ck_assert_int_eq(worker_pool_due(p, now + want[i] - 1), -1);
        }
        now += want[i];
    }
    ck_assert_int_eq(worker_pool_crashes(p, 0), 7);
    worker_pool_destroy(&p);
}
END_TEST

START_TEST(test_a_child_that_ran_stably_resets_the_backoff)
{
    worker_pool_t *p = worker_pool_new(1, &OPTS, 0);
    worker_pool_started(p, 0, 10, 0);
    worker_pool_exited(p, 10, WORKER_EXIT_CRASHED, 1, NULL);
    worker_pool_started(p, 0, 11, 1);
    int64_t delay = -1;
    worker_pool_exited(p, 11, WORKER_EXIT_CRASHED, 2, &delay);
    ck_assert_int_eq(delay, 100);
    worker_pool_started(p, 0, 12, 200);
    worker_pool_exited(p, 12, WORKER_EXIT_CRASHED, 200 + 5000, &delay); /* lived stable_ms */
    ck_assert_int_eq(delay, 0);
    ck_assert_int_eq(worker_pool_crashes(p, 0), 1);
    worker_pool_destroy(&p);
}
END_TEST

START_TEST(test_retired_child_is_replaced_at_once_even_after_crashes)
{
    worker_pool_t *p = worker_pool_new(1, &OPTS, 0);
    worker_pool_started(p, 0, 10, 0);
    worker_pool_exited(p, 10, WORKER_EXIT_CRASHED, 1, NULL);
    worker_pool_started(p, 0, 11, 1);
    int64_t delay = -1;
    worker_pool_exited(p, 11, WORKER_EXIT_CLEAN, 2, &delay); /* --max-jobs retirement */
    ck_assert_int_eq(delay, 0);
    ck_assert_int_eq(worker_pool_crashes(p, 0), 0);
    ck_assert_int_eq(worker_pool_due(p, 2), 0);
    worker_pool_destroy(&p);
}
END_TEST

START_TEST(test_unknown_pid_is_ignored)
{
    worker_pool_t *p = worker_pool_new(1, &OPTS, 0);
    start_due(p, 0, 100);
    ck_assert_int_eq(worker_pool_exited(p, 999, WORKER_EXIT_CRASHED, 5, NULL), -1);
    ck_assert_int_eq(worker_pool_exited(p, 0, WORKER_EXIT_CRASHED, 5, NULL), -1);
    ck_assert_int_eq(worker_pool_running(p), 1);
    worker_pool_destroy(&p);
}
END_TEST

START_TEST(test_draining_pool_restarts_nothing)
{
    worker_pool_t *p = worker_pool_new(2, &OPTS, 0);
    start_due(p, 0, 100);
    worker_pool_drain(p);
    ck_assert(worker_pool_draining(p));
    worker_pool_exited(p, 100, WORKER_EXIT_CLEAN, 5, NULL);
    ck_assert_int_eq(worker_pool_due(p, 100000), -1);
    ck_assert_int_eq(worker_pool_timeout_ms(p, 5), -1);
    ck_assert_int_eq(worker_pool_running(p), 1);
    ck_assert_int_eq(worker_pool_pid(p, 1), 101);
    ck_assert_int_eq(worker_pool_pid(p, 0), 0);
    worker_pool_destroy(&p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("worker_pool");
    TCase *tc = tcase_create("policy");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_new_pool_starts_every_slot_at_once);
    tcase_add_test(tc, test_first_crash_is_replaced_immediately);
    tcase_add_test(tc, test_crash_loop_backs_off_exponentially_up_to_the_cap);
    tcase_add_test(tc, test_a_child_that_ran_stably_resets_the_backoff);
    tcase_add_test(tc, test_retired_child_is_replaced_at_once_even_after_crashes);
    tcase_add_test(tc, test_unknown_pid_is_ignored);
    tcase_add_test(tc, test_draining_pool_restarts_nothing);
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
