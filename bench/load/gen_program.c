/* Writes a large synthetic C program (argument: number of functions) whose
 * wasm has the shapes real compiled code has: loops, branches, switches,
 * memory traffic, calls, floating point. Used to measure load throughput on
 * modules bigger than any test program we have. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    printf("#include <stdint.h>\n#include <string.h>\n");
    printf("static uint32_t table[4096];\nstatic double dtab[1024];\n");
    for (int i = 0; i < n; i++) {
        int k = i % 7;
        printf("__attribute__((noinline)) uint32_t f%d(uint32_t a, uint32_t b, const uint8_t *p, int n) {\n", i);
        printf("  uint32_t h = %uu ^ a;\n  double acc = %d.5;\n", 2166136261u + i, i);
        printf("  for (int i = 0; i < n; i++) {\n    h = (h ^ p[i]) * 16777619u + (b >> %d);\n", i % 31 + 1);
        printf("    if (h & %d) acc += dtab[(h >> 3) & 1023] * %d.25; else table[h & 4095] += (uint32_t)acc;\n", 1 << (i % 16), k);
        printf("    switch ((h >> %d) & 7) {\n", i % 20);
        for (int c = 0; c < 6; c++)
            printf("    case %d: h = h * %d + table[(h + %d) & 4095]; break;\n", c, 3 + c * 2, c * 17 + i);
        printf("    default: h ^= h >> %d;\n    }\n  }\n", 7 + k);
        if (i > 0)
            printf("  if (h %% %d == 0) h += f%d(b, h, p, n / 2);\n", 97 + k, (i * 7) % i);
        printf("  return h + (uint32_t)acc;\n}\n");
    }
    printf("uint32_t run(const uint8_t *p, int n) {\n  uint32_t h = 0;\n");
    for (int i = 0; i < n; i++)
        printf("  h += f%d(h, %d, p, n);\n", i, i);
    printf("  return h;\n}\nint main(void) { static uint8_t buf[64]; memset(buf, 1, sizeof buf); return (int)run(buf, 64); }\n");
    return 0;
}
