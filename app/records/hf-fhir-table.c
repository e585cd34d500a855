/* hf-fhir-table.c — the records layer's lookup tables (the TSV files of data/), loaded once
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tables are compiled into the library as a GResource (app/records/hf-records.gresource.xml)
 * from the TSV files in data/, so nothing is read from disk at run time. A line is "KEY<TAB>VALUE
 * [<TAB>…]"; lines starting with '#' and the first line that is not one (the column names) are
 * skipped.
 */

#include "hf-fhir-private.h"

#include <gio/gio.h>
#include <string.h>

/* Made by glib-compile-resources (app/meson.build). */
GResource *_hf_records_get_resource (void);

GHashTable *
_hf_fhir_table_load (const char *name)
{
  g_autofree char *path = g_strconcat ("/io/github/healthfolio/records/", name, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gboolean header_seen = FALSE;
  g_autofree char *text = NULL;

  bytes = g_resource_lookup_data (_hf_records_get_resource (), path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_return_val_if_fail (bytes != NULL, table);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      if (!header_seen)
        {
          header_seen = TRUE;
          continue;
        }
      tab = strchr (lines[i], '\t');
      if (tab == NULL)
        continue;
      *tab = '\0';
      if (strchr (tab + 1, '\t') != NULL)
        *strchr (tab + 1, '\t') = '\0';
      g_hash_table_insert (table, g_strdup (lines[i]), g_strdup (tab + 1));
    }
  return table;
}
