/* Unit tests for the resource limits of include/wisp.h: fuel (set, add, get,
 * determinism), interrupts from another thread and from a signal handler,
 * timeouts, memory and table limits on growth and at instantiation, the
 * two stack limits (call depth and wasm stack bytes), and how memories are
 * mapped (huge pages on and off). */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "wisp.h"
#include "check.h"

static const char limits_wat[] =
    "(module\n"
    "  (memory (export \"memory\") 1)\n"
    "  (table 2 funcref)\n"
    "  (func (export \"spin\") (loop $l (br $l)))\n"
    "  (func (export \"count\") (param i32) (result i32) (local i32)\n"
    "    (block $done (loop $l\n"
    "      (br_if $done (i32.eqz (local.get 0)))\n"
    "      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))\n"
    "      (local.set 1 (i32.add (local.get 1) (i32.const 1)))\n"
    "      (br $l)))\n"
    "    (local.get 1))\n"
    "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))\n"
    "  (func (export \"fill\") (param i32) (memory.fill (i32.const 0) (i32.const 7) (local.get 0)))\n"
    "  (func (export \"tfill\") (param i32) (table.fill (i32.const 0) (ref.null func) (local.get 0)))\n"
    "  (func (export \"tgrow\") (param i32) (result i32) (table.grow (ref.null func) (local.get 0)))\n"
    "  (func $rec (export \"rec\") (param i32) (result i32)\n"
    "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
    "      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))\n";

static wisp_module *load(wisp_engine *engine, const char *wat)
{
    uint8_t *wasm;
    size_t len;
    wisp_error err;
    if (!wisp_wat_to_wasm(wat, strlen(wat), "limits.wat", &wasm, &len, &err)) {
        printf("FAIL wat: %s\n", err.message);
        return NULL;
    }
    wisp_module *m = wisp_module_new(engine, wasm, len, "limits.wat", &err);
    wisp_free(wasm);
    if (!m)
        printf("FAIL module: %s\n", err.message);
    return m;
}

static wisp_engine *engine_with(bool fuel, bool interruptible)
{
    wisp_config *c = wisp_config_new();
    wisp_config_consume_fuel(c, fuel);
    wisp_config_interruptible(c, interruptible);
    return wisp_engine_new_with_config(c);
}

/* Call export `name` with one i32 (or none when arg < 0). */
static bool call1(wisp_store *s, wisp_instance *inst, const char *name, int32_t arg, int32_t *result,
                  wisp_error *err)
{
    wisp_func *f = wisp_instance_func(inst, name);
    wisp_val a = {.type = WISP_I32, .of.i32 = arg}, r = {0};
    bool ok = wisp_func_call(s, f, &a, arg < 0 ? 0 : 1, &r, wisp_func_num_results(f), err);
    if (result)
        *result = r.of.i32;
    return ok;
}

