// A diagnostic for the soak (SOAK_MALLOC_INFO=1; Linux with glibc and a C compiler): preloaded into the
// engine (LD_PRELOAD), a thread of its own writes glibc's malloc_info(3) — per arena, the memory taken
// from the system and how much of it is free — to MI_FILE every MI_EVERY seconds (default 10), by
// writing a temporary file and renaming it, so a reader never sees half a report. Node cannot ask the C
// allocator this itself; /proc only shows what is resident, not whether it is in use.
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *report(void *arg) {
  const char *file = arg;
  const char *every = getenv("MI_EVERY");
  unsigned seconds = every ? (unsigned)atoi(every) : 10;
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", file);
  for (;;) {
    FILE *f = fopen(tmp, "w");
    if (f) {
      malloc_info(0, f);
      fclose(f);
      rename(tmp, file);
    }
    sleep(seconds ? seconds : 10);
  }
  return NULL;
}

__attribute__((constructor)) static void start(void) {
  const char *name = getenv("MI_FILE");
  if (!name) return;
  char *file = strdup(name);
  // Only the engine: the processes it starts would inherit both and overwrite its report.
  unsetenv("LD_PRELOAD");
  unsetenv("MI_FILE");
  pthread_t t;
  if (file && pthread_create(&t, NULL, report, file) == 0) pthread_detach(t);
}
