/* hf-pdf.c — the printable summary of an International Patient Summary, as PDF
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IPS document is read once into a plain model (the person, then each Composition section
 * as rows of name, details, date and status, made with the records layer's summaries). The
 * pages are drawn once, each on a cairo recording surface, and then played onto the PDF's
 * pages with their footers, which need the page count ("page N of M"): the text is laid out
 * and shaped once, and stays text in the PDF. Each page has a header (whose summary it is) and
 * a footer (who made it, when, for whom, the page number). A table that goes over a page
 * carries on with its section's title and the column heads again.
 */

#include "hf-pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <json-glib/json-glib.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <string.h>

#include "hf-error.h"
#include "hf-fhir-private.h"
#include "hf-fhir.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-label.h"

/* A4 in points, and the margins. */
#define PAGE_W    595.276
#define PAGE_H    841.890
#define MARGIN    48.0
#define BODY_TOP  (MARGIN + 26.0)
#define BODY_BOT  (PAGE_H - MARGIN - 12.0)
#define BODY_W    (PAGE_W - 2 * MARGIN)
#define CELL_PAD  3.0
#define QR_SIDE   150.0
/* A credit card (ISO/IEC 7810 ID-1): 85.6 × 54 mm. */
#define CARD_W    (85.6 / 25.4 * 72.0)
#define CARD_H    (54.0 / 25.4 * 72.0)
/* A cell of a table shows at most this many lines. */
#define CELL_MAX_LINES 12

/* Pango's cairo context lays text out at its default 96 dpi on a surface measured in points,
 * so a size N in a font description here prints at N × 4/3 pt: the tables' 9 is 12 pt, the
 * footer's 7 is 9.3 pt, the wallet card's 6.5 is 8.7 pt. */
#define FONT      "Cantarell, DejaVu Sans"

/* {{{ the model */

typedef struct
{
  char *name;
  char *detail;
  char *date;
  char *status;
} PdfRow;

typedef struct
{
  char      *title;
  char      *code;     /* the section's LOINC code, or NULL */
  char      *note;     /* why it is empty, or NULL */
  GPtrArray *rows;     /* PdfRow* */
} PdfSection;

typedef struct
{
  char      *name;
  char      *born;
  char      *gender;
  GPtrArray *identifiers;  /* char* */
  char      *contact;      /* the emergency contact in one line, or NULL */
  char      *title;        /* the Composition's title */
  char      *author;
  char      *date;
  GPtrArray *sections;     /* PdfSection* */
} PdfDoc;

static void
pdf_row_free (gpointer p)
{
  PdfRow *row = p;

  g_free (row->name);
  g_free (row->detail);
  g_free (row->date);
  g_free (row->status);
  g_free (row);
}

static void
pdf_section_free (gpointer p)
{
  PdfSection *s = p;

  g_free (s->title);
  g_free (s->code);
  g_free (s->note);
  g_ptr_array_unref (s->rows);
  g_free (s);
}

static void
pdf_doc_clear (PdfDoc *doc)
{
  g_free (doc->name);
  g_free (doc->born);
  g_free (doc->gender);
  g_clear_pointer (&doc->identifiers, g_ptr_array_unref);
  g_free (doc->contact);
  g_free (doc->title);
  g_free (doc->author);
  g_free (doc->date);
  g_clear_pointer (&doc->sections, g_ptr_array_unref);
}

/* Every entry's resource by its fullUrl and by "Type/id". */
typedef struct
{
  GHashTable *by_ref;   /* char* → JsonObject* (the bundle's) */
} PdfIndex;

static JsonObject *
index_lookup (PdfIndex   *idx,
              const char *reference)
{
  JsonObject *r;
  const char *hash;

  if (reference == NULL)
    return NULL;
  r = g_hash_table_lookup (idx->by_ref, reference);
  if (r != NULL)
    return r;
  /* "https://server/fhir/Patient/1" for "Patient/1", and back. */
  hash = strrchr (reference, '/');
  if (hash != NULL && hash > reference)
    {
      const char *p = hash - 1;

      while (p > reference && *p != '/')
        p--;
      if (*p == '/')
        p++;
      return g_hash_table_lookup (idx->by_ref, p);
    }
  return NULL;
}

static char *
index_resolve (const char *reference,
               gpointer    user_data)
{
  JsonObject *r = index_lookup (user_data, reference);

  return r != NULL ? hf_fhir_display_name (r) : NULL;
}

static char *
reference_of (JsonObject *holder,
              const char *member)
{
  JsonNode *n = holder ? json_object_get_member (holder, member) : NULL;
  JsonObject *o = NULL;

  if (n != NULL && JSON_NODE_HOLDS_ARRAY (n))
    {
      JsonArray *a = json_node_get_array (n);

      if (json_array_get_length (a) > 0 &&
          JSON_NODE_HOLDS_OBJECT (json_array_get_element (a, 0)))
        o = json_array_get_object_element (a, 0);
    }
  else if (n != NULL && JSON_NODE_HOLDS_OBJECT (n))
    o = json_node_get_object (n);
  return o ? g_strdup (hf_json_string (o, "reference")) : NULL;
}

static char *
section_title (JsonObject *section)
{
  const char *t = hf_json_string (section, "title");
  g_autofree char *code_text = NULL;

  if (t != NULL && *t != '\0')
    return g_strdup (t);
  code_text = _hf_fhir_concept_text (hf_json_object (section, "code"));
  return code_text ? g_steal_pointer (&code_text) : g_strdup ("Section");
}

static char *
display_date (const char *when)
{
  char *d;

  if (when == NULL || *when == '\0')
    return NULL;
  d = hf_fhir_date_format (when, HF_DATE_STYLE_DAY);
  return d ? d : g_strdup (when);
}

