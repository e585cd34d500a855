/* hf-record-detail.c — one record, readable, with the original JSON a click away
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The readable part is what a patient asks of a record: what it is, when, its status, its
 * result against the normal range, who recorded it and where. The codes are shown with their
 * names and the coding system's, so a record can be matched with another provider's.
 */

#include <glib/gi18n.h>

#include "hf-fhir.h"
#include "hf-json-util.h"
#include "hf-record-detail-private.h"
#include "hf-records.h"
#include "hf-trend-chart.h"
#include "hf-widget-util.h"

struct _HfRecordDetail
{
  GtkWidget        parent_instance;

  gint64           id;
  char            *title;

  GtkStack        *stack;
  GtkLabel        *type_label;
  GtkToggleButton *original_button;
  GtkStack        *view_stack;
  GtkLabel        *title_label;
  GtkLabel        *subtitle_label;
  GtkListBox      *facts_list;
  GtkTextView     *json_view;
  GtkBox          *trend_box;
  GtkLabel        *trend_label;
  HfTrendChart    *trend_chart;

  HfVault         *vault;      /* while a record is shown, to follow the trend's points */
};

G_DEFINE_FINAL_TYPE (HfRecordDetail, hf_record_detail, GTK_TYPE_WIDGET)

/* {{{ reading the JSON */

