/* check_codec.c: the msgpack pre-validator (each msgpack-c 4.0 pitfall of FACTS.md),
 * the body reader/writer, the document limits, and golden vectors both ways. */
#include "ds_err.h"
#include "ds_mpv.h"
#include "ds_msg.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static int mpv(const char *bytes, size_t n)
{
    char err[128];
    return ds_mpv_check((const uint8_t *)bytes, n, err, sizeof err);
}

START_TEST(test_array_claiming_50m_elements_is_rejected_before_allocation)
{
    const char b[] = "\xdd\x02\xfa\xf0\x80"; /* array32 of 50,000,000 */
    ck_assert_int_eq(mpv(b, 5), DS_EMSGPACK);
}
END_TEST

START_TEST(test_nested_length_claims_are_rejected)
{
    const char b[] = "\x91\xdd\x02\xfa\xf0\x80";
    ck_assert_int_eq(mpv(b, 6), DS_EMSGPACK);
    const char m[] = "\xdf\x7f\xff\xff\xff"; /* map32 of 2^31-1 pairs */
    ck_assert_int_eq(mpv(m, 5), DS_EMSGPACK);
}
END_TEST

START_TEST(test_nesting_deeper_than_8_is_rejected)
{
    char b[40];
    for (int depth = 1; depth <= 12; depth++) {
        memset(b, 0x91, (size_t)depth); /* fixarray of 1, depth times */
        b[depth] = 0x01;
        int rc = mpv(b, (size_t)depth + 1);
        if (depth <= DS_MPV_MAX_DEPTH) {
            ck_assert_int_eq(rc, 0);
        } else {
            ck_assert_int_eq(rc, DS_EMSGPACK);
        }
    }
}
END_TEST

START_TEST(test_trailing_bytes_are_rejected)
{
    const char b[] = "\x80\x01"; /* {} then 1 */
    ck_assert_int_eq(mpv(b, 1), 0);
    ck_assert_int_eq(mpv(b, 2), DS_EMSGPACK);
}
END_TEST

START_TEST(test_truncated_input_is_rejected)
{
    const char b[] = "\x82\xa1k\x01\xa1j"; /* map of 2 pairs, second value missing */
    ck_assert_int_eq(mpv(b, 6), DS_EMSGPACK);
    const char s[] = "\xa5hel"; /* fixstr 5 with 3 bytes */
    ck_assert_int_eq(mpv(s, 4), DS_EMSGPACK);
    const char h[] = "\xda\x00"; /* str16 with half a header */
    ck_assert_int_eq(mpv(h, 2), DS_EMSGPACK);
    ck_assert_int_eq(mpv("", 0), DS_EMSGPACK);
}
END_TEST

START_TEST(test_invalid_utf8_in_strings_is_rejected_with_offset)
{
    const char b[] = "\x81\xa4text\xa3\x61\xff\x62";
    char err[128];
    ck_assert_int_eq(ds_mpv_check((const uint8_t *)b, 10, err, sizeof err), DS_EUTF8);
    ck_assert_ptr_nonnull(strstr(err, "byte 8"));
    const char overlong[] = "\xa2\xc0\xaf";
    ck_assert_int_eq(mpv(overlong, 3), DS_EUTF8);
    const char surrogate[] = "\xa3\xed\xa0\x80";
    ck_assert_int_eq(mpv(surrogate, 4), DS_EUTF8);
}
END_TEST

START_TEST(test_reserved_byte_c1_is_rejected)
{
    ck_assert_int_eq(mpv("\xc1", 1), DS_EMSGPACK);
    ck_assert_int_eq(mpv("\x91\xc1", 2), DS_EMSGPACK);
}
END_TEST

START_TEST(test_non_string_map_keys_are_rejected)
{
    ck_assert_int_eq(mpv("\x81\x01\x02", 3), DS_EMSGPACK);
}
END_TEST

START_TEST(test_every_scalar_type_is_accepted)
{
    /* nil, false, true, uint8..64, int8..64, float32/64, bin8, fixext1, ext8, negative fixint */
    const char b[] =
        "\xdc\x00\x11\xc0\xc2\xc3\xcc\x01\xcd\x00\x01\xce\x00\x00\x00\x01\xcf\x00\x00\x00\x00\x00\x00\x00\x01"
        "\xd0\xff\xd1\xff\xff\xd2\xff\xff\xff\xff\xd3\xff\xff\xff\xff\xff\xff\xff\xff"
        "\xca\x00\x00\x00\x00\xcb\x00\x00\x00\x00\x00\x00\x00\x00\xc4\x02\x00\x01"
        "\xd4\x01\x00\xc7\x01\x05\x00\xe0";
    ck_assert_int_eq(mpv(b, sizeof b - 1), 0);
}
END_TEST

/* Golden vector: {"id":"d1","text":"Hello world"} as any conforming encoder writes it. */
static const char golden_submit[] = "\x82\xa2id\xa2\x64\x31\xa4text\xab"
                                    "Hello world";