static PdfRow *
row_of (PdfIndex   *idx,
        JsonObject *resource)
{
  HfFhirSummary s = { 0 };
  PdfRow *row = g_new0 (PdfRow, 1);

  const char *dash;
  g_autofree char *rest = NULL;

  hf_fhir_summarize (resource, index_resolve, idx, &s);
  if (s.status != NULL)
    {
      const char *word = _hf_fhir_status_word (s.status);

      row->status = g_strdup (word ? word : s.status);
      if (row->status[0] != '\0')
        row->status[0] = g_ascii_toupper (row->status[0]);
    }
  /* The list title "Name — what about it": the name, and the rest among the details unless it
   * only repeats the status. */
  dash = strstr (s.title, " — ");
  row->name = dash ? g_strndup (s.title, (gsize) (dash - s.title)) : g_strdup (s.title);
  if (dash && (row->status == NULL ||
               g_ascii_strncasecmp (dash + strlen (" — "), row->status,
                                    strlen (row->status)) != 0))
    rest = g_strdup (dash + strlen (" — "));
  /* A measurement's title is its name and its value: the value goes among the details. */
  if (g_strcmp0 (hf_json_string (resource, "resourceType"), "Observation") == 0)
    {
      g_autofree char *code = _hf_fhir_concept_text (hf_json_object (resource, "code"));
      gsize n = code ? strlen (code) : 0;

      if (n > 0 && strncmp (row->name, code, n) == 0 && row->name[n] != '\0')
        {
          const char *value = row->name + n;
          char *joined;

          while (*value == ' ' || *value == ':')
            value++;
          joined = rest ? g_strdup_printf ("%s — %s", value, rest) : g_strdup (value);
          g_free (rest);
          rest = joined;
          row->name[n] = '\0';
        }
    }
  /* A medication's title is its name and its dosage: the dosage goes among the details. */
  if (g_str_has_prefix (_hf_fhir_type_of (resource), "Medication"))
    {
      JsonObject *dosage = hf_json_first_object (resource, "dosage");
      g_autofree char *full = NULL;
      g_autofree char *shorter = NULL;
      const char *phrase = NULL;
      gsize n = strlen (row->name);

      if (dosage == NULL)
        dosage = hf_json_first_object (resource, "dosageInstruction");
      full = dosage ? _hf_fhir_dosage_phrase (dosage, NULL) : NULL;
      shorter = dosage ? _hf_fhir_dosage_phrase (dosage, row->name) : NULL;
      if (full && n > strlen (full) && g_str_has_suffix (row->name, full))
        phrase = full;
      else if (shorter && n > strlen (shorter) && g_str_has_suffix (row->name, shorter))
        phrase = shorter;
      if (phrase != NULL)
        {
          const char *p = phrase;
          char *joined;

          row->name[n - strlen (phrase)] = '\0';
          while (*p == ',' || *p == ' ')
            p++;
          joined = rest ? g_strdup_printf ("%s; %s", p, rest) : g_strdup (p);
          g_free (rest);
          rest = joined;
          if (rest[0] != '\0')
            rest[0] = g_ascii_toupper (rest[0]);
        }
    }
  if (rest && s.subtitle)
    row->detail = g_strdup_printf ("%s; %s", rest, s.subtitle);
  else
    row->detail = g_strdup (rest ? rest : s.subtitle);
  row->date = display_date (s.effective ? s.effective : s.date);
  hf_fhir_summary_clear (&s);
  return row;
}

static void
read_patient (PdfDoc     *doc,
              JsonObject *patient)
{
  JsonArray *ids = hf_json_array (patient, "identifier");
  JsonObject *contact = hf_json_first_object (patient, "contact");

  doc->name = _hf_fhir_human_name (hf_json_first_object (patient, "name"));
  if (doc->name == NULL || *doc->name == '\0')
    {
      g_free (doc->name);
      doc->name = g_strdup ("Name not given");
    }
  doc->born = display_date (hf_json_string (patient, "birthDate"));
  doc->gender = g_strdup (hf_json_string (patient, "gender"));
  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    {
      JsonNode *n = json_array_get_element (ids, i);
      JsonObject *id;
      const char *value;
      g_autofree char *type = NULL;
      const char *system;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      id = json_node_get_object (n);
      value = hf_json_string (id, "value");
      if (value == NULL)
        continue;
      type = _hf_fhir_concept_text (hf_json_object (id, "type"));
      system = hf_json_string (id, "system");
      g_ptr_array_add (doc->identifiers,
                       g_strdup_printf ("%s: %s", type ? type : system ? system : "Identifier",
                                        value));
    }
  if (contact != NULL)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_autofree char *name = _hf_fhir_human_name (hf_json_object (contact, "name"));
      g_autofree char *rel = _hf_fhir_concepts_text (hf_json_array (contact, "relationship"));
      JsonArray *telecom = hf_json_array (contact, "telecom");

      if (name != NULL)
        g_string_append (s, name);
      if (rel != NULL)
        g_string_append_printf (s, "%s(%s)", s->len ? " " : "", rel);
      for (guint i = 0; telecom != NULL && i < json_array_get_length (telecom); i++)
        {
          JsonNode *n = json_array_get_element (telecom, i);
          const char *v = JSON_NODE_HOLDS_OBJECT (n)
                            ? hf_json_string (json_node_get_object (n), "value") : NULL;

          if (v != NULL)
            g_string_append_printf (s, "%s%s", s->len ? ", " : "", v);
        }
      if (s->len > 0)
        doc->contact = g_string_free (g_steal_pointer (&s), FALSE);
    }
}

static int wallet_group (const PdfSection *s);

