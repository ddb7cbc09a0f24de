/* A linker for one ELF64 relocatable object (x86-64), enough for what the
 * compiled tier emits: code, constants, the function tables, and calls to
 * the runtime's helpers and the C library.
 *
 * Layout: one private mapping. The executable sections come first, then a
 * stub per external function (`jmp *addr(%rip)` with the address beside
 * it, for calls that cannot reach it with a 32-bit displacement); then, on
 * the next page, the other allocated sections and a GOT entry per external
 * symbol. After relocation the code pages become read+execute and the rest
 * read-only: nothing is writable and executable at once. The unwind
 * tables (.eh_frame, .gcc_except_table) are mapped and relocated like any
 * data, and the .eh_frame registered with the unwinder, so that exceptions
 * unwind through compiled code (native_eh.c).
 *
 * Relocations handled (the small PIC code model): R_X86_64_64, PC32,
 * PLT32, PC64, GOTPCREL, GOTPCRELX and REX_GOTPCRELX. Anything else is
 * refused with its number. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <elf.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/native_image.h"

struct rt_native_image {
    uint8_t *map;
    size_t map_len;
    uintptr_t text_start, text_end;
    void *eh_frame;        /* registered with the unwinder, or NULL */
    uint32_t nsyms;
    struct image_sym { char *name; uintptr_t addr; size_t size; } *syms; /* defined, with names */
};

struct loader {
    const uint8_t *obj;
    size_t len;
    const Elf64_Ehdr *eh;
    const Elf64_Shdr *sh;
    uint32_t nsh;
    uintptr_t *sec_addr;   /* per section: where it is mapped, 0 if not */
    const Elf64_Sym *symtab;
    uint32_t nsym;
    const char *strtab;
    size_t strtab_len;
    uintptr_t *sym_addr;   /* per symbol: resolved address */
    uint32_t *ext_slot;    /* per symbol: index of its stub and GOT entry, or UINT32_MAX */
    uint32_t next;
    char *why;
    size_t why_size;
};

static bool __attribute__((format(printf, 2, 3))) fail(struct loader *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->why, l->why_size, fmt, ap);
    va_end(ap);
    return false;
}

/* [off, off + size) lies inside the object. */
static bool inside(const struct loader *l, uint64_t off, uint64_t size)
{
    return off <= l->len && size <= l->len - off;
}

static const char *sec_name(const struct loader *l, uint32_t i)
{
    const Elf64_Shdr *names = &l->sh[l->eh->e_shstrndx];
    uint32_t off = l->sh[i].sh_name;
    if (off >= names->sh_size)
        return "";
    const char *s = (const char *)l->obj + names->sh_offset + off;
    return memchr(s, 0, names->sh_size - off) ? s : "";
}

static const char *sym_name(const struct loader *l, const Elf64_Sym *s)
{
    if (s->st_name >= l->strtab_len)
        return NULL;
    const char *n = l->strtab + s->st_name;
    return memchr(n, 0, l->strtab_len - s->st_name) ? n : NULL;
}

/* Sections that are mapped: the allocated ones. */
static bool mapped(const struct loader *l, uint32_t i)
{
    return (l->sh[i].sh_flags & SHF_ALLOC) && l->sh[i].sh_size;
}

/* libgcc's registry of unwind tables for code it did not load (the
 * unwinder then finds the frames of compiled code: native_eh.c). */
extern void __register_frame(void *begin);
extern void __deregister_frame(void *begin);

