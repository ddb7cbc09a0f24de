/* Embedding wisp in a C program: compile a module from text, give it host
 * functions, call its exports, and handle a trap with its backtrace.
 *
 * Build against an installed wisp (`make install`, PREFIX defaults to /usr/local):
 *     cc -I/usr/local/include embed.c /usr/local/lib/libwisp.a -lm -o embed
 */
#include <stdio.h>
#include <string.h>

#include <wisp.h>

/* The guest. It imports two functions from the host ("env"), exports a
 * factorial, a loop that logs through the host, a greeting that the host
 * reads out of linear memory, and a function that divides by zero when
 * asked to average no values. The $names end up in the module's name
 * section, which is where backtraces get function names from. */
static const char guest_wat[] =
    "(module\n"
    "  (import \"env\" \"log_i32\" (func $log_i32 (param i32)))\n"
    "  (import \"env\" \"print\" (func $print (param i32 i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (data (i32.const 16) \"hello from wasm\")\n"
    "  (func $fact (export \"fact\") (param $n i32) (result i32)\n"
    "    (if (result i32) (i32.le_s (local.get $n) (i32.const 1))\n"
    "      (then (i32.const 1))\n"
    "      (else (i32.mul (local.get $n)\n"
    "                     (call $fact (i32.sub (local.get $n) (i32.const 1)))))))\n"
    "  (func (export \"log_facts\") (param $n i32) (local $i i32)\n"
    "    (call $print (i32.const 16) (i32.const 15))\n"
    "    (loop $next\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (call $log_i32 (call $fact (local.get $i)))\n"
    "      (br_if $next (i32.lt_s (local.get $i) (local.get $n)))))\n"
    "  (func $divide (param $a i32) (param $b i32) (result i32)\n"
    "    (i32.div_u (local.get $a) (local.get $b)))\n"
    "  (func $average (export \"average\") (param $sum i32) (param $count i32) (result i32)\n"
    "    (call $divide (local.get $sum) (local.get $count))))\n";

/* A host function gets its arguments as wisp_vals typed by its declaration
 * and fills in results the same way. env is whatever was passed to
 * wisp_store_define_func: here a counter owned by main. */
static bool log_i32(wisp_caller *caller, void *env, const wisp_val *args, wisp_val *results)
{
    (void)caller;
    (void)results;
    int *calls = env;
    ++*calls;
    printf("log_i32: %d\n", (int)args[0].of.i32);
    return true;
}

/* Pointers from the guest are offsets into its memory, and the guest can
 * pass anything: check the range before touching the bytes. A failed check
 * traps the guest instead of crashing the host. */
static bool print(wisp_caller *caller, void *env, const wisp_val *args, wisp_val *results)
{
    (void)env;
    (void)results;
    size_t size;
    const uint8_t *mem = wisp_caller_memory(caller, &size);
    uint32_t ptr = (uint32_t)args[0].of.i32, len = (uint32_t)args[1].of.i32;
    if (!mem || ptr > size || len > size - ptr)
        return wisp_caller_trap(caller, "print: string out of bounds");
    printf("print: %.*s\n", (int)len, (const char *)mem + ptr);
    return true;
}

static void show_error(const char *what, const wisp_error *err)
{
    char msg[512];
    wisp_error_format(err, msg, sizeof msg);
    fprintf(stderr, "%s: %s\n", what, msg);
}

int main(void)
{
    int status = 1;
    wisp_error err;

    /* 1. Text to binary, then decode and validate. A file would be
     *    wisp_module_load_file(engine, "guest.wasm", &err) instead. */
    uint8_t *wasm;
    size_t wasm_len;
    if (!wisp_wat_to_wasm(guest_wat, strlen(guest_wat), "guest.wat", &wasm, &wasm_len, &err)) {
        show_error("wat", &err);
        return 1;
    }
    wisp_engine *engine = wisp_engine_new();
    wisp_module *module = wisp_module_new(engine, wasm, wasm_len, "guest.wat", &err);
    wisp_free(wasm); /* the module keeps its own copy */
    if (!module) {
        show_error("load", &err);
        wisp_engine_free(engine);
        return 1;
    }

    /* 2. A store holds everything that runs; define the imports in it. */
    wisp_store *store = wisp_store_new(engine);
    int log_calls = 0;
    const wisp_valtype one_i32[] = {WISP_I32}, two_i32[] = {WISP_I32, WISP_I32};
    if (!wisp_store_define_func(store, "env", "log_i32", one_i32, 1, NULL, 0, log_i32, &log_calls, &err) ||
        !wisp_store_define_func(store, "env", "print", two_i32, 2, NULL, 0, print, NULL, &err)) {
        show_error("define", &err);
        goto out;
    }

    /* 3. Instantiate: imports resolve by name, memory gets its data. */
    wisp_instance *instance = wisp_instance_new(store, module, &err);
    if (!instance) {
        show_error("instantiate", &err);
        goto out;
    }

    /* 4. Call exports. Argument and result counts and types must match the
     *    function's type exactly; wisp checks them. */
    wisp_func *fact = wisp_instance_func(instance, "fact");
    wisp_val arg = {.type = WISP_I32, .of.i32 = 10}, result;
    if (!fact || !wisp_func_call(store, fact, &arg, 1, &result, 1, &err)) {
        show_error("fact", &err);
        goto out;
    }
    printf("fact(10) = %d\n", (int)result.of.i32);

    wisp_func *log_facts = wisp_instance_func(instance, "log_facts");
    arg.of.i32 = 5;
    if (!log_facts || !wisp_func_call(store, log_facts, &arg, 1, NULL, 0, &err)) {
        show_error("log_facts", &err);
        goto out;
    }
    printf("the host function was called %d times\n", log_calls);

    /* 5. A trap is an error like any other, with the reason as its message;
     *    the store keeps the backtrace of the last one, innermost first. */
    wisp_func *average = wisp_instance_func(instance, "average");
    wisp_val args[2] = {{.type = WISP_I32, .of.i32 = 10}, {.type = WISP_I32, .of.i32 = 0}};
    if (!average)
        goto out;
    if (wisp_func_call(store, average, args, 2, &result, 1, &err)) {
        printf("average(10, 0) = %d, expected a trap\n", (int)result.of.i32);
        goto out;
    }
    printf("average(10, 0) trapped: %s\n", err.message);
    for (size_t i = 0; i < wisp_store_backtrace_len(store); i++) {
        wisp_frame frame;
        wisp_store_backtrace_frame(store, i, &frame);
        if (frame.func_name)
            printf("  %zu: $%s (func %u)\n", i, frame.func_name, (unsigned)frame.func_index);
        else
            printf("  %zu: func[%u]\n", i, (unsigned)frame.func_index);
    }
    status = 0;

out:
    /* The store frees every instance, memory and host definition in it; the
     * module must outlive the store, so it goes last. */
    wisp_store_free(store);
    wisp_module_free(module);
    wisp_engine_free(engine);
    return status;
}
