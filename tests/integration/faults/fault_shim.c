/* LD_PRELOAD shim for the crash tests: SIGKILLs the process, or fails a call with ENOSPC (a full
 * disk), at a chosen file operation. Inert until armed at run time through the control file named
 * by $KV_FAULT_FILE, one line:
 *
 *   <action> <op> <substring> <nth>
 *     action: kill-before | kill-after | enospc | pretend (report success without doing it:
 *             a defect the crash tests must catch, used to prove them)
 *     op:     rename (matched against both paths) | write (matched against the fd's path)
 *     nth:    fires at the nth matching call after arming (enospc: at every one from the nth on)
 *
 * An empty file disarms. The shim prints "fault: ..." to stderr when it fires, so the node's log
 * says where the process died. Built by the tests (tests/integration/faults.py) with cc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char action[32], op[16], needle[256];
static long nth, seen;
static struct timespec loaded_mtime;
static long long next_check_ns;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Re-reads the control file when it changed (checked at most every 2 ms). Caller holds mu. */
static void refresh(void) {
  const char* path = getenv("KV_FAULT_FILE");
  if (path == NULL) return;
  long long now = now_ns();
  if (now < next_check_ns) return;
  next_check_ns = now + 2000000LL;
  struct stat st;
  if (stat(path, &st) != 0) return;
  if (st.st_mtim.tv_sec == loaded_mtime.tv_sec && st.st_mtim.tv_nsec == loaded_mtime.tv_nsec) return;
  loaded_mtime = st.st_mtim;
  action[0] = op[0] = needle[0] = 0;
  nth = seen = 0;
  FILE* f = fopen(path, "r");
  if (f == NULL) return;
  if (fscanf(f, "%31s %15s %255s %ld", action, op, needle, &nth) != 4) action[0] = 0;
  fclose(f);
}

/* 0: do nothing; 1: fire. */
static int matches(const char* this_op, const char* a, const char* b) {
  pthread_mutex_lock(&mu);
  /* A rename is rare and often the very call a test armed for just before: always re-read for it,
   * else one that falls within 2 ms of the last check goes uncounted and the nth never comes. */
  if (strcmp(this_op, "rename") == 0) next_check_ns = 0;
  refresh();
  int fire = 0;
  if (action[0] && strcmp(op, this_op) == 0 &&
      ((a && strstr(a, needle)) || (b && strstr(b, needle)))) {
    ++seen;
    fire = strcmp(action, "enospc") == 0 ? seen >= nth : seen == nth;
  }
  int pretend = fire && strcmp(action, "pretend") == 0;
  pthread_mutex_unlock(&mu);
  /* After unlocking: write() is interposed too and takes mu. */
  if (pretend && write(2, "fault: pretending\n", 18) < 0) { /* nothing to do */ }
  return fire;
}

static void die(const char* where, const char* what) {
  char line[600];
  int n = snprintf(line, sizeof line, "fault: SIGKILL %s %s\n", where, what);
  if (write(2, line, (size_t)n) < 0) { /* nothing to do */ }
  raise(SIGKILL);
}

int rename(const char* from, const char* to) {
  static int (*real)(const char*, const char*);
  if (real == NULL) real = (int (*)(const char*, const char*))dlsym(RTLD_NEXT, "rename");
  if (!matches("rename", from, to)) return real(from, to);
  if (strcmp(action, "kill-before") == 0) die("before rename to", to);
  if (strcmp(action, "enospc") == 0) {
    errno = ENOSPC;
    return -1;
  }
  if (strcmp(action, "pretend") == 0) return 0;
  int rc = real(from, to);
  die("after rename to", to);
  return rc;
}

ssize_t write(int fd, const void* buf, size_t count) {
  static ssize_t (*real)(int, const void*, size_t);
  if (real == NULL) real = (ssize_t (*)(int, const void*, size_t))dlsym(RTLD_NEXT, "write");
  pthread_mutex_lock(&mu);
  refresh();
  int armed = action[0] && strcmp(op, "write") == 0;
  pthread_mutex_unlock(&mu);
  if (!armed || fd <= 2) return real(fd, buf, count);
  char link[64], target[512];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t len = readlink(link, target, sizeof target - 1);
  if (len <= 0) return real(fd, buf, count);
  target[len] = 0;
  if (!matches("write", target, NULL)) return real(fd, buf, count);
  if (strcmp(action, "enospc") == 0) {
    errno = ENOSPC;
    return -1;
  }
  if (strcmp(action, "kill-before") == 0) die("before write to", target);
  ssize_t rc = real(fd, buf, count);
  die("after write to", target);
  return rc;
}