static bool starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static void test_fuel(void)
{
    wisp_engine *e = engine_with(true, false);
    wisp_module *m = load(e, limits_wat);
    wisp_store *s = wisp_store_new(e);
    wisp_error err;
    wisp_instance *inst = wisp_instance_new(s, m, &err);
    CHECK("fuel: instantiates", inst != NULL);
    uint64_t fuel = 99;
    CHECK("fuel: a store starts with none", wisp_store_get_fuel(s, &fuel) && fuel == 0);
    CHECK("fuel: no fuel traps at the first check point",
          !call1(s, inst, "count", 3, NULL, &err) && err.kind == WISP_ERR_TRAP &&
              strcmp(err.message, "all fuel consumed") == 0);

    CHECK("fuel: set", wisp_store_set_fuel(s, 10000, &err));
    int32_t r = 0;
    CHECK("fuel: a short loop runs", call1(s, inst, "count", 10, &r, &err) && r == 10);
    uint64_t left1;
    wisp_store_get_fuel(s, &left1);
    uint64_t used10 = 10000 - left1;
    /* The entry region is `block` (1); the loop's region is `loop` to the
     * function's end (17), charged once per pass through the header. */
    CHECK("fuel: charged per region as documented", used10 == 1 + 17 * 11);
    wisp_store_set_fuel(s, 10000, &err);
    call1(s, inst, "count", 10, &r, &err);
    uint64_t left2;
    wisp_store_get_fuel(s, &left2);
    CHECK("fuel: the same call consumes the same fuel", left2 == left1);
    wisp_store_set_fuel(s, 10000, &err);
    call1(s, inst, "count", 20, &r, &err);
    wisp_store_get_fuel(s, &left2);
    CHECK("fuel: each loop iteration costs the same", (10000 - left2) - used10 == 10 * 17);

    CHECK("fuel: add", wisp_store_add_fuel(s, 5, &err) && wisp_store_get_fuel(s, &fuel) && fuel == left2 + 5);
    CHECK("fuel: add saturates", wisp_store_add_fuel(s, UINT64_MAX, &err) &&
                                     wisp_store_get_fuel(s, &fuel) && fuel == (uint64_t)INT64_MAX);

    wisp_store_set_fuel(s, 1000000, &err);
    CHECK("fuel: an endless loop stops", !call1(s, inst, "spin", -1, NULL, &err) && err.kind == WISP_ERR_TRAP &&
                                             strcmp(err.message, "all fuel consumed") == 0 &&
                                             strcmp(err.func_name, "func[0]") == 0);
    CHECK("fuel: is 0 after running out", wisp_store_get_fuel(s, &fuel) && fuel == 0);
    wisp_store_set_fuel(s, 1000, &err);
    CHECK("fuel: runs again once refilled", call1(s, inst, "count", 3, &r, &err) && r == 3);
    /* Recursion is bounded by fuel too: each call is a check point. */
    wisp_store_set_fuel(s, 50, &err);
    CHECK("fuel: function entries charge", !call1(s, inst, "rec", 1000, NULL, &err) &&
                                               strcmp(err.message, "all fuel consumed") == 0);

    /* Bulk operations charge by size: one unit per 64 bytes. */
    uint64_t before, after0, after64k;
    wisp_store_set_fuel(s, 1000000, &err);
    wisp_store_get_fuel(s, &before);
    call1(s, inst, "fill", 0, NULL, &err);
    wisp_store_get_fuel(s, &after0);
    wisp_store_set_fuel(s, 1000000, &err);
    call1(s, inst, "fill", 65536, NULL, &err);
    wisp_store_get_fuel(s, &after64k);
    CHECK("fuel: memory.fill charges one unit per 64 bytes", (before - after64k) - (before - after0) == 1024);
    wisp_store_set_fuel(s, 1000000, &err);
    int32_t grown = -1;
    call1(s, inst, "tgrow", 62, &grown, &err);
    wisp_store_set_fuel(s, 1000000, &err);
    call1(s, inst, "tfill", 0, NULL, &err);
    wisp_store_get_fuel(s, &after0);
    wisp_store_set_fuel(s, 1000000, &err);
    call1(s, inst, "tfill", 64, NULL, &err);
    wisp_store_get_fuel(s, &after64k);
    CHECK("fuel: table.fill charges by entries, 8 bytes each", grown == 2 && (1000000 - after64k) - (1000000 - after0) == 8);
    size_t msize;
    uint8_t *mem = wisp_instance_memory(inst, "memory", &msize);
    mem[0] = 0;
    wisp_store_set_fuel(s, 100, &err);
    CHECK("fuel: a fill it cannot pay for traps", !call1(s, inst, "fill", 65536, NULL, &err) &&
                                                   strcmp(err.message, "all fuel consumed") == 0);
    CHECK("fuel: and leaves memory untouched", mem[0] == 0);

    /* The same program with the same fuel stops at the same place. */
    wisp_store *s2 = wisp_store_new(e);
    wisp_instance *inst2 = wisp_instance_new(s2, m, &err);
    wisp_store_set_fuel(s, 777, &err);
    wisp_store_set_fuel(s2, 777, &err);
    wisp_error e1, e2;
    bool ok1 = call1(s, inst, "count", 1000, NULL, &e1), ok2 = call1(s2, inst2, "count", 1000, NULL, &e2);
    CHECK("fuel: deterministic across stores", !ok1 && !ok2 && e1.offset == e2.offset);
    wisp_store_free(s2);
    wisp_store_free(s);

    /* Without fuel in the engine, the fuel calls say so. */
    wisp_engine *plain = wisp_engine_new();
    wisp_store *p = wisp_store_new(plain);
    CHECK("fuel: refused without consume_fuel",
          !wisp_store_set_fuel(p, 10, &err) && err.kind == WISP_ERR_UNSUPPORTED &&
              !wisp_store_add_fuel(p, 10, &err) && !wisp_store_get_fuel(p, &fuel));
    CHECK("interrupt: reports no effect without interruptible", !wisp_store_interrupt(p));
    CHECK("timeout: refused without interruptible",
          !wisp_store_set_timeout(p, 1000000, &err) && err.kind == WISP_ERR_UNSUPPORTED);
    CHECK("profile: refused without interruptible",
          !wisp_store_profile_start(p, 1000000, &err) && err.kind == WISP_ERR_UNSUPPORTED);
    CHECK("profile: nothing to write when not started",
          !wisp_store_profile_write(p, WISP_PROFILE_FIREFOX, "/dev/null", &err) &&
              err.kind == WISP_ERR_UNSUPPORTED);
    wisp_store_free(p);
    wisp_engine_free(plain);
    wisp_module_free(m);
    wisp_engine_free(e);
}

