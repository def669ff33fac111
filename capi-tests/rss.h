/* rss.h: the process's anonymous resident memory (heap and stacks), in KiB,
 * from /proc/self/status. File-backed pages (library code) come and go with
 * the page cache and are not counted. Shared by pyrt_soak and the benchmark. */
#ifndef PYRT_TEST_RSS_H
#define PYRT_TEST_RSS_H

#include <stdio.h>

static inline long rss_anon_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "RssAnon: %ld kB", &kib) == 1) break;
    if (f) fclose(f);
    return kib;
}

#endif