static JsonObject *
element (JsonArray *a,
         guint      i)
{
  JsonNode *n = json_array_get_element (a, i);

  return JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* A CodeableConcept's text, else its first coding's display. */
static const char *
concept_text (JsonObject *cc)
{
  JsonArray *codings = hf_json_array (cc, "coding");

  if (hf_json_string (cc, "text") != NULL)
    return hf_json_string (cc, "text");
  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    if (hf_json_string (element (codings, i), "display") != NULL)
      return hf_json_string (element (codings, i), "display");
  return NULL;
}

/* "5.4 mmol/L" from a Quantity. */
static char *
quantity_text (JsonObject *q)
{
  const char *unit = hf_json_string (q, "unit") != NULL ? hf_json_string (q, "unit")
                                                        : hf_json_string (q, "code");
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  double value;

  if (!hf_json_number (q, "value", &value))
    return NULL;
  g_snprintf (number, sizeof number, "%.6g", value);
  return unit != NULL ? g_strdup_printf ("%s %s", number, unit) : g_strdup (number);
}

static char *
value_text (JsonObject *o)
{
  if (hf_json_object (o, "valueQuantity") != NULL)
    return quantity_text (hf_json_object (o, "valueQuantity"));
  if (hf_json_object (o, "valueCodeableConcept") != NULL)
    return g_strdup (concept_text (hf_json_object (o, "valueCodeableConcept")));
  if (hf_json_string (o, "valueString") != NULL)
    return g_strdup (hf_json_string (o, "valueString"));
  return NULL;
}

static const char *
code_system_name (const char *system)
{
  static const struct { const char *uri; const char *name; } systems[] = {
    { "http://loinc.org", "LOINC" },
    { "http://snomed.info/sct", "SNOMED CT" },
    { "http://www.nlm.nih.gov/research/umls/rxnorm", "RxNorm" },
    { "http://hl7.org/fhir/sid/cvx", "CVX" },
    { "http://hl7.org/fhir/sid/icd-10", "ICD-10" },
    { "http://hl7.org/fhir/sid/icd-10-cm", "ICD-10-CM" },
    { "http://www.ama-assn.org/go/cpt", "CPT" },
    { "http://hl7.org/fhir/sid/ndc", "NDC" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (systems); i++)
    if (g_strcmp0 (systems[i].uri, system) == 0)
      return systems[i].name;
  return system;
}

/* The display of a Reference, or of the reference inside a participant-like element. */
static const char *
reference_display (JsonObject *o,
                   const char *inner)
{
  JsonObject *ref = inner != NULL ? hf_json_object (o, inner) : o;

  return hf_json_string (ref, "display");
}

/* }}} */

/* {{{ facts */

static void
add_fact (HfRecordDetail *self,
          const char     *label,
          const char     *value)
{
  GtkWidget *row, *box, *caption, *text;

  if (value == NULL || *value == '\0')
    return;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_add_css_class (box, "fact");

  caption = gtk_label_new (label);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_widget_add_css_class (caption, "caption");
  gtk_box_append (GTK_BOX (box), caption);

  text = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_box_append (GTK_BOX (box), text);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, value,
                                  -1);
  gtk_list_box_append (self->facts_list, row);
}

/* The people and organisations named as taking part, each once. */
static char *
join_people (JsonObject *r)
{
  static const struct { const char *member; const char *inner; } places[] = {
    { "performer", NULL },
    { "performer", "actor" },
    { "participant", "individual" },
    { "author", NULL },
    { "requester", NULL },
    { "recorder", NULL },
    { "asserter", NULL },
    { "practitioner", NULL },
  };
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint p = 0; p < G_N_ELEMENTS (places); p++)
    {
      JsonNode *n = json_object_get_member (r, places[p].member);

      if (n == NULL)
        continue;
      if (JSON_NODE_HOLDS_OBJECT (n))
        {
          const char *name = reference_display (json_node_get_object (n), places[p].inner);
          if (name != NULL && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
            g_ptr_array_add (names, (char *) name);
        }
      else if (JSON_NODE_HOLDS_ARRAY (n))
        {
          JsonArray *a = json_node_get_array (n);
          for (guint i = 0; i < json_array_get_length (a); i++)
            {
              const char *name = reference_display (element (a, i), places[p].inner);
              if (name != NULL &&
                  !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
                g_ptr_array_add (names, (char *) name);
            }
        }
    }

  if (names->len == 0)
    return NULL;
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

static char *
join_places (JsonObject *r)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  JsonArray *locations = hf_json_array (r, "location");
  const char *name;

  if ((name = reference_display (r, "location")) != NULL)
    g_ptr_array_add (names, (char *) name);
  for (guint i = 0; locations != NULL && i < json_array_get_length (locations); i++)
    if ((name = reference_display (element (locations, i), "location")) != NULL)
      g_ptr_array_add (names, (char *) name);
  if ((name = reference_display (r, "serviceProvider")) != NULL)
    g_ptr_array_add (names, (char *) name);

  if (names->len == 0)
    return NULL;
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

static char *
range_text (JsonObject *range)
{
  g_autofree char *low = quantity_text (hf_json_object (range, "low"));
  g_autofree char *high = quantity_text (hf_json_object (range, "high"));

  if (hf_json_string (range, "text") != NULL)
    return g_strdup (hf_json_string (range, "text"));
  if (low != NULL && high != NULL)
    /* Translators: a normal range, from the lower to the upper limit. */
    return g_strdup_printf (_("%s to %s"), low, high);
  if (high != NULL)
    return g_strdup_printf (_("Below %s"), high);
  if (low != NULL)
    return g_strdup_printf (_("Above %s"), low);
  return NULL;
}

/* The resource's main concept, whatever the type calls it. */
static JsonObject *
main_concept (JsonObject *r)
{
  static const char *const names[] = {
    "code", "vaccineCode", "medicationCodeableConcept", "type", NULL
  };
  JsonArray *types;

  for (guint i = 0; names[i] != NULL; i++)
    if (hf_json_object (r, names[i]) != NULL)
      return hf_json_object (r, names[i]);
  /* Encounter.type is an array. */
  types = hf_json_array (r, "type");
  return types != NULL && json_array_get_length (types) > 0 ? element (types, 0) : NULL;
}

static char *
codes_text (JsonObject *cc)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *codings = hf_json_array (cc, "coding");

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonObject *c = element (codings, i);
      const char *system = code_system_name (hf_json_string (c, "system"));
      const char *display = hf_json_string (c, "display");

      if (hf_json_string (c, "code") == NULL)
        continue;
      if (s->len > 0)
        g_string_append_c (s, '\n');
      if (display != NULL)
        g_string_append_printf (s, "%s — ", display);
      if (system != NULL)
        g_string_append_printf (s, "%s %s", system, hf_json_string (c, "code"));
      else
        g_string_append (s, hf_json_string (c, "code"));
    }
  return s->len > 0 ? g_string_free (g_steal_pointer (&s), FALSE) : NULL;
}

static char *
components_text (JsonObject *r)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *components = hf_json_array (r, "component");

  for (guint i = 0; components != NULL && i < json_array_get_length (components); i++)
    {
      JsonObject *c = element (components, i);
      g_autofree char *value = value_text (c);
      const char *name = concept_text (hf_json_object (c, "code"));

      if (value == NULL)
        continue;
      if (s->len > 0)
        g_string_append_c (s, '\n');
      if (name != NULL)
        g_string_append_printf (s, "%s: %s", name, value);
      else
        g_string_append (s, value);
    }
  return s->len > 0 ? g_string_free (g_steal_pointer (&s), FALSE) : NULL;
}