static bool read_headers(struct loader *l)
{
    if (l->len < sizeof(Elf64_Ehdr))
        return fail(l, "compiled code is truncated: %llu bytes", (unsigned long long)(l->len));
    const Elf64_Ehdr *eh = l->eh = (const Elf64_Ehdr *)l->obj;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_type != ET_REL)
        return fail(l, "compiled code is not a 64-bit little-endian relocatable object");
    if (eh->e_machine != EM_X86_64)
        return fail(l, "compiled code is for another machine (ELF machine %llu)", (unsigned long long)(eh->e_machine));
    if (eh->e_shentsize != sizeof(Elf64_Shdr) || !inside(l, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)) ||
        eh->e_shstrndx >= eh->e_shnum)
        return fail(l, "compiled code has a damaged section table");
    l->sh = (const Elf64_Shdr *)(l->obj + eh->e_shoff);
    l->nsh = eh->e_shnum;
    for (uint32_t i = 0; i < l->nsh; i++) {
        const Elf64_Shdr *s = &l->sh[i];
        if (s->sh_type != SHT_NOBITS && s->sh_type != SHT_NULL && !inside(l, s->sh_offset, s->sh_size))
            return fail(l, "compiled code: section %llu lies outside the object", (unsigned long long)(i));
        if (s->sh_addralign > 4096)
            return fail(l, "compiled code: section %llu asks for too large an alignment", (unsigned long long)(i));
        if (s->sh_type == SHT_SYMTAB) {
            if (s->sh_entsize != sizeof(Elf64_Sym) || s->sh_link >= l->nsh)
                return fail(l, "compiled code: damaged symbol table");
            l->symtab = (const Elf64_Sym *)(l->obj + s->sh_offset);
            l->nsym = (uint32_t)(s->sh_size / sizeof(Elf64_Sym));
            const Elf64_Shdr *st = &l->sh[s->sh_link];
            if (!inside(l, st->sh_offset, st->sh_size))
                return fail(l, "compiled code: damaged string table");
            l->strtab = (const char *)l->obj + st->sh_offset;
            l->strtab_len = st->sh_size;
        }
    }
    if (!l->symtab)
        return fail(l, "compiled code has no symbol table");
    return true;
}

static uintptr_t align_up(uintptr_t v, uint64_t a) { return a > 1 ? (v + a - 1) & ~(uintptr_t)(a - 1) : v; }

static uintptr_t external(const char *name, const struct rt_tier_symbol *syms, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(syms[i].name, name) == 0)
            return (uintptr_t)syms[i].addr;
    /* The C library: memcpy, memset and the libm functions some
     * intrinsics become. */
    return (uintptr_t)dlsym(RTLD_DEFAULT, name);
}

static int sym_cmp(const void *a, const void *b)
{
    uintptr_t x = ((const struct image_sym *)a)->addr, y = ((const struct image_sym *)b)->addr;
    return x < y ? -1 : x > y;
}

