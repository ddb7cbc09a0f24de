/* libFuzzer target: any bytes through the binary decoder and validator. */
#include "module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct module m;
    struct wisp_error err;
    memset(&m, 0, sizeof m);
    if (module_decode(&m, data, size, FEAT_DEFAULT, &err))
        module_validate(&m, &err);
    module_free(&m);
    return 0;
}
