/* hf-trend.h — values of one Observation code over time, for trend charts
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-vault.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  record_id;          /* the Observation's record number */
  gint64  time;               /* seconds since the epoch, UTC, from the effective date */
  char   *date;               /* "YYYY-MM-DD" as shown */
  double  value;
  double  low;                /* the reference range, or NAN where there is none */
  double  high;
} HfTrendPoint;

/* One line of a chart: the value itself, or one component (systolic, diastolic). */
typedef struct
{
  char   *name;
  char   *unit;
  GArray *points;             /* HfTrendPoint, oldest first */
} HfTrendSeries;

typedef struct
{
  char      *code_system;
  char      *code;
  char      *title;           /* the code's display */
  GPtrArray *series;          /* HfTrendSeries* */
  guint      n_points;        /* across all series; from hf_trend_list: observations */
} HfTrend;

void     hf_trend_free   (HfTrend      *trend);

/* A chart has room for this many; a trend keeps the newest. */
#define HF_TREND_MAX_OBSERVATIONS 1000

/* The numeric values recorded under CODE (and CODE_SYSTEM, or any system when NULL) in the
 * newest HF_TREND_MAX_OBSERVATIONS current Observations, oldest first. Observations without a
 * number are left out. */
HfTrend *hf_trend_load   (HfVault      *vault,
                          const char   *code_system,
                          const char   *code,
                          GError      **error);

/* Codes with at least MIN_POINTS numeric observations: HfTrend* without points. */
GPtrArray *hf_trend_list (HfVault      *vault,
                          guint         min_points,
                          GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfTrend, hf_trend_free)

G_END_DECLS
