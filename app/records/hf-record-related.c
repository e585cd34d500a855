/* hf-record-related.c — one record with what the vault knows around it: a panel's results, a
 * visit's records, a document's text or file, and every source the record came from
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The summaries and details (hf-fhir-summary.c, hf-fhir-describe.c) read one resource alone;
 * this file adds what needs the vault: the stored records a resource points to, and those
 * that point to it. Documents come from outside and are never run: HTML is reduced to plain
 * text here, by a reader that knows only tags, comments and entities.
 */

#define _GNU_SOURCE   /* strcasestr */

#include "hf-record-related.h"

#include <string.h>

#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-fhir-private.h"
#include "hf-json-util.h"
#include "hf-vault-private.h"

/* {{{ text: plain and HTML */

static gboolean
is_unsafe_char (gunichar c)
{
  /* Controls other than line breaks and tabs, and the bidirectional overrides and isolates
   * that can make text read differently from what it holds. */
  return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f) ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

typedef struct
{
  GString  *out;
  int       pending_break;   /* 0, 1: a line break, 2: a paragraph */
  gboolean  space;
  gboolean  cell;            /* a table cell started on this line */
  gboolean  bullet;          /* a list item's bullet ends the text: its line goes on */
  guint     pre;             /* depth inside <pre> */
} Html;

static gboolean
at_line_start (Html *h)
{
  return h->out->len == 0 || h->out->str[h->out->len - 1] == '\n';
}

/* Before visible text: what the markup before it asked for. */
static void
html_flush (Html *h)
{
  if (h->bullet)
    {
      /* "<li><div>text" is one line: "• text". */
      h->bullet = FALSE;
      h->pending_break = 0;
      h->space = FALSE;
      h->cell = FALSE;
      return;
    }
  if (h->out->len > 0)
    {
      if (h->pending_break > 0)
        {
          gsize len;
          int have = 0;

          /* A line ends without the spaces before its break. */
          while (h->out->len > 0 && (h->out->str[h->out->len - 1] == ' ' ||
                                     h->out->str[h->out->len - 1] == '\t'))
            g_string_truncate (h->out, h->out->len - 1);
          len = h->out->len;

          while (have < 2 && len > (gsize) have && h->out->str[len - 1 - have] == '\n')
            have++;
          for (int i = have; i < h->pending_break; i++)
            g_string_append_c (h->out, '\n');
        }
      else if (h->cell && !at_line_start (h))
        g_string_append (h->out, " | ");
      else if (h->space && !at_line_start (h))
        g_string_append_c (h->out, ' ');
    }
  h->pending_break = 0;
  h->space = FALSE;
  h->cell = FALSE;
}

static void
html_char (Html     *h,
           gunichar  c)
{
  if (h->pre > 0 && (c == '\n' || c == '\t' || c == ' '))
    {
      /* A line break where a paragraph already ends (right after <pre>) is that end; and
       * never more than one blank line. */
      if (c == '\n' && (h->pending_break > 0 || h->out->len == 0 ||
                         g_str_has_suffix (h->out->str, "\n\n")))
        return;
      html_flush (h);
      g_string_append_c (h->out, (char) c);
      return;
    }
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0xa0)
    {
      h->space = TRUE;
      return;
    }
  if (is_unsafe_char (c) || c == 0xad)
    return;
  html_flush (h);
  g_string_append_unichar (h->out, c);
}

static void
html_break (Html *h,
            int   kind)
{
  h->pending_break = MAX (h->pending_break, kind);
}