START_TEST(test_golden_submit_decodes)
{
    ds_body_t b;
    char err[128];
    ck_assert_int_eq(
        ds_body_parse(&b, (const uint8_t *)golden_submit, sizeof golden_submit - 1, err, sizeof err), 0);
    ds_doc_t d;
    ck_assert_int_eq(ds_doc_parse(&b, 0, &d, err, sizeof err), 0);
    ck_assert(ds_str_eq(d.id, "d1"));
    ck_assert(ds_str_eq(d.text, "Hello world"));
    ck_assert_ptr_null(d.title.ptr);
    ds_body_free(&b);
}
END_TEST

START_TEST(test_golden_submit_encodes_byte_for_byte)
{
    ds_buf_t out = DS_BUF_INIT;
    ds_pack_t p;
    ds_pack_init(&p, &out);
    ds_pack_map(&p, 2);
    ds_pack_kv_str(&p, "id", "d1");
    ds_pack_kv_str(&p, "text", "Hello world");
    ck_assert_uint_eq(out.len, sizeof golden_submit - 1);
    ck_assert_mem_eq(out.data, golden_submit, out.len);
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_golden_reply_round_trips)
{
    /* {"status":"rejected","id":"x","code":"bad_field","error":"field 'text' must be a string"} */
    ds_buf_t out = DS_BUF_INIT;
    ds_pack_t p;
    ds_pack_init(&p, &out);
    ds_pack_map(&p, 4);
    ds_pack_kv_str(&p, "status", "rejected");
    ds_pack_kv_str(&p, "id", "x");
    ds_pack_kv_str(&p, "code", "bad_field");
    ds_pack_kv_str(&p, "error", "field 'text' must be a string");
    const char expect_head[] = "\x84\xa6status\xa8rejected\xa2id\xa1x\xa4\x63ode\xa9\x62\x61\x64_field";
    ck_assert_mem_eq(out.data, expect_head, sizeof expect_head - 1);
    ds_body_t b;
    char err[128];
    ck_assert_int_eq(ds_body_parse(&b, (const uint8_t *)out.data, out.len, err, sizeof err), 0);
    ds_str_t s;
    ck_assert_int_eq(ds_body_str(&b, "code", &s, err, sizeof err), 1);
    ck_assert(ds_str_eq(s, "bad_field"));
    ck_assert_int_eq(ds_body_str(&b, "missing", &s, err, sizeof err), 0);
    ds_body_free(&b);
    ds_buf_free(&out);
}
END_TEST

static int parse_doc(const char *bytes, size_t n, size_t max, char *err)
{
    ds_body_t b;
    int rc = ds_body_parse(&b, (const uint8_t *)bytes, n, err, 128);
    if (rc != 0) {
        return rc;
    }
    ds_doc_t d;
    rc = ds_doc_parse(&b, max, &d, err, 128);
    ds_body_free(&b);
    return rc;
}

#define PD(lit, max, err) parse_doc(lit, sizeof(lit) - 1, max, err)

START_TEST(test_text_that_is_a_number_is_rejected_naming_the_field)
{
    char err[128];
    ck_assert_int_eq(PD("\x81\xa4text\x2a", 0, err), DS_EFIELD);
    ck_assert_ptr_nonnull(strstr(err, "'text'"));
}
END_TEST

START_TEST(test_missing_text_is_rejected)
{
    char err[128];
    ck_assert_int_eq(PD("\x81\xa2id\xa1x", 0, err), DS_EFIELD);
    ck_assert_ptr_nonnull(strstr(err, "required"));
}
END_TEST

START_TEST(test_empty_and_blank_text_are_rejected)
{
    char err[128];
    ck_assert_int_eq(PD("\x81\xa4text\xa0", 0, err), DS_EEMPTY);
    ck_assert_int_eq(PD("\x81\xa4text\xa3 \n\t", 0, err), DS_EEMPTY);
}
END_TEST

START_TEST(test_oversized_text_is_rejected_not_truncated)
{
    char err[128];
    ck_assert_int_eq(PD("\x81\xa4text\xa5hello", 4, err), DS_ETOOBIG);
    ck_assert_int_eq(PD("\x81\xa4text\xa5hello", 5, err), 0);
}
END_TEST

START_TEST(test_not_a_map_is_rejected)
{
    char err[128];
    ds_body_t b;
    ck_assert_int_eq(ds_body_parse(&b, (const uint8_t *)"\x91\x01", 2, err, sizeof err), DS_ENOTMAP);
    ck_assert_int_eq(ds_body_parse(&b, (const uint8_t *)"hello", 5, err, sizeof err), DS_EMSGPACK);
}
END_TEST

