/* hf-db-memory.c — SQLite's memory: locked in large chunks once, kept out of core dumps, wiped
 * on every free
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SQLite holds decrypted pages and record text in the memory it allocates. SQLCipher's
 * cipher_memory_security protects it by calling mlock() and munlock() around every one of
 * SQLite's allocations and wiping each freed one byte by byte: about 34 system calls' worth
 * per imported resource, more than half of an import's time. And when the process's
 * RLIMIT_MEMLOCK is reached (8 MiB for an ordinary user on many systems) those calls fail
 * silently and the memory is not locked at all.
 *
 * This allocator keeps the guarantees at a fraction of the cost. Memory comes from chunks of
 * CHUNK_SIZE bytes mapped once, mlock()ed once (so it is never written to swap) and marked
 * MADV_DONTDUMP (never in a core dump); blocks are carved from them by size class and kept on
 * a free list of their class when freed, after being wiped with explicit_bzero(); a chunk is
 * never returned to the system or to other code. Allocations above the largest class get a
 * mapping of their own, locked and excluded likewise, wiped and unmapped when freed.
 *
 * SQLCipher munlock()s the pages of the buffers it frees itself, whatever cipher_memory_security
 * says; mem_free() locks them again at once (see there).
 *
 * What it does not guarantee: when mlock() fails (the limit is reached) the chunk is still
 * excluded from core dumps and wiped on free, but the kernel may swap it; the failure is
 * counted (_hf_db_memory_get_stats) and `healthfolio-cli vault check` reports it. Memory that
 * GLib and json-glib allocate while reading a file is theirs, not SQLite's, and is not covered.
 *
 * It is installed with sqlite3_config() before SQLite initialises; SQLCipher then wraps it
 * and cipher_memory_security is turned off. If SQLite was initialised first, nothing is
 * installed and the vault keeps cipher_memory_security on.
 */

#include "hf-vault-private.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* Under AddressSanitizer SQLite keeps the system's allocator, so that ASan sees its heap. */
#if defined(__SANITIZE_ADDRESS__)
#define HF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HF_ASAN 1
#endif
#endif

#define CHUNK_SIZE   (1024 * 1024)
#define HEADER_SIZE  16
#define ROUND8(n)    (((n) + 7) & ~(gsize) 7)
#define MAGIC        0x48466d656d21ULL   /* "HFmem!" */
#define LARGE_LOCKED 1                   /* in a large block's length: mlock() took it */

/* Capacities (the usable bytes of a block). 4352: one page of 4096 bytes and SQLite's page
 * cache headers, the most common allocation of an import. */
static const guint32 class_capacity[] = {
  16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 4352, 6144,
  8192, 12288, 16384, 24576, 32768, 49152, 65536,
};
#define N_CLASSES   G_N_ELEMENTS (class_capacity)
#define LARGE_CLASS G_MAXUINT32

/* Before every block. */
typedef struct
{
  guint32 klass;      /* an index into class_capacity, or LARGE_CLASS */
  guint32 size;       /* ROUND8 of what was asked: what SQLite may use, and what is wiped */
  guint64 magic;      /* MAGIC; for a large block, the length of its mapping | LARGE_LOCKED */
} Header;

G_STATIC_ASSERT (sizeof (Header) == HEADER_SIZE);

typedef struct _Free Free;
struct _Free
{
  Free *next;
};

static struct
{
  GMutex   lock;
  Free    *free[N_CLASSES];
  guint8  *chunk;          /* the chunk blocks are being carved from */
  gsize    chunk_left;
  gboolean installed;
  HfDbMemoryStats stats;
} mem;

/* Maps LENGTH bytes, excluded from core dumps and locked if the system lets us; *LOCKED says
 * whether it did. Called with the lock held. */