static char *
notes_text (JsonObject *r)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *notes = hf_json_array (r, "note");

  for (guint i = 0; notes != NULL && i < json_array_get_length (notes); i++)
    {
      const char *text = hf_json_string (element (notes, i), "text");

      if (text == NULL)
        continue;
      if (s->len > 0)
        g_string_append (s, "\n\n");
      g_string_append (s, text);
    }
  return s->len > 0 ? g_string_free (g_steal_pointer (&s), FALSE) : NULL;
}

static char *
capitalized (const char *text)
{
  g_autofree char *first = NULL;

  if (text == NULL || *text == '\0')
    return NULL;
  first = g_utf8_strup (text, g_utf8_next_char (text) - text);
  return g_strconcat (first, g_utf8_next_char (text), NULL);
}

static void
add_facts (HfRecordDetail *self,
           HfRecordRow    *row,
           JsonObject     *r)
{
  g_autofree char *date = hf_format_date (row->effective);
  g_autofree char *status = NULL;
  g_autofree char *value = value_text (r);
  g_autofree char *components = components_text (r);
  g_autofree char *range = NULL;
  g_autofree char *people = join_people (r);
  g_autofree char *places = join_places (r);
  g_autofree char *codes = codes_text (main_concept (r));
  g_autofree char *notes = notes_text (r);
  JsonArray *ranges = hf_json_array (r, "referenceRange");
  JsonArray *interpretations = hf_json_array (r, "interpretation");
  JsonArray *dosage = hf_json_array (r, "dosageInstruction");
  HfFhirSummary summary = { NULL };

  if (ranges != NULL && json_array_get_length (ranges) > 0)
    range = range_text (element (ranges, 0));
  hf_fhir_summarize (r, NULL, NULL, &summary);
  status = capitalized (summary.status);

  add_fact (self, _("Date"), date);
  add_fact (self, _("Category"), hf_category_get_label (row->category));
  add_fact (self, _("Status"), status);
  add_fact (self, _("Result"), value);
  add_fact (self, _("Results"), components);
  add_fact (self, _("Normal Range"), range);
  if (interpretations != NULL && json_array_get_length (interpretations) > 0)
    add_fact (self, _("Interpretation"), concept_text (element (interpretations, 0)));
  if (dosage != NULL && json_array_get_length (dosage) > 0)
    add_fact (self, _("How to Take It"), hf_json_string (element (dosage, 0), "text"));
  add_fact (self, _("Who"), people);
  add_fact (self, _("Where"), places);
  add_fact (self, _("Notes"), notes);
  add_fact (self, _("Codes"), codes);

  hf_fhir_summary_clear (&summary);
}

/* }}} */

static void
original_toggled_cb (HfRecordDetail *self)
{
  gtk_stack_set_visible_child_name (self->view_stack,
                                    gtk_toggle_button_get_active (self->original_button)
                                    ? "original" : "readable");
}

/* {{{ the trend */

/* Points the chart at record ID's value, or at nothing when it has none there. */
static void
select_point (HfRecordDetail *self,
              const HfTrend  *trend,
              gint64          id)
{
  for (guint j = 0; j < trend->series->len; j++)
    {
      HfTrendSeries *series = g_ptr_array_index (trend->series, j);
      for (guint k = 0; k < series->points->len; k++)
        if (g_array_index (series->points, HfTrendPoint, k).record_id == id)
          {
            hf_trend_chart_select (self->trend_chart, (int) j, (int) k);
            return;
          }
    }
  hf_trend_chart_select (self->trend_chart, -1, -1);
}

