/* hf-trend.c — values of one Observation code over time, for trend charts
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A trend reads the stored JSON of the current Observations with one code (an index on the
 * code keeps that a range scan) and takes from each its valueQuantity, or the valueQuantity
 * of each component (blood pressure: systolic and diastolic), with the reference range that
 * goes with it. Only quantities count: a coded or textual value has no place on an axis.
 * Names, units and dates read as in the timeline: the test's short name ("Hemoglobin A1c"),
 * the unit as people write it ("mmHg"), the day in the local time zone.
 */

#include "hf-trend.h"

#include <math.h>
#include <json-glib/json-glib.h>

#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-fhir-private.h"
#include "hf-json-util.h"
#include "hf-vault-private.h"

static void
point_clear (gpointer data)
{
  HfTrendPoint *p = data;

  g_free (p->date);
}

static void
series_free (HfTrendSeries *series)
{
  g_free (series->name);
  g_free (series->unit);
  g_clear_pointer (&series->points, g_array_unref);
  g_free (series);
}

void
hf_trend_free (HfTrend *trend)
{
  if (trend == NULL)
    return;
  g_free (trend->code_system);
  g_free (trend->code);
  g_free (trend->title);
  g_clear_pointer (&trend->series, g_ptr_array_unref);
  g_free (trend);
}

static HfTrend *
trend_new (const char *code_system,
           const char *code,
           const char *title)
{
  HfTrend *trend = g_new0 (HfTrend, 1);

  trend->code_system = g_strdup (code_system);
  trend->code = g_strdup (code);
  /* The short name a title starts with, when the code is a known LOINC test. */
  if ((code_system == NULL || g_str_equal (code_system, "http://loinc.org")) &&
      _hf_fhir_loinc_name (code) != NULL)
    title = _hf_fhir_loinc_name (code);
  trend->title = g_strdup (title ? title : code);
  trend->series = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  return trend;
}

static char *
concept_name (JsonObject *concept)
{
  JsonObject *coding = hf_json_first_object (concept, "coding");

  if (_hf_fhir_concept_loinc_name (concept) != NULL)
    return g_strdup (_hf_fhir_concept_loinc_name (concept));
  if (hf_json_string (concept, "text") != NULL)
    return g_strdup (hf_json_string (concept, "text"));
  if (hf_json_string (coding, "display") != NULL)
    return g_strdup (hf_json_string (coding, "display"));
  return g_strdup (hf_json_string (coding, "code"));
}

/* The series called NAME in TREND, made on first use. */
static HfTrendSeries *
series_for (HfTrend    *trend,
            const char *name,
            const char *unit)
{
  HfTrendSeries *s;

  for (guint i = 0; i < trend->series->len; i++)
    {
      s = g_ptr_array_index (trend->series, i);
      if (g_strcmp0 (s->name, name) == 0 && g_strcmp0 (s->unit, unit) == 0)
        return s;
    }
  s = g_new0 (HfTrendSeries, 1);
  s->name = g_strdup (name);
  s->unit = g_strdup (unit);
  s->points = g_array_new (FALSE, TRUE, sizeof (HfTrendPoint));
  g_array_set_clear_func (s->points, point_clear);
  g_ptr_array_add (trend->series, s);
  return s;
}

static void
add_point (HfTrend    *trend,
           const char *name,
           JsonObject *holder,       /* the Observation or one component */
           gint64      record_id,
           const char *effective)
{
  JsonObject *q = hf_json_object (holder, "valueQuantity");
  JsonObject *range = hf_json_first_object (holder, "referenceRange");
  g_autoptr(GDateTime) when = NULL;
  HfTrendPoint p = { 0 };
  HfTrendSeries *series;
  g_autofree char *unit = NULL;

  if (!hf_json_finite_number (q, "value", &p.value))
    return;
  if (strlen (effective) == 10)
    {
      g_autofree char *midnight = g_strconcat (effective, "T00:00:00Z", NULL);
      when = g_date_time_new_from_iso8601 (midnight, NULL);
    }
  else
    when = g_date_time_new_from_iso8601 (effective, NULL);
  if (when == NULL)
    return;

  p.record_id = record_id;
  p.time = g_date_time_to_unix (when);
  p.date = hf_fhir_date_format (effective, HF_DATE_STYLE_DAY);
  if (!hf_json_finite_number (hf_json_object (range, "low"), "value", &p.low))
    p.low = NAN;
  if (!hf_json_finite_number (hf_json_object (range, "high"), "value", &p.high))
    p.high = NAN;

  unit = _hf_fhir_quantity_unit (q);
  series = series_for (trend, name, unit);
  g_array_append_val (series->points, p);
  trend->n_points++;
}