static void *
map (gsize     length,
     gboolean *locked)
{
  void *p = mmap (NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  if (p == MAP_FAILED)
    return NULL;
  madvise (p, length, MADV_DONTDUMP);
  *locked = mlock (p, length) == 0;
  if (*locked)
    mem.stats.locked_bytes += length;
  else
    {
      mem.stats.lock_failures++;
      mem.stats.unlocked_bytes += length;
    }
  return p;
}

static guint
class_for (gsize size)
{
  guint lo = 0, hi = N_CLASSES;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (class_capacity[mid] < size)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;   /* N_CLASSES: larger than every class */
}

static void *
mem_malloc (int n)
{
  gsize size = ROUND8 ((gsize) MAX (n, 1));
  guint klass = class_for (size);
  Header *h;

  if (n < 0)
    return NULL;
  if (klass == N_CLASSES)
    {
      gsize page = sysconf (_SC_PAGESIZE);
      gsize length = (size + HEADER_SIZE + page - 1) / page * page;

      gboolean locked;

      g_mutex_lock (&mem.lock);
      h = map (length, &locked);
      if (h != NULL)
        mem.stats.large_bytes += length;
      g_mutex_unlock (&mem.lock);
      if (h == NULL)
        return NULL;
      h->klass = LARGE_CLASS;
      h->size = size;
      h->magic = length | (locked ? LARGE_LOCKED : 0);
      return (guint8 *) h + HEADER_SIZE;
    }

  g_mutex_lock (&mem.lock);
  if (mem.free[klass] != NULL)
    {
      h = (Header *) ((guint8 *) mem.free[klass] - HEADER_SIZE);
      mem.free[klass] = mem.free[klass]->next;
    }
  else
    {
      gsize block = HEADER_SIZE + class_capacity[klass];

      if (mem.chunk_left < block)
        {
          /* What is left of the old chunk goes to the free lists of the classes it fits. */
          while (mem.chunk != NULL && mem.chunk_left >= HEADER_SIZE + class_capacity[0])
            {
              guint k = class_for (mem.chunk_left - HEADER_SIZE);
              Free *f;

              if (k == N_CLASSES || class_capacity[k] > mem.chunk_left - HEADER_SIZE)
                k--;
              h = (Header *) mem.chunk;
              h->klass = k;
              h->magic = MAGIC;
              f = (Free *) (mem.chunk + HEADER_SIZE);
              f->next = mem.free[k];
              mem.free[k] = f;
              mem.chunk += HEADER_SIZE + class_capacity[k];
              mem.chunk_left -= HEADER_SIZE + class_capacity[k];
            }
          gboolean locked;

          mem.chunk = map (CHUNK_SIZE, &locked);
          if (mem.chunk == NULL)
            {
              mem.chunk_left = 0;
              g_mutex_unlock (&mem.lock);
              return NULL;
            }
          mem.chunk_left = CHUNK_SIZE;
          mem.stats.chunks++;
        }
      h = (Header *) mem.chunk;
      mem.chunk += block;
      mem.chunk_left -= block;
    }
  g_mutex_unlock (&mem.lock);
  h->klass = klass;
  h->size = size;
  h->magic = MAGIC;
  return (guint8 *) h + HEADER_SIZE;
}

static gboolean
is_zero (const guint8 *p,
         gsize         n)
{
  guint8 acc = 0;

  for (gsize i = 0; i < n; i++)
    acc |= p[i];
  return acc == 0;
}

static void
relock (guint8 *p,
        gsize   size)
{
  gsize page = sysconf (_SC_PAGESIZE);
  guintptr start = (guintptr) p / page * page;
  guintptr end = ((guintptr) p + size + page - 1) / page * page;

  mlock ((void *) start, end - start);
}

static Header *
header_of (void *p)
{
  Header *h = (Header *) ((guint8 *) p - HEADER_SIZE);

  if (h->klass == LARGE_CLASS)
    g_assert ((h->magic & ~(guint64) LARGE_LOCKED) % sysconf (_SC_PAGESIZE) == 0);
  else
    g_assert (h->magic == MAGIC && h->klass < N_CLASSES);
  return h;
}

static void
mem_free (void *p)
{
  Header *h;
  Free *f;

  if (p == NULL)
    return;
  h = header_of (p);
  /* SQLCipher frees its own buffers (keys, salts, its page buffer) with sqlcipher_free(),
   * which zeroes them and munlock()s their pages before it calls us: pages that other blocks
   * of the chunk share. Such a block arrives zeroed from its first byte; its pages are locked
   * again here. (A block of ours that happens to start with eight zero bytes costs one
   * needless mlock().) */
  if (h->klass != LARGE_CLASS && is_zero (p, MIN (h->size, 8)))
    relock (p, h->size);
  explicit_bzero (p, h->size);
  if (h->klass == LARGE_CLASS)
    {
      gboolean locked = (h->magic & LARGE_LOCKED) != 0;
      gsize length = h->magic & ~(guint64) LARGE_LOCKED;

      g_mutex_lock (&mem.lock);
      mem.stats.large_bytes -= length;
      if (locked)
        mem.stats.locked_bytes -= length;
      else
        mem.stats.unlocked_bytes -= length;
      g_mutex_unlock (&mem.lock);
      if (locked)
        munlock (h, length);
      munmap (h, length);
      return;
    }
  f = p;
  g_mutex_lock (&mem.lock);
  f->next = mem.free[h->klass];
  mem.free[h->klass] = f;
  g_mutex_unlock (&mem.lock);
}

static int
mem_size (void *p)
{
  return p == NULL ? 0 : (int) header_of (p)->size;
}

static void *
mem_realloc (void *p,
             int   n)
{
  Header *h;
  gsize size;
  void *q;

  if (p == NULL)
    return mem_malloc (n);
  if (n < 0)
    return NULL;
  h = header_of (p);
  size = ROUND8 ((gsize) MAX (n, 1));
  if (h->klass != LARGE_CLASS && size <= class_capacity[h->klass])
    {
      if (size < h->size)
        explicit_bzero ((guint8 *) p + size, h->size - size);
      h->size = size;
      return p;
    }
  q = mem_malloc (n);
  if (q == NULL)
    return NULL;
  memcpy (q, p, MIN (size, h->size));
  mem_free (p);
  return q;
}

static int
mem_roundup (int n)
{
  return (int) ROUND8 ((gsize) MAX (n, 1));
}

static int
mem_init (void *data)
{
  return SQLITE_OK;
}

static void
mem_shutdown (void *data)
{
}

gboolean
_hf_db_memory_install (void)
{
  static const sqlite3_mem_methods methods = {
    mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup, mem_init, mem_shutdown, NULL,
  };
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      struct rlimit rl;

      /* As much locked memory as the system lets this user have. */
      if (getrlimit (RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
        {
          rl.rlim_cur = rl.rlim_max;
          setrlimit (RLIMIT_MEMLOCK, &rl);
        }
#ifdef HF_ASAN
      (void) methods;
#else
      /* HF_DB_SYSTEM_MALLOC: for measuring what this saves (bench-import). */
      if (g_getenv ("HF_DB_SYSTEM_MALLOC") == NULL)
        mem.installed = sqlite3_config (SQLITE_CONFIG_MALLOC, &methods) == SQLITE_OK;
#endif
      g_once_init_leave (&done, 1);
    }
  return mem.installed;
}

gboolean
_hf_db_memory_is_installed (void)
{
  return mem.installed;
}

void
_hf_db_memory_get_stats (HfDbMemoryStats *stats)
{
  g_mutex_lock (&mem.lock);
  *stats = mem.stats;
  g_mutex_unlock (&mem.lock);
}

char *
hf_vault_describe_memory (void)
{
  HfDbMemoryStats st;
  struct rlimit rl;
  g_autofree char *locked = NULL;
  g_autofree char *unlocked = NULL;
  g_autofree char *limit = NULL;

  if (!mem.installed)
    return g_strdup ("SQLite's memory is locked and wiped by SQLCipher, one allocation at a "
                     "time (cipher_memory_security).");
  _hf_db_memory_get_stats (&st);
  locked = g_format_size_full (st.locked_bytes, G_FORMAT_SIZE_IEC_UNITS);
  if (st.unlocked_bytes == 0)
    return g_strdup_printf ("SQLite's memory (%s now) is locked in RAM, kept out of core "
                            "dumps and wiped when freed.", locked);
  unlocked = g_format_size_full (st.unlocked_bytes, G_FORMAT_SIZE_IEC_UNITS);
  if (getrlimit (RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    limit = g_format_size_full (rl.rlim_cur, G_FORMAT_SIZE_IEC_UNITS);
  return g_strdup_printf ("SQLite's memory is kept out of core dumps and wiped when freed; "
                          "%s of it is locked in RAM, but %s could not be locked (the system "
                          "lets this user lock %s) and may be written to swap.", locked,
                          unlocked, limit != NULL ? limit : "less");
}