/* The values of the observation's code over time, when it has been measured more than once. */
static void
show_trend (HfRecordDetail *self,
            HfVault        *vault,
            gint64          id,
            JsonObject     *resource)
{
  JsonArray *codings = hf_json_array (hf_json_object (resource, "code"), "coding");
  const HfTrend *shown = hf_trend_chart_get_trend (self->trend_chart);
  HfTrend *found = NULL;

  /* Going through one code's results, the trend is already there: read once, pointed anew.
   * (Every new list of records clears the pane, so a shown trend is never stale.) */
  for (guint i = 0; shown != NULL && vault == self->vault && codings != NULL &&
                    i < json_array_get_length (codings); i++)
    {
      JsonNode *n = json_array_get_element (codings, i);
      JsonObject *coding = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;

      if (g_strcmp0 (hf_json_string (coding, "code"), shown->code) == 0 &&
          (shown->code_system == NULL ||
           g_strcmp0 (hf_json_string (coding, "system"), shown->code_system) == 0))
        {
          gtk_widget_set_visible (GTK_WIDGET (self->trend_box), TRUE);
          select_point (self, shown, id);
          return;
        }
    }

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings) && found == NULL; i++)
    {
      JsonNode *n = json_array_get_element (codings, i);
      JsonObject *coding = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      HfTrend *trend;
      guint most = 0;

      if (hf_json_string (coding, "code") == NULL)
        continue;
      trend = hf_trend_load (vault, hf_json_string (coding, "system"),
                             hf_json_string (coding, "code"), NULL);
      for (guint j = 0; trend != NULL && j < trend->series->len; j++)
        most = MAX (most, ((HfTrendSeries *) g_ptr_array_index (trend->series, j))->points->len);
      if (most >= 2)
        found = trend;
      else
        g_clear_pointer (&trend, hf_trend_free);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->trend_box), found != NULL);
  if (found == NULL)
    {
      hf_trend_chart_set_trend (self->trend_chart, NULL);
      return;
    }

  {
    g_autofree char *heading = g_strdup_printf (_("%s Over Time"), found->title);
    gtk_label_set_text (self->trend_label, heading);
  }
  hf_trend_chart_set_trend (self->trend_chart, found);
  select_point (self, found, id);
}

static void
trend_point_activated_cb (HfRecordDetail *self,
                          gint64          record_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = NULL;

  if (self->vault == NULL || record_id == self->id || hf_vault_is_locked (self->vault))
    return;
  vault = g_object_ref (self->vault);
  if (!hf_record_detail_show (self, vault, record_id, &error))
    g_warning ("Could not show record %" G_GINT64_FORMAT ": %s", record_id, error->message);
}

/* }}} */

static void
hf_record_detail_dispose (GObject *object)
{
  g_clear_object (&HF_RECORD_DETAIL (object)->vault);
  gtk_widget_dispose_template (GTK_WIDGET (object), HF_TYPE_RECORD_DETAIL);

  G_OBJECT_CLASS (hf_record_detail_parent_class)->dispose (object);
}

static void
hf_record_detail_finalize (GObject *object)
{
  HfRecordDetail *self = HF_RECORD_DETAIL (object);

  g_free (self->title);

  G_OBJECT_CLASS (hf_record_detail_parent_class)->finalize (object);
}

static void
hf_record_detail_class_init (HfRecordDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_record_detail_dispose;
  object_class->finalize = hf_record_detail_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/healthfolio/Healthfolio/"
                                               "records/hf-record-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, stack);
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, type_label);
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, original_button);
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, view_stack);
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, title_label);
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, facts_list);
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, json_view);
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, trend_box);
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, trend_label);
  gtk_widget_class_bind_template_child (widget_class, HfRecordDetail, trend_chart);
  gtk_widget_class_bind_template_callback (widget_class, trend_point_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, original_toggled_cb);
}

static void
hf_record_detail_init (HfRecordDetail *self)
{
  g_type_ensure (HF_TYPE_TREND_CHART);
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
remove_facts (HfRecordDetail *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->facts_list))) != NULL)
    gtk_list_box_remove (self->facts_list, child);
}

