/* perf_event - perf_event_open on the process itself, user space only
 * (what perf_event_paranoid 2 still allows): the perf core has a long CVE
 * list (CVE-2013-2094, CVE-2023-2235). */
#include "escape.h"

#include <linux/perf_event.h>

int main(void)
{
	escape_start("perf_event");
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.disabled = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	long rc = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	escape_call("perf_event_open(self)", rc, errno, REFUSED);
	return escape_finish();
}
