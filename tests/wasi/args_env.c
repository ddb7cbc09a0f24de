// Arguments and environment: args_sizes_get/args_get and
// environ_sizes_get/environ_get, through libc and through the raw calls.
// RUN: --env GREETING=hello --env EMPTY= --env UTF8=größe --env GREETING=replaced
// ARGS: one "two words" --not-an-option ''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

extern char **environ;

int main(int argc, char **argv)
{
    printf("argc %d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] \"%s\"\n", i, argv[i]);
    /* argv[0] is the module path as given to wisp run. */
    const char *base = strrchr(argv[0], '/');
    printf("argv[0] names the module: %s\n", base ? base + 1 : argv[0]);

    __wasi_size_t n, size;
    if (__wasi_args_sizes_get(&n, &size) != 0)
        return 1;
    size_t total = 0;
    for (int i = 0; i < argc; i++)
        total += strlen(argv[i]) + 1;
    printf("ok args_sizes_get: %s\n", n == (__wasi_size_t)argc && size == total ? "count and bytes match" : "MISMATCH");

    /* The raw call into buffers of exactly the reported size. */
    uint8_t **ptrs = malloc(n * sizeof *ptrs);
    uint8_t *buf = malloc(size);
    __wasi_errno_t e = __wasi_args_get(ptrs, buf);
    int same = e == 0;
    for (__wasi_size_t i = 0; same && i < n; i++)
        same = strcmp((char *)ptrs[i], argv[i]) == 0 && ptrs[i] >= buf && ptrs[i] < buf + size;
    printf("ok args_get: %s\n", same ? "pointers into the buffer, same strings" : "MISMATCH");

    printf("GREETING=%s\n", getenv("GREETING"));
    printf("EMPTY=\"%s\"\n", getenv("EMPTY"));
    printf("UTF8=%s\n", getenv("UTF8"));
    printf("PATH inherited: %s\n", getenv("PATH") ? "yes" : "no");
    int count = 0;
    for (char **p = environ; *p; p++)
        count++;
    if (__wasi_environ_sizes_get(&n, &size) != 0)
        return 1;
    printf("ok environ_sizes_get: %u variables (libc sees %d)\n", (unsigned)n, count);
    ptrs = realloc(ptrs, n * sizeof *ptrs);
    buf = realloc(buf, size);
    e = __wasi_environ_get(ptrs, buf);
    printf("ok environ_get: errno %u, last \"%s\"\n", e, n ? (char *)ptrs[n - 1] : "");

    /* Bad guest pointers: out of bounds gives fault, nothing is written. */
    e = __wasi_args_sizes_get((__wasi_size_t *)0xfffffff0u, &size);
    printf("ok args_sizes_get out-of-bounds pointer: errno %u (fault is %u)\n", e, __WASI_ERRNO_FAULT);
    e = __wasi_args_get((uint8_t **)0xffffff00u, buf);
    printf("ok args_get out-of-bounds argv: errno %u\n", e);
    e = __wasi_environ_sizes_get((__wasi_size_t *)((char *)&n + 1), &size);
    printf("ok environ_sizes_get misaligned pointer: errno %u (inval is %u)\n", e, __WASI_ERRNO_INVAL);
    return 0;
}
