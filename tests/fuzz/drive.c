/* Runs a fuzz target over pseudo-random inputs without libFuzzer: a loop
 * for differential campaigns on machines where an instrumented build of
 * the whole runtime takes too long (link it with the target as replay.c
 * is, e.g. build/tests/replay_tiers's sources with drive.c instead).
 *   drive FIRST COUNT [MIN MAX]
 * runs inputs FIRST .. FIRST+COUNT-1, input i being MIN..MAX (default
 * 64..8064) bytes from a generator seeded with i, so any one can be made
 * again; before each run the input is written to drive_input.bin, so the
 * one a crash or a reported difference stops at is there. Prints a line
 * every 100 inputs and at the end. */
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static unsigned long long state;
static unsigned long long next(void)
{
    unsigned long long z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: drive FIRST COUNT [MIN MAX]\n");
        return 2;
    }
    unsigned long long first = strtoull(argv[1], NULL, 10), count = strtoull(argv[2], NULL, 10);
    size_t min = argc == 5 ? strtoul(argv[3], NULL, 10) : 64, max = argc == 5 ? strtoul(argv[4], NULL, 10) : 8064;
    if (max < min)
        max = min;
    unsigned char *buf = malloc(max + 1);
    for (unsigned long long i = first; i < first + count; i++) {
        state = i * 0x2545f4914f6cdd1dull + 1;
        size_t size = min + (size_t)(next() % (max - min + 1));
        for (size_t j = 0; j < size; j++)
            buf[j] = (unsigned char)next();
        FILE *f = fopen("drive_input.bin", "wb");
        if (f) {
            fwrite(buf, 1, size, f);
            fclose(f);
        }
        LLVMFuzzerTestOneInput(buf, size);
        if ((i - first + 1) % 100 == 0 || i + 1 == first + count) {
            printf("drive: %llu inputs (up to %llu)\n", i - first + 1, i);
            fflush(stdout);
        }
    }
    free(buf);
    return 0;
}
