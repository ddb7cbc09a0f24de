/* The auto tier: functions start in the interpreter, and what proves hot
 * moves to native code compiled on a background thread while the
 * interpreter keeps running.
 *
 * The interpreter counts calls and loop iterations per function
 * (XOP_hot). When a count runs out, rt_tier_hot asks for the instance's
 * whole module to be compiled, plus an entry at the loop that ran out
 * (on-stack replacement: a variant of the function that starts at that
 * loop with the interpreter's frame). One worker thread per process takes
 * the requests in order. When the code is linked, every function of the
 * instance switches to it at its next call (the interpreter's code for it
 * starts with XOP_native from then on), and a frame looping in the
 * interpreter moves over at its next look at the loop's count. Loops that
 * get hot after the module was compiled get entries in later, smaller
 * compilations of their own.
 *
 * The module's code goes through the cache like the compiled tier's: a
 * second run starts with native code from its first instruction.
 *
 * Two knobs for testing, read once from the environment:
 * WISP_TIER_UP_THRESHOLD=N counts N instead of RT_HOT_THRESHOLD, and
 * WISP_TIER_UP_SYNC=1 compiles on the requesting thread, so a run with
 * N=1 moves every function at its first call and every loop at its first
 * iteration, at the same points every time. WISP_TIER_LOG=1 reports each
 * compilation on stderr. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "binary/instr.h"
#include "module.h"
#include "runtime/tier.h"

/* The queue; queue_lock also guards each state's queued, busy and next.
 * Lock order: a state's lock, then queue_lock. */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t job_done = PTHREAD_COND_INITIALIZER;
static struct rt_native_state *queue_head, *queue_tail;
static bool worker_started;
static bool shutting_down; /* exit() is under way: no new compilations */
static int reregistered;   /* times the worker registered rt_tier_up_at_exit again */
static int in_flight;      /* compilations under way */

static pthread_once_t knobs_once = PTHREAD_ONCE_INIT;
static int32_t threshold = RT_HOT_THRESHOLD;
static bool sync_compile, log_compile;

static void read_knobs(void)
{
    const char *t = getenv("WISP_TIER_UP_THRESHOLD");
    if (t && *t) {
        long v = strtol(t, NULL, 10);
        threshold = v < 1 ? 1 : v > INT32_MAX ? INT32_MAX : (int32_t)v;
    }
    const char *s = getenv("WISP_TIER_UP_SYNC");
    sync_compile = s && *s && strcmp(s, "0") != 0;
    const char *l = getenv("WISP_TIER_LOG");
    log_compile = l && *l && strcmp(l, "0") != 0;
}

int32_t rt_tier_up_threshold(void)
{
    pthread_once(&knobs_once, read_knobs);
    return threshold;
}

bool rt_tier_up_enabled(struct rt_store *s)
{
    pthread_once(&knobs_once, read_knobs);
    return s->tier == RT_TIER_AUTO && rt_tier_up_possible();
}

void rt_tier_up_instance(struct rt_instance *inst)
{
    /* Precompiled code runs without the plugin. */
    bool precompiled = inst->module->precompiled != NULL;
    if ((!precompiled && !rt_tier_up_enabled(inst->store)) || inst->module->nfuncs == inst->module->nfunc_imports)
        return;
    struct rt_tier_options opt;
    rt_tier_options_for(inst, &opt);
    struct rt_native_state *st = rt_native_state(inst);
    if (rt_tier_build(inst, &opt, true, NULL)) {
        pthread_mutex_lock(&st->lock);
        st->module_wanted = st->module_done = true;
        pthread_mutex_unlock(&st->lock);
    }
}

/* One compilation: what st wants that it does not have yet. */
struct job {
    bool module;
    bool fill;                   /* the whole module for the cache only: nothing is bound */
    uint32_t to;                 /* st->want[nwant_done, to) */
    struct rt_osr_point *osr;
    struct rt_tier_options opt;
    uint8_t *define;
    uint32_t ndef;               /* define's length */
    bool use_cache;
    uint8_t *bytes;              /* a copy of the module, compiled apart from the instance */
    size_t len;
    uint32_t features;           /* what the module was validated with */
};