/* WALLET_ONLY: the rows of the sections the wallet card shows, and no others. */
static gboolean
read_ips (JsonObject *bundle,
          PdfDoc     *doc,
          gboolean    wallet_only,
          GError    **error)
{
  JsonArray *entries = hf_json_array (bundle, "entry");
  JsonObject *composition = NULL;
  JsonObject *patient = NULL;
  JsonArray *sections;
  PdfIndex idx;
  g_autofree char *subject = NULL;
  g_autofree char *author_ref = NULL;
  guint n_entries = 0;

  if (g_strcmp0 (hf_json_string (bundle, "resourceType"), "Bundle") != 0 ||
      g_strcmp0 (hf_json_string (bundle, "type"), "document") != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This is not a FHIR document Bundle, so not a patient summary.");
      return FALSE;
    }
  if (entries == NULL || json_array_get_length (entries) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (entries, 0)) ||
      (composition = hf_json_object (json_array_get_object_element (entries, 0),
                                     "resource")) == NULL ||
      g_strcmp0 (hf_json_string (composition, "resourceType"), "Composition") != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This document Bundle does not begin with a Composition, so it is not a "
                   "patient summary.");
      return FALSE;
    }

  idx.by_ref = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *n = json_array_get_element (entries, i);
      JsonObject *r;
      const char *full_url, *type, *id;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      r = hf_json_object (json_node_get_object (n), "resource");
      if (r == NULL)
        continue;
      full_url = hf_json_string (json_node_get_object (n), "fullUrl");
      type = hf_json_string (r, "resourceType");
      id = hf_json_string (r, "id");
      if (full_url != NULL && !g_hash_table_contains (idx.by_ref, full_url))
        g_hash_table_insert (idx.by_ref, g_strdup (full_url), r);
      if (type != NULL && id != NULL)
        {
          char *key = g_strdup_printf ("%s/%s", type, id);

          if (!g_hash_table_contains (idx.by_ref, key))
            g_hash_table_insert (idx.by_ref, key, r);
          else
            g_free (key);
        }
      if (patient == NULL && g_strcmp0 (type, "Patient") == 0)
        patient = r;
    }

  subject = reference_of (composition, "subject");
  if (subject != NULL)
    {
      JsonObject *s = index_lookup (&idx, subject);

      if (s != NULL && g_strcmp0 (hf_json_string (s, "resourceType"), "Patient") == 0)
        patient = s;
    }
  doc->identifiers = g_ptr_array_new_with_free_func (g_free);
  doc->sections = g_ptr_array_new_with_free_func (pdf_section_free);
  if (patient != NULL)
    read_patient (doc, patient);
  else
    doc->name = g_strdup ("Name not given");
  doc->title = g_strdup (hf_json_string (composition, "title"));
  doc->date = display_date (hf_json_string (composition, "date"));
  author_ref = reference_of (composition, "author");
  doc->author = index_resolve (author_ref, &idx);

  sections = hf_json_array (composition, "section");
  for (guint i = 0; sections != NULL && i < json_array_get_length (sections); i++)
    {
      JsonNode *n = json_array_get_element (sections, i);
      JsonArray *refs = JSON_NODE_HOLDS_OBJECT (n)
                          ? hf_json_array (json_node_get_object (n), "entry") : NULL;

      n_entries += refs ? json_array_get_length (refs) : 0;
    }
  if (n_entries > HF_PDF_MAX_ENTRIES)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This patient summary has %u entries, more than the %d a printed summary "
                   "holds.", n_entries, HF_PDF_MAX_ENTRIES);
      g_hash_table_unref (idx.by_ref);
      return FALSE;
    }
  for (guint i = 0; sections != NULL && i < json_array_get_length (sections); i++)
    {
      JsonNode *n = json_array_get_element (sections, i);
      JsonObject *section;
      JsonArray *refs;
      PdfSection *ps;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      section = json_node_get_object (n);
      ps = g_new0 (PdfSection, 1);
      ps->title = section_title (section);
      ps->code = g_strdup (hf_json_string (hf_json_first_object (hf_json_object (section, "code"),
                                                                 "coding"), "code"));
      ps->rows = g_ptr_array_new_with_free_func (pdf_row_free);
      refs = wallet_only && wallet_group (ps) < 0 ? NULL : hf_json_array (section, "entry");
      for (guint j = 0; refs != NULL && j < json_array_get_length (refs); j++)
        {
          JsonNode *e = json_array_get_element (refs, j);
          const char *ref = JSON_NODE_HOLDS_OBJECT (e)
                              ? hf_json_string (json_node_get_object (e), "reference") : NULL;
          JsonObject *r = index_lookup (&idx, ref);

          if (r != NULL)
            g_ptr_array_add (ps->rows, row_of (&idx, r));
          else
            {
              PdfRow *row = g_new0 (PdfRow, 1);

              row->name = g_strdup ("A record that is not in this document");
              row->detail = g_strdup (ref);
              g_ptr_array_add (ps->rows, row);
            }
        }
      if (ps->rows->len == 0)
        {
          JsonObject *reason = hf_json_object (section, "emptyReason");

          const char *what = g_strcmp0 (ps->code, "48765-2") == 0 ? "allergies"
                             : g_strcmp0 (ps->code, "11450-4") == 0 ? "problems"
                             : g_strcmp0 (ps->code, "10160-0") == 0 ? "medications" : NULL;

          ps->note = reason ? _hf_fhir_empty_reason_text (reason, what) : NULL;
          if (ps->note == NULL)
            {
              g_autofree char *text = _hf_fhir_plain_text (hf_json_string (hf_json_object (section,
                                                                                           "text"),
                                                                           "div"));
              ps->note = text && *g_strstrip (text) != '\0' ? g_steal_pointer (&text)
                                                            : g_strdup ("Nothing recorded.");
            }
        }
      g_ptr_array_add (doc->sections, ps);
    }
  g_hash_table_unref (idx.by_ref);
  return TRUE;
}

/* }}} */
/* {{{ drawing */

typedef struct
{
  cairo_t            *cr;
  PangoLayout        *layout;
  gboolean            whole;      /* lay out every line of each paragraph */
  int                 page;       /* 1-based, the page being drawn */
  int                 pages;      /* the total, known in the second pass */
  double              y;
  PdfDoc             *doc;
  const HfPdfOptions *options;
  const char         *made_on;
  QRcode             *qr;
  GPtrArray          *recordings; /* cairo_surface_t*: the pages drawn */
} PdfDraw;