struct rt_native_image *rt_native_image_load(const uint8_t *obj, size_t len, const struct rt_tier_symbol *syms,
                                             size_t nsyms, char *why, size_t size)
{
    struct loader l = {.obj = obj, .len = len, .why = why, .why_size = size};
    struct rt_native_image *img = NULL;
    if (!read_headers(&l))
        return NULL;
    l.sec_addr = xcalloc(l.nsh, sizeof *l.sec_addr);
    l.sym_addr = xcalloc(l.nsym ? l.nsym : 1, sizeof *l.sym_addr);
    l.ext_slot = xmalloc((l.nsym ? l.nsym : 1) * sizeof *l.ext_slot);
    bool ok = true;

    /* External symbols get a stub and a GOT entry each. */
    uint32_t next = 0;
    for (uint32_t i = 0; i < l.nsym; i++) {
        l.ext_slot[i] = UINT32_MAX;
        if (i > 0 && l.symtab[i].st_shndx == SHN_UNDEF && l.symtab[i].st_name)
            l.ext_slot[i] = next++;
    }

    /* Lay out: code, stubs, (page) data, GOT. Offsets first, then map. */
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t off = 0;
    uint32_t eh_frame = UINT32_MAX;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            off = align_up(off, 16);
            l.next = (uint32_t)off; /* the stubs */
            off += (uintptr_t)next * 16;
            off = align_up(off, (uint64_t)page);
        }
        for (uint32_t i = 0; i < l.nsh; i++) {
            if (!mapped(&l, i) || !!(l.sh[i].sh_flags & SHF_EXECINSTR) != (pass == 0))
                continue;
            off = align_up(off, l.sh[i].sh_addralign);
            l.sec_addr[i] = off + 1; /* +1: 0 means unmapped until the base is known */
            off += l.sh[i].sh_size;
            if (strcmp(sec_name(&l, i), ".eh_frame") == 0) {
                if (eh_frame != UINT32_MAX) {
                    fail(&l, "compiled code has two .eh_frame sections");
                    goto out;
                }
                eh_frame = i;
                off += 4; /* the terminator the unwinder expects: a zero length */
            }
            if (off > ((uintptr_t)1 << 30)) {
                fail(&l, "compiled code is too large (%llu bytes)", (unsigned long long)(off));
                goto out;
            }
        }
    }
    uintptr_t text_end = l.next + (uintptr_t)next * 16;
    off = align_up(off, 8);
    uintptr_t got = off; /* one entry per symbol, by symbol index */
    off += (uintptr_t)(l.nsym ? l.nsym : 1) * 8;
    size_t map_len = align_up(off ? off : 1, (uint64_t)page);
    uint8_t *map = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        fail(&l, "cannot map %llu bytes for compiled code", (unsigned long long)(map_len));
        goto out;
    }
    for (uint32_t i = 0; i < l.nsh; i++) {
        if (!l.sec_addr[i])
            continue;
        l.sec_addr[i] = (uintptr_t)map + l.sec_addr[i] - 1;
        if (l.sh[i].sh_type != SHT_NOBITS)
            memcpy((void *)l.sec_addr[i], obj + l.sh[i].sh_offset, l.sh[i].sh_size);
    }

    /* Symbols. */
    for (uint32_t i = 1; ok && i < l.nsym; i++) {
        const Elf64_Sym *s = &l.symtab[i];
        const char *name = sym_name(&l, s);
        if (!name) {
            ok = fail(&l, "compiled code: symbol %llu has a damaged name", (unsigned long long)(i));
        } else if (s->st_shndx == SHN_UNDEF) {
            if (!*name)
                continue;
            l.sym_addr[i] = external(name, syms, nsyms);
            if (!l.sym_addr[i])
                ok = fail(&l, "compiled code needs '%s', which this wisp does not have", name);
            /* Its stub: jmp *8(%rip)... the address follows the jump. */
            uint8_t *stub = map + l.next + (uintptr_t)l.ext_slot[i] * 16;
            static const uint8_t jmp[6] = {0xFF, 0x25, 0x00, 0x00, 0x00, 0x00};
            memcpy(stub, jmp, 6);
            memcpy(stub + 6, &l.sym_addr[i], 8);
        } else if (s->st_shndx == SHN_ABS) {
            l.sym_addr[i] = s->st_value;
        } else if (s->st_shndx < l.nsh) {
            if (!l.sec_addr[s->st_shndx]) /* a section we do not map (unwind tables) */
                continue;
            if (s->st_value > l.sh[s->st_shndx].sh_size)
                ok = fail(&l, "compiled code: symbol %llu lies outside its section", (unsigned long long)(i));
            l.sym_addr[i] = l.sec_addr[s->st_shndx] + s->st_value;
        } else {
            ok = fail(&l, "compiled code: symbol %llu has an unsupported section index", (unsigned long long)(i));
        }
    }

    for (uint32_t i = 0; ok && i < l.nsym; i++)
        memcpy(map + got + (uintptr_t)i * 8, &l.sym_addr[i], 8);

    /* Relocations. */
    for (uint32_t r = 0; ok && r < l.nsh; r++) {
        const Elf64_Shdr *rs = &l.sh[r];
        if (rs->sh_type == SHT_REL)
            ok = fail(&l, "compiled code has REL relocations (section %llu)", (unsigned long long)(r));
        if (rs->sh_type != SHT_RELA || rs->sh_info >= l.nsh || !l.sec_addr[rs->sh_info])
            continue;
        if (rs->sh_entsize != sizeof(Elf64_Rela)) {
            ok = fail(&l, "compiled code: damaged relocations in section %u", r);
            break;
        }
        const Elf64_Shdr *target = &l.sh[rs->sh_info];
        const Elf64_Rela *rel = (const Elf64_Rela *)(obj + rs->sh_offset);
        size_t n = rs->sh_size / sizeof *rel;
        for (size_t k = 0; ok && k < n; k++) {
            uint32_t type = ELF64_R_TYPE(rel[k].r_info), si = ELF64_R_SYM(rel[k].r_info);
            unsigned width = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
            if (si >= l.nsym || rel[k].r_offset > target->sh_size || target->sh_size - rel[k].r_offset < width) {
                ok = fail(&l, "compiled code: relocation %llu is out of range", (unsigned long long)(k));
                break;
            }
            uintptr_t P = l.sec_addr[rs->sh_info] + rel[k].r_offset;
            uint64_t S = l.sym_addr[si];
            int64_t A = rel[k].r_addend;
            uint32_t slot = l.ext_slot[si];
            int64_t v;
            switch (type) {
            case R_X86_64_NONE:
                continue;
            case R_X86_64_64:
                v = (int64_t)(S + (uint64_t)A);
                memcpy((void *)P, &v, 8);
                continue;
            case R_X86_64_PC64:
                v = (int64_t)(S + (uint64_t)A - P);
                memcpy((void *)P, &v, 8);
                continue;
            case R_X86_64_PC32:
            case R_X86_64_PLT32:
                v = (int64_t)(S + (uint64_t)A - P);
                if ((v < INT32_MIN || v > INT32_MAX) && slot != UINT32_MAX) /* through the stub */
                    v = (int64_t)((uintptr_t)map + l.next + (uintptr_t)slot * 16 + (uint64_t)A - P);
                break;
            case R_X86_64_GOTPCREL:
            case R_X86_64_GOTPCRELX:
            case R_X86_64_REX_GOTPCRELX:
                v = (int64_t)((uintptr_t)map + got + (uintptr_t)si * 8 + (uint64_t)A - P);
                break;
            default:
                ok = fail(&l, "compiled code has an unsupported relocation (type %llu)", (unsigned long long)(type));
                continue;
            }
            if (v < INT32_MIN || v > INT32_MAX) {
                ok = fail(&l, "compiled code: a 32-bit relocation overflows (type %llu)", (unsigned long long)(type));
                continue;
            }
            int32_t v32 = (int32_t)v;
            memcpy((void *)P, &v32, 4);
        }
    }
    if (ok) {
        uintptr_t data_start = align_up(text_end, (uint64_t)page);
        if (mprotect(map, data_start, PROT_READ | PROT_EXEC) != 0 ||
            (map_len > data_start && mprotect(map + data_start, map_len - data_start, PROT_READ) != 0))
            ok = fail(&l, "cannot protect compiled code: %s", strerror(errno));
    }
    if (!ok) {
        munmap(map, map_len);
        goto out;
    }
    img = xcalloc(1, sizeof *img);
    img->map = map;
    img->map_len = map_len;
    img->text_start = (uintptr_t)map;
    img->text_end = (uintptr_t)map + text_end;
    if (eh_frame != UINT32_MAX) {
        img->eh_frame = (void *)l.sec_addr[eh_frame];
        __register_frame(img->eh_frame);
    }
    uint32_t cap = 0;
    for (uint32_t i = 1; i < l.nsym; i++) {
        const Elf64_Sym *s = &l.symtab[i];
        const char *name = sym_name(&l, s);
        if (s->st_shndx == SHN_UNDEF || !l.sym_addr[i] || !name || !*name ||
            ELF64_ST_TYPE(s->st_info) == STT_SECTION || ELF64_ST_TYPE(s->st_info) == STT_FILE)
            continue;
        VEC_GROW(img->syms, img->nsyms, cap);
        img->syms[img->nsyms++] = (struct image_sym){xstrndup(name, strlen(name)), l.sym_addr[i], s->st_size};
    }
    if (img->nsyms)
        qsort(img->syms, img->nsyms, sizeof *img->syms, sym_cmp);
