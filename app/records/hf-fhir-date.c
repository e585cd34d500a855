/* hf-fhir-date.c — how a date reads: the one place that decides it
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Records keep their sort key in UTC ("2011-03-03T21:30:00Z"); a person reads a moment in their
 * own time zone: the DiagnosticReport taken 2011-03-04T08:30:00+11:00 is on the 4th in Sydney
 * and on the 3rd in London or New York. A date without a time of day ("2011-03-04", "2011-03",
 * "2011") names a calendar day, month or year, not a moment, and is shown as written, never
 * shifted; so is a time of exactly midnight, which sources write when they know only the day.
 */

#include "hf-fhir.h"
#include "hf-fhir-private.h"

#include <string.h>

/* TRUE if TEXT has a time of day that is not "T00:00:00" as written. */
static gboolean
has_time_of_day (const char *text)
{
  const char *t = strchr (text, 'T');

  return t != NULL && strlen (t) >= 6 && !g_str_has_prefix (t, "T00:00:00");
}

char *
hf_fhir_date_format (const char  *sortable_or_fhir,
                     HfDateStyle  style)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GTimeZone) utc = NULL;

  if (sortable_or_fhir == NULL || *sortable_or_fhir == '\0')
    return NULL;
  if (!has_time_of_day (sortable_or_fhir))
    return _hf_fhir_text_prefix (sortable_or_fhir, 10);
  /* A dateTime without a zone is not valid FHIR; read as UTC, as the sort key was. */
  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (sortable_or_fhir, utc);
  if (dt == NULL)
    return _hf_fhir_text_prefix (sortable_or_fhir, 10);
  local = g_date_time_to_local (dt);
  if (local == NULL)
    return _hf_fhir_text_prefix (sortable_or_fhir, 10);
  return g_date_time_format (local, style == HF_DATE_STYLE_DAY_TIME ? "%Y-%m-%d %H:%M"
                                                                    : "%Y-%m-%d");
}

/* A date inside a title. Titles are made at import and stored, so they hold no date that
 * depends on the reader's time zone: a date (or month, or year) as written, and for a
 * dateTime the calendar day the source wrote, in the source's own offset. */
char *
_hf_fhir_date_for_title (const char *fhir_date)
{
  if (fhir_date == NULL || strlen (fhir_date) < 4)
    return NULL;
  return _hf_fhir_text_prefix (fhir_date, 10);
}