/* Lays out MARKUP in FONT at WIDTH in LAYOUT; returns its height. */
static double
layout_text (PdfDraw       *d,
             PangoLayout   *layout,
             const char    *markup,
             const char    *font,
             double         width,
             PangoAlignment align)
{
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);
  int w, h;

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, align);
  pango_layout_set_height (layout, -CELL_MAX_LINES);
  /* A cell's paragraph is cut after CELL_MAX_LINES lines, except where the caller measures
   * all of it. */
  pango_layout_set_ellipsize (layout, d->whole ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END);
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

/* Lays out MARKUP in FONT at WIDTH in the drawing's layout; returns its height. */
static double
set_text (PdfDraw    *d,
          const char *markup,
          const char *font,
          double      width,
          PangoAlignment align)
{
  return layout_text (d, d->layout, markup, font, width, align);
}

static void
show_text (PdfDraw *d,
           double   x,
           double   y)
{
  cairo_move_to (d->cr, x, y);
  pango_cairo_show_layout (d->cr, d->layout);
}

/* Draws MARKUP at X, Y; returns its height. */
static double
draw_text (PdfDraw    *d,
           const char *markup,
           const char *font,
           double      x,
           double      y,
           double      width,
           PangoAlignment align)
{
  double h = set_text (d, markup, font, width, align);

  show_text (d, x, y);
  return h;
}

static void
page_header (PdfDraw *d)
{
  g_autofree char *name = g_markup_escape_text (d->doc->name, -1);
  g_autofree char *left = NULL;

  left = d->doc->born
           ? g_strdup_printf ("Patient summary of <b>%s</b>, born %s", name, d->doc->born)
           : g_strdup_printf ("Patient summary of <b>%s</b>", name);
  cairo_set_source_rgb (d->cr, 0.35, 0.35, 0.35);
  draw_text (d, left, FONT " 8", MARGIN, MARGIN, BODY_W * 0.75, PANGO_ALIGN_LEFT);
  draw_text (d, "Healthfolio", FONT " 8", MARGIN, MARGIN, BODY_W, PANGO_ALIGN_RIGHT);
  cairo_set_line_width (d->cr, 0.5);
  cairo_move_to (d->cr, MARGIN, MARGIN + 14);
  cairo_line_to (d->cr, PAGE_W - MARGIN, MARGIN + 14);
  cairo_stroke (d->cr);
  cairo_set_source_rgb (d->cr, 0, 0, 0);
}

static void
page_footer (PdfDraw *d)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *made_by = d->options->made_by
                               ? g_markup_escape_text (d->options->made_by, -1) : NULL;
  g_autofree char *page = NULL;
  double y = PAGE_H - MARGIN;

  if (made_by)
    g_string_append_printf (s, "Made by %s with Healthfolio on %s", made_by, d->made_on);
  else
    g_string_append_printf (s, "Made by Healthfolio on %s", d->made_on);
  if (d->options->recipient != NULL)
    {
      g_autofree char *r = g_markup_escape_text (d->options->recipient, -1);

      g_string_append_printf (s, " for %s", r);
    }
  g_string_append (s, ". Confidential health information.");
  page = g_strdup_printf ("Page %d of %d", d->page, d->pages);
  cairo_set_source_rgb (d->cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (d->cr, 0.5);
  cairo_move_to (d->cr, MARGIN, y - 4);
  cairo_line_to (d->cr, PAGE_W - MARGIN, y - 4);
  cairo_stroke (d->cr);
  draw_text (d, s->str, FONT " 7", MARGIN, y, BODY_W - 70, PANGO_ALIGN_LEFT);
  draw_text (d, page, FONT " 7", MARGIN, y, BODY_W, PANGO_ALIGN_RIGHT);
  cairo_set_source_rgb (d->cr, 0, 0, 0);
}

/* A page is drawn on a recording surface; the footer, which needs the page count, is drawn
 * when the recordings are played onto the PDF's pages. */
static void
start_page (PdfDraw *d)
{
  cairo_rectangle_t a4 = { 0, 0, PAGE_W, PAGE_H };
  cairo_surface_t *page = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, &a4);

  d->page++;
  g_ptr_array_add (d->recordings, page);
  d->cr = cairo_create (page);
  page_header (d);
  d->y = BODY_TOP;
}

static void
end_page (PdfDraw *d)
{
  g_clear_pointer (&d->cr, cairo_destroy);
}

static void
draw_qr (PdfDraw *d,
         double   x,
         double   y,
         double   side)
{
  double module;

  if (d->qr == NULL)
    return;
  /* Four modules of quiet zone on every side, inside SIDE. */
  module = side / (d->qr->width + 8);
  cairo_set_source_rgb (d->cr, 1, 1, 1);
  cairo_rectangle (d->cr, x, y, side, side);
  cairo_fill (d->cr);
  cairo_set_source_rgb (d->cr, 0, 0, 0);
  for (int my = 0; my < d->qr->width; my++)
    {
      int mx = 0;

      /* One rectangle for each run of dark modules: no seams between them. */
      while (mx < d->qr->width)
        {
          int start;

          if ((d->qr->data[my * d->qr->width + mx] & 1) == 0)
            {
              mx++;
              continue;
            }
          start = mx;
          while (mx < d->qr->width && (d->qr->data[my * d->qr->width + mx] & 1) != 0)
            mx++;
          cairo_rectangle (d->cr, x + (start + 4) * module, y + (my + 4) * module,
                           (mx - start) * module, module);
        }
    }
  cairo_fill (d->cr);
}

static const char scan_line[] =
  "Scan this code with a phone's camera or a SMART Health Card or Link reader to get these "
  "records.";

