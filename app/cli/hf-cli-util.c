/* hf-cli-util.c — what every command shares: terminal-safe text, errors, passphrases, opening
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hf-cli-private.h"

/* {{{ text for a terminal */

/* After ESC or a C1 introducer: the end of the sequence, as ECMA-48 delimits it. */
static const char *
skip_escape_sequence (const char *p)
{
  gunichar c = g_utf8_get_char (p);
  char kind;

  p = g_utf8_next_char (p);
  if (c == 0x1b)
    {
      if (*p != '\0' && strchr ("[]PX^_", *p) != NULL)
        kind = *p++;
      else
        {
          /* nF, Fp, Fe and Fs: intermediates 0x20–0x2F, then one final byte 0x30–0x7E. */
          while (*p >= 0x20 && *p <= 0x2f)
            p++;
          if (*p >= 0x30 && *p <= 0x7e)
            p++;
          return p;
        }
    }
  else
    kind = c == 0x9b ? '[' : c == 0x9d ? ']' : 'P';

  if (kind == '[')
    {
      /* CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, a final byte 0x40–0x7E. */
      while (*p >= 0x30 && *p <= 0x3f)
        p++;
      while (*p >= 0x20 && *p <= 0x2f)
        p++;
      if (*p >= 0x40 && *p <= 0x7e)
        p++;
      return p;
    }

  /* OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \ or U+009C). */
  while (*p != '\0')
    {
      gunichar d = g_utf8_get_char (p);

      if (d == 0x07 || d == 0x9c)
        return g_utf8_next_char (p);
      if (d == 0x1b)
        return p[1] == '\\' ? p + 2 : p;
      p = g_utf8_next_char (p);
    }
  return p;
}

static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* Everything healthfolio-cli prints for people passes through here: record text, names,
 * addresses and error messages come from files and servers, and a control character in them
 * could make the terminal change its title, hide text or overwrite what was printed above.
 *
 * As text: ESC and C1 sequences (CSI, OSC, DCS and the like) are dropped whole, any other
 * C0 control, DEL or C1 control becomes U+FFFD, and so does invalid UTF-8; a tab, line break
 * or CR LF becomes a space, so one value stays on one line (text meant to span lines is split
 * by the caller and printed line by line, and a CR that ends the text is dropped).
 *
 * As JSON (show --raw on a terminal): a control character other than whitespace (which valid
 * JSON can hold only raw in a string: DEL and C1) becomes its \u escape, so the document
 * means the same. */
char *
hf_cli_terminal_text (const char *text,
                      gboolean    as_json)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (strlen (valid) + 1);
  const char *p = valid;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (as_json)
        {
          /* Tab, LF and CR can only be whitespace between tokens: a lone CR, which would
           * send the cursor back over the line, is written as the LF it is equivalent to. */
          if (c == '\r' && *next != '\n')
            g_string_append_c (out, '\n');
          else if (is_control (c) && c != '\t' && c != '\n' && c != '\r')
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_len (out, p, next - p);
        }
      else if (c == 0x1b || c == 0x9b || c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e ||
               c == 0x9f)
        next = skip_escape_sequence (p);
      else if (c == '\t' || c == '\n')
        g_string_append_c (out, ' ');
      else if (c == '\r' && *next == '\n')
        {
          g_string_append_c (out, ' ');
          next++;
        }
      else if (c == '\r' && *next == '\0')
        {
          /* What is left of a CR LF when the caller split the text into lines. */
        }
      else if (is_control (c))
        g_string_append_unichar (out, 0xfffd);
      else
        g_string_append_len (out, p, next - p);
      p = next;
    }
  return g_string_free (out, FALSE);
}

/* terminal_text for printing in a format: the result lives as long as KEEP. */
const char *
hf_cli_printable (GPtrArray  *keep,
                  const char *text)
{
  if (text == NULL)
    return NULL;
  g_ptr_array_add (keep, hf_cli_terminal_text (text, FALSE));
  return g_ptr_array_index (keep, keep->len - 1);
}

GPtrArray *
hf_cli_printable_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

/* }}} */

void
hf_cli_print_error (const char *message)
{
  g_autofree char *shown = hf_cli_terminal_text (message, FALSE);

  g_printerr ("healthfolio-cli: %s\n", shown);
}

int
hf_cli_fail (GError *error)
{
  int code = hf_error_exit_code (error);

  hf_cli_print_error (error->message);
  g_error_free (error);
  return code == 0 ? 1 : code;
}

int
hf_cli_usage_error (const char *format,
                    ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  hf_cli_print_error (msg);
  return 1;
}

void
hf_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

char *
hf_cli_format_time (gint64 seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);

  return dt ? g_date_time_format_iso8601 (dt) : g_strdup ("?");
}

char *
hf_cli_format_time_us (gint64 usec)
{
  g_autoptr(GDateTime) whole = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) dt = whole ? g_date_time_add (whole, usec % G_USEC_PER_SEC) : NULL;

  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S.%fZ") : g_strdup ("?");
}

/* {{{ passphrases and opening */

