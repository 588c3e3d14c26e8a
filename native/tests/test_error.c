/* test_error.c — stage names and message format ("stage: ENAME: what"). */
#include "check.h"
#include "error.h"

#include <errno.h>
#include <string.h>

int main(void) {
    CHECK(flint_stage_count() == FLINT_STAGE_COUNT);
    CHECK(!strcmp(flint_stage_name(FLINT_STAGE_CLONE), "clone"));
    CHECK(!strcmp(flint_stage_name(FLINT_STAGE_MOUNT_ROOTFS), "mount-rootfs"));
    CHECK(!strcmp(flint_stage_name(FLINT_STAGE_CGROUP_ATTACH), "cgroup-attach"));
    CHECK(!strcmp(flint_stage_name(-1), "unknown"));
    CHECK(!strcmp(flint_stage_name(FLINT_STAGE_COUNT), "unknown"));
    for (int i = 0; i < FLINT_STAGE_COUNT; i++) CHECK(strcmp(flint_stage_name(i), "unknown") != 0);

    flint_error e;
    flint_error_set(&e, FLINT_STAGE_MOUNT_ROOTFS, ENOENT, "image layer '%s' missing", "/x");
    CHECK(e.stage == FLINT_STAGE_MOUNT_ROOTFS && e.err == ENOENT);
    CHECK(!strcmp(e.message, "mount-rootfs: ENOENT: image layer '/x' missing"));
    flint_error_set(&e, FLINT_STAGE_SPEC, 0, "bad '%s'", "k");
    CHECK(!strcmp(e.message, "spec: bad 'k'"));
    char big[600];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    flint_error_set(&e, FLINT_STAGE_EXEC, EACCES, "%s", big);
    CHECK(strlen(e.message) == FLINT_MESSAGE_MAX - 1); /* truncated, still terminated */
    char buf[16];
    CHECK(!strcmp(flint_errno_name(EPERM, buf, sizeof buf), "EPERM"));
    CHECK(!strcmp(flint_errno_name(99999, buf, sizeof buf), "E99999"));
    CHECK(flint_error_hint(FLINT_STAGE_CLONE, EPERM) != NULL);
    CHECK(flint_error_hint(FLINT_STAGE_HOSTNAME, EPERM) == NULL);
    return CHECK_DONE();
}