/* The notice 42 CFR § 2.32 requires, in a box across the page at the drawing's place. */
static void
draw_part2_notice (PdfDraw *d)
{
  g_autofree char *notice = g_markup_escape_text (hf_label_part2_notice (), -1);
  g_autofree char *markup = g_strdup_printf ("<b>Notice under 42 CFR Part 2</b>\n%s", notice);
  double h = set_text (d, markup, FONT " 8", BODY_W - 16, PANGO_ALIGN_LEFT);

  cairo_set_source_rgb (d->cr, 0.99, 0.95, 0.85);
  cairo_rectangle (d->cr, MARGIN, d->y, BODY_W, h + 12);
  cairo_fill_preserve (d->cr);
  cairo_set_source_rgb (d->cr, 0.6, 0.45, 0.1);
  cairo_set_line_width (d->cr, 0.8);
  cairo_stroke (d->cr);
  cairo_set_source_rgb (d->cr, 0, 0, 0);
  show_text (d, MARGIN + 8, d->y + 6);
  d->y += h + 12 + 10;
}

/* The first page's top: the title, the person, who made it and on what consent, the QR. */
static void
draw_front (PdfDraw *d)
{
  const PdfDoc *doc = d->doc;
  g_autoptr(GString) person = g_string_new (NULL);
  g_autoptr(GString) made = g_string_new (NULL);
  g_autofree char *name = g_markup_escape_text (doc->name, -1);
  double text_w = d->qr ? BODY_W - QR_SIDE - 12 : BODY_W;
  double y = d->y, qr_bottom = d->y;

  y += draw_text (d, "<b>Patient summary</b>", FONT " 20", MARGIN, y, text_w, PANGO_ALIGN_LEFT);
  y += 4;
  g_string_append_printf (person, "<b>%s</b>", name);
  y += draw_text (d, person->str, FONT " 14", MARGIN, y, text_w, PANGO_ALIGN_LEFT);
  g_string_truncate (person, 0);
  if (doc->born)
    g_string_append_printf (person, "Born %s", doc->born);
  if (doc->gender)
    {
      g_autofree char *g = g_markup_escape_text (doc->gender, -1);

      g_string_append_printf (person, "%sGender: %s", person->len ? " · " : "", g);
    }
  for (guint i = 0; i < doc->identifiers->len; i++)
    {
      g_autofree char *id = g_markup_escape_text (doc->identifiers->pdata[i], -1);

      g_string_append_printf (person, "%s%s", person->len ? "\n" : "", id);
    }
  if (doc->contact)
    {
      g_autofree char *c = g_markup_escape_text (doc->contact, -1);

      g_string_append_printf (person, "%sContact: %s", person->len ? "\n" : "", c);
    }
  if (person->len > 0)
    y += draw_text (d, person->str, FONT " 10", MARGIN, y + 2, text_w, PANGO_ALIGN_LEFT) + 2;
  y += 8;

  if (d->options->made_by)
    {
      g_autofree char *m = g_markup_escape_text (d->options->made_by, -1);

      g_string_append_printf (made, "<b>Made</b> on %s by %s with Healthfolio", d->made_on, m);
    }
  else
    g_string_append_printf (made, "<b>Made</b> on %s by Healthfolio", d->made_on);
  if (doc->author)
    {
      g_autofree char *a = g_markup_escape_text (doc->author, -1);

      g_string_append_printf (made, "; summary assembled by %s", a);
    }
  if (doc->author && doc->date)
    g_string_append_printf (made, " on %s", doc->date);
  else if (doc->date)
    g_string_append_printf (made, "; the summary is dated %s", doc->date);
  g_string_append (made, ".");
  if (d->options->recipient)
    {
      g_autofree char *r = g_markup_escape_text (d->options->recipient, -1);

      g_string_append_printf (made, "\n<b>For</b> %s.", r);
    }
  if (d->options->consent)
    {
      g_autofree char *c = g_markup_escape_text (d->options->consent, -1);

      g_string_append_printf (made, "\n<b>Shared under the consent</b>: %s", c);
    }
  y += draw_text (d, made->str, FONT " 9", MARGIN, y, text_w, PANGO_ALIGN_LEFT);

  if (d->qr)
    {
      double qx = PAGE_W - MARGIN - QR_SIDE;

      draw_qr (d, qx, d->y, QR_SIDE);
      qr_bottom = d->y + QR_SIDE + 2;
      qr_bottom += draw_text (d, scan_line, FONT " 7.5", qx, qr_bottom, QR_SIDE,
                              PANGO_ALIGN_CENTER);
    }
  d->y = MAX (y, qr_bottom) + 10;

  if (d->options->part2_notice)
    draw_part2_notice (d);
}

/* The columns: x offset and width, as fractions of the body's width. */
static const double col_x[] = { 0.0, 0.38, 0.67, 0.84 };
static const double col_w[] = { 0.38, 0.29, 0.17, 0.16 };

/* A table row laid out once: measured, then drawn from the same layouts. */
typedef struct
{
  PangoLayout *cell[4];
  double       height;
} PdfLaidRow;

static void
lay_row (PdfDraw     *d,
         const char **cells,
         const char  *font,
         gboolean     head,
         PdfLaidRow  *row)
{
  row->height = 0;
  for (guint c = 0; c < 4; c++)
    {
      g_autofree char *m = g_markup_escape_text (cells[c] ? cells[c] : "", -1);
      g_autofree char *b = head ? g_strdup_printf ("<b>%s</b>", m) : NULL;

      row->cell[c] = pango_layout_new (pango_layout_get_context (d->layout));
      row->height = MAX (row->height, layout_text (d, row->cell[c], b ? b : m, font,
                                                   col_w[c] * BODY_W - 2 * CELL_PAD,
                                                   PANGO_ALIGN_LEFT));
    }
  row->height += 2 * CELL_PAD;
}

static void
laid_row_clear (PdfLaidRow *row)
{
  for (guint c = 0; c < 4; c++)
    g_clear_object (&row->cell[c]);
}