/* Take what st wants (st->lock not held; the instance is alive): the
 * module (less its deferred functions) if it is wanted, else the deferred
 * functions called since, else the fill, with the loop entries asked for
 * since the last compilation (none for the fill). */
static void snapshot(struct rt_native_state *st, struct job *j)
{
    struct rt_instance *inst = st->inst;
    const struct module *m = inst->module;
    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    memset(j, 0, sizeof *j);
    j->ndef = ndef;
    rt_tier_options_for(inst, &j->opt);
    pthread_mutex_lock(&st->lock);
    j->module = st->module_wanted && !st->module_done;
    j->fill = !j->module && !st->late_wanted && st->fill_wanted && !st->fill_done;
    uint32_t from = st->nwant_done;
    j->to = j->fill ? from : st->nwant;
    j->osr = xmalloc((j->to - from + 1) * sizeof *j->osr);
    if (j->to > from)
        memcpy(j->osr, st->want + from, (j->to - from) * sizeof *j->osr);
    if (j->module && st->deferred) {
        /* A function with a loop entry here that has not been called
         * often itself: the call under way will run in the OSR variant,
         * so its ordinary code waits until it is (a main loop or a
         * benchmark's run() never is), and this compilation is smaller
         * by a copy of it. */
        for (uint32_t k = from; k < j->to; k++)
            if (!st->called[st->want[k].func - m->nfunc_imports])
                st->deferred[st->want[k].func - m->nfunc_imports] = 1;
        j->define = xcalloc(ndef ? ndef : 1, 1);
        for (uint32_t i = 0; i < ndef; i++)
            j->define[i] = !st->deferred[i];
    } else if (!j->module && !j->fill) {
        /* Deferred functions now wanted, or none: OSR entries only. */
        j->define = xcalloc(ndef ? ndef : 1, 1);
        if (st->late_wanted)
            for (uint32_t i = 0; i < ndef; i++)
                if (st->late[i]) {
                    j->define[i] = 1;
                    st->late[i] = st->deferred[i] = 0;
                }
        st->late_wanted = false;
    }
    pthread_mutex_unlock(&st->lock);
    j->opt.osr = j->osr;
    j->opt.nosr = j->to - from;
    j->opt.define = j->define;
    j->use_cache = inst->store->cache;
    j->bytes = xmalloc(m->len ? m->len : 1);
    memcpy(j->bytes, m->bytes, m->len);
    j->len = m->len;
    j->features = m->features;
}

static void job_free(struct job *j)
{
    free(j->osr);
    free(j->define);
    free(j->bytes);
}

/* Compile j from its own copy of the module. */
static bool compile_job(struct job *j, uint8_t **obj, size_t *len, struct wisp_error *err)
{
    struct module m;
    memset(&m, 0, sizeof m);
    bool ok = module_decode(&m, j->bytes, j->len, j->features, err) && module_validate(&m, err) &&
              rt_tier_code(&m, j->use_cache, &j->opt, false, obj, len, err);
    module_free(&m);
    return ok;
}

/* Record the outcome in st; true when there is more to do (the fill). */
static bool finish(struct rt_native_state *st, const struct job *j, bool ok)
{
    pthread_mutex_lock(&st->lock);
    bool more = false;
    if (ok && j->fill) {
        st->fill_done = true;
    } else if (ok) {
        st->module_done = st->module_done || j->module;
        st->nwant_done = j->to;
        if (j->module && j->define && j->use_cache && !st->fill_done) {
            st->fill_wanted = true;
            more = true;
        }
        more = more || st->late_wanted;
    } else {
        /* A function the tier cannot compile: stay in the interpreter. */
        st->failed = true;
    }
    pthread_mutex_unlock(&st->lock);
    return more;
}

