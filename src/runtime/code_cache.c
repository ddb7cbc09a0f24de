/* The code cache's files: "<32 hex digits>.o" holding a header (magic, the
 * key again, the object's length) and the object. A file is written to a
 * temporary name and renamed into place, so a reader sees a whole file or
 * none; one whose header or length does not match is ignored. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/code_cache.h"

#define CACHE_MAGIC "WISPOBJ1"

/* Two 64-bit lanes of multiply-and-rotate mixing over 8-byte words, each
 * lane seeded differently, finished with the length and an avalanche. */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

void rt_hash128(const void *data, size_t len, uint64_t seed, uint64_t out[2])
{
    const uint8_t *p = data;
    uint64_t a = seed ^ 0x9e3779b97f4a7c15ull, b = ~seed ^ 0x632be59bd9b4e019ull;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        a = (a ^ w) * 0x87c37b91114253d5ull;
        a = (a << 31) | (a >> 33);
        b = (b ^ (w * 0x4cf5ad432745937full)) * 0x52dce729ull + a;
        b = (b << 27) | (b >> 37);
    }
    uint64_t tail = 0;
    if (len > i)
        memcpy(&tail, p + i, len - i);
    a ^= tail * 0x87c37b91114253d5ull;
    b ^= tail ^ len;
    out[0] = mix(a + b);
    out[1] = mix(b ^ out[0]);
}

struct rt_cache_key rt_cache_key(const struct module *m, const struct rt_tier_options *opt, const char *generator)
{
    uint64_t hm[2], hg[2];
    rt_hash128(m->bytes, m->len, (uint64_t)m->len, hm);
    char opts[64];
    int n = snprintf(opts, sizeof opts, "%s|checks=%d|guarded=%d|", generator ? "" : "-", opt->checks,
                     opt->guarded);
    rt_hash128(opts, (size_t)n, hm[0], hg);
    if (opt->define) {
        uint32_t ndef = m->nfuncs - m->nfunc_imports;
        uint64_t hd[2];
        rt_hash128(opt->define, ndef, hg[0], hd);
        hg[0] ^= hd[0];
        hg[1] ^= hd[1];
    }
    if (opt->nosr) {
        uint64_t ho[2];
        rt_hash128(opt->osr, opt->nosr * sizeof *opt->osr, hg[1] + 1, ho);
        hg[0] ^= ho[1];
        hg[1] ^= ho[0];
    }
    uint64_t hx[2];
    rt_hash128(generator ? generator : "", generator ? strlen(generator) : 0, hg[1] ^ hm[1], hx);
    return (struct rt_cache_key){{hx[0] ^ hg[0], hx[1] ^ hm[1]}};
}

static bool cache_path(const struct rt_cache_key *key, char *path, size_t size, bool make_dir)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char dir[3072];
    if (xdg && *xdg == '/')
        snprintf(dir, sizeof dir, "%s/wisp", xdg);
    else if (home && *home == '/')
        snprintf(dir, sizeof dir, "%s/.cache/wisp", home);
    else
        return false;
    if (make_dir) {
        /* Each missing level, as mkdir -p does. */
        for (char *p = dir + 1; *p; p++)
            if (*p == '/') {
                *p = 0;
                mkdir(dir, 0700);
                *p = '/';
            }
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return false;
    }
    snprintf(path, size, "%s/%016llx%016llx.o", dir, (unsigned long long)key->h[0], (unsigned long long)key->h[1]);
    return true;
}

bool rt_cache_get(const struct rt_cache_key *key, uint8_t **obj, size_t *len)
{
    char path[4096];
    if (!cache_path(key, path, sizeof path, false))
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    uint8_t head[32];
    bool ok = fstat(fd, &st) == 0 && st.st_size >= 32 && read(fd, head, 32) == 32 &&
              memcmp(head, CACHE_MAGIC, 8) == 0 && memcmp(head + 8, key->h, 16) == 0;
    uint64_t n = 0;
    if (ok) {
        memcpy(&n, head + 24, 8);
        ok = n == (uint64_t)st.st_size - 32 && n < ((uint64_t)1 << 31);
    }
    uint8_t *buf = NULL;
    if (ok) {
        buf = xmalloc(n ? n : 1);
        size_t got = 0;
        while (got < n) {
            ssize_t r = read(fd, buf + got, n - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        ok = got == n;
    }
    close(fd);
    if (!ok) {
        free(buf);
        return false;
    }
    *obj = buf;
    *len = n;
    return true;
}

void rt_cache_put(const struct rt_cache_key *key, const uint8_t *obj, size_t len)
{
    char path[4096], tmp[4200];
    if (!cache_path(key, path, sizeof path, true))
        return;
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    uint8_t head[32];
    uint64_t n = len;
    memcpy(head, CACHE_MAGIC, 8);
    memcpy(head + 8, key->h, 16);
    memcpy(head + 24, &n, 8);
    bool ok = write(fd, head, 32) == 32;
    for (size_t done = 0; ok && done < len;) {
        ssize_t w = write(fd, obj + done, len - done);
        ok = w > 0;
        done += ok ? (size_t)w : 0;
    }
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
}
