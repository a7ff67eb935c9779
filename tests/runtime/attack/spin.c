/* spin - burns CPU in itself and CHILDREN children for SECONDS of wall
 * time, then prints "cpu_ms C wall_ms W" for the whole group
 * (getrusage of itself plus its reaped children). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void burn(double until)
{
	volatile unsigned long x = 0;
	while (now() < until)
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
}

static long ms(struct rusage *r)
{
	return (r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1000L +
	       (r->ru_utime.tv_usec + r->ru_stime.tv_usec) / 1000L;
}

int main(int argc, char **argv)
{
	int children = argc > 1 ? atoi(argv[1]) : 4;
	double seconds = argc > 2 ? atof(argv[2]) : 3, start = now();
	for (int i = 0; i < children; i++)
		if (fork() == 0) {
			burn(start + seconds);
			_exit(0);
		}
	burn(start + seconds);
	while (wait(NULL) > 0)
		;
	struct rusage self, kids;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	printf("cpu_ms %ld wall_ms %ld\n", ms(&self) + ms(&kids), (long)((now() - start) * 1000));
	return 0;
}