/* Draws ROW at the drawing's place, and moves down; clears ROW. */
static void
draw_row (PdfDraw    *d,
          PdfLaidRow *row,
          gboolean    head,
          gboolean    shaded)
{
  if (head || shaded)
    {
      if (head)
        cairo_set_source_rgb (d->cr, 0.86, 0.89, 0.93);
      else
        cairo_set_source_rgb (d->cr, 0.96, 0.96, 0.96);
      cairo_rectangle (d->cr, MARGIN, d->y, BODY_W, row->height);
      cairo_fill (d->cr);
      cairo_set_source_rgb (d->cr, 0, 0, 0);
    }
  for (guint c = 0; c < 4; c++)
    {
      cairo_move_to (d->cr, MARGIN + col_x[c] * BODY_W + CELL_PAD, d->y + CELL_PAD);
      pango_cairo_show_layout (d->cr, row->cell[c]);
    }
  d->y += row->height;
  laid_row_clear (row);
}

static const char *head_cells[] = { "Name", "Details", "Date", "Status" };

/* The section's title, and its table's column heads if it has rows: their height; drawn
 * when DRAW. */
static double
section_head (PdfDraw          *d,
              const PdfSection *s,
              gboolean          continued,
              gboolean          draw)
{
  g_autofree char *t = g_markup_escape_text (s->title, -1);
  g_autofree char *m = g_strdup_printf ("<b>%s</b>%s", t, continued ? " (continued)" : "");
  double title = set_text (d, m, FONT " 12", BODY_W, PANGO_ALIGN_LEFT) + 4;
  PdfLaidRow head = { { NULL } };
  double h = title;

  if (s->rows->len > 0)
    {
      lay_row (d, head_cells, FONT " 8.5", TRUE, &head);
      h += head.height;
    }
  if (draw)
    {
      show_text (d, MARGIN, d->y);
      d->y += title;
      if (s->rows->len > 0)
        draw_row (d, &head, TRUE, FALSE);
    }
  laid_row_clear (&head);
  return h;
}

static void
lay_entry (PdfDraw    *d,
           PdfSection *s,
           guint       i,
           PdfLaidRow *row)
{
  PdfRow *r = s->rows->pdata[i];
  const char *cells[] = { r->name, r->detail, r->date, r->status };

  lay_row (d, cells, FONT " 9", FALSE, row);
}

static void
draw_section (PdfDraw    *d,
              PdfSection *s)
{
  PdfLaidRow row = { { NULL } };

  d->y += 6;
  if (s->rows->len == 0)
    {
      g_autofree char *note = g_markup_escape_text (s->note, -1);
      g_autofree char *m = g_strdup_printf ("<i>%s</i>", note);
      double h = section_head (d, s, FALSE, FALSE) + set_text (d, m, FONT " 9", BODY_W,
                                                                PANGO_ALIGN_LEFT);

      if (d->y + h > BODY_BOT)
        {
          end_page (d);
          start_page (d);
        }
      section_head (d, s, FALSE, TRUE);
      d->y += draw_text (d, m, FONT " 9", MARGIN + CELL_PAD, d->y, BODY_W, PANGO_ALIGN_LEFT) + 2;
      return;
    }
  /* The title and the heads stay with the first row. */
  lay_entry (d, s, 0, &row);
  if (d->y + section_head (d, s, FALSE, FALSE) + row.height > BODY_BOT)
    {
      end_page (d);
      start_page (d);
    }
  section_head (d, s, FALSE, TRUE);
  for (guint i = 0; i < s->rows->len; i++)
    {
      if (i > 0)
        lay_entry (d, s, i, &row);
      if (d->y + row.height > BODY_BOT)
        {
          end_page (d);
          start_page (d);
          section_head (d, s, TRUE, TRUE);
        }
      draw_row (d, &row, FALSE, i % 2 == 1);
    }
}

static void
draw_summary (PdfDraw *d)
{
  start_page (d);
  draw_front (d);
  for (guint i = 0; i < d->doc->sections->len; i++)
    draw_section (d, d->doc->sections->pdata[i]);
  if (d->doc->sections->len == 0)
    d->y += draw_text (d, "<i>This summary has no sections.</i>", FONT " 10", MARGIN, d->y,
                       BODY_W, PANGO_ALIGN_LEFT);
  end_page (d);
}

/* {{{ the wallet card */

typedef enum { WALLET_ALLERGIES, WALLET_PROBLEMS, WALLET_MEDICATIONS, N_WALLET } WalletGroup;

static int
wallet_group (const PdfSection *s)
{
  if (g_strcmp0 (s->code, "48765-2") == 0)
    return WALLET_ALLERGIES;
  if (g_strcmp0 (s->code, "11450-4") == 0)
    return WALLET_PROBLEMS;
  if (g_strcmp0 (s->code, "10160-0") == 0)
    return WALLET_MEDICATIONS;
  return -1;
}

static const char *wallet_titles[] = { "Allergies", "Problems", "Medications" };

/* The front's text with at most LIMIT items of each group, and ALLERGIES of the allergies;
 * NOTES: why a group is empty (the section's emptyReason), or NULL. */