HfTrend *
hf_trend_load (HfVault     *vault,
               const char  *code_system,
               const char  *code,
               GError     **error)
{
  g_autoptr(HfTrend) trend = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read records", error))
    return NULL;
  db = _hf_vault_get_db (vault);

  sqlite3_prepare_v2 (db,
                      "SELECT r.id, r.effective, r.code_display, r.json FROM resource r "
                      "WHERE r.resource_type = 'Observation' AND r.code = ?1 "
                      "  AND (?2 IS NULL OR r.code_system = ?2) "
                      "  AND r.superseded_by IS NULL AND r.deleted_at IS NULL "
                      "  AND r.effective != '' "
                      /* The same result from a second source is one value, not two. */
                      "  AND (r.linked_to IS NULL OR NOT EXISTS (SELECT 1 FROM resource o "
                      "       WHERE o.id = r.linked_to AND o.superseded_by IS NULL "
                      "       AND o.deleted_at IS NULL)) "
                      "ORDER BY r.effective DESC, r.id DESC LIMIT ?3", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  if (code_system != NULL)
    sqlite3_bind_text (stmt, 2, code_system, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, HF_TREND_MAX_OBSERVATIONS);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      const char *effective = (const char *) sqlite3_column_text (stmt, 1);
      const char *display = (const char *) sqlite3_column_text (stmt, 2);
      const char *json = (const char *) sqlite3_column_text (stmt, 3);
      JsonNode *root;
      JsonObject *r;
      JsonNode *components;

      if (trend == NULL)
        trend = trend_new (code_system, code, display);
      if (!json_parser_load_from_data (parser, json, -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;
      r = json_node_get_object (root);

      add_point (trend, trend->title, r, id, effective);
      components = json_object_get_member (r, "component");
      if (components != NULL && JSON_NODE_HOLDS_ARRAY (components))
        {
          JsonArray *a = json_node_get_array (components);

          /* Systolic before diastolic, whatever order the source used. */
          for (guint k = 0; k < 3 * json_array_get_length (a); k++)
            {
              guint i = k % json_array_get_length (a);
              JsonNode *c = json_array_get_element (a, i);
              g_autofree char *name = NULL;

              if (!JSON_NODE_HOLDS_OBJECT (c) ||
                  _hf_fhir_component_rank (json_node_get_object (c)) !=
                  (int) (k / json_array_get_length (a)))
                continue;
              name = concept_name (hf_json_object (json_node_get_object (c), "code"));
              add_point (trend, name ? name : trend->title, json_node_get_object (c), id,
                         effective);
            }
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading records", error);
      return NULL;
    }
  if (trend != NULL)
    {
      /* Read newest first, to keep the newest when there are too many; shown oldest first. */
      for (guint i = 0; i < trend->series->len; i++)
        {
          GArray *points = ((HfTrendSeries *) g_ptr_array_index (trend->series, i))->points;
          for (guint a = 0, b = points->len; b > 1 && a < --b; a++)
            {
              HfTrendPoint t = g_array_index (points, HfTrendPoint, a);
              g_array_index (points, HfTrendPoint, a) = g_array_index (points, HfTrendPoint, b);
              g_array_index (points, HfTrendPoint, b) = t;
            }
        }
    }
  if (trend == NULL || trend->n_points == 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "No observation with code “%s” has a numeric value in this vault; "
                   "“healthfolio-cli trend” lists the codes that do.", code);
      return NULL;
    }
  return g_steal_pointer (&trend);
}

GPtrArray *
hf_trend_list (HfVault  *vault,
               guint     min_points,
               GError  **error)
{
  g_autoptr(GPtrArray) trends = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read records", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  trends = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_trend_free);

  /* Numeric observations: a quantity (value_num) or a panel of them (blood pressure keeps
   * its numbers in components, which the summary writes as "120/80 mmHg"). */
  sqlite3_prepare_v2 (db,
                      "SELECT code_system, code, max(code_display), count(*) FROM resource "
                      "WHERE resource_type = 'Observation' AND code IS NOT NULL "
                      "  AND superseded_by IS NULL AND deleted_at IS NULL AND linked_to IS NULL "
                      "  AND effective != '' "
                      "  AND (value_num IS NOT NULL OR json LIKE '%\"component\"%') "
                      "GROUP BY code_system, code HAVING count(*) >= ?1 "
                      "ORDER BY count(*) DESC, max(code_display)", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, MAX (min_points, 1));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfTrend *t = trend_new ((const char *) sqlite3_column_text (stmt, 0),
                              (const char *) sqlite3_column_text (stmt, 1),
                              (const char *) sqlite3_column_text (stmt, 2));
      t->n_points = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (trends, t);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading records", error);
      return NULL;
    }
  return g_steal_pointer (&trends);
}
