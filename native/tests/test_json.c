/* test_json.c — the tokenizer and accessors used for every spec. */
#include "check.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

static int parse(const char *s, fj_tok *t) { return fj_parse(s, strlen(s), t, 64); }

int main(void) {
    fj_tok t[64];
    const char *js = "{\"a\": [1, \"x\\ty\", {\"b\": true}], \"c\": \"\\u00e9\\ud83d\\ude00\", \"n\": -42}";
    CHECK(parse(js, t) > 0);
    int a = fj_get(js, t, 0, "a");
    CHECK(a > 0 && t[a].type == FJ_ARRAY && t[a].size == 3);
    char *s = fj_strdup(js, &t[fj_elem(t, a, 1)]);
    CHECK(s && !strcmp(s, "x\ty"));
    free(s);
    int obj = fj_elem(t, a, 2);
    CHECK(fj_bool(js, &t[fj_get(js, t, obj, "b")]) == 1);
    s = fj_strdup(js, &t[fj_get(js, t, 0, "c")]);
    CHECK(s && !strcmp(s, "\xc3\xa9\xf0\x9f\x98\x80"));
    free(s);
    long long n = 0;
    CHECK(fj_int(js, &t[fj_get(js, t, 0, "n")], &n) == 0 && n == -42);
    CHECK(fj_get(js, t, 0, "missing") == -1);
    CHECK(fj_get(js, t, a, "a") == -1); /* not an object */
    CHECK(fj_elem(t, a, 3) == -1);

    /* malformed input is rejected, never half-parsed */
    const char *bad[] = {"", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "\"abc", "tru", "{\"a\":\"\\x\"}",
                         "[1] [2]", "{\"a\":\"\x01\"}", "[01x]", "nul"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int r = parse(bad[i], t);
        if (r >= 0) fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK(r < 0);
    }
    /* too many tokens is its own error */
    CHECK(fj_parse("[1,2,3,4]", 9, t, 3) == -2);
    /* embedded NUL in a string is refused (no path may hold one) */
    const char *nul = "\"a\\u0000b\"";
    CHECK(parse(nul, t) == 1 && fj_strdup(nul, &t[0]) == NULL);

    const char *arr = "[\"a\", \"b c\"]";
    CHECK(parse(arr, t) == 3);
    char **v = fj_strv(arr, t, 0);
    CHECK(v && !strcmp(v[0], "a") && !strcmp(v[1], "b c") && v[2] == NULL);
    fj_strv_free(v);
    const char *mixed = "[\"a\", 1]";
    CHECK(parse(mixed, t) == 3 && fj_strv(mixed, t, 0) == NULL);

    /* deep nesting is bounded */
    char deep[300];
    memset(deep, '[', 150);
    memset(deep + 150, ']', 150);
    CHECK(fj_parse(deep, 300, t, 64) < 0);
    return CHECK_DONE();
}