static const struct { const char *name; gunichar c; } entities[] = {
  { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
  { "nbsp", 0xa0 }, { "copy", 0xa9 }, { "reg", 0xae }, { "deg", 0xb0 }, { "plusmn", 0xb1 },
  { "sup2", 0xb2 }, { "sup3", 0xb3 }, { "micro", 0xb5 }, { "para", 0xb6 }, { "middot", 0xb7 },
  { "frac14", 0xbc }, { "frac12", 0xbd }, { "frac34", 0xbe }, { "times", 0xd7 },
  { "divide", 0xf7 }, { "laquo", 0xab }, { "raquo", 0xbb }, { "sect", 0xa7 }, { "shy", 0xad },
  { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
  { "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bull", 0x2022 }, { "hellip", 0x2026 },
  { "euro", 0x20ac }, { "pound", 0xa3 }, { "yen", 0xa5 }, { "cent", 0xa2 }, { "le", 0x2264 },
  { "ge", 0x2265 }, { "ne", 0x2260 }, { "mu", 0x3bc }, { "alpha", 0x3b1 }, { "beta", 0x3b2 },
  { "gamma", 0x3b3 }, { "delta", 0x3b4 }, { "uarr", 0x2191 }, { "darr", 0x2193 },
  { "rarr", 0x2192 }, { "larr", 0x2190 }, { "ensp", ' ' }, { "emsp", ' ' }, { "thinsp", ' ' },
  { "trade", 0x2122 }, { "iexcl", 0xa1 }, { "iquest", 0xbf }, { "eacute", 0xe9 },
  { "egrave", 0xe8 }, { "aacute", 0xe1 }, { "agrave", 0xe0 }, { "ouml", 0xf6 }, { "uuml", 0xfc },
  { "auml", 0xe4 }, { "szlig", 0xdf }, { "ccedil", 0xe7 }, { "ntilde", 0xf1 },
};

/* At '&': the character it stands for, and where the text goes on; or FALSE for a lone '&'. */
static gboolean
html_entity (const char  *p,
             gunichar    *c,
             const char **next)
{
  const char *q = p + 1;

  if (*q == '#')
    {
      gboolean hex = q[1] == 'x' || q[1] == 'X';
      guint64 v = 0;
      int digits = 0;

      q += hex ? 2 : 1;
      while (hex ? g_ascii_isxdigit (*q) : g_ascii_isdigit (*q))
        {
          if (v <= 0x10ffff)
            v = v * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (*q) : *q - '0');
          digits++;
          q++;
        }
      if (digits == 0)
        return FALSE;
      if (*q == ';')
        q++;
      *c = v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ? 0xfffd : (gunichar) v;
      *next = q;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      gsize n = strlen (entities[i].name);
      if (strncmp (q, entities[i].name, n) == 0 && q[n] == ';')
        {
          *c = entities[i].c;
          *next = q + n + 1;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
tag_in (const char *name,
        const char *list)
{
  gsize n = strlen (name);

  /* LIST is names between single spaces. */
  for (const char *p = list; n > 0 && (p = strstr (p, name)) != NULL; p += n)
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
      return TRUE;
  return FALSE;
}

/* Elements whose content is never text for a reader: dropped whole. */
#define HTML_DROPPED "script style template title svg math iframe object noembed noframes head"
#define HTML_PARAGRAPHS "p h1 h2 h3 h4 h5 h6 table ul ol dl blockquote pre section article " \
                        "header footer hr figure address nav aside main form fieldset details"
#define HTML_LINES "br div li tr dt dd caption summary option figcaption"

static void
html_tag (Html       *h,
          const char *name,
          gboolean    closing)
{
  if (g_str_equal (name, "pre"))
    h->pre = closing ? (h->pre > 0 ? h->pre - 1 : 0) : h->pre + 1;
  if (tag_in (name, HTML_PARAGRAPHS))
    html_break (h, 2);
  else if (tag_in (name, HTML_LINES))
    html_break (h, 1);
  else if (!closing && (g_str_equal (name, "td") || g_str_equal (name, "th")))
    h->cell = TRUE;
  if (!closing && g_str_equal (name, "li"))
    {
      html_flush (h);
      g_string_append (h->out, "• ");
      h->bullet = TRUE;
    }
}

char *
hf_record_html_to_text (const char *html,
                        gsize       length)
{
  g_autofree char *valid = NULL;
  const char *p, *end;
  Html h = { NULL, 0, FALSE, FALSE, FALSE, 0 };
  gboolean head_unclosed = FALSE;

  g_return_val_if_fail (html != NULL || length == 0, NULL);

  /* Invalid UTF-8 and NUL bytes become U+FFFD; the text is then one C string. */
  valid = g_utf8_make_valid (html != NULL ? html : "", length);
  p = valid;
  end = valid + strlen (valid);
  h.out = g_string_sized_new (MIN (length, 1 << 20) + 1);
  while (p < end)
    {
      if (*p == '<' && g_str_has_prefix (p, "<!--"))
        {
          const char *close = strstr (p + 4, "-->");
          p = close != NULL ? close + 3 : end;
        }
      else if (*p == '<' && (p[1] == '!' || p[1] == '?'))
        {
          const char *close = strchr (p, '>');
          p = close != NULL ? close + 1 : end;
        }
      else if (*p == '<' && (g_ascii_isalpha (p[1]) || (p[1] == '/' && g_ascii_isalpha (p[2]))))
        {
          gboolean closing = p[1] == '/';
          const char *q = p + (closing ? 2 : 1);
          char name[16];
          gsize n = 0;

          for (; g_ascii_isalnum (*q) || *q == '-' || *q == ':'; q++)
            if (n < sizeof name - 1)
              name[n++] = g_ascii_tolower (*q);
          name[n] = '\0';
          /* Attributes, their quoted values holding any '>'. */
          while (*q != '\0' && *q != '>')
            {
              if (*q == '"' || *q == '\'')
                {
                  const char *close = strchr (q + 1, *q);
                  q = close != NULL ? close + 1 : end;
                }
              else
                q++;
            }
          p = *q == '>' ? q + 1 : end;
          if (!closing && tag_in (name, HTML_DROPPED) && q[-1] != '/')
            {
              g_autofree char *close_tag = g_strdup_printf ("</%s", name);
              gboolean head = g_str_equal (name, "head");
              const char *close = head && head_unclosed ? NULL : strcasestr (p, close_tag);

              /* A <head> left open holds the document: keep reading (and do not look for its
               * end again, or a page of <head> tags would take time squared). Anything else
               * left open (a script) is dropped to the end, never shown as text. */
              if (close == NULL && head)
                {
                  head_unclosed = TRUE;
                  continue;
                }
              p = close != NULL ? close : end;
              if (close != NULL)
                {
                  const char *gt = strchr (close, '>');
                  p = gt != NULL ? gt + 1 : end;
                }
              html_break (&h, 1);
              continue;
            }
          html_tag (&h, name, closing);
        }
      else if (*p == '&')
        {
          gunichar c;
          const char *next;

          if (html_entity (p, &c, &next))
            {
              html_char (&h, c);
              p = next;
            }
          else
            {
              html_char (&h, '&');
              p++;
            }
        }
      else
        {
          html_char (&h, g_utf8_get_char (p));
          p = g_utf8_next_char (p);
        }
    }
  while (h.out->len > 0 && g_ascii_isspace (h.out->str[h.out->len - 1]))
    g_string_truncate (h.out, h.out->len - 1);
  return g_string_free (h.out, FALSE);
}

/* After ESC or a C1 introducer in plain text: past the whole sequence, as ECMA-48 delimits
 * it, so no "[31m" is left behind. */
static const char *
skip_escape (const char *p)
{
  gunichar c = g_utf8_get_char (p);
  char kind = 0;

  p = g_utf8_next_char (p);
  if (c == 0x1b)
    {
      if (*p == '[' || *p == ']' || *p == 'P' || *p == 'X' || *p == '^' || *p == '_')
        kind = *p++;
      else
        {
          while (*p >= 0x20 && *p <= 0x2f)
            p++;
          if (*p >= 0x30 && *p <= 0x7e)
            p++;
          return p;
        }
    }
  else if (c == 0x9b)
    kind = '[';
  else if (c == 0x9d || c == 0x90 || c == 0x98 || c == 0x9e || c == 0x9f)
    kind = ']';
  else
    return p;
  if (kind == '[')
    {
      while (*p >= 0x30 && *p <= 0x3f)
        p++;
      while (*p >= 0x20 && *p <= 0x2f)
        p++;
      if (*p >= 0x40 && *p <= 0x7e)
        p++;
      return p;
    }
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

static char *
plain_text (const char *text)
{
  GString *out = g_string_sized_new (strlen (text) + 1);

  for (const char *p = text; *p != '\0';)
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x1b || (c >= 0x80 && c <= 0x9f))
        {
          p = skip_escape (p);
          continue;
        }
      p = g_utf8_next_char (p);
      if (c == '\r')
        {
          if (*p != '\n')
            g_string_append_c (out, '\n');
        }
      else if (!is_unsafe_char (c))
        g_string_append_unichar (out, c);
    }
  while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* "text/html; charset=ISO-8859-1" → "text/html", "ISO-8859-1". */
static char *
media_type (const char  *content_type,
            char       **charset)
{
  g_auto(GStrv) parts = g_strsplit (content_type != NULL ? content_type : "", ";", -1);

  if (charset != NULL)
    {
      *charset = NULL;
      for (guint i = 1; parts[i] != NULL; i++)
        {
          g_autofree char *param = g_strstrip (g_strdup (parts[i]));
          if (g_ascii_strncasecmp (param, "charset=", 8) == 0)
            {
              g_free (*charset);
              *charset = g_strdup (param + 8);
              g_strdelimit (*charset, "\"'", ' ');
              g_strstrip (*charset);
            }
        }
    }
  if (parts[0] == NULL)
    return g_strdup ("");
  return g_ascii_strdown (g_strstrip (parts[0]), -1);
}

char *
hf_record_attachment_text (const char   *content_type,
                           const guint8 *data,
                           gsize         length)
{
  g_autofree char *charset = NULL;
  g_autofree char *type = media_type (content_type, &charset);
  g_autofree char *utf8 = NULL;
  gboolean html;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  html = g_str_equal (type, "text/html") || g_str_equal (type, "application/xhtml+xml");
  if (!html && !g_str_equal (type, "text/plain"))
    return NULL;
  if (charset != NULL && g_ascii_strcasecmp (charset, "utf-8") != 0 &&
      g_ascii_strcasecmp (charset, "us-ascii") != 0)
    utf8 = g_convert ((const char *) data, length, "UTF-8", charset, NULL, NULL, NULL);
  if (utf8 == NULL)
    utf8 = g_utf8_make_valid ((const char *) (data != NULL ? data : (const guint8 *) ""), length);
  if (html)
    return hf_record_html_to_text (utf8, strlen (utf8));
  return plain_text (utf8);
}

char *
hf_record_content_type_label (const char *content_type)
{
  g_autofree char *type = media_type (content_type, NULL);
  static const struct { const char *type; const char *words; } known[] = {
    { "application/pdf", "A PDF document" },
    { "image/jpeg", "A JPEG image" },
    { "image/png", "A PNG image" },
    { "image/gif", "A GIF image" },
    { "image/tiff", "A TIFF image" },
    { "application/dicom", "A DICOM image" },
    { "application/hl7-v3+xml", "A CDA document (XML)" },
    { "application/xml", "An XML document" },
    { "text/xml", "An XML document" },
    { "application/fhir+json", "A FHIR document (JSON)" },
    { "application/fhir+xml", "A FHIR document (XML)" },
    { "application/json", "A JSON document" },
    { "text/rtf", "An RTF document" },
    { "application/rtf", "An RTF document" },
    { "application/msword", "A Word document" },
    { "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "A Word document" },
    { "text/plain", "A text document" },
    { "text/html", "An HTML document" },
  };

  if (*type == '\0')
    return g_strdup ("A file of unknown type");
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (type, known[i].type))
      return g_strdup (known[i].words);
  if (g_str_has_prefix (type, "image/"))
    return g_strdup_printf ("An image (%s)", type + strlen ("image/"));
  if (g_str_has_prefix (type, "audio/"))
    return g_strdup ("A sound recording");
  if (g_str_has_prefix (type, "video/"))
    return g_strdup ("A video");
  return g_strdup_printf ("A file of type %s", type);
}

/* }}} */
/* {{{ the vault around a record */

static void
result_free (HfRecordResult *r)
{
  g_free (r->reference);
  g_free (r->title);
  g_free (r->name);
  g_free (r->value);
  g_free (r->flag);
  g_free (r);
}

static void
visit_group_free (HfRecordVisitGroup *g)
{
  g_ptr_array_unref (g->rows);
  g_free (g);
}

static void
attachment_free (HfRecordAttachment *a)
{
  g_free (a->title);
  g_free (a->content_type);
  g_clear_pointer (&a->bytes, g_bytes_unref);
  g_free (a->text);
  g_free (a->missing);
  g_free (a);
}

void
hf_record_related_free (HfRecordRelated *detail)
{
  if (detail == NULL)
    return;
  g_ptr_array_unref (detail->results);
  g_free (detail->conclusion);
  g_free (detail->diagnoses);
  g_ptr_array_unref (detail->visit);
  g_ptr_array_unref (detail->attachments);
  g_ptr_array_unref (detail->sections);
  g_ptr_array_unref (detail->sources);
  g_free (detail);
}

/* "Observation/id", "https://server/fhir/Observation/id/_history/2" → type and id; FALSE for
 * references that name no stored row (urn:uuid: left unresolved, fragments, searches). */
static gboolean
split_reference (const char  *reference,
                 char       **type,
                 char       **id)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  if (reference == NULL || strchr (reference, '?') != NULL || reference[0] == '#' ||
      g_str_has_prefix (reference, "urn:"))
    return FALSE;
  parts = g_strsplit (reference, "/", -1);
  n = g_strv_length (parts);
  if (n >= 4 && g_str_equal (parts[n - 2], "_history"))
    n -= 2;
  if (n < 2 || *parts[n - 2] == '\0' || *parts[n - 1] == '\0' ||
      !hf_fhir_is_resource_type (parts[n - 2]))
    return FALSE;
  *type = g_strdup (parts[n - 2]);
  *id = g_strdup (parts[n - 1]);
  return TRUE;
}

/* The current, shown row for TYPE/ID, from SOURCE if it has one there: its id, title, JSON. */
static gboolean
find_stored (sqlite3     *db,
             const char  *type,
             const char  *fhir_id,
             const char  *source,
             gint64      *id,
             char       **title,
             JsonNode   **json,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT id, title, json FROM resource WHERE resource_type = ?1 "
                               "AND fhir_id = ?2 AND superseded_by IS NULL "
                               "AND deleted_at IS NULL ORDER BY source_key IS ?3 DESC, id "
                               "LIMIT 1", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "reading records", error);
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, fhir_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, source, -1, SQLITE_STATIC);
  *id = 0;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *id = sqlite3_column_int64 (stmt, 0);
      if (title != NULL)
        *title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      if (json != NULL)
        *json = json_from_string ((const char *) sqlite3_column_text (stmt, 2), NULL);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading records", error);
  return TRUE;
}

static void
fill_result (HfRecordResult *res,
             JsonObject     *obs)
{
  HfFhirValueKind kind = HF_FHIR_VALUE_NONE;
  double number = 0;
  g_autofree char *unit = NULL;

  /* The short name a patient knows the test by, as the record's own title has it. */
  res->name = g_strdup (_hf_fhir_concept_loinc_name (hf_json_object (obs, "code")));
  if (res->name == NULL)
    res->name = _hf_fhir_concept_text (hf_json_object (obs, "code"));
  res->value = _hf_fhir_value_text (obs, &kind, &number, &unit);
  if (res->value == NULL && hf_json_array (obs, "component") != NULL)
    res->value = _hf_fhir_components_value (hf_json_array (obs, "component"));
  res->flag = _hf_fhir_interpretation (obs, kind == HF_FHIR_VALUE_QUANTITY, number);
}

/* A panel inside a report (a blood count in a health profile) lists its members after it, one
 * level down: a panel's members are not followed further, so no loop of references can run. */
#define RESULTS_MAX 1000

static gboolean
add_results (sqlite3            *db,
             const HfRecordRow  *row,
             JsonArray          *refs,
             guint               depth,
             HfRecordRelated     *detail,
             GError            **error)
{
  for (guint i = 0; i < _hf_fhir_len (refs) && detail->results->len < RESULTS_MAX; i++)
    {
      JsonObject *ref = _hf_fhir_elem_obj (refs, i);
      HfRecordResult *res = g_new0 (HfRecordResult, 1);
      g_autofree char *type = NULL;
      g_autofree char *id = NULL;
      g_autoptr(JsonNode) json = NULL;
      JsonObject *obs = NULL;

      res->reference = g_strdup (hf_json_string (ref, "reference"));
      res->depth = depth;
      g_ptr_array_add (detail->results, res);
      if (split_reference (res->reference, &type, &id) &&
          !find_stored (db, type, id, row->source, &res->id, &res->title, &json, error))
        return FALSE;
      if (json != NULL && JSON_NODE_HOLDS_OBJECT (json))
        {
          obs = json_node_get_object (json);
          fill_result (res, obs);
        }
      if (res->name == NULL && hf_json_string (ref, "display") != NULL)
        res->name = g_strdup (hf_json_string (ref, "display"));
      if (depth == 0 && obs != NULL && res->value == NULL &&
          !add_results (db, row, hf_json_array (obs, "hasMember"), depth + 1, detail, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_results (sqlite3            *db,
              const HfRecordRow  *row,
              JsonObject         *report,
              HfRecordRelated     *detail,
              GError            **error)
{
  JsonArray *codes = hf_json_array (report, "conclusionCode");

  if (!add_results (db, row, hf_json_array (report, "result"), 0, detail, error))
    return FALSE;
  detail->conclusion = g_strdup (hf_json_string (report, "conclusion"));
  if (_hf_fhir_len (codes) > 0)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      for (guint i = 0; i < _hf_fhir_len (codes); i++)
        {
          g_autofree char *words = _hf_fhir_concept_text (_hf_fhir_elem_obj (codes, i));
          _hf_fhir_append_part (s, "; ", words);
        }
      detail->diagnoses = s->len > 0 ? g_strdup (s->str) : NULL;
    }
  return TRUE;
}

/* The order of a visit's groups: what a patient looks for first. */
static const char * const visit_order[] = {
  HF_CATEGORY_PROBLEMS, HF_CATEGORY_LAB_RESULTS, HF_CATEGORY_VITALS, HF_CATEGORY_MEDICATIONS,
  HF_CATEGORY_PROCEDURES, HF_CATEGORY_IMMUNIZATIONS, HF_CATEGORY_ALLERGIES,
  HF_CATEGORY_DOCUMENTS, HF_CATEGORY_CARE_PLANS, HF_CATEGORY_ENCOUNTERS, HF_CATEGORY_BILLING,
  HF_CATEGORY_DIRECTORY, HF_CATEGORY_OTHER,
};

/* Every current record made at the visit, one row per record however many sources hold it. */
#define VISIT_MAX 2000

static gboolean
load_visit (sqlite3            *db,
            const HfRecordRow  *row,
            HfRecordRelated     *detail,
            GError            **error)
{
  g_autofree char *reference = g_strdup_printf ("Encounter/%s", row->fhir_id);
  GPtrArray *groups[G_N_ELEMENTS (visit_order)] = { NULL };
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT r.id, r.resource_type, r.fhir_id, r.category, r.effective, "
                           "r.title, r.subtitle, r.source_key FROM resource r "
                           "WHERE r.context = ?1 AND r.superseded_by IS NULL "
                           "AND r.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM resource o "
                           "WHERE o.id = r.linked_to AND o.context = ?1 "
                           "AND o.superseded_by IS NULL AND o.deleted_at IS NULL) "
                           "ORDER BY r.effective DESC, r.id DESC LIMIT ?2", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "reading a visit's records", error);
  sqlite3_bind_text (stmt, 1, reference, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, VISIT_MAX);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfRecordRow *r = g_new0 (HfRecordRow, 1);
      const char *category = (const char *) sqlite3_column_text (stmt, 3);
      guint k = G_N_ELEMENTS (visit_order) - 1;

      r->id = sqlite3_column_int64 (stmt, 0);
      r->resource_type = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      r->fhir_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      r->category = g_strdup (category);
      if (sqlite3_column_bytes (stmt, 4) > 0)
        r->effective = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      r->title = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      if (sqlite3_column_bytes (stmt, 6) > 0)
        r->subtitle = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      r->source = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      for (guint i = 0; i < G_N_ELEMENTS (visit_order); i++)
        if (g_strcmp0 (category, visit_order[i]) == 0)
          k = i;
      if (groups[k] == NULL)
        groups[k] = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_record_row_free);
      g_ptr_array_add (groups[k], r);
      detail->visit_total++;
    }
  sqlite3_finalize (stmt);
  for (guint i = 0; i < G_N_ELEMENTS (visit_order); i++)
    if (groups[i] != NULL)
      {
        HfRecordVisitGroup *g = g_new0 (HfRecordVisitGroup, 1);
        g->category = visit_order[i];
        g->rows = groups[i];
        g_ptr_array_add (detail->visit, g);
      }
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading a visit's records", error);
  return TRUE;
}

static gboolean
is_base64 (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=' && !g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static void
take_data (HfRecordAttachment *a,
           const char         *data)
{
  guchar *bytes;
  gsize size = 0;

  if (!is_base64 (data))
    {
      a->missing = g_strdup ("The attached file is not valid base64, so it cannot be shown or "
                             "saved; ask its sender for a new copy.");
      return;
    }
  bytes = g_base64_decode (data, &size);
  a->bytes = g_bytes_new_take (bytes, size);
}

/* A file the server's sync fetched (the sources' attachment table) for ROW's URL. */
static gboolean
find_fetched (sqlite3             *db,
              const HfRecordRow   *row,
              const char          *url,
              HfRecordAttachment  *a,
              GError             **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT url, status, content_type, data FROM attachment "
                               "WHERE resource_type = ? AND fhir_id = ? AND source_key = ? "
                               "ORDER BY id", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "reading attachments", error);
  sqlite3_bind_text (stmt, 1, row->resource_type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row->fhir_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, row->source, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *stored = (const char *) sqlite3_column_text (stmt, 0);
      const char *status = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *tail = g_strconcat ("/", url, NULL);

      if (!g_str_equal (stored, url) && !g_str_has_suffix (stored, tail))
        continue;
      if (g_strcmp0 (status, "stored") == 0)
        {
          a->bytes = g_bytes_new (sqlite3_column_blob (stmt, 3), sqlite3_column_bytes (stmt, 3));
          if (a->content_type == NULL && sqlite3_column_type (stmt, 2) == SQLITE_TEXT)
            a->content_type = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
        }
      else if (g_strcmp0 (status, "too-large") == 0)
        a->missing = g_strdup ("The file is larger than sync fetches (20 MB), so this vault "
                               "does not hold it; ask the provider for a copy.");
      else if (g_strcmp0 (status, "failed") == 0)
        a->missing = g_strdup ("The server did not send this file when the vault was synced; "
                               "“healthfolio-cli source sync” tries again.");
      else
        a->missing = g_strdup ("This file has not been fetched from the server yet; "
                               "“healthfolio-cli source sync” fetches it.");
      break;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading attachments", error);
  return TRUE;
}

static gboolean
load_attachment (sqlite3            *db,
                 const HfRecordRow  *row,
                 JsonObject         *resource,
                 JsonObject         *att,
                 HfRecordRelated     *detail,
                 GError            **error)
{
  HfRecordAttachment *a = g_new0 (HfRecordAttachment, 1);
  const char *url = hf_json_string (att, "url");
  const char *data = hf_json_string (att, "data");
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;

  a->part = detail->attachments->len + 1;
  a->title = g_strdup (hf_json_string (att, "title"));
  a->content_type = g_strdup (hf_json_string (att, "contentType"));
  g_ptr_array_add (detail->attachments, a);

  if (data != NULL)
    take_data (a, data);
  else if (url != NULL && url[0] == '#')
    {
      JsonArray *contained = hf_json_array (resource, "contained");
      for (guint i = 0; i < _hf_fhir_len (contained); i++)
        {
          JsonObject *c = _hf_fhir_elem_obj (contained, i);
          if (g_strcmp0 (hf_json_string (c, "id"), url + 1) == 0 &&
              g_strcmp0 (hf_json_string (c, "resourceType"), "Binary") == 0 &&
              hf_json_string (c, "data") != NULL)
            {
              if (a->content_type == NULL)
                a->content_type = g_strdup (hf_json_string (c, "contentType"));
              take_data (a, hf_json_string (c, "data"));
            }
        }
    }
  else if (split_reference (url, &type, &id) && g_str_equal (type, "Binary"))
    {
      g_autoptr(JsonNode) json = NULL;
      gint64 found = 0;
      JsonObject *binary;

      if (!find_stored (db, type, id, row->source, &found, NULL, &json, error))
        return FALSE;
      binary = json != NULL && JSON_NODE_HOLDS_OBJECT (json) ? json_node_get_object (json) : NULL;
      if (binary != NULL && hf_json_string (binary, "data") != NULL)
        {
          if (a->content_type == NULL)
            a->content_type = g_strdup (hf_json_string (binary, "contentType"));
          take_data (a, hf_json_string (binary, "data"));
        }
    }
  if (a->bytes == NULL && a->missing == NULL && url != NULL &&
      !find_fetched (db, row, url, a, error))
    return FALSE;
  if (a->bytes == NULL && a->missing == NULL)
    a->missing = url != NULL
      ? g_strdup_printf ("The file is at %s, outside this vault; it is not fetched or opened "
                         "from here.", url)
      : g_strdup ("The record names a file but carries none.");
  if (a->bytes != NULL)
    a->text = hf_record_attachment_text (a->content_type,
                                         g_bytes_get_data (a->bytes, NULL),
                                         g_bytes_get_size (a->bytes));
  return TRUE;
}

static gboolean
load_attachments (sqlite3            *db,
                  const HfRecordRow  *row,
                  JsonObject         *resource,
                  HfRecordRelated     *detail,
                  GError            **error)
{
  const char *type = row->resource_type;

  if (g_strcmp0 (type, "Binary") == 0)
    return load_attachment (db, row, resource, resource, detail, error);
  if (g_strcmp0 (type, "DocumentReference") == 0)
    {
      JsonArray *content = hf_json_array (resource, "content");
      for (guint i = 0; i < _hf_fhir_len (content); i++)
        {
          JsonObject *att = hf_json_object (_hf_fhir_elem_obj (content, i), "attachment");
          if (att != NULL && !load_attachment (db, row, resource, att, detail, error))
            return FALSE;
        }
    }
  else if (g_strcmp0 (type, "DiagnosticReport") == 0)
    {
      JsonArray *forms = hf_json_array (resource, "presentedForm");
      for (guint i = 0; i < _hf_fhir_len (forms); i++)
        if (!load_attachment (db, row, resource, _hf_fhir_elem_obj (forms, i), detail, error))
          return FALSE;
    }
  else if (g_strcmp0 (type, "Media") == 0 && hf_json_object (resource, "content") != NULL)
    return load_attachment (db, row, resource, hf_json_object (resource, "content"), detail,
                            error);
  return TRUE;
}

/* A document's sections (an IPS: problems, medications, allergies…): the narrative as text; a
 * section without one lists the records it holds. Subsections follow their section. */
#define SECTIONS_MAX 200

static gboolean
load_sections (sqlite3            *db,
               const HfRecordRow  *row,
               JsonArray          *sections,
               const char         *parent,
               guint               depth,
               HfRecordRelated     *detail,
               GError            **error)
{
  for (guint i = 0; i < _hf_fhir_len (sections) && detail->sections->len < SECTIONS_MAX; i++)
    {
      JsonObject *sec = _hf_fhir_elem_obj (sections, i);
      JsonObject *narrative = hf_json_object (sec, "text");
      const char *div = hf_json_string (narrative, "div");
      JsonArray *entries = hf_json_array (sec, "entry");
      g_autofree char *code = _hf_fhir_concept_text (hf_json_object (sec, "code"));
      const char *title = hf_json_string (sec, "title") ? hf_json_string (sec, "title") : code;
      HfFhirField *field = g_new0 (HfFhirField, 1);
      g_autoptr(GString) text = g_string_new (NULL);

      field->label = parent != NULL ? g_strdup_printf ("%s — %s", parent,
                                                       title ? title : "Section")
                                    : g_strdup (title ? title : "Section");
      g_ptr_array_add (detail->sections, field);
      if (div != NULL)
        {
          g_autofree char *words = hf_record_html_to_text (div, strlen (div));
          g_string_append (text, words);
        }
      if (text->len == 0)
        for (guint k = 0; k < _hf_fhir_len (entries); k++)
          {
            g_autofree char *type = NULL;
            g_autofree char *id = NULL;
            g_autofree char *stored_title = NULL;
            gint64 found = 0;
            const char *ref = hf_json_string (_hf_fhir_elem_obj (entries, k), "reference");

            if (split_reference (ref, &type, &id) &&
                !find_stored (db, type, id, row->source, &found, &stored_title, NULL, error))
              return FALSE;
            g_string_append_printf (text, "%s• %s", text->len ? "\n" : "",
                                    stored_title ? stored_title : "a record not in this vault");
            if (found != 0)
              g_string_append_printf (text, " (record %" G_GINT64_FORMAT ")", found);
          }
      if (text->len == 0)
        {
          g_autofree char *why = _hf_fhir_concept_text (hf_json_object (sec, "emptyReason"));
          g_string_append (text, why ? why : "Nothing is recorded in this section.");
        }
      field->value = g_string_free (g_steal_pointer (&text), FALSE);
      if (depth == 0 && !load_sections (db, row, hf_json_array (sec, "section"), field->label,
                                        depth + 1, detail, error))
        return FALSE;
    }
  return TRUE;
}

static void
add_source (GPtrArray  *sources,
            const char *source)
{
  g_autofree char *label = hf_record_source_dup_label (source);

  for (guint i = 0; i < sources->len; i++)
    if (g_str_equal (g_ptr_array_index (sources, i), label))
      return;
  g_ptr_array_add (sources, g_steal_pointer (&label));
}

HfRecordRelated *
hf_record_related_load (HfVault            *vault,
                       const HfRecordRow  *row,
                       JsonObject         *resource,
                       GError            **error)
{
  g_autoptr(HfRecordRelated) detail = g_new0 (HfRecordRelated, 1);
  g_autoptr(GPtrArray) linked = NULL;
  sqlite3 *db;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (row != NULL, NULL);

  detail->results = g_ptr_array_new_with_free_func ((GDestroyNotify) result_free);
  detail->visit = g_ptr_array_new_with_free_func ((GDestroyNotify) visit_group_free);
  detail->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
  detail->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_fhir_field_free);
  detail->sources = g_ptr_array_new_with_free_func (g_free);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read records", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  if (resource != NULL && g_strcmp0 (row->resource_type, "DiagnosticReport") == 0 &&
      !load_results (db, row, resource, detail, error))
    return NULL;
  if (g_strcmp0 (row->resource_type, "Encounter") == 0 && row->fhir_id != NULL &&
      !load_visit (db, row, detail, error))
    return NULL;
  if (resource != NULL && !load_attachments (db, row, resource, detail, error))
    return NULL;
  if (resource != NULL && g_strcmp0 (row->resource_type, "Composition") == 0 &&
      !load_sections (db, row, hf_json_array (resource, "section"), NULL, 0, detail, error))
    return NULL;

  if (row->source != NULL)
    add_source (detail->sources, row->source);
  linked = hf_record_store_linked (vault, row->id, error);
  if (linked == NULL)
    return NULL;
  for (guint i = 0; i < linked->len; i++)
    {
      HfRecordRow *other = g_ptr_array_index (linked, i);
      if (other->source != NULL)
        add_source (detail->sources, other->source);
    }
  return g_steal_pointer (&detail);
}

/* }}} */
