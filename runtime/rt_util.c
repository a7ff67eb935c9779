/* rt_util.c - error messages and allocation checks for the runtime. */
#include "rt_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int rt_fail(char *err, size_t size, const char *fmt, ...)
{
	if (err && size > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, size, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void rt_out_of_memory(void)
{
	fputs("cellrun: out of memory\n", stderr);
	exit(125);
}

void *rt_must_alloc(void *p)
{
	if (!p)
		rt_out_of_memory();
	return p;
}
