/* error.h — the error record helpers shared by libflint and flint-init. */
#ifndef FLINT_ERROR_H
#define FLINT_ERROR_H

#include "flint.h"

/* Name of an errno value ("ENOENT"), or "E<number>" for unknown values. */
const char *flint_errno_name(int err, char *buf, int buflen);

/* Fill e with stage, errno and "stage: ENAME: <formatted>" (or "stage: <formatted>" when err is 0). */
void flint_error_set(flint_error *e, flint_stage stage, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A hint for errnos with a known cause at a stage, or NULL. */
const char *flint_error_hint(flint_stage stage, int err);

#endif
