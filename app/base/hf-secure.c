/* hf-secure.c — secrets in locked, wiped memory
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-secure.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "hf-error.h"

/* A passphrase longer than this is certainly a mistake (a wrong file, say). */
#define HF_SECRET_MAX_INPUT 4096

struct _HfSecret
{
  guint8 *data;  /* sodium_malloc'd, size + 1 bytes */
  gsize   size;
};

gboolean
hf_secure_init (void)
{
  return sodium_init () >= 0;
}

/* Neither a crash nor a debugger of the same user may copy key material out of the process. */
void
hf_secure_disable_core_dumps (void)
{
  struct rlimit rl = { 0, 0 };

  setrlimit (RLIMIT_CORE, &rl);
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
}

HfSecret *
hf_secret_new (gsize size)
{
  HfSecret *self;

  g_return_val_if_fail (size < G_MAXSIZE / 2, NULL);

  self = g_new0 (HfSecret, 1);
  self->data = sodium_malloc (size + 1);
  if (self->data == NULL)
    g_error ("Out of secure memory");
  sodium_memzero (self->data, size + 1);
  self->size = size;
  return self;
}

HfSecret *
hf_secret_new_from_data (gconstpointer data,
                         gsize         size)
{
  HfSecret *self = hf_secret_new (size);

  if (size > 0)
    memcpy (self->data, data, size);
  return self;
}

HfSecret *
hf_secret_new_random (gsize size)
{
  HfSecret *self = hf_secret_new (size);

  randombytes_buf (self->data, size);
  return self;
}

HfSecret *
hf_secret_dup (const HfSecret *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return hf_secret_new_from_data (self->data, self->size);
}

guint8 *
hf_secret_get_data (HfSecret *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data;
}

const guint8 *
hf_secret_peek (const HfSecret *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data;
}

const char *
hf_secret_get_string (const HfSecret *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char *) self->data;
}

gsize
hf_secret_get_size (const HfSecret *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->size;
}

void
hf_secret_truncate (HfSecret *self,
                    gsize     size)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (size <= self->size);

  sodium_memzero (self->data + size, self->size - size);
  self->size = size;
}

gboolean
hf_secret_equal (const HfSecret *a,
                 const HfSecret *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->size == b->size && sodium_memcmp (a->data, b->data, a->size) == 0;
}

void
hf_secret_free (HfSecret *self)
{
  if (self == NULL)
    return;
  sodium_free (self->data);
  g_free (self);
}

/* The passphrase is the first line; a trailing CR or LF is not part of it. */
static HfSecret *
finish_input (HfSecret    *buf,
              gsize        len,
              const char  *what,
              GError     **error)
{
  const guint8 *nl = memchr (hf_secret_peek (buf), '\n', len);

  if (nl != NULL)
    len = nl - hf_secret_peek (buf);
  if (len > 0 && hf_secret_peek (buf)[len - 1] == '\r')
    len--;
  hf_secret_truncate (buf, len);

  if (len == 0)
    {
      hf_secret_free (buf);
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "The passphrase from %s is empty.", what);
      return NULL;
    }
  if (memchr (hf_secret_peek (buf), '\0', len) != NULL)
    {
      hf_secret_free (buf);
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "The passphrase from %s contains a NUL byte.", what);
      return NULL;
    }
  return buf;
}

static HfSecret *
read_fd_named (int          fd,
               const char  *what,
               GError     **error)
{
  g_autoptr(HfSecret) buf = hf_secret_new (HF_SECRET_MAX_INPUT);
  gsize len = 0;

  for (;;)
    {
      ssize_t n;

      if (len == HF_SECRET_MAX_INPUT)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                       "The passphrase from %s is longer than %d bytes.",
                       what, HF_SECRET_MAX_INPUT - 1);
          return NULL;
        }
      n = read (fd, hf_secret_get_data (buf) + len, HF_SECRET_MAX_INPUT - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                       "Could not read the passphrase from %s: %s.", what, g_strerror (saved));
          return NULL;
        }
      if (n == 0 || memchr (hf_secret_peek (buf) + len, '\n', n) != NULL)
        {
          len += n;
          break;
        }
      len += n;
    }

  return finish_input (g_steal_pointer (&buf), len, what, error);
}

HfSecret *
hf_secret_read_fd (int      fd,
                   GError **error)
{
  g_autofree char *what = g_strdup_printf ("file descriptor %d", fd);

  return read_fd_named (fd, what, error);
}

HfSecret *
hf_secret_read_file (const char  *path,
                     GError     **error)
{
  g_autofree char *what = g_strdup_printf ("“%s”", path);
  HfSecret *secret;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "Could not open the passphrase file “%s”: %s.", path, g_strerror (saved));
      return NULL;
    }
  secret = read_fd_named (fd, what, error);
  close (fd);
  return secret;
}

HfSecret *
hf_secret_prompt (const char  *prompt,
                  GError     **error)
{
  struct termios saved, quiet;
  HfSecret *secret;
  int fd;

  fd = open ("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "No terminal to ask for a passphrase; use --passphrase-file or --passphrase-fd.");
      return NULL;
    }

  if (write (fd, prompt, strlen (prompt)) < 0)
    { /* the prompt is a courtesy */ }
  if (tcgetattr (fd, &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(ECHO | ECHONL);
      quiet.c_lflag |= ICANON;
      tcsetattr (fd, TCSAFLUSH, &quiet);
      secret = read_fd_named (fd, "the terminal", error);
      tcsetattr (fd, TCSAFLUSH, &saved);
    }
  else
    secret = read_fd_named (fd, "the terminal", error);

  if (write (fd, "\n", 1) < 0)
    { /* likewise */ }
  close (fd);
  return secret;
}
