/* The compiled tier's plugin: translate a module (translate.c), optimize
 * it with LLVM's default O2 pipeline for the host CPU, and emit an ELF
 * relocatable object that the runtime links itself (src/runtime/
 * native_image.c). The plugin never runs code and keeps no state per
 * module: the object is the whole result, which is what the code cache and
 * `wisp compile` store. Each compilation has its own LLVM context and
 * target machine, so compilations may run on several threads at once. */
#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <llvm-c/Support.h>
#include <stdlib.h>

#include "llvm/translate.h"
#include "runtime/tier_plugin.h"

static LLVMTargetRef target;
static char *triple, *cpu, *features;
static char description[160];
static const char *fp_constraint = "=x,0"; /* x86-64; "=w,0" on AArch64 */

static const char *describe(void) { return description; }

static bool init(char *why, size_t size)
{
    if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter()) {
        snprintf(why, size, "LLVM has no code generator for this host");
        return false;
    }
    /* Code generation keeps the tails of blocks apart: a bytecode
     * interpreter compiled to wasm dispatches through a br_table at the
     * end of every handler, and merged, those dispatches share one
     * indirect jump that the CPU predicts badly (the bench's interp
     * kernel: 0.123-0.156 s merged, 0.101-0.118 s apart, native 0.105;
     * the other kernels compile to the same bytes either way). */
    const char *argv[] = {"wisp", "-enable-tail-merge=false"};
    LLVMParseCommandLineOptions(2, argv, NULL);
    triple = LLVMGetDefaultTargetTriple();
    if (strncmp(triple, "x86_64", 6) != 0) {
        /* The runtime links the objects itself, for x86-64 so far. */
        snprintf(why, size, "the compiled tier supports x86-64 hosts only, not %s", triple);
        return false;
    }
    cpu = LLVMGetHostCPUName();
    features = LLVMGetHostCPUFeatures();
    char *msg = NULL;
    if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
        snprintf(why, size, "%s", msg);
        LLVMDisposeMessage(msg);
        return false;
    }
    unsigned major, minor, patch;
    LLVMGetVersion(&major, &minor, &patch);
    snprintf(description, sizeof description, "LLVM %u.%u.%u, %s", major, minor, patch, cpu);
    return true;
}

/* Check the IR; on failure name the function (WISP_LLVM_DUMP=1 prints it). */
static bool verify(LLVMModuleRef mod, struct wisp_error *err)
{
    char *msg = NULL;
    if (!LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
        LLVMDisposeMessage(msg);
        return true;
    }
    const char *bad = "?";
    for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
        if (LLVMCountBasicBlocks(f) && LLVMVerifyFunction(f, LLVMReturnStatusAction)) {
            bad = LLVMGetValueName(f);
            if (getenv("WISP_LLVM_DUMP")) {
                char *ir = LLVMPrintValueToString(f);
                fprintf(stderr, "%s\n", ir);
                LLVMDisposeMessage(ir);
            }
            break;
        }
    err_set(err, WISP_ERR_LINK, -1, "the compiled tier made invalid code for %s (an internal error): %.300s", bad,
            msg);
    LLVMDisposeMessage(msg);
    return false;
}

/* LLVM reports errors found while generating code (an inline asm it
 * cannot satisfy, say) through the context; without a handler it prints
 * them and calls exit(), from whatever thread compiles. Keep the first
 * one instead, and fail the compilation with it. */
static void on_diagnostic(LLVMDiagnosticInfoRef info, void *first_error)
{
    char *msg = first_error;
    if (LLVMGetDiagInfoSeverity(info) != LLVMDSError || msg[0])
        return;
    char *d = LLVMGetDiagInfoDescription(info);
    snprintf(msg, 256, "%s", d);
    LLVMDisposeMessage(d);
}

/* Optimize mod and generate its object code (a malloc'd copy in *obj):
 * what every compilation runs. */
static bool generate(LLVMModuleRef mod, const char *first_error, uint8_t **obj, size_t *len, struct wisp_error *err)
{
    /* Position-independent, small code model: the runtime's linker
     * places the code anywhere and reaches helpers through stubs and a
     * GOT. */
    LLVMTargetMachineRef machine = LLVMCreateTargetMachine(target, triple, cpu, features, LLVMCodeGenLevelDefault,
                                                           LLVMRelocPIC, LLVMCodeModelSmall);
    LLVMSetTarget(mod, triple);
    LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(machine);
    LLVMSetModuleDataLayout(mod, layout);
    LLVMDisposeTargetData(layout);
    LLVMPassBuilderOptionsRef popt = LLVMCreatePassBuilderOptions();
    /* fix-irreducible first: an OSR variant's entry switch jumps into
     * nested loops, which makes the loops around them irreducible, and
     * LLVM's loop passes skip those (matmul's run() entered at its inner
     * loop: 0.088 s, against 0.061 s with the loops made reducible again
     * and 0.050 s compiled from the start). Wasm's own control flow is
     * always reducible, so other functions are untouched. */
    LLVMErrorRef e = LLVMRunPasses(mod, "function(fix-irreducible),default<O2>", machine, popt);
    LLVMDisposePassBuilderOptions(popt);
    char *msg = NULL;
    LLVMMemoryBufferRef buf = NULL;
    bool ok = true;
    if (e) {
        msg = LLVMGetErrorMessage(e);
        err_set(err, WISP_ERR_LINK, -1, "the compiled tier: optimization failed: %.300s", msg);
        LLVMDisposeErrorMessage(msg);
        ok = false;
    } else if (!tr_check_optimized(mod, err)) {
        ok = false;
    } else if (tr_protect_selects(mod, fp_constraint), tr_lower_resumes(mod),
               LLVMTargetMachineEmitToMemoryBuffer(machine, mod, LLVMObjectFile, &msg, &buf)) {
        err_set(err, WISP_ERR_LINK, -1, "the compiled tier: code generation failed: %.300s", msg);
        LLVMDisposeMessage(msg);
        ok = false;
    }
    LLVMDisposeTargetMachine(machine);
    if (ok && first_error[0]) {
        err_set(err, WISP_ERR_LINK, -1, "the compiled tier: code generation failed: %s", first_error);
        LLVMDisposeMemoryBuffer(buf);
        ok = false;
    }
    if (ok) {
        *len = LLVMGetBufferSize(buf);
        *obj = xmalloc(*len ? *len : 1);
        memcpy(*obj, LLVMGetBufferStart(buf), *len);
        LLVMDisposeMemoryBuffer(buf);
    }
    return ok;
}

static bool compile(const struct module *m, const struct rt_tier_options *o, uint8_t **obj, size_t *len,
                    struct wisp_error *err)
{
    struct tr_options opt = {.checks = o->checks, .guarded = o->guarded, .fp_constraint = fp_constraint,
                             .define = o->define, .osr = o->osr, .nosr = o->nosr};
    LLVMContextRef ctx = LLVMContextCreate();
    char first_error[256] = "";
    LLVMContextSetDiagnosticHandler(ctx, on_diagnostic, first_error);
    LLVMModuleRef mod = tr_module(ctx, m, &opt, err);
    bool ok = mod && verify(mod, err) && generate(mod, first_error, obj, len, err);
    if (mod)
        LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    return ok;
}

static const struct rt_tier_plugin plugin = {
    .layout = RT_TIER_LAYOUT,
    .describe = describe,
    .init = init,
    .compile = compile,
};

__attribute__((visibility("default"))) const struct rt_tier_plugin *wisp_tier_plugin(void);
const struct rt_tier_plugin *wisp_tier_plugin(void) { return &plugin; }
