/* setjmp/longjmp across frames: a longjmp out of a nested call, and
 * values that survive it. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int depth;

static void dive(int n) {
  depth = n;
  if (n == 5) longjmp(env, 42);
  dive(n + 1);
}

int main(void) {
  volatile int tries = 0;
  int r = setjmp(env);
  tries++;
  if (r == 0) {
    dive(0);
    printf("not reached\n");
  }
  printf("longjmp returned %d at depth %d after %d setjmp returns\n", r, depth, tries);
  return 0;
}