static char *
wallet_markup (const PdfDoc *doc,
               GPtrArray   **items,
               const char  **notes,
               guint         allergies,
               guint         limit)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *name = g_markup_escape_text (doc->name, -1);

  g_string_append_printf (s, "<span size='x-large'><b>%s</b></span>", name);
  if (doc->born)
    g_string_append_printf (s, "\nBorn %s", doc->born);
  for (guint g = 0; g < N_WALLET; g++)
    {
      guint n = g == WALLET_ALLERGIES ? allergies : limit;

      g_string_append_printf (s, "\n<b>%s:</b> ", wallet_titles[g]);
      if (items[g]->len == 0)
        {
          g_autofree char *note = notes[g] ? g_markup_escape_text (notes[g], -1) : NULL;

          g_string_append_printf (s, "<i>%s</i>", note ? note : "none recorded");
        }
      for (guint i = 0; i < items[g]->len && i < n; i++)
        {
          g_autofree char *it = g_markup_escape_text (items[g]->pdata[i], -1);

          g_string_append_printf (s, "%s%s", i ? "; " : "", it);
        }
      if (items[g]->len > n)
        g_string_append_printf (s, "; <i>and %u more (see the full summary)</i>",
                                items[g]->len - n);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
draw_wallet (PdfDraw *d)
{
  GPtrArray *items[N_WALLET] = { NULL };
  const char *notes[N_WALLET] = { NULL };
  g_autofree char *front = NULL;
  g_autoptr(GString) back = g_string_new (NULL);
  double x0 = (PAGE_W - 2 * CARD_W) / 2, y0, pad = 7;
  double inner_w = CARD_W - 2 * pad, inner_h = CARD_H - 2 * pad - 12, h;
  guint limit = 0;

  for (guint g = 0; g < N_WALLET; g++)
    items[g] = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < d->doc->sections->len; i++)
    {
      const PdfSection *s = d->doc->sections->pdata[i];
      int g = wallet_group (s);

      if (g >= 0 && s->rows->len == 0 && notes[g] == NULL)
        notes[g] = s->note;
      for (guint j = 0; g >= 0 && j < s->rows->len; j++)
        {
          const PdfRow *r = s->rows->pdata[j];

          g_ptr_array_add (items[g], r->detail && g != WALLET_PROBLEMS
                                       ? g_strdup_printf ("%s (%s)", r->name, r->detail)
                                       : g_strdup (r->name));
        }
    }
  for (guint g = 0; g < N_WALLET; g++)
    limit = MAX (limit, items[g]->len);

  start_page (d);
  d->y += draw_text (d, "<b>Emergency card</b>", FONT " 16", MARGIN, d->y, BODY_W,
                     PANGO_ALIGN_LEFT);
  d->y += draw_text (d, "Cut along the outer line and fold along the dashed middle line: the "
                     "card is the size of a credit card, with the person and what an emergency "
                     "team needs on the front and the contact and the QR code on the back.",
                     FONT " 8", MARGIN, d->y + 2, BODY_W, PANGO_ALIGN_LEFT);
  y0 = d->y + 24;

  /* The most items of the problems and medications that fit the card's front with every
   * allergy: a binary search between one (drawn even if it does not fit: the text is then cut
   * at the card's edge) and all. If one of each does not fit, fewer allergies likewise. */
  d->whole = TRUE;
  {
    guint allergies = MAX (items[WALLET_ALLERGIES]->len, 1);

    for (int pass = 0; pass < 2; pass++)
      {
        guint lo = 1, hi = MAX (pass == 0 ? limit : allergies, 1);

        while (lo < hi)
          {
            guint mid = lo + (hi - lo + 1) / 2;
            g_autofree char *m = pass == 0
                                   ? wallet_markup (d->doc, items, notes, allergies, mid)
                                   : wallet_markup (d->doc, items, notes, mid, 1);

            h = set_text (d, m, FONT " 6.5", inner_w, PANGO_ALIGN_LEFT);
            if (h <= inner_h)
              lo = mid;
            else
              hi = mid - 1;
          }
        if (pass == 0)
          {
            g_autofree char *m = wallet_markup (d->doc, items, notes, allergies, lo);

            limit = lo;
            if (set_text (d, m, FONT " 6.5", inner_w, PANGO_ALIGN_LEFT) <= inner_h)
              break;
          }
        else
          allergies = lo;
      }
    front = wallet_markup (d->doc, items, notes, allergies, limit);
  }
  d->whole = FALSE;
  {
    double dash[] = { 3.0, 2.0 };

    /* The red band, the outline and the fold. */
    cairo_set_source_rgb (d->cr, 0.75, 0.1, 0.1);
    cairo_rectangle (d->cr, x0, y0, CARD_W, 12);
    cairo_fill (d->cr);
    cairo_set_source_rgb (d->cr, 1, 1, 1);
    draw_text (d, "<b>EMERGENCY HEALTH CARD</b>", FONT " 7", x0 + pad, y0 + 1.5, inner_w,
               PANGO_ALIGN_LEFT);
    cairo_set_source_rgb (d->cr, 0, 0, 0);
    cairo_set_line_width (d->cr, 0.6);
    cairo_rectangle (d->cr, x0, y0, 2 * CARD_W, CARD_H);
    cairo_stroke (d->cr);
    cairo_set_dash (d->cr, dash, 2, 0);
    cairo_move_to (d->cr, x0 + CARD_W, y0);
    cairo_line_to (d->cr, x0 + CARD_W, y0 + CARD_H);
    cairo_stroke (d->cr);
    cairo_set_dash (d->cr, NULL, 0, 0);
  }
  /* The front, clipped to the card. */
  set_text (d, front, FONT " 6.5", inner_w, PANGO_ALIGN_LEFT);
  pango_layout_set_height (d->layout, (int) (inner_h * PANGO_SCALE));
  cairo_save (d->cr);
  cairo_rectangle (d->cr, x0, y0 + 12, CARD_W, CARD_H - 12);
  cairo_clip (d->cr);
  show_text (d, x0 + pad, y0 + 12 + pad);
  cairo_restore (d->cr);

  /* The back: the contact, the QR and how to scan it, who made it. */
  {
    double bx = x0 + CARD_W + pad, qr_side = d->qr ? CARD_H - 2 * pad : 0;
    double tw = CARD_W - 2 * pad - (qr_side ? qr_side + 6 : 0);
    g_autofree char *day = g_strndup (d->made_on, 10);

    g_string_append (back, "<b>In an emergency, call:</b>\n");
    if (d->doc->contact)
      {
        g_autofree char *c = g_markup_escape_text (d->doc->contact, -1);

        g_string_append (back, c);
      }
    else
      g_string_append (back, "<i>no contact recorded</i>");
    if (d->qr)
      g_string_append (back, "\n\nScan the code with a phone's camera or a SMART Health "
                       "reader for the records.");
    g_string_append_printf (back, "\n\nMade %s.", day);
    set_text (d, back->str, FONT " 6.5", tw, PANGO_ALIGN_LEFT);
    pango_layout_set_height (d->layout, (int) ((CARD_H - 2 * pad) * PANGO_SCALE));
    cairo_save (d->cr);
    cairo_rectangle (d->cr, x0 + CARD_W, y0, CARD_W, CARD_H);
    cairo_clip (d->cr);
    show_text (d, bx, y0 + pad);
    cairo_restore (d->cr);
    if (d->qr)
      draw_qr (d, x0 + 2 * CARD_W - pad - qr_side, y0 + pad, qr_side);
  }
  /* The notice goes with the card's page, below it (it is not on the card). */
  d->y = y0 + CARD_H + 16;
  if (d->options->part2_notice)
    draw_part2_notice (d);
  end_page (d);
  for (guint g = 0; g < N_WALLET; g++)
    g_ptr_array_unref (items[g]);
}

