/* libFuzzer target: any text through the WAT parser; whatever it emits must
 * then decode and validate without crashing (it may be invalid), and the
 * .wast script parser must survive the same text. */
#include <stdlib.h>

#include "module.h"
#include "wast/script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wisp_error err;
    uint8_t *wasm;
    size_t len;
    if (wisp_wat_to_wasm((const char *)data, size, "fuzz", &wasm, &len, &err)) {
        struct module m;
        memset(&m, 0, sizeof m);
        if (module_decode(&m, wasm, len, FEAT_DEFAULT, &err))
            module_validate(&m, &err);
        module_free(&m);
        free(wasm);
    }
    struct wast_script s;
    wast_parse((const char *)data, size, "fuzz", &s);
    wast_script_free(&s);
    return 0;
}
