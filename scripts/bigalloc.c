// Live big heap blocks by call site: an LD_PRELOAD library for finding who holds a process's native memory
// (docs/scale.md: it found the 3.6 GB of zero constants TensorFlow kept next to SEER's 256GF momentum).
//   gcc -O2 -fPIC -shared -o /tmp/bigalloc.so scripts/bigalloc.c -ldl -lpthread
//   mkdir -p DIR; BIGALLOC_DIR=DIR LD_PRELOAD=/tmp/bigalloc.so java ...
// Only a process named java is tracked. Blocks of BIGALLOC_MIN bytes or more (default 1 MiB) taken through
// malloc, calloc, realloc or the aligned allocators are recorded with their backtrace; once a second DIR/bigalloc.log
// gets the live and peak bytes, and touching DIR/trigger writes DIR/dump.<seconds>.txt: the live bytes per call
// site, largest first, with symbols (addr2line -f -C -e LIB OFFSET names the frames given as LIB+OFFSET).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

#define SLOTS (1u << 20)
#define SITES 65536
#define FRAMES 14

typedef struct { uintptr_t p; size_t size; uint32_t site; } rec_t;
typedef struct { uint64_t hash; int n; void *f[FRAMES]; size_t live; long count; } site_t;

static rec_t *recs;
static site_t *sites;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static size_t minsize = 1 << 20;
static size_t live_total, peak_total;
static __thread int busy;
static int ready;
static char dir[256] = "/tmp";

static uint32_t slot_of(uintptr_t p) { return (uint32_t)((p >> 4) * 2654435761u) & (SLOTS - 1); }

static void record(void *ptr, size_t size) {
    if (!ready || !ptr || size < minsize || busy) return;
    busy = 1;
    void *f[FRAMES + 2];
    int n = backtrace(f, FRAMES + 2);
    uint64_t h = 1469598103934665603ull;
    for (int i = 2; i < n; i++) h = (h ^ (uintptr_t)f[i]) * 1099511628211ull;
    pthread_mutex_lock(&mu);
    uint32_t s = (uint32_t)(h % SITES);
    while (sites[s].hash && sites[s].hash != h) s = (s + 1) % SITES;
    if (!sites[s].hash) {
        sites[s].hash = h;
        sites[s].n = n > 2 ? n - 2 : 0;
        memcpy(sites[s].f, f + 2, sizeof(void *) * sites[s].n);
    }
    sites[s].live += size;
    sites[s].count++;
    uint32_t i = slot_of((uintptr_t)ptr);
    while (recs[i].p) i = (i + 1) & (SLOTS - 1);
    recs[i] = (rec_t){(uintptr_t)ptr, size, s};
    live_total += size;
    if (live_total > peak_total) peak_total = live_total;
    pthread_mutex_unlock(&mu);
    busy = 0;
}

static void forget(void *ptr) {
    if (!ready || !ptr) return;
    pthread_mutex_lock(&mu);
    uint32_t i = slot_of((uintptr_t)ptr);
    while (recs[i].p && recs[i].p != (uintptr_t)ptr) i = (i + 1) & (SLOTS - 1);
    if (recs[i].p) {
        sites[recs[i].site].live -= recs[i].size;
        sites[recs[i].site].count--;
        live_total -= recs[i].size;
        // backward-shift deletion keeps linear probing intact
        uint32_t j = i;
        for (;;) {
            recs[i].p = 0;
            for (;;) {
                j = (j + 1) & (SLOTS - 1);
                if (!recs[j].p) goto done;
                uint32_t k = slot_of(recs[j].p);
                if (i <= j ? (i < k && k <= j) : (i < k || k <= j)) continue;
                break;
            }
            recs[i] = recs[j];
            i = j;
        }
    }
done:
    pthread_mutex_unlock(&mu);
}

