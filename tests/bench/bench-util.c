/* bench-util.c — what the sharing and exchange benchmarks share
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "bench-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hf-consent.h"
#include "hf-fhir.h"

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_median (GArray *ms)
{
  g_array_sort (ms, compare_double);
  return g_array_index (ms, double, ms->len / 2);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

GPtrArray *
bench_sorted_keys (GHashTable *counts)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_names);
  return names;
}

void
bench_print_load (const char *program,
                  const char *when)
{
  g_autofree char *load = NULL;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    printf ("%s: load average %s: %s", program, when, load);
}

void
bench_die (const char *program,
           const char *what,
           GError     *error)
{
  g_printerr ("bench-%s: %s: %s\n", program, what, error != NULL ? error->message : "failed");
  exit (1);
}

void
bench_set_consent (HfVault            *vault,
                   const char         *recipient,
                   const char * const *categories)
{
  g_auto(HfConsentTerms) terms = { 0 };
  g_autoptr(HfConsent) consent = NULL;
  g_autoptr(GError) error = NULL;
  const char *treat[] = { "TREAT", NULL };

  terms.categories = g_strdupv ((char **) categories);
  terms.purposes = g_strdupv ((char **) treat);
  terms.permit_labels = g_new0 (char *, 1);
  terms.include = g_new0 (char *, 1);
  terms.exclude = g_new0 (char *, 1);
  if ((consent = hf_consent_set (vault, recipient, &terms, &error)) == NULL)
    bench_die ("util", "setting the consent", error);
}

char **
bench_pick_categories (GHashTable *counts,
                       guint64     target,
                       guint64    *total)
{
  g_autoptr(GPtrArray) names = bench_sorted_keys (counts);
  guint64 best = G_MAXUINT64;
  char **pick = NULL;

  for (guint i = 0; i < names->len; i++)
    for (guint j = i; j < names->len; j++)
      for (guint k = j; k < names->len; k++)
        {
          const char *c[3] = { g_ptr_array_index (names, i), g_ptr_array_index (names, j),
                               g_ptr_array_index (names, k) };
          guint64 n = 0;
          guint64 distance;

          if (g_str_equal (c[0], HF_CATEGORY_DIRECTORY) ||
              g_str_equal (c[1], HF_CATEGORY_DIRECTORY) ||
              g_str_equal (c[2], HF_CATEGORY_DIRECTORY))
            continue;
          n += GPOINTER_TO_SIZE (g_hash_table_lookup (counts, c[0]));
          if (j != i)
            n += GPOINTER_TO_SIZE (g_hash_table_lookup (counts, c[1]));
          if (k != j)
            n += GPOINTER_TO_SIZE (g_hash_table_lookup (counts, c[2]));
          if (n < target)
            continue;
          distance = n - target;
          if (distance < best)
            {
              best = distance;
              *total = n;
              g_strfreev (pick);
              pick = g_new0 (char *, 4);
              pick[0] = g_strdup (c[0]);
              if (j != i)
                pick[1] = g_strdup (c[1]);
              if (k != j)
                pick[pick[1] != NULL ? 2 : 1] = g_strdup (c[2]);
            }
        }
  return pick;
}