/**
 * hf_record_detail_show:
 * @self: the pane
 * @vault: an unlocked vault
 * @id: the record's number in @vault
 * @error: where the reason goes when the record cannot be read
 *
 * Shows the record, readable first; the original stays one click away.
 */
gboolean
hf_record_detail_show (HfRecordDetail  *self,
                       HfVault         *vault,
                       gint64           id,
                       GError         **error)
{
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autofree char *pretty = NULL;
  JsonObject *resource;

  g_return_val_if_fail (HF_IS_RECORD_DETAIL (self), FALSE);
  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);

  if (!hf_record_store_get (vault, id, &row, &json, error))
    return FALSE;
  node = json_from_string (json, error);
  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   _("The record is not a FHIR resource."));
      return FALSE;
    }
  resource = json_node_get_object (node);
  if (!hf_record_store_note_view (vault, row, resource, error))
    return FALSE;

  self->id = id;
  g_free (self->title);
  self->title = g_strdup (row->title);

  gtk_label_set_text (self->type_label, row->resource_type);
  gtk_label_set_text (self->title_label, row->title);
  gtk_label_set_text (self->subtitle_label, row->subtitle != NULL ? row->subtitle : "");
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), row->subtitle != NULL);

  remove_facts (self);
  add_facts (self, row, resource);
  if (g_strcmp0 (row->resource_type, "Observation") == 0)
    show_trend (self, vault, id, resource);
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->trend_box), FALSE);
      hf_trend_chart_set_trend (self->trend_chart, NULL);
    }
  if (self->vault != vault)
    {
      g_clear_object (&self->vault);
      self->vault = g_object_ref (vault);
    }

  pretty = json_to_string (node, TRUE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->json_view), pretty, -1);

  gtk_toggle_button_set_active (self->original_button, FALSE);
  gtk_stack_set_visible_child_name (self->view_stack, "readable");
  gtk_stack_set_visible_child_name (self->stack, "record");
  return TRUE;
}

/**
 * hf_record_detail_clear:
 * @self: the pane
 *
 * Forgets the record shown: nothing of it stays in the widgets.
 */
void
hf_record_detail_clear (HfRecordDetail *self)
{
  g_return_if_fail (HF_IS_RECORD_DETAIL (self));

  self->id = 0;
  g_clear_pointer (&self->title, g_free);
  g_clear_object (&self->vault);
  hf_trend_chart_set_trend (self->trend_chart, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->trend_box), FALSE);
  gtk_label_set_text (self->type_label, "");
  gtk_label_set_text (self->title_label, "");
  gtk_label_set_text (self->subtitle_label, "");
  remove_facts (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->json_view), "", 0);
  gtk_toggle_button_set_active (self->original_button, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "none");
}

/* Returns: the number of the record shown, or 0 */
gint64
hf_record_detail_get_id (HfRecordDetail *self)
{
  g_return_val_if_fail (HF_IS_RECORD_DETAIL (self), 0);

  return self->id;
}

/* Returns: (nullable): the title of the record shown */
const char *
hf_record_detail_get_title (HfRecordDetail *self)
{
  g_return_val_if_fail (HF_IS_RECORD_DETAIL (self), NULL);

  return self->title;
}

GtkToggleButton *
_hf_record_detail_get_original_button (HfRecordDetail *self)
{
  return self->original_button;
}

char *
_hf_record_detail_dup_original (HfRecordDetail *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->json_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* "none", "readable" or "original" */
const char *
_hf_record_detail_get_view (HfRecordDetail *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "none") == 0)
    return "none";
  return gtk_stack_get_visible_child_name (self->view_stack);
}

/* Every fact shown, "Label: value" a line. */
char *
_hf_record_detail_dup_facts (HfRecordDetail *self)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->facts_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      GtkWidget *caption = gtk_widget_get_first_child (box);
      GtkWidget *text = gtk_widget_get_next_sibling (caption);

      g_string_append_printf (s, "%s: %s\n", gtk_label_get_text (GTK_LABEL (caption)),
                              gtk_label_get_text (GTK_LABEL (text)));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

HfTrendChart *
_hf_record_detail_get_trend_chart (HfRecordDetail *self)
{
  g_return_val_if_fail (HF_IS_RECORD_DETAIL (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->trend_box)) ? self->trend_chart : NULL;
}