void *malloc(size_t n) { void *p = __libc_malloc(n); record(p, n); return p; }
void *calloc(size_t a, size_t b) { void *p = __libc_calloc(a, b); record(p, a * b); return p; }
void free(void *p) { if (p) forget(p); __libc_free(p); }
void *realloc(void *old, size_t n) {
    if (old) forget(old);
    void *p = __libc_realloc(old, n);
    record(p, n);
    return p;
}
int posix_memalign(void **out, size_t al, size_t n) {
    void *p = __libc_memalign(al, n);
    if (!p) return 12;
    record(p, n);
    *out = p;
    return 0;
}
void *aligned_alloc(size_t al, size_t n) { void *p = __libc_memalign(al, n); record(p, n); return p; }
void *memalign(size_t al, size_t n) { void *p = __libc_memalign(al, n); record(p, n); return p; }

static int cmp(const void *a, const void *b) {
    size_t x = (*(site_t *const *)a)->live, y = (*(site_t *const *)b)->live;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void dump(void) {
    char path[300];
    snprintf(path, sizeof path, "%s/dump.%ld.txt", dir, (long)time(NULL));
    busy = 1;
    FILE *o = fopen(path, "w");
    if (!o) { busy = 0; return; }
    pthread_mutex_lock(&mu);
    static site_t *order[SITES];
    int m = 0;
    for (int s = 0; s < SITES; s++) if (sites[s].hash && sites[s].live) order[m++] = &sites[s];
    qsort(order, m, sizeof order[0], cmp);
    fprintf(o, "live %.1f MiB peak %.1f MiB sites %d\n", live_total / 1048576.0, peak_total / 1048576.0, m);
    static site_t copy[64];
    int shown = m < 64 ? m : 64;
    for (int i = 0; i < shown; i++) copy[i] = *order[i];
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < shown; i++) {
        fprintf(o, "\n%.1f MiB in %ld blocks\n", copy[i].live / 1048576.0, copy[i].count);
        for (int k = 0; k < copy[i].n; k++) {
            Dl_info d;
            if (dladdr(copy[i].f[k], &d) && d.dli_sname)
                fprintf(o, "   %s+%ld\n", d.dli_sname, (long)((char *)copy[i].f[k] - (char *)d.dli_saddr));
            else if (dladdr(copy[i].f[k], &d) && d.dli_fname)
                fprintf(o, "   %s+0x%lx\n", d.dli_fname, (long)((char *)copy[i].f[k] - (char *)d.dli_fbase));
            else
                fprintf(o, "   ?%p\n", copy[i].f[k]);
        }
    }
    fclose(o);
    busy = 0;
}

static void *poller(void *arg) {
    (void)arg;
    busy = 1;
    for (;;) {
        sleep(1);
        char path[300];
        snprintf(path, sizeof path, "%s/trigger", dir);
        if (access(path, F_OK) == 0) {
            unlink(path);
            dump();
        }
        snprintf(path, sizeof path, "%s/bigalloc.log", dir);
        FILE *l = fopen(path, "a");
        if (l) {
            fprintf(l, "%d %ld live %.1f MiB peak %.1f MiB\n", getpid(), (long)time(NULL), live_total / 1048576.0,
                    peak_total / 1048576.0);
            fclose(l);
        }
    }
    return NULL;
}

extern char *program_invocation_short_name;
__attribute__((constructor)) static void init(void) {
    if (strcmp(program_invocation_short_name, "java") != 0) return;
    busy = 1;
    const char *m = getenv("BIGALLOC_MIN");
    if (m) minsize = strtoull(m, NULL, 10);
    const char *d = getenv("BIGALLOC_DIR");
    if (d) snprintf(dir, sizeof dir, "%s", d);
    recs = mmap(NULL, sizeof(rec_t) * SLOTS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sites = mmap(NULL, sizeof(site_t) * SITES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *f[2];
    backtrace(f, 2);  // loads the unwinder before any tracked call
    ready = 1;
    pthread_t t;
    pthread_create(&t, NULL, poller, NULL);
    pthread_detach(t);
    busy = 0;
}
