/* hf-widget-util.c — small helpers shared by the widgets
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "hf-fhir.h"
#include "hf-widget-util.h"

/**
 * hf_widget_drop_focus:
 * @widget: a widget
 *
 * Takes the keyboard focus away if it is on @widget or inside it. GTK 4.8 does not tell an
 * entry that is made insensitive that it lost the focus, and its cursor goes on blinking; call
 * this before making a form insensitive.
 */
void
hf_widget_drop_focus (GtkWidget *widget)
{
  GtkRoot *root;
  GtkWidget *focus;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  root = gtk_widget_get_root (widget);
  if (root == NULL)
    return;

  focus = gtk_root_get_focus (root);
  if (focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget)))
    gtk_root_set_focus (root, NULL);
}

/* Reads "YYYY", "YYYY-MM", "YYYY-MM-DD" or a longer date and time; MONTH and DAY are 0 when
 * the text stops before them. */
static gboolean
parse_effective (const char *effective,
                 int        *year,
                 int        *month,
                 int        *day)
{
  *year = *month = *day = 0;

  if (effective == NULL || sscanf (effective, "%4d", year) != 1)
    return FALSE;
  if (strlen (effective) >= 7 && sscanf (effective + 5, "%2d", month) == 1 &&
      strlen (effective) >= 10)
    sscanf (effective + 8, "%2d", day);

  return *year > 0 && *month >= 0 && *month <= 12 && *day >= 0 && *day <= 31;
}

/**
 * hf_format_date:
 * @effective: (nullable): a record's sortable date
 *
 * Returns: (transfer full) (nullable): the date for reading, with as much precision as the
 *   record has ("2019", "March 2019", "12 March 2019"), or %NULL for no date
 */
char *
hf_format_date (const char *effective)
{
  g_autoptr(GDateTime) dt = NULL;
  int year, month, day;

  if (!parse_effective (effective, &year, &month, &day))
    return NULL;
  if (month == 0)
    return g_strdup_printf ("%d", year);

  dt = g_date_time_new_utc (year, month, day > 0 ? day : 1, 0, 0, 0);
  if (dt == NULL)
    return g_strdup (effective);

  /* Translators: a month and a year; see the strftime manual for the letters. */
  if (day == 0)
    return g_date_time_format (dt, C_("date format", "%OB %Y"));
  /* Translators: a day, month and year; see the strftime manual for the letters. */
  return g_date_time_format (dt, C_("date format", "%-d %B %Y"));
}

/**
 * hf_format_month:
 * @effective: (nullable): a record's sortable date
 *
 * Returns: (transfer full): the heading of the timeline's month the record falls in
 */
char *
hf_format_month (const char *effective)
{
  g_autoptr(GDateTime) dt = NULL;
  int year, month, day;

  if (!parse_effective (effective, &year, &month, &day))
    return g_strdup (_("Without a Date"));
  if (month == 0)
    return g_strdup_printf ("%d", year);

  dt = g_date_time_new_utc (year, month, 1, 0, 0, 0);
  return g_date_time_format (dt, C_("date format", "%OB %Y"));
}

/**
 * hf_same_month:
 * @a: (nullable): a record's sortable date
 * @b: (nullable): another one
 *
 * Returns: whether both fall under the same heading of the timeline
 */
gboolean
hf_same_month (const char *a,
               const char *b)
{
  int ya, ma, da, yb, mb, db;
  gboolean ha = parse_effective (a, &ya, &ma, &da);
  gboolean hb = parse_effective (b, &yb, &mb, &db);

  if (!ha || !hb)
    return ha == hb;
  return ya == yb && ma == mb;
}

static const struct {
  const char *id;
  const char *label;
} categories[] = {
  { HF_CATEGORY_PROBLEMS, N_("Problems") },
  { HF_CATEGORY_MEDICATIONS, N_("Medications") },
  { HF_CATEGORY_ALLERGIES, N_("Allergies") },
  { HF_CATEGORY_IMMUNIZATIONS, N_("Immunizations") },
  { HF_CATEGORY_LAB_RESULTS, N_("Lab Results") },
  { HF_CATEGORY_VITALS, N_("Vital Signs") },
  { HF_CATEGORY_PROCEDURES, N_("Procedures") },
  { HF_CATEGORY_ENCOUNTERS, N_("Visits") },
  { HF_CATEGORY_DOCUMENTS, N_("Documents") },
  { HF_CATEGORY_CARE_PLANS, N_("Care Plans") },
  { HF_CATEGORY_BILLING, N_("Insurance") },
  { HF_CATEGORY_DIRECTORY, N_("People and Places") },
  { HF_CATEGORY_OTHER, N_("Other") },
};

/**
 * hf_category_get_n:
 *
 * Returns: how many categories the timeline can be filtered by
 */
guint
hf_category_get_n (void)
{
  return G_N_ELEMENTS (categories);
}

/**
 * hf_category_get_id:
 * @index: below hf_category_get_n()
 *
 * Returns: one of the `HF_CATEGORY_*`, in the order of the sidebar
 */
const char *
hf_category_get_id (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (categories), NULL);

  return categories[index].id;
}

/**
 * hf_category_get_label:
 * @category: (nullable): one of the `HF_CATEGORY_*`
 *
 * Returns: (nullable): the category's name, translated
 */
const char *
hf_category_get_label (const char *category)
{
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    if (g_strcmp0 (categories[i].id, category) == 0)
      return _(categories[i].label);
  return NULL;
}