static void log_job(const struct job *j, const struct timespec *t0, bool ok, const struct wisp_error *err)
{
    if (!log_compile)
        return;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
    if (j->fill) {
        fprintf(stderr, "wisp: tier-up: the whole module for the cache in %.1f ms%s%s\n", ms,
                ok ? "" : ", failed: ", ok ? "" : err->message);
        return;
    }
    uint32_t ndefined = 0, nleft = 0;
    for (uint32_t i = 0; j->define && i < j->ndef; i++)
        j->define[i] ? ndefined++ : nleft++;
    char what[64] = "";
    if (j->module && nleft)
        snprintf(what, sizeof what, "module less %u deferred + ", nleft);
    else if (j->module)
        snprintf(what, sizeof what, "module + ");
    else if (ndefined)
        snprintf(what, sizeof what, "%u deferred functions + ", ndefined);
    fprintf(stderr, "wisp: tier-up: %s%u loop entries in %.1f ms%s%s\n", what, j->opt.nosr, ms,
            ok ? "" : ", failed: ", ok ? "" : err->message);
}

/* On the requesting thread (WISP_TIER_UP_SYNC). */
static void compile_now(struct rt_native_state *st)
{
    struct job j;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    snapshot(st, &j);
    uint8_t *obj = NULL;
    size_t len = 0;
    struct wisp_error err;
    bool ok = compile_job(&j, &obj, &len, &err) && (j.fill || rt_tier_bind(st->inst, &j.opt, obj, len, &err));
    log_job(&j, &t0, ok, &err);
    bool more = finish(st, &j, ok);
    free(obj);
    job_free(&j);
    if (more)
        compile_now(st);
}

/* The phases of a state's compilation, under queue_lock. Releasing the
 * instance waits out the snapshot and the binding, which touch it; a
 * compilation under way is abandoned instead, and frees the state. */
static void set_phase(struct rt_native_state *st, bool busy, bool binding)
{
    pthread_mutex_lock(&queue_lock);
    st->busy = busy;
    st->binding = binding;
    pthread_cond_broadcast(&job_done);
    pthread_mutex_unlock(&queue_lock);
}

static void enqueue(struct rt_native_state *st);

static void *worker(void *unused)
{
    (void)unused;
    for (;;) {
        pthread_mutex_lock(&queue_lock);
        while (!queue_head || shutting_down)
            pthread_cond_wait(&queue_nonempty, &queue_lock);
        struct rt_native_state *st = queue_head;
        queue_head = st->next;
        if (!queue_head)
            queue_tail = NULL;
        st->queued = false;
        st->busy = st->binding = true; /* the snapshot reads the instance */
        in_flight++;
        pthread_mutex_unlock(&queue_lock);

        struct job j;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        snapshot(st, &j);
        set_phase(st, true, false);

        uint8_t *obj = NULL;
        size_t len = 0;
        struct wisp_error err;
        bool ok = compile_job(&j, &obj, &len, &err);

        pthread_mutex_lock(&queue_lock);
        bool abandoned = st->abandoned;
        if (!abandoned)
            st->binding = true;
        pthread_mutex_unlock(&queue_lock);
        if (abandoned) {
            rt_native_state_free(st);
        } else {
            ok = ok && (j.fill || rt_tier_bind(st->inst, &j.opt, obj, len, &err));
            log_job(&j, &t0, ok, &err);
            bool more = finish(st, &j, ok);
            set_phase(st, false, false);
            if (more) {
                pthread_mutex_lock(&st->lock);
                enqueue(st);
                pthread_mutex_unlock(&st->lock);
            }
        }
        free(obj);
        job_free(&j);
        /* The compilation may have set up statics of LLVM's whose
         * destructors exit() runs, registered after this handler was:
         * register it again, so that it still runs before them. (Statics
         * first used by a compilation still under way at exit are the
         * window left; wisp_engine_free waits compilations out.) */
        if (reregistered < 64 && atexit(rt_tier_up_at_exit) == 0)
            reregistered++;
        pthread_mutex_lock(&queue_lock);
        in_flight--;
        pthread_cond_broadcast(&job_done);
        pthread_mutex_unlock(&queue_lock);
    }
    return NULL;
}