START_TEST(test_bad_ids_and_formats_are_rejected)
{
    char err[128];
    ck_assert_int_eq(PD("\x82\xa2id\xa3\x61 b\xa4text\xa1x", 0, err), DS_EFIELD);
    ck_assert_int_eq(PD("\x82\xa2id\xa0\xa4text\xa1x", 0, err), DS_EFIELD);
    ck_assert_int_eq(PD("\x82\xa6\x66ormat\xa3pdf\xa4text\xa1x", 0, err), DS_EFIELD);
    ck_assert_int_eq(PD("\x82\xa6\x66ormat\xa4html\xa4text\xa1x", 0, err), 0);
    ck_assert_int_eq(PD("\x82\xa4meta\x01\xa4text\xa1x", 0, err), DS_EFIELD);
}
END_TEST

START_TEST(test_unknown_keys_are_skipped)
{
    char err[128];
    ck_assert_int_eq(PD("\x82\xa5later\x93\x01\x02\x03\xa4text\xa1x", 0, err), 0);
}
END_TEST

START_TEST(test_doc_pack_round_trips_every_field)
{
    const char src[] = "\x84\xa2id\xa1q\xa4text\xa2hi\xa5title\xa1T\xa4meta\x81\xa1k\x01";
    ds_body_t b;
    char err[128];
    ck_assert_int_eq(ds_body_parse(&b, (const uint8_t *)src, sizeof src - 1, err, sizeof err), 0);
    ds_doc_t d;
    ck_assert_int_eq(ds_doc_parse(&b, 0, &d, err, sizeof err), 0);
    ds_buf_t out = DS_BUF_INIT;
    ds_pack_t p;
    ds_pack_init(&p, &out);
    ds_doc_pack(&p, &d, 1);
    ds_pack_kv_int(&p, "attempt", 3);
    ds_body_t b2;
    ck_assert_int_eq(ds_body_parse(&b2, (const uint8_t *)out.data, out.len, err, sizeof err), 0);
    ds_doc_t d2;
    ck_assert_int_eq(ds_doc_parse(&b2, 0, &d2, err, sizeof err), 0);
    ck_assert(ds_str_eq(d2.title, "T"));
    ck_assert(ds_str_eq(d2.text, "hi"));
    ck_assert_int_eq(d2.attempt, 3);
    ck_assert_ptr_nonnull(d2.meta);
    ds_body_free(&b2);
    ds_body_free(&b);
    ds_buf_free(&out);
}
END_TEST

START_TEST(test_error_table_names_are_stable)
{
    ck_assert_str_eq(ds_errname(DS_EUTF8), "bad_utf8");
    ck_assert_str_eq(ds_errname(DS_EMSGPACK), "bad_msgpack");
    ck_assert_str_eq(ds_errname(DS_ESERVICE), "unknown_service");
    ck_assert_int_eq(ds_errcode("too_large"), DS_ETOOBIG);
    ck_assert_str_eq(ds_strerror(12345), "unknown error");
}
END_TEST

static Suite *codec_suite(void)
{
    Suite *s = suite_create("codec");
    TCase *mpv_tc = tcase_create("prevalidator");
    tcase_set_timeout(mpv_tc, 10);
    tcase_add_test(mpv_tc, test_array_claiming_50m_elements_is_rejected_before_allocation);
    tcase_add_test(mpv_tc, test_nested_length_claims_are_rejected);
    tcase_add_test(mpv_tc, test_nesting_deeper_than_8_is_rejected);
    tcase_add_test(mpv_tc, test_trailing_bytes_are_rejected);
    tcase_add_test(mpv_tc, test_truncated_input_is_rejected);
    tcase_add_test(mpv_tc, test_invalid_utf8_in_strings_is_rejected_with_offset);
    tcase_add_test(mpv_tc, test_reserved_byte_c1_is_rejected);
    tcase_add_test(mpv_tc, test_non_string_map_keys_are_rejected);
    tcase_add_test(mpv_tc, test_every_scalar_type_is_accepted);
    suite_add_tcase(s, mpv_tc);
    TCase *body = tcase_create("bodies");
    tcase_set_timeout(body, 10);
    tcase_add_test(body, test_golden_submit_decodes);
    tcase_add_test(body, test_golden_submit_encodes_byte_for_byte);
    tcase_add_test(body, test_golden_reply_round_trips);
    tcase_add_test(body, test_text_that_is_a_number_is_rejected_naming_the_field);
    tcase_add_test(body, test_missing_text_is_rejected);
    tcase_add_test(body, test_empty_and_blank_text_are_rejected);
    tcase_add_test(body, test_oversized_text_is_rejected_not_truncated);
    tcase_add_test(body, test_not_a_map_is_rejected);
    tcase_add_test(body, test_bad_ids_and_formats_are_rejected);
    tcase_add_test(body, test_unknown_keys_are_skipped);
    tcase_add_test(body, test_doc_pack_round_trips_every_field);
    tcase_add_test(body, test_error_table_names_are_stable);
    suite_add_tcase(s, body);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(codec_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
