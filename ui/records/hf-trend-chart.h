/* hf-trend-chart.h — a line chart of one observation code's values, with its normal range
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hf-trend.h"

G_BEGIN_DECLS

#define HF_TYPE_TREND_CHART (hf_trend_chart_get_type ())

G_DECLARE_FINAL_TYPE (HfTrendChart, hf_trend_chart, HF, TREND_CHART, GtkWidget)

GtkWidget    *hf_trend_chart_new          (void);
/* Takes TREND; NULL clears the chart. */
void          hf_trend_chart_set_trend    (HfTrendChart *self,
                                           HfTrend      *trend);
const HfTrend *hf_trend_chart_get_trend   (HfTrendChart *self);
/* The point shown in detail (hover, arrow keys): SERIES and INDEX, or -1 for none. */
void          hf_trend_chart_select       (HfTrendChart *self,
                                           int           series,
                                           int           index);
gboolean      hf_trend_chart_get_selected (HfTrendChart *self,
                                           int          *series,
                                           int          *index);
/* What the chart says about the selected point, as read out to a screen reader. */
char         *hf_trend_chart_describe_selected (HfTrendChart *self);

G_END_DECLS
