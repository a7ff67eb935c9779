/*
 * rt_util.h - the two things every runtime module needs: an error message
 * written into the caller's buffer, and an allocation check. Running out of
 * memory while setting up a sandbox has no recovery; it is cellrun's own
 * failure, so it exits 125 like every other one.
 */
#ifndef CELLRUN_RT_UTIL_H
#define CELLRUN_RT_UTIL_H

#include <stddef.h>

/* Formats into err (if err is not NULL) and returns -1. */
int rt_fail(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Returns p, or says "out of memory" and exits 125 when p is NULL. */
void *rt_must_alloc(void *p);
_Noreturn void rt_out_of_memory(void);

#endif
