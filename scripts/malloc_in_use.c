/*
 * Native memory in use, not resident: preloaded into a process, adds up malloc_usable_size of every block that
 * malloc, calloc, realloc and posix_memalign hand out and free takes back, and prints the peak to stderr when the
 * process exits ("malloc_in_use peak_mb=..."). With MALLOC_IN_USE_SAMPLE=1 it also prints, every 100 ms, the
 * time, the memory in use and the RSS, so the two can be followed side by side (docs/performance.md, "Twelfth
 * session"). A measuring aid, not part of the product:
 *
 *   cc -shared -fPIC -O2 -o /tmp/libmalloc_in_use.so scripts/malloc_in_use.c -ldl -lpthread
 *   LD_PRELOAD=/tmp/libmalloc_in_use.so ./seer4j bench --steps 15 --warmup 12 2>&1 | grep malloc_in_use
 *
 * The launcher's own helper processes print their (tiny) peaks too; the JVM's line is the large one.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_long in_use, peak;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);

/* dlsym itself allocates (calloc) before the real functions are known: serve it from a static buffer */
static char early[1 << 16];
static size_t early_used;

static void *early_alloc(size_t n) {
    void *p = early + early_used;
    early_used += (n + 15) & ~(size_t) 15;
    return early_used <= sizeof early ? p : NULL;
}

static int is_early(void *p) {
    return (char *) p >= early && (char *) p < early + sizeof early;
}

static void counted(void *p) {
    if (!p) return;
    long n = (long) malloc_usable_size(p);
    long now = atomic_fetch_add(&in_use, n) + n;
    long high = atomic_load(&peak);
    while (now > high && !atomic_compare_exchange_weak(&peak, &high, now)) {
    }
}

static void uncounted(void *p) {
    if (p && !is_early(p)) atomic_fetch_sub(&in_use, (long) malloc_usable_size(p));
}

void *malloc(size_t n) {
    if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc");
    if (!real_malloc) return early_alloc(n);
    void *p = real_malloc(n);
    counted(p);
    return p;
}

void *calloc(size_t count, size_t size) {
    static int resolving;
    if (!real_calloc) {
        if (resolving) return early_alloc(count * size); /* zeroed: static storage */
        resolving = 1;
        real_calloc = dlsym(RTLD_NEXT, "calloc");
        resolving = 0;
        if (!real_calloc) return early_alloc(count * size);
    }
    void *p = real_calloc(count, size);
    counted(p);
    return p;
}

void *realloc(void *old, size_t n) {
    if (!real_realloc) real_realloc = dlsym(RTLD_NEXT, "realloc");
    if (is_early(old)) {
        size_t left = (size_t) (early + sizeof early - (char *) old);
        void *p = malloc(n);
        if (p) memcpy(p, old, n < left ? n : left);
        return p;
    }
    uncounted(old);
    void *p = real_realloc(old, n);
    counted(p ? p : old);
    return p;
}

void free(void *p) {
    if (!p || is_early(p)) return;
    if (!real_free) real_free = dlsym(RTLD_NEXT, "free");
    uncounted(p);
    real_free(p);
}

int posix_memalign(void **out, size_t alignment, size_t n) {
    if (!real_posix_memalign) real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    int e = real_posix_memalign(out, alignment, n);
    if (!e) counted(*out);
    return e;
}

static void *sampler(void *unused) {
    (void) unused;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        usleep(100000);
        clock_gettime(CLOCK_MONOTONIC, &now);
        long pages = 0, resident = 0;
        FILE *f = fopen("/proc/self/statm", "r");
        if (f) {
            if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
            fclose(f);
        }
        char line[160];
        int k = snprintf(line, sizeof line, "malloc_in_use t=%.1f in_use_mb=%.0f rss_mb=%.0f\n",
                         (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9,
                         atomic_load(&in_use) / 1048576.0, resident * (double) sysconf(_SC_PAGESIZE) / 1048576.0);
        if (write(2, line, k) < 0) return NULL;
    }
}

__attribute__((constructor)) static void start(void) {
    const char *sample = getenv("MALLOC_IN_USE_SAMPLE");
    if (sample && strcmp(sample, "1") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, sampler, NULL);
    }
}

__attribute__((destructor)) static void report(void) {
    char line[96];
    int k = snprintf(line, sizeof line, "malloc_in_use peak_mb=%.1f\n", atomic_load(&peak) / 1048576.0);
    if (write(2, line, k) < 0) return;
}
