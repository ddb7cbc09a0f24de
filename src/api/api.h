/* What the public handles in include/wisp.h are, inside the library. */
#ifndef WISP_API_API_H
#define WISP_API_API_H

#include "base/common.h"
#include "module.h"

struct wisp_engine {
    int reserved; /* configuration lands here (call depth limit, ...) */
};

struct wisp_module {
    struct module m;
};

#endif