out:
    free(l.sec_addr);
    free(l.sym_addr);
    free(l.ext_slot);
    return img;
}

uintptr_t rt_native_image_symbol(const struct rt_native_image *img, const char *name, size_t *size)
{
    for (uint32_t i = 0; i < img->nsyms; i++)
        if (strcmp(img->syms[i].name, name) == 0) {
            if (size)
                *size = img->syms[i].size;
            return img->syms[i].addr;
        }
    return 0;
}

size_t rt_native_image_size_at(const struct rt_native_image *img, uintptr_t addr)
{
    uint32_t lo = 0, hi = img->nsyms;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (img->syms[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Several symbols may share the address; take the one with a size. */
    for (; lo < img->nsyms && img->syms[lo].addr == addr; lo++)
        if (img->syms[lo].size)
            return img->syms[lo].size;
    return 0;
}

void rt_native_image_text(const struct rt_native_image *img, uintptr_t *start, uintptr_t *end)
{
    *start = img->text_start;
    *end = img->text_end;
}

void rt_native_image_free(struct rt_native_image *img)
{
    if (!img)
        return;
    if (img->eh_frame)
        __deregister_frame(img->eh_frame);
    munmap(img->map, img->map_len);
    for (uint32_t i = 0; i < img->nsyms; i++)
        free(img->syms[i].name);
    free(img->syms);
    free(img);
}