struct interrupter {
    wisp_store *store;
    unsigned delay_ms;
};

static void *interrupt_later(void *arg)
{
    struct interrupter *x = arg;
    struct timespec d = {0, (long)x->delay_ms * 1000000L};
    nanosleep(&d, NULL);
    wisp_store_interrupt(x->store);
    return NULL;
}

static wisp_store *signal_store;
static void on_alarm(int sig)
{
    (void)sig;
    wisp_store_interrupt(signal_store);
}

static void test_interrupts(void)
{
    wisp_engine *e = engine_with(false, true);
    wisp_module *m = load(e, limits_wat);
    wisp_store *s = wisp_store_new(e);
    wisp_error err;
    wisp_instance *inst = wisp_instance_new(s, m, &err);
    int32_t r;

    /* From another thread, while an endless loop runs. */
    pthread_t t;
    struct interrupter x = {s, 50};
    pthread_create(&t, NULL, interrupt_later, &x);
    bool ok = call1(s, inst, "spin", -1, NULL, &err);
    pthread_join(t, NULL);
    CHECK("interrupt: from another thread stops an endless loop",
          !ok && err.kind == WISP_ERR_TRAP && strcmp(err.message, "interrupt") == 0);
    CHECK("interrupt: is consumed by the trap", call1(s, inst, "count", 5, &r, &err) && r == 5);

    /* From a signal handler. */
    signal_store = s;
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {.it_value = {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
    ok = call1(s, inst, "spin", -1, NULL, &err);
    CHECK("interrupt: from a signal handler", !ok && strcmp(err.message, "interrupt") == 0);
    signal(SIGALRM, SIG_DFL);

    /* An interrupt while nothing runs waits for the next call. */
    CHECK("interrupt: returns true when interruptible", wisp_store_interrupt(s));
    CHECK("interrupt: pending one stops the next call", !call1(s, inst, "count", 5, &r, &err) &&
                                                            strcmp(err.message, "interrupt") == 0);
    CHECK("interrupt: and only that one", call1(s, inst, "count", 5, &r, &err) && r == 5);

    /* Timeouts, per call from the host. */
    CHECK("timeout: set", wisp_store_set_timeout(s, 100 * 1000000ull, &err));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ok = call1(s, inst, "spin", -1, NULL, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CHECK("timeout: an endless loop traps with interrupt",
          !ok && err.kind == WISP_ERR_TRAP && starts_with(err.message, "interrupt: the time limit"));
    CHECK("timeout: after about the time given", secs >= 0.09 && secs < 5);
    CHECK("timeout: the next call has its own time", call1(s, inst, "count", 1000, &r, &err) && r == 1000);
    for (int i = 0; i < 50; i++)
        call1(s, inst, "count", 100, &r, &err);
    CHECK("timeout: many short calls are not interrupted", call1(s, inst, "count", 7, &r, &err) && r == 7);
    CHECK("timeout: off again", wisp_store_set_timeout(s, 0, &err));

    /* The guest profiler shares the interrupt word: sampling every 100 µs
     * must neither lose an interrupt nor stop a call by itself. */
    CHECK("profile: start", wisp_store_profile_start(s, 100000, &err));
    CHECK("profile: only once", !wisp_store_profile_start(s, 100000, &err));
    /* At least 20 calls and 0.2 s, so that even on a loaded machine the
     * sampler has run. */
    bool all = true;
    struct timespec p0, p1;
    clock_gettime(CLOCK_MONOTONIC, &p0);
    for (int i = 0; all; i++) {
        all = call1(s, inst, "count", 200000, &r, &err) && r == 200000;
        clock_gettime(CLOCK_MONOTONIC, &p1);
        if (i >= 20 && (p1.tv_sec - p0.tv_sec) + (p1.tv_nsec - p0.tv_nsec) / 1e9 >= 0.2)
            break;
    }
    CHECK("profile: sampled calls run to their end", all);
    wisp_store_interrupt(s);
    CHECK("profile: an interrupt still stops the next call",
          !call1(s, inst, "count", 5, &r, &err) && strcmp(err.message, "interrupt") == 0);
    char path[] = "/tmp/wisp-profile-XXXXXX";
    int fd = mkstemp(path);
    CHECK("profile: written", fd >= 0 && wisp_store_profile_write(s, WISP_PROFILE_FIREFOX, path, &err));
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    char text[4096] = "";
    size_t got = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[got] = 0;
    CHECK("profile: a Firefox Profiler file with samples",
          strstr(text, "\"samples\":{\"schema\"") && !strstr(text, "\"data\":[]},\"frameTable\""));
    if (f)
        fclose(f);
    unlink(path);
    CHECK("profile: the SVG to a directory that does not exist is an error",
          !wisp_store_profile_write(s, WISP_PROFILE_FLAMEGRAPH, "/nonexistent/x.svg", &err) &&
              err.kind == WISP_ERR_IO);
    wisp_store_free(s);
    wisp_module_free(m);
    wisp_engine_free(e);
}

static void test_memory_and_tables(void)
{
    wisp_engine *e = wisp_engine_new();
    wisp_module *m = load(e, limits_wat);
    wisp_error err;
    int32_t r;

    wisp_store *s = wisp_store_new(e);
    wisp_store_set_max_memory_size(s, 3 * 65536 + 100); /* rounds down to 3 pages */
    wisp_store_set_max_table_elements(s, 5);
    wisp_instance *inst = wisp_instance_new(s, m, &err);
    CHECK("memory limit: instantiates under it", inst != NULL);
    CHECK("memory limit: grows up to it", call1(s, inst, "grow", 2, &r, &err) && r == 1);
    CHECK("memory limit: memory.grow past it is -1", call1(s, inst, "grow", 1, &r, &err) && r == -1);
    size_t size = 0;
    wisp_instance_memory(inst, "memory", &size);
    CHECK("memory limit: size unchanged by the refused grow", size == 3 * 65536);
    CHECK("table limit: grows up to it", call1(s, inst, "tgrow", 3, &r, &err) && r == 2);
    CHECK("table limit: table.grow past it is -1", call1(s, inst, "tgrow", 1, &r, &err) && r == -1);
    wisp_store_free(s);

    s = wisp_store_new(e);
    wisp_store_set_max_memory_size(s, 65535);
    inst = wisp_instance_new(s, m, &err);
    CHECK("memory limit: a minimum past it fails to link",
          !inst && err.kind == WISP_ERR_LINK && strstr(err.message, "max-memory-size") != NULL);
    wisp_store_free(s);

    s = wisp_store_new(e);
    wisp_store_set_max_table_elements(s, 1);
    inst = wisp_instance_new(s, m, &err);
    CHECK("table limit: a minimum past it fails to link",
          !inst && err.kind == WISP_ERR_LINK && strstr(err.message, "max-table-elements") != NULL);
    wisp_store_free(s);
    wisp_module_free(m);
    wisp_engine_free(e);
}

static void test_stack(void)
{
    /* The interpreter's two limits (call depth and its value stack);
     * compiled code meets the native stack limit (tests/cli/tiers.sh). */
    wisp_config *c = wisp_config_new();
    wisp_config_tier(c, WISP_TIER_INTERP);
    wisp_engine *e = wisp_engine_new_with_config(c);
    wisp_module *m = load(e, limits_wat);
    wisp_error err;
    int32_t r;
    wisp_store *s = wisp_store_new(e);
    wisp_instance *inst = wisp_instance_new(s, m, &err);
    CHECK("stack: default depth allows 9000", call1(s, inst, "rec", 9000, &r, &err) && r == 9000);
    CHECK("stack: the depth limit traps",
          !call1(s, inst, "rec", 20000, &r, &err) && err.kind == WISP_ERR_EXHAUSTION &&
              starts_with(err.message, "call stack exhausted: call depth limit"));
    CHECK("stack: too small a wasm stack is refused", !wisp_store_set_max_wasm_stack(s, 8, &err));
    CHECK("stack: set the wasm stack", wisp_store_set_max_wasm_stack(s, 16384, &err));
    CHECK("stack: the wasm stack limit traps",
          !call1(s, inst, "rec", 5000, &r, &err) && err.kind == WISP_ERR_EXHAUSTION &&
              starts_with(err.message, "call stack exhausted: wasm stack limit of 16384 bytes"));
    /* The case: a depth of 600,000 with both limits raised. */
    wisp_store_set_max_call_depth(s, 100000000);
    wisp_store_set_max_wasm_stack(s, (uint64_t)1 << 30, &err);
    CHECK("stack: 600,000 deep with both limits raised", call1(s, inst, "rec", 600000, &r, &err) && r == 600000);
    wisp_store_set_max_wasm_stack(s, 8 << 20, &err);
    CHECK("stack: 8 MiB is what a deep recursion meets first",
          !call1(s, inst, "rec", 600000, &r, &err) && strstr(err.message, "wasm stack limit") != NULL);
    wisp_store_free(s);
    wisp_module_free(m);
    wisp_engine_free(e);
}

/* The VmFlags line of /proc/self/smaps for the mapping holding addr, or
 * false when there is none to read. */
static bool vm_flags(const void *addr, char *flags, size_t size)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return false;
    char line[512];
    bool in = false, found = false;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
            in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
        else if (in && strncmp(line, "VmFlags:", 8) == 0) {
            snprintf(flags, size, "%s", line + 8);
            found = true;
            break;
        }
    }
    fclose(f);
    return found;
}

static void test_huge_pages(void)
{
    static const char wat[] = "(module (memory (export \"memory\") 64))";
    for (int on = 1; on >= 0; on--) {
        wisp_config *c = wisp_config_new();
        wisp_config_tier(c, WISP_TIER_INTERP);
        wisp_config_memory_huge_pages(c, on);
        wisp_engine *e = wisp_engine_new_with_config(c);
        wisp_module *m = load(e, wat);
        wisp_error err;
        wisp_store *s = wisp_store_new(e);
        wisp_instance *inst = wisp_instance_new(s, m, &err);
        size_t size = 0;
        uint8_t *base = inst ? wisp_instance_memory(inst, "memory", &size) : NULL;
        char flags[256] = "";
        if (on) {
            CHECK("huge pages: a 4 MiB memory starts on a 2 MiB boundary",
                  base && ((uintptr_t)base & ((2u << 20) - 1)) == 0);
            if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) != 0)
                printf("SKIP huge pages: advised: this kernel has no transparent huge pages\n");
            else if (!vm_flags(base, flags, sizeof flags))
                printf("SKIP huge pages: advised: /proc/self/smaps cannot be read\n");
            else
                CHECK("huge pages: the memory is advised to use them (VmFlags hg)", strstr(flags, " hg") != NULL);
        } else if (!vm_flags(base, flags, sizeof flags)) {
            printf("SKIP huge pages: off: /proc/self/smaps cannot be read\n");
        } else {
            CHECK("huge pages: off, the memory is not advised (no VmFlags hg)",
                  base && strstr(flags, " hg") == NULL);
        }
        wisp_store_free(s);
        wisp_module_free(m);
        wisp_engine_free(e);
    }
}

int main(void)
{
    test_fuel();
    test_interrupts();
    test_memory_and_tables();
    test_stack();
    test_huge_pages();
    return check_failures ? 1 : 0;
}