/* At exit: let the compilation under way end before LLVM's exit handlers
 * take the code generator apart, and start no other. Registered right
 * after the plugin is opened, so it runs before them. */
void rt_tier_up_at_exit(void)
{
    pthread_mutex_lock(&queue_lock);
    shutting_down = true;
    while (in_flight)
        pthread_cond_wait(&job_done, &queue_lock);
    pthread_mutex_unlock(&queue_lock);
}

void rt_tier_up_wait(void)
{
    pthread_mutex_lock(&queue_lock);
    while (in_flight || queue_head)
        pthread_cond_wait(&job_done, &queue_lock);
    pthread_mutex_unlock(&queue_lock);
}

bool rt_tier_compiling(void)
{
    pthread_mutex_lock(&queue_lock);
    bool busy = in_flight > 0;
    pthread_mutex_unlock(&queue_lock);
    return busy;
}

/* exit() must not tear LLVM down under a compilation, which may even be
 * the worker's dlopen of the plugin, running libLLVM's static
 * constructors: the exiting thread ran the destructors of the statics
 * made so far while the worker went on making others (ASan: a map of
 * command-line options used after it was freed, 6 runs in 60 of the exec
 * seed replay). atexit handlers run newest first, so one registered
 * before the dlopen runs after LLVM's. What runs before every atexit
 * handler and static destructor is the exiting thread's thread-local
 * destructors (C++'s rule for exit, which glibc keeps for
 * __cxa_thread_atexit_impl): so each thread that asks for a compilation
 * registers one, which, in the main thread, waits for the worker. A
 * thread that ends otherwise does not wait (and one that is not the
 * main thread calling exit is not covered). */
extern int __cxa_thread_atexit_impl(void (*dtor)(void *), void *obj, void *dso) __attribute__((weak));
extern void *__dso_handle;
static __thread bool exit_guarded;

static void before_exit(void *unused)
{
    (void)unused;
    if (getpid() == gettid())
        rt_tier_up_at_exit();
}

static void guard_exit(void)
{
    if (exit_guarded || !__cxa_thread_atexit_impl)
        return;
    exit_guarded = true;
    __cxa_thread_atexit_impl(before_exit, NULL, &__dso_handle);
}

/* Put st in the queue (st->lock held). */
static void enqueue(struct rt_native_state *st)
{
    if (st->failed)
        return;
    guard_exit();
    pthread_mutex_lock(&queue_lock);
    if (st->queued) {
        pthread_mutex_unlock(&queue_lock);
        return;
    }
    if (!worker_started) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        /* LLVM's passes recurse deeply on large functions. */
        pthread_attr_setstacksize(&attr, (size_t)64 << 20);
        worker_started = pthread_create(&t, &attr, worker, NULL) == 0;
        pthread_attr_destroy(&attr);

    }
    if (worker_started) {
        st->queued = true;
        st->next = NULL;
        if (queue_tail)
            queue_tail->next = st;
        else
            queue_head = st;
        queue_tail = st;
        pthread_cond_signal(&queue_nonempty);
    }
    pthread_mutex_unlock(&queue_lock);
}

/* f's OSR entry at loop, once compiled; NULL otherwise. */
static void (*osr_entry(struct rt_func *f, uint32_t loop))(void *, struct rt_instance *, union slot *)
{
    if (loop != UINT32_MAX)
        for (struct rt_osr_entry *e = __atomic_load_n(&f->osr, __ATOMIC_ACQUIRE); e; e = e->next)
            if (e->loop == loop)
                return e->entry;
    return NULL;
}

/* Ask for entries at every loop of f that has none asked for yet (st->lock
 * held): the plugin makes one variant per function with an entry at each
 * loop, so they cost one compilation, and the next loop of the same call
 * to get hot (the inner loop, after the outer one counted) does not wait
 * for a compilation of its own. Returns whether anything was added. */