HfSecret *
hf_cli_read_passphrase (HfCliGlobals  *g,
                        const char    *prompt,
                        GError       **error)
{
  if (g->passphrase_file != NULL)
    return hf_secret_read_file (g->passphrase_file, error);
  if (g->passphrase_fd >= 0)
    return hf_secret_read_fd (g->passphrase_fd, error);
  return hf_secret_prompt (prompt, error);
}

/* A new passphrase: from a file or descriptor given for it, else asked twice at the terminal. */
HfSecret *
hf_cli_read_new_passphrase (const char  *file,
                            int          fd,
                            const char  *who,
                            GError     **error)
{
  g_autofree char *prompt = NULL;
  g_autoptr(HfSecret) first = NULL;
  g_autoptr(HfSecret) again = NULL;

  if (file != NULL)
    return hf_secret_read_file (file, error);
  if (fd >= 0)
    return hf_secret_read_fd (fd, error);

  prompt = g_strdup_printf ("New passphrase for %s: ", who);
  first = hf_secret_prompt (prompt, error);
  if (first == NULL)
    return NULL;
  again = hf_secret_prompt ("Repeat it: ", error);
  if (again == NULL)
    return NULL;
  if (!hf_secret_equal (first, again))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "The two passphrases differ; nothing was changed.");
      return NULL;
    }
  return g_steal_pointer (&first);
}

char *
hf_cli_vault_path (HfCliGlobals  *g,
                   GError       **error)
{
  if (g->vault != NULL)
    return g_strdup (g->vault);
  return hf_vault_default_path (error);
}

HfVault *
hf_cli_open_vault (HfCliGlobals  *g,
                   GError       **error)
{
  g_autofree char *path = hf_cli_vault_path (g, error);
  g_autofree char *prompt = NULL;
  g_autoptr(HfSecret) passphrase = NULL;
  g_autoptr(HfVault) vault = NULL;

  if (path == NULL)
    return NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "There is no vault at “%s”. Create one with “healthfolio-cli vault create”.",
                   path);
      return NULL;
    }
  prompt = g_strdup_printf ("Passphrase for %s: ", g->member ? g->member : "the owner");
  passphrase = hf_cli_read_passphrase (g, prompt, error);
  if (passphrase == NULL)
    return NULL;
  vault = hf_vault_open (path, g->member, passphrase, error);

  /* Tampering is reported as tampering (exit code 4) even when the unlock could undo it: the
   * command itself is not run, so a script notices. */
  if (vault != NULL && hf_vault_get_keyring_repair (vault) != NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "The keyring had been altered outside Healthfolio (%s), so it was restored "
                   "from the vault's own copy and recorded in the activity log; nothing else "
                   "was done, run the command again.", hf_vault_get_keyring_repair (vault));
      hf_vault_lock (vault);
      g_clear_object (&vault);
    }
  return g_steal_pointer (&vault);
}

gboolean
hf_cli_parse_options (GOptionEntry   *entries,
                      const char     *parameter,
                      const char     *summary,
                      int            *argc,
                      char         ***argv,
                      GError        **error)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (parameter);

  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx,
    "Global options (before the command): --vault FILE.hfvault, --member NAME,\n"
    "--passphrase-file FILE, --passphrase-fd N, --json. Run “healthfolio-cli --help” for all\n"
    "commands.");
  if (entries != NULL)
    g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, error))
    {
      g_autofree char *msg = g_strdup ((*error)->message);
      gboolean unknown = g_error_matches (*error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION);

      g_clear_error (error);
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "%s (see --help%s).", msg,
                   unknown ? "; put “--” before an argument that starts with “-”" : "");
      return FALSE;
    }

  /* GOption keeps a "--" when an argument after it starts with "-" ("import -- -x.json");
   * everything after it is an operand, and the "--" itself is not. */
  for (int k = 1; k < *argc; k++)
    if (g_str_equal ((*argv)[k], "--"))
      {
        memmove (*argv + k, *argv + k + 1, (*argc - k) * sizeof (char *));
        (*argc)--;
        break;
      }
  return TRUE;
}

/* }}} */

char *
hf_cli_clause (const char *sentence)
{
  char *clause = g_strdup (sentence);
  gsize n = strlen (clause);

  while (n > 0 && (clause[n - 1] == '.' || g_ascii_isspace (clause[n - 1])))
    clause[--n] = '\0';
  /* "The card…" → "the card…", but "QR…" and "JWS…" keep their capitals. */
  if (g_ascii_isupper (clause[0]) && (clause[1] == '\0' || !g_ascii_isupper (clause[1])))
    clause[0] = g_ascii_tolower (clause[0]);
  return clause;
}

void
hf_cli_json_add_string (JsonBuilder *b,
                        const char  *name,
                        const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

int
hf_cli_getopt (GOptionEntry  *entries,
               const char    *parameter,
               const char    *summary,
               int           *argc,
               char        ***argv)
{
  GError *error = NULL;

  if (!hf_cli_parse_options (entries, parameter, summary, argc, argv, &error))
    return hf_cli_fail (error);
  return 0;
}
