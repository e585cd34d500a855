/* bench-util.h — what the sharing and exchange benchmarks share: medians, the load, a consent
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "hf-vault.h"

G_BEGIN_DECLS

/* The median of MS (doubles; sorted in place). */
double     bench_median          (GArray             *ms);
/* COUNTS' keys (category names), sorted; the strings are COUNTS'. */
GPtrArray *bench_sorted_keys     (GHashTable         *counts);
/* "PROGRAM: load average WHEN: …" from /proc/loadavg. */
void       bench_print_load      (const char         *program,
                                  const char         *when);
/* "bench-PROGRAM: WHAT: ERROR", then exit 1. */
G_NORETURN
void       bench_die             (const char         *program,
                                  const char         *what,
                                  GError             *error);
/* A consent for RECIPIENT permitting CATEGORIES, for treatment, no labels, from today. */
void       bench_set_consent     (HfVault            *vault,
                                  const char         *recipient,
                                  const char * const *categories);
/* The categories, at most three and not the directory, whose records (COUNTS: category →
 * count) add up closest to TARGET without falling short of it (a budget for TARGET records
 * must not be measured on fewer); TOTAL is their count. */
char     **bench_pick_categories (GHashTable         *counts,
                                  guint64             target,
                                  guint64            *total);

G_END_DECLS
