/* Threads: one engine and one module, shared with wasm_module_share to
 * several threads; each obtains it into its own store with
 * wasm_module_obtain and calls into it at the same time as the others,
 * with its own host function. Meanwhile the threads also read the
 * original module handle and validate and compile modules in the one
 * engine. */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t under -std=c99 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasm.h>

#include "common.h"

#define own

#define THREADS 6
#define CALLS 2000

static wasm_engine_t *engine;
static wasm_module_t *module;
static wasm_byte_vec_t binary;
static pthread_barrier_t start_together;

struct job {
    int id;
    wasm_shared_module_t *shared;
    /* results */
    int64_t sum;
    int host_calls;
    int module_exports;
    int valid;
    int ok;
};

/* next(x) = x + id + 1: each thread's own function, through its env. */
static own wasm_trap_t *next(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results)
{
    struct job *job = env;
    job->host_calls++;
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = args->data[0].of.i32 + job->id + 1;
    return NULL;
}

static void *thread_main(void *arg)
{
    struct job *job = arg;
    pthread_barrier_wait(&start_together);

    own wasm_store_t *store = wasm_store_new(engine);
    own wasm_module_t *m = wasm_module_obtain(store, job->shared);
    if (!store || !m)
        return NULL;
    /* Reading the original handle and compiling in the same engine, at
     * the same time as the other threads. */
    own wasm_exporttype_vec_t exports_of_original;
    wasm_module_exports(module, &exports_of_original);
    job->module_exports = (int)exports_of_original.size;
    wasm_exporttype_vec_delete(&exports_of_original);
    job->valid = wasm_module_validate(store, &binary);
    own wasm_module_t *compiled_here = wasm_module_new(store, &binary);
    own wasm_shared_module_t *reshared = wasm_module_share(module);

    own wasm_functype_t *type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    own wasm_func_t *f = wasm_func_new_with_env(store, type, next, job, NULL);
    wasm_extern_t *externs[] = {wasm_func_as_extern(f)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    own wasm_instance_t *instance = wasm_instance_new(store, m, &imports, NULL);
    if (instance) {
        own wasm_extern_vec_t exports;
        wasm_instance_exports(instance, &exports);
        wasm_func_t *run = exports.size == 1 ? wasm_extern_as_func(exports.data[0]) : NULL;
        wasm_val_t as[2] = {WASM_I32_VAL(CALLS), WASM_I32_VAL(0)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        if (run) {
            own wasm_trap_t *trap = wasm_func_call(run, &args, &results);
            if (trap)
                wasm_trap_delete(trap);
            else {
                job->sum = rs[0].of.i64;
                job->ok = 1;
            }
        }
        wasm_extern_vec_delete(&exports);
        wasm_instance_delete(instance);
    }
    /* The module obtained from the second share works as well. */
    own wasm_module_t *m2 = reshared ? wasm_module_obtain(store, reshared) : NULL;
    own wasm_instance_t *instance2 = m2 ? wasm_instance_new(store, m2, &imports, NULL) : NULL;
    if (!instance2 || !compiled_here)
        job->ok = 0;
    if (instance2)
        wasm_instance_delete(instance2);
    if (m2)
        wasm_module_delete(m2);
    if (compiled_here)
        wasm_module_delete(compiled_here);
    if (reshared)
        wasm_shared_module_delete(reshared);
    wasm_func_delete(f);
    wasm_functype_delete(type);
    wasm_module_delete(m);
    wasm_store_delete(store);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t threads[THREADS];
    struct job jobs[THREADS];
    int i;
    /* Line by line: what was printed before a crash is still seen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2)
        die("usage: threads MODULE.wasm");
    engine = wasm_engine_new();
    own wasm_store_t *store = wasm_store_new(engine);
    read_binary(argv[1], &binary);
    module = wasm_module_new(store, &binary);
    if (!module)
        die("wasm_module_new");
    pthread_barrier_init(&start_together, NULL, THREADS);

    for (i = 0; i < THREADS; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].id = i;
        jobs[i].shared = wasm_module_share(module);
        if (!jobs[i].shared)
            die("wasm_module_share");
    }
    for (i = 0; i < THREADS; i++)
        if (pthread_create(&threads[i], NULL, thread_main, &jobs[i]) != 0)
            die("pthread_create");
    for (i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);

    for (i = 0; i < THREADS; i++) {
        /* x_k = k * (id + 1), so the sum is (id + 1) * CALLS * (CALLS + 1) / 2 */
        int64_t want = (int64_t)(i + 1) * CALLS * (CALLS + 1) / 2;
        printf("thread %d: ok %d, sum %s, host calls %d, exports of the original %d, valid %d\n", i, jobs[i].ok,
               jobs[i].sum == want ? "right" : "wrong", jobs[i].host_calls, jobs[i].module_exports, jobs[i].valid);
        if (jobs[i].sum != want)
            printf("  sum %" PRId64 ", want %" PRId64 "\n", jobs[i].sum, want);
        wasm_shared_module_delete(jobs[i].shared);
    }
    pthread_barrier_destroy(&start_together);

    /* The module is still the main thread's to use. */
    own wasm_shared_module_t *shared = wasm_module_share(module);
    wasm_module_delete(module);
    own wasm_module_t *again = wasm_module_obtain(store, shared);
    wasm_shared_module_delete(shared);
    printf("obtained after the original handle was deleted: %s\n", again ? "a module" : "NULL");
    if (again) {
        own wasm_exporttype_vec_t exports;
        wasm_module_exports(again, &exports);
        printf("its exports: %zu\n", exports.size);
        wasm_exporttype_vec_delete(&exports);
        wasm_module_delete(again);
    }
    wasm_byte_vec_delete(&binary);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