static bool want_loops(struct rt_native_state *st, const struct rt_func *f)
{
    const struct module *m = f->inst->module;
    const struct code *code = &m->codes[f->index - m->nfunc_imports];
    struct reader r = body_reader(m, code);
    struct wisp_error ignored;
    bool added = false;
    while (r.p < r.end) {
        struct instr in;
        if (!read_instr_inline(&r, &in, &ignored))
            break;
        if (in.op != OP_loop)
            continue;
        bool known = false;
        for (uint32_t i = 0; i < st->nwant && !known; i++)
            known = st->want[i].func == f->index && st->want[i].loop == in.offset;
        if (!known) {
            VEC_GROW(st->want, st->nwant, st->want_cap);
            st->want[st->nwant++] = (struct rt_osr_point){f->index, in.offset};
            added = true;
        }
    }
    return added;
}

/* Ask for deferred function def's ordinary code (st->lock held); false if
 * it is not deferred or already asked for. */
static bool want_late(struct rt_native_state *st, uint32_t def)
{
    if (!st->deferred || !st->deferred[def] || st->late[def])
        return false;
    st->late[def] = 1;
    st->late_wanted = true;
    return true;
}

/* Hand st's new wants to the worker, or compile them here with
 * WISP_TIER_UP_SYNC; releases st->lock. */
static void ask(struct rt_native_state *st, bool more)
{
    if (more && !sync_compile)
        enqueue(st);
    pthread_mutex_unlock(&st->lock);
    if (more && sync_compile && !st->failed)
        compile_now(st);
}

void (*rt_tier_hot(struct rt_store *s, struct rt_func *f, uint32_t loop))(void *, struct rt_instance *, union slot *)
{
    (void)s;
    f->hot = threshold;
    void (*entry)(void *, struct rt_instance *, union slot *) = osr_entry(f, loop);
    struct rt_native_state *st = rt_native_state(f->inst);
    const struct module *m = f->inst->module;
    uint32_t ndef = m->nfuncs - m->nfunc_imports, def = f->index - m->nfunc_imports;
    pthread_mutex_lock(&st->lock);
    if (entry) {
        /* A deferred function whose loops keep moving over is being
         * called again and again (each call starts in the interpreter):
         * the second time, ask for its ordinary code. */
        ask(st, st->deferred && st->deferred[def] && !st->late[def] && ++st->called[def] >= 2 && want_late(st, def));
        return entry;
    }
    bool more = !st->module_wanted;
    if (!st->deferred) {
        st->deferred = xcalloc(ndef ? ndef : 1, 1);
        st->late = xcalloc(ndef ? ndef : 1, 1);
        st->called = xcalloc(ndef ? ndef : 1, 1);
    }
    if (loop == UINT32_MAX) {
        st->called[def] = 1;
        more = want_late(st, def) || more;
    }
    st->module_wanted = true;
    if (loop != UINT32_MAX) {
        bool known = false;
        for (uint32_t i = 0; i < st->nwant && !known; i++)
            known = st->want[i].func == f->index && st->want[i].loop == loop;
        if (!known)
            more = want_loops(st, f) || more;
    }
    ask(st, more);
    /* With WISP_TIER_UP_SYNC the entry exists now: again, to take it as
     * the asynchronous path would. */
    if (more && sync_compile && osr_entry(f, loop))
        return rt_tier_hot(s, f, loop);
    return NULL;
}

bool rt_tier_up_forget(struct rt_native_state *st, struct rt_native_image ***images, uint32_t *nimages)
{
    pthread_mutex_lock(&queue_lock);
    if (st->queued) {
        struct rt_native_state **p = &queue_head, *prev = NULL;
        while (*p && *p != st) {
            prev = *p;
            p = &(*p)->next;
        }
        if (*p) {
            *p = st->next;
            if (queue_tail == st)
                queue_tail = prev;
        }
        st->queued = false;
    }
    while (st->binding)
        pthread_cond_wait(&job_done, &queue_lock);
    /* The images are the caller's to free now; the state stays with the
     * compilation under way, if there is one. */
    *images = st->images;
    *nimages = st->nimages;
    st->images = NULL;
    st->nimages = st->images_cap = 0;
    bool keep = st->busy;
    if (keep)
        st->abandoned = true;
    pthread_mutex_unlock(&queue_lock);
    return keep;
}
