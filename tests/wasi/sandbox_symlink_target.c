// Regression: path_symlink took any target. A guest could plant links to
// /etc/passwd or ../../outside/secret.txt that host programs sharing the
// directory would follow; such targets are refused (notcapable) and nothing
// is created. Relative targets that stay inside remain fine.
// SETUP: mkdir -p scratch/d/e && printf 'in\n' > scratch/inside.txt
// CHECK: test -z "$(find scratch -name 'bad*')" && test "$(cat outside/secret.txt)" = secret && test "$(ls outside)" = secret.txt
// CHECK: test "$(readlink scratch/d/e/good)" = ../../inside.txt
#include <errno.h>
#include <unistd.h>

#include "path_check.h"

static void refused(const char *target, const char *link)
{
    char what[160];
    snprintf(what, sizeof what, "path_symlink %s -> %s refused", link, target);
    expect(what, __wasi_path_symlink(target, SANDBOX, link), __WASI_ERRNO_NOTCAPABLE);
    __wasi_filestat_t st;
    snprintf(what, sizeof what, "path_symlink %s -> %s: nothing created", link, target);
    expect(what, __wasi_path_filestat_get(SANDBOX, 0, link, &st), __WASI_ERRNO_NOENT);
}

int main(void)
{
    refused("/etc/passwd", "bad1");
    refused("/", "bad2");
    refused("../../outside/secret.txt", "bad3");
    refused("../outside/secret.txt", "bad4");
    refused("..", "bad5");
    refused("d/../../outside", "bad6");
    refused("./../outside", "bad7");
    refused("../../../outside/secret.txt", "d/e/bad8");
    refused("../../..", "d/e/bad9");
    refused("e/../../../outside", "d/bad10");
    refused("//etc/passwd", "bad11");
    errno = 0;
    expect_true("symlink(2) via libc to /etc/passwd: ENOTCAPABLE",
                symlink("/etc/passwd", "/sandbox/bad12") < 0 && errno == ENOTCAPABLE);
    expect("path_symlink climbing back to the top is fine", __wasi_path_symlink("../../inside.txt", SANDBOX, "d/e/good"), 0);
    char buf[8];
    expect("path_symlink climbing back to the top: readable", get_file(SANDBOX, FOLLOW, "d/e/good", buf, sizeof buf), 0);
    expect_true("path_symlink climbing back to the top: content", strcmp(buf, "in\n") == 0);
    return finish();
}
