/* What bounds a running guest besides its own types: the slow path of the
 * check points that code compiled with checks runs at every function entry
 * and loop header (fuel and interrupts), and the watchdog thread behind
 * per-call timeouts. The fast path is the XOP_check handler in interp.c. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/runtime.h"

bool rt_check_slow(struct rt_store *s, uint32_t cost)
{
    uint32_t why = atomic_exchange_explicit(&s->interrupt, RT_INTERRUPT_NONE, memory_order_relaxed);
    if (why == RT_INTERRUPT_SAMPLE) {
        /* The profiler's: the check point takes a sample and goes on. */
        s->sample_due = true;
        why = RT_INTERRUPT_NONE;
    }
    if (why != RT_INTERRUPT_NONE) {
        s->interrupted_by_timeout = why == RT_INTERRUPT_TIMEOUT;
        s->trap = TRAP_INTERRUPT;
        return false;
    }
    if (s->fuel < (int64_t)cost) {
        if (s->fuel_enabled) {
            s->fuel = 0;
            s->trap = TRAP_OUT_OF_FUEL;
            return false;
        }
        /* Unmetered fuel ran down after 2^62 units: top it up. */
        s->fuel = RT_FUEL_UNMETERED;
    }
    s->fuel -= cost;
    return true;
}

bool rt_charge_bulk(struct rt_store *s, uint64_t bytes)
{
    int64_t cost = (int64_t)(bytes / RT_BULK_BYTES_PER_FUEL);
    if (s->fuel < cost) {
        s->fuel = 0;
        s->trap = TRAP_OUT_OF_FUEL;
        return false;
    }
    s->fuel -= cost;
    return true;
}

void rt_interrupt(struct rt_store *s)
{
    atomic_store_explicit(&s->interrupt, RT_INTERRUPT_HOST, memory_order_relaxed);
}

/* One thread per store that has a timeout, started on the first call that
 * needs it. It sleeps until the armed deadline, then raises the interrupt;
 * arming and disarming cost a lock and a wake-up, no thread creation. */
struct rt_watchdog {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct rt_store *store;
    struct timespec deadline; /* CLOCK_MONOTONIC */
    bool armed, fired, quit;
};

static void *watchdog_main(void *arg)
{
    struct rt_watchdog *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->quit) {
        if (!w->armed) {
            pthread_cond_wait(&w->wake, &w->lock);
            continue;
        }
        int rc = pthread_cond_timedwait(&w->wake, &w->lock, &w->deadline);
        if (rc == ETIMEDOUT && w->armed) {
            atomic_store_explicit(&w->store->interrupt, RT_INTERRUPT_TIMEOUT, memory_order_relaxed);
            w->armed = false;
            w->fired = true;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static struct rt_watchdog *watchdog_start(struct rt_store *s)
{
    struct rt_watchdog *w = xcalloc(1, sizeof *w);
    w->store = s;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&w->lock, NULL);
    if (pthread_create(&w->thread, NULL, watchdog_main, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

bool rt_timeout_arm(struct rt_store *s)
{
    if (!s->watchdog && !(s->watchdog = watchdog_start(s)))
        return false;
    struct rt_watchdog *w = s->watchdog;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint64_t ns = (uint64_t)now.tv_nsec + s->timeout_ns % 1000000000u;
    pthread_mutex_lock(&w->lock);
    w->deadline.tv_sec = now.tv_sec + (time_t)(s->timeout_ns / 1000000000u) + (time_t)(ns / 1000000000u);
    w->deadline.tv_nsec = (long)(ns % 1000000000u);
    w->armed = true;
    w->fired = false;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    return true;
}

void rt_timeout_disarm(struct rt_store *s)
{
    struct rt_watchdog *w = s->watchdog;
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->armed = false;
    /* A deadline that passed as the call was returning must not interrupt
     * the next call. */
    if (w->fired) {
        uint32_t expected = RT_INTERRUPT_TIMEOUT;
        atomic_compare_exchange_strong(&s->interrupt, &expected, RT_INTERRUPT_NONE);
        w->fired = false;
    }
    pthread_mutex_unlock(&w->lock);
}

void rt_watchdog_free(struct rt_store *s)
{
    struct rt_watchdog *w = s->watchdog;
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->quit = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
    s->watchdog = NULL;
}