/* }}} */

static cairo_status_t
write_bytes (void                *closure,
             const unsigned char *data,
             unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static QRcode *
make_qr (const char  *text,
         GError     **error)
{
  QRinput *input;
  QRcode *code;
  gsize len = strlen (text);
  gboolean numeric = g_str_has_prefix (text, "shc:/") && len > 5;

  for (gsize i = 5; numeric && i < len; i++)
    numeric = g_ascii_isdigit (text[i]);
  /* A health card: "shc:/" in byte mode, then its digits in numeric mode, level L (the
   * framework's); anything else in byte mode, level M. */
  input = QRinput_new2 (0, numeric ? QR_ECLEVEL_L : QR_ECLEVEL_M);
  if (input == NULL ||
      (numeric
         ? (QRinput_append (input, QR_MODE_8, 5, (const unsigned char *) "shc:/") != 0 ||
            QRinput_append (input, QR_MODE_NUM, (int) (len - 5),
                            (const unsigned char *) text + 5) != 0)
         : QRinput_append (input, QR_MODE_8, (int) len, (const unsigned char *) text) != 0))
    {
      if (input)
        QRinput_free (input);
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The text for the QR code cannot be put in one.");
      return NULL;
    }
  code = QRcode_encodeInput (input);
  QRinput_free (input);
  if (code == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The text for the QR code does not fit one QR code.");
      return NULL;
    }
  if (code->version > 22)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The text for the QR code needs a QR code of version %d; at most 22 is "
                   "readable enough on paper.", code->version);
      QRcode_free (code);
      return NULL;
    }
  return code;
}

static void
draw_all (PdfDraw *d)
{
  if (d->options->layout == HF_PDF_LAYOUT_WALLET)
    draw_wallet (d);
  else
    draw_summary (d);
}

GBytes *
hf_pdf_from_ips (GBytes             *ips,
                 const HfPdfOptions *options,
                 GError            **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GByteArray) out = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *made_on = NULL;
  g_autofree char *created = NULL;
  HfJsonProblem problem = { 0 };
  PdfDoc doc = { 0 };
  PdfDraw d = { 0 };
  cairo_surface_t *surface;
  cairo_t *pdf_cr;
  cairo_font_options_t *font_options;
  cairo_status_t status;
  const char *data;
  gsize length;
  JsonNode *root;

  g_return_val_if_fail (ips != NULL && options != NULL, NULL);
  data = g_bytes_get_data (ips, &length);
  if (length > HF_PDF_MAX_INPUT)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This patient summary is larger than %d MiB, more than a summary can be.",
                   HF_PDF_MAX_INPUT / (1024 * 1024));
      return NULL;
    }
  if (length == 0 || !hf_json_guard_check (data, length, &problem))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This patient summary is not valid JSON (line %u: %s).", problem.line,
                   problem.reason ? problem.reason : "it is empty");
      hf_json_problem_clear (&problem);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This patient summary is not a JSON object.");
      return NULL;
    }
  if (!read_ips (json_node_get_object (root), &doc, options->layout == HF_PDF_LAYOUT_WALLET,
                 error))
    {
      pdf_doc_clear (&doc);
      return NULL;
    }
  if (options->qr_text != NULL && (d.qr = make_qr (options->qr_text, error)) == NULL)
    {
      pdf_doc_clear (&doc);
      return NULL;
    }

  now = options->now > 0 ? g_date_time_new_from_unix_local (options->now / G_USEC_PER_SEC)
                         : g_date_time_new_now_local ();
  made_on = g_date_time_format (now, "%Y-%m-%d %H:%M");
  created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");
  d.doc = &doc;
  d.options = options;
  d.made_on = made_on;
  font_options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_NONE);

  out = g_byte_array_new ();
  surface = cairo_pdf_surface_create_for_stream (write_bytes, out, PAGE_W, PAGE_H);
  {
    g_autofree char *title = g_strdup_printf ("Patient summary of %s", doc.name);

    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Healthfolio");
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
    if (options->made_by)
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, options->made_by);
  }
  pdf_cr = cairo_create (surface);
  d.layout = pango_cairo_create_layout (pdf_cr);
  pango_cairo_context_set_font_options (pango_layout_get_context (d.layout), font_options);
  pango_layout_context_changed (d.layout);
  d.recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) cairo_surface_destroy);
  draw_all (&d);
  d.pages = d.page;
  /* Each page as drawn, then its footer. */
  for (guint i = 0; i < d.recordings->len; i++)
    {
      cairo_set_source_surface (pdf_cr, d.recordings->pdata[i], 0, 0);
      cairo_paint (pdf_cr);
      d.cr = pdf_cr;
      d.page = (int) i + 1;
      page_footer (&d);
      cairo_show_page (pdf_cr);
    }
  d.cr = NULL;
  g_ptr_array_unref (d.recordings);
  g_object_unref (d.layout);
  cairo_destroy (pdf_cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  cairo_font_options_destroy (font_options);
  if (d.qr)
    QRcode_free (d.qr);
  pdf_doc_clear (&doc);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not draw the PDF: %s.",
                   cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* }}} */
