/* test_spec.c — flint-init's spec: defaults, validation, and the messages for bad input. */
#include "check.h"
#include "spec.h"

#include <string.h>

static int parse(const char *js, struct sandbox_spec *s, flint_error *e) {
    memset(e, 0, sizeof *e);
    return spec_parse(js, strlen(js), s, e);
}

int main(void) {
    struct sandbox_spec s;
    flint_error e;
    CHECK(parse("{\"layers\":[\"/l1\",\"/l2\"],\"argv\":[\"/bin/true\"]}", &s, &e) == 0);
    CHECK(s.nlayers == 2 && !strcmp(s.layers[1], "/l2"));
    CHECK(!strcmp(s.hostname, "flint") && s.tmp_mb == 512 && s.readonly_root == 1 && s.proxy_port == 0);
    CHECK(s.env[0] == NULL && !strcmp(s.cwd, "/"));
    spec_free(&s);

    CHECK(parse("{\"layers\":[\"/l\"],\"argv\":[\"sh\"],\"binds\":[{\"source\":\"/a\",\"target\":\"/b\"}],"
                "\"proxy\":{\"port\":9001,\"socket\":\"/run/flint/api.sock\"},\"uid\":993,\"gid\":990,"
                "\"readonly_root\":false}", &s, &e) == 0);
    CHECK(s.nbinds == 1 && s.binds[0].readonly == 1 && s.proxy_port == 9001 && s.uid == 993 && !s.readonly_root);
    spec_free(&s);

    /* network: its own netns (lo to bring up), one made ahead (lo is up), or the host's */
    CHECK(parse("{\"layers\":[\"/l\"],\"argv\":[\"x\"]}", &s, &e) == 0 && !s.host_network && !s.net_prepared);
    spec_free(&s);
    CHECK(parse("{\"layers\":[\"/l\"],\"argv\":[\"x\"],\"network\":\"prepared\"}", &s, &e) == 0);
    CHECK(s.net_prepared && !s.host_network);
    spec_free(&s);
    CHECK(parse("{\"layers\":[\"/l\"],\"argv\":[\"x\"],\"network\":\"host\"}", &s, &e) == 0);
    CHECK(s.host_network && !s.net_prepared);
    spec_free(&s);

    struct { const char *js, *msg; } bad[] = {
        {"[]", "spec: sandbox spec is not a JSON object"},
        {"{\"argv\":[\"x\"]}", "spec: 'layers' must be a non-empty array of strings"},
        {"{\"layers\":[\"/l\"]}", "spec: 'argv' must be a non-empty array of strings"},
        {"{\"layers\":[\"/l\"],\"argv\":[]}", "spec: 'argv' must be a non-empty array of strings"},
        {"{\"layers\":[\"rel\"],\"argv\":[\"x\"]}", "spec: layer 'rel' must be an absolute path without ':' or ','"},
        {"{\"layers\":[\"/a:b\"],\"argv\":[\"x\"]}", "spec: layer '/a:b' must be an absolute path without ':' or ','"},
        {"{\"layers\":[\"/l\"],\"argv\":[\"x\"],\"tmp_mb\":0}", "spec: 'tmp_mb' must be an integer in 1..1048576"},
        {"{\"layers\":[\"/l\"],\"argv\":[\"x\"],\"binds\":[{\"source\":\"/a\",\"target\":\"/\"}]}",
         "spec: bind '/a' -> '/' needs absolute paths, no '..', not '/'"},
        {"{\"layers\":[\"/l\"],\"argv\":[\"x\"],\"binds\":[{\"source\":\"/a\",\"target\":\"/x/../etc\"}]}",
         "spec: bind '/a' -> '/x/../etc' needs absolute paths, no '..', not '/'"},
        {"{\"layers\":[\"/l\"],\"argv\":[\"x\"],\"proxy\":{\"port\":70000,\"socket\":\"/s\"}}",
         "spec: 'port' must be an integer in 1..65535"},
        {"{\"layers\":[\"/l\"],\"argv\":[\"x\"],\"network\":\"bridge\"}",
         "spec: 'network' must be \"private\", \"prepared\" or \"host\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&s, 0, sizeof s);
        int r = parse(bad[i].js, &s, &e);
        CHECK(r == -1);
        if (strcmp(e.message, bad[i].msg)) fprintf(stderr, "case %zu: got '%s'\n", i, e.message);
        CHECK(!strcmp(e.message, bad[i].msg));
        spec_free(&s);
    }
    return CHECK_DONE();
}
