/* The guest profiler's sampling. A thread per profiled store asks for a
 * sample every interval by putting RT_INTERRUPT_SAMPLE in the interrupt
 * word, the mechanism of interrupts and timeouts: the next check point,
 * in either tier, sees it, writes the wasm stack into s->trace and calls
 * rt_profile_take on the guest's own thread. So the profile costs nothing
 * when off (no check points are compiled), never stops the guest from
 * outside, and sees exactly the frames a trap's backtrace would show. A
 * guest blocked in a host call is sampled when it comes back. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/profile.h"

struct rt_profile {
    struct rt_store *store;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool running, quit;
    uint64_t interval_ns;
    struct timespec start;          /* CLOCK_MONOTONIC */
    double start_unix_ms, end_ms;
    /* The stack tree, with an open-addressing index of (parent, func). */
    struct rt_profile_node *nodes;
    uint32_t nnodes, nodes_cap;
    uint32_t *slots;                /* node + 1, 0 = empty */
    uint32_t nslots;                /* a power of two */
    struct rt_profile_sample *samples;
    uint32_t nsamples, samples_cap;
};

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void *sampler(void *arg)
{
    struct rt_profile *p = arg;
    pthread_mutex_lock(&p->lock);
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (!p->quit) {
        uint64_t ns = (uint64_t)next.tv_nsec + p->interval_ns;
        next.tv_sec += (time_t)(ns / 1000000000u);
        next.tv_nsec = (long)(ns % 1000000000u);
        if (pthread_cond_timedwait(&p->wake, &p->lock, &next) == ETIMEDOUT) {
            uint32_t none = RT_INTERRUPT_NONE;
            atomic_compare_exchange_strong(&p->store->interrupt, &none, RT_INTERRUPT_SAMPLE);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

bool rt_profile_start(struct rt_store *s, uint64_t interval_ns)
{
    if (s->profile)
        return false;
    struct rt_profile *p = xcalloc(1, sizeof *p);
    p->store = s;
    p->interval_ns = interval_ns ? interval_ns : 1;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    p->start_unix_ms = (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&p->lock, NULL);
    if (pthread_create(&p->thread, NULL, sampler, p) != 0) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return false;
    }
    p->running = true;
    s->profile = p;
    return true;
}

void rt_profile_stop(struct rt_store *s)
{
    struct rt_profile *p = s->profile;
    if (!p || !p->running)
        return;
    pthread_mutex_lock(&p->lock);
    p->quit = true;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    p->running = false;
    p->end_ms = ms_since(&p->start);
    /* A request the guest has not seen yet must not linger. */
    uint32_t sample = RT_INTERRUPT_SAMPLE;
    atomic_compare_exchange_strong(&s->interrupt, &sample, RT_INTERRUPT_NONE);
    s->sample_due = false;
}

void rt_profile_free(struct rt_store *s)
{
    struct rt_profile *p = s->profile;
    if (!p)
        return;
    rt_profile_stop(s);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p->nodes);
    free(p->slots);
    free(p->samples);
    free(p);
    s->profile = NULL;
}

static uint32_t hash_node(uint32_t parent, const struct rt_func *f)
{
    uint64_t h = ((uint64_t)parent << 32 ^ (uint64_t)(uintptr_t)f) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32);
}

static void rehash(struct rt_profile *p)
{
    uint32_t n = p->nslots ? p->nslots * 2 : 256;
    free(p->slots);
    p->slots = xcalloc(n, sizeof *p->slots);
    p->nslots = n;
    for (uint32_t i = 0; i < p->nnodes; i++) {
        uint32_t j = hash_node(p->nodes[i].parent, p->nodes[i].func) & (n - 1);
        while (p->slots[j])
            j = (j + 1) & (n - 1);
        p->slots[j] = i + 1;
    }
}

static uint32_t intern(struct rt_profile *p, uint32_t parent, struct rt_func *f)
{
    if ((uint64_t)(p->nnodes + 1) * 2 > p->nslots)
        rehash(p);
    uint32_t mask = p->nslots - 1, j = hash_node(parent, f) & mask;
    for (; p->slots[j]; j = (j + 1) & mask) {
        const struct rt_profile_node *n = &p->nodes[p->slots[j] - 1];
        if (n->parent == parent && n->func == f)
            return p->slots[j] - 1;
    }
    VEC_GROW(p->nodes, p->nnodes, p->nodes_cap);
    p->nodes[p->nnodes] = (struct rt_profile_node){parent, f};
    p->slots[j] = ++p->nnodes;
    return p->nnodes - 1;
}

void rt_profile_take(struct rt_store *s, size_t base)
{
    struct rt_profile *p = s->profile;
    if (p && p->running && s->ntrace > base) {
        /* The trace is innermost first; the tree grows from the outermost. */
        uint32_t node = RT_PROFILE_ROOT;
        for (size_t i = s->ntrace; i-- > base;)
            node = intern(p, node, s->trace[i].func);
        VEC_GROW(p->samples, p->nsamples, p->samples_cap);
        p->samples[p->nsamples++] = (struct rt_profile_sample){ms_since(&p->start), node};
    }
    s->ntrace = base;
}

bool rt_profile_data(struct rt_store *s, struct rt_profile_data *out)
{
    struct rt_profile *p = s->profile;
    if (!p)
        return false;
    rt_profile_stop(s);
    *out = (struct rt_profile_data){p->nodes, p->nnodes, p->samples, p->nsamples,
                                    (double)p->interval_ns / 1e6, p->start_unix_ms, p->end_ms};
    return true;
}
