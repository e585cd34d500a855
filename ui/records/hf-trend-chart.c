/* hf-trend-chart.c — a line chart of one observation code's values, with its normal range
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn into the widget's snapshot: a green band for the normal range of the newest value
 * that has one, a line and dots per series (blood pressure has two), a few round numbers on
 * the value axis and years or months on the time axis. Hovering a dot, or moving along the
 * dots with the arrow keys, shows its date and value; clicking it or pressing Enter emits
 * ::point-activated with the record it came from. Colours follow the theme's text colour, so
 * the chart reads in light and dark mode alike.
 */

#include "hf-trend-chart.h"

#include <glib/gi18n.h>
#include <math.h>

#define MARGIN_LEFT   64.0
#define MARGIN_RIGHT  20.0
#define MARGIN_TOP    36.0
#define MARGIN_BOTTOM 32.0
#define HIT_DISTANCE  28.0

struct _HfTrendChart
{
  GtkWidget  parent_instance;

  HfTrend   *trend;
  double     vmin, vmax;
  double     step;
  gint64     tmin, tmax;

  int        sel_series;
  int        sel_index;
};

G_DEFINE_FINAL_TYPE (HfTrendChart, hf_trend_chart, GTK_TYPE_WIDGET)

enum {
  POINT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The GNOME palette's blue, orange, purple and brown: distinct in light and dark mode. */
static const GdkRGBA series_colors[] = {
  { 0.208, 0.518, 0.894, 1.0 },
  { 0.902, 0.380, 0.000, 1.0 },
  { 0.569, 0.255, 0.675, 1.0 },
  { 0.596, 0.416, 0.267, 1.0 },
};

static const GdkRGBA band_color = { 0.200, 0.820, 0.478, 0.20 };

/* {{{ geometry */

static HfTrendSeries *
series_at (HfTrendChart *self,
           int           i)
{
  if (self->trend == NULL || i < 0 || (guint) i >= self->trend->series->len)
    return NULL;
  return g_ptr_array_index (self->trend->series, i);
}

static HfTrendPoint *
point_at (HfTrendChart *self,
          int           series,
          int           index)
{
  HfTrendSeries *s = series_at (self, series);

  if (s == NULL || index < 0 || (guint) index >= s->points->len)
    return NULL;
  return &g_array_index (s->points, HfTrendPoint, index);
}

/* The normal range drawn: that of the newest point of the first series that has one. */
static gboolean
band (HfTrendChart *self,
      double       *low,
      double       *high)
{
  for (int i = 0; series_at (self, i) != NULL; i++)
    {
      HfTrendSeries *s = series_at (self, i);

      for (int j = (int) s->points->len - 1; j >= 0; j--)
        {
          HfTrendPoint *p = &g_array_index (s->points, HfTrendPoint, j);
          if (!isnan (p->low) || !isnan (p->high))
            {
              *low = p->low;
              *high = p->high;
              return TRUE;
            }
        }
    }
  return FALSE;
}

static double
nice_step (double raw)
{
  double mag = pow (10, floor (log10 (raw)));
  double f = raw / mag;

  if (f <= 1)
    return mag;
  if (f <= 2)
    return 2 * mag;
  if (f <= 2.5)
    return 2.5 * mag;
  if (f <= 5)
    return 5 * mag;
  return 10 * mag;
}

static void
compute_ranges (HfTrendChart *self)
{
  double lo = INFINITY, hi = -INFINITY, blo, bhi, step;

  self->tmin = G_MAXINT64;
  self->tmax = G_MININT64;
  for (int i = 0; series_at (self, i) != NULL; i++)
    {
      HfTrendSeries *s = series_at (self, i);
      for (guint j = 0; j < s->points->len; j++)
        {
          HfTrendPoint *p = &g_array_index (s->points, HfTrendPoint, j);
          lo = MIN (lo, p->value);
          hi = MAX (hi, p->value);
          self->tmin = MIN (self->tmin, p->time);
          self->tmax = MAX (self->tmax, p->time);
        }
    }
  if (!isfinite (lo))
    {
      lo = 0;
      hi = 1;
      self->tmin = self->tmax = 0;
    }
  if (band (self, &blo, &bhi))
    {
      if (!isnan (blo))
        lo = MIN (lo, blo);
      if (!isnan (bhi))
        hi = MAX (hi, bhi);
    }
  if (hi - lo < 1e-9)
    {
      double pad = fabs (hi) > 0 ? fabs (hi) * 0.1 : 1;
      lo -= pad;
      hi += pad;
    }
  step = nice_step ((hi - lo) / 4);
  self->step = step;
  self->vmin = floor (lo / step) * step;
  self->vmax = ceil (hi / step) * step;
  if (self->vmin == lo && lo > 0)
    self->vmin -= step;
  if (self->vmax == hi)
    self->vmax += step;
  if (self->tmax == self->tmin)
    {
      self->tmin -= 30 * 86400;
      self->tmax += 30 * 86400;
    }
  else
    {
      /* A little room so the first and last dots clear the axes. */
      gint64 pad = (self->tmax - self->tmin) / 30;
      self->tmin -= pad;
      self->tmax += pad;
    }
}

static graphene_rect_t
plot_rect (HfTrendChart *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));

  return GRAPHENE_RECT_INIT (MARGIN_LEFT, MARGIN_TOP,
                             MAX (1.0, w - MARGIN_LEFT - MARGIN_RIGHT),
                             MAX (1.0, h - MARGIN_TOP - MARGIN_BOTTOM));
}

static double
x_of (HfTrendChart          *self,
      const graphene_rect_t *r,
      gint64                 t)
{
  return r->origin.x + (double) (t - self->tmin) / (double) (self->tmax - self->tmin) *
         r->size.width;
}

static double
y_of (HfTrendChart          *self,
      const graphene_rect_t *r,
      double                 v)
{
  return r->origin.y + r->size.height -
         (v - self->vmin) / (self->vmax - self->vmin) * r->size.height;
}

/* }}} */

/* {{{ text */

static char *
format_value (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* Four significant digits are more than any lab reports and never show binary noise. */
  g_ascii_formatd (buf, sizeof buf, "%.4g", v);
  return g_strdup (buf);
}

static char *
describe_point (HfTrendChart *self,
                int           series,
                int           index)
{
  HfTrendSeries *s = series_at (self, series);
  HfTrendPoint *p = point_at (self, series, index);
  g_autofree char *value = NULL;
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;
  g_autofree char *range = NULL;
  const char *unit;

  if (p == NULL)
    return NULL;
  value = format_value (p->value);
  unit = s->unit ? s->unit : "";
  if (!isnan (p->low) && !isnan (p->high))
    {
      low = format_value (p->low);
      high = format_value (p->high);
      /* Translators: a reference range, e.g. “normal 4–5.6” */
      range = g_strdup_printf (_("normal %s–%s"), low, high);
    }
  else if (!isnan (p->high))
    {
      high = format_value (p->high);
      range = g_strdup_printf (_("normal below %s"), high);
    }
  else if (!isnan (p->low))
    {
      low = format_value (p->low);
      range = g_strdup_printf (_("normal above %s"), low);
    }

  if (self->trend->series->len > 1)
    {
      if (range != NULL)
        /* Translators: series name, date, value, unit, reference range */
        return g_strdup_printf (_("%s, %s: %s %s (%s)"), s->name, p->date, value, unit, range);
      return g_strdup_printf (_("%s, %s: %s %s"), s->name, p->date, value, unit);
    }
  if (range != NULL)
    /* Translators: date, value, unit, reference range */
    return g_strdup_printf (_("%s: %s %s (%s)"), p->date, value, unit, range);
  return g_strdup_printf (_("%s: %s %s"), p->date, value, unit);
}

static void
update_accessible (HfTrendChart *self)
{
  g_autofree char *label = NULL;
  g_autofree char *selected = describe_point (self, self->sel_series, self->sel_index);

  if (self->trend == NULL)
    label = g_strdup (_("No values to chart"));
  else
    {
      /* set_trend keeps only trends whose series have points. */
      HfTrendSeries *s = g_ptr_array_index (self->trend->series, 0);
      HfTrendPoint *first = &g_array_index (s->points, HfTrendPoint, 0);
      HfTrendPoint *last = &g_array_index (s->points, HfTrendPoint, s->points->len - 1);
      g_autofree char *latest = format_value (last->value);

      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Chart of %s: %u value from %.4s to %.4s, the latest %s %s",
                                            "Chart of %s: %u values from %.4s to %.4s, the latest %s %s",
                                            self->trend->n_points),
                               self->trend->title, self->trend->n_points, first->date,
                               last->date, latest, s->unit ? s->unit : "");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  selected ? selected : _("Hover a point or use the arrow keys to "
                                                          "read its value"),
                                  -1);
}

static PangoLayout *
layout_for (HfTrendChart *self,
            const char   *text,
            gboolean      small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  return layout;
}

static void
get_fg_color (HfTrendChart *self,
              GdkRGBA      *color)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (GTK_WIDGET (self), color);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), color);
#endif
}

/* }}} */

/* {{{ drawing */

static void
set_source (cairo_t       *cr,
            const GdkRGBA *color,
            double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
draw_text (cairo_t       *cr,
           PangoLayout   *layout,
           const GdkRGBA *color,
           double         alpha,
           double         x,
           double         y)
{
  set_source (cr, color, alpha);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_axes (HfTrendChart          *self,
           cairo_t               *cr,
           const graphene_rect_t *r,
           const GdkRGBA         *fg)
{
  double step = self->step;
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (self->tmin);
  g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (self->tmax);
  gboolean by_year = self->tmax - self->tmin > 2 * 365 * 86400;
  int year = g_date_time_get_year (start);
  int month = g_date_time_get_month (start);
  int years = g_date_time_get_year (end) - year + 1;
  int year_step = MAX (1, years / 8 + (years % 8 != 0 ? 1 : 0));
  double last_label_end = -INFINITY;

  cairo_set_line_width (cr, 1);

  /* Value axis: round numbers and faint grid lines. */
  for (double v = self->vmin; v <= self->vmax + step / 2; v += step)
    {
      double y = round (y_of (self, r, v)) + 0.5;
      g_autofree char *text = format_value (fabs (v) < step / 1000 ? 0 : v);
      g_autoptr(PangoLayout) layout = layout_for (self, text, TRUE);
      int tw, th;

      set_source (cr, fg, 0.12);
      cairo_move_to (cr, r->origin.x, y);
      cairo_line_to (cr, r->origin.x + r->size.width, y);
      cairo_stroke (cr);
      pango_layout_get_pixel_size (layout, &tw, &th);
      draw_text (cr, layout, fg, 0.8, r->origin.x - 8 - tw, y - th / 2.0);
    }

  /* Time axis: the first of each year (or month) in the range. */
  for (;;)
    {
      g_autoptr(GDateTime) tick = g_date_time_new_utc (year, by_year ? 1 : month, 1, 0, 0, 0);
      g_autofree char *text = NULL;
      g_autoptr(PangoLayout) layout = NULL;
      gint64 t = g_date_time_to_unix (tick);
      double x;
      int tw, th;

      if (t > self->tmax)
        break;
      if (by_year)
        year += year_step;
      else if (++month > 12)
        {
          month = 1;
          year++;
        }
      if (t < self->tmin)
        continue;

      x = round (x_of (self, r, t)) + 0.5;
      set_source (cr, fg, 0.12);
      cairo_move_to (cr, x, r->origin.y);
      cairo_line_to (cr, x, r->origin.y + r->size.height);
      cairo_stroke (cr);

      text = by_year ? g_date_time_format (tick, "%Y") : g_date_time_format (tick, "%b %Y");
      layout = layout_for (self, text, TRUE);
      pango_layout_get_pixel_size (layout, &tw, &th);
      if (x - tw / 2.0 > last_label_end + 8)
        {
          draw_text (cr, layout, fg, 0.8, x - tw / 2.0, r->origin.y + r->size.height + 6);
          last_label_end = x + tw / 2.0;
        }
    }

  /* The plot's frame: the axes. */
  set_source (cr, fg, 0.35);
  cairo_move_to (cr, r->origin.x + 0.5, r->origin.y);
  cairo_line_to (cr, r->origin.x + 0.5, r->origin.y + r->size.height + 0.5);
  cairo_line_to (cr, r->origin.x + r->size.width, r->origin.y + r->size.height + 0.5);
  cairo_stroke (cr);
}

static void
draw_legend (HfTrendChart  *self,
             cairo_t       *cr,
             const GdkRGBA *fg,
             gboolean       have_band)
{
  double x = MARGIN_LEFT;
  double y = 10;

  for (int i = 0; series_at (self, i) != NULL; i++)
    {
      HfTrendSeries *s = series_at (self, i);
      const GdkRGBA *c = &series_colors[i % G_N_ELEMENTS (series_colors)];
      g_autofree char *text = s->unit && *s->unit ? g_strdup_printf ("%s (%s)", s->name, s->unit)
                                                  : g_strdup (s->name);
      g_autoptr(PangoLayout) layout = layout_for (self, text, TRUE);
      int tw, th;

      pango_layout_get_pixel_size (layout, &tw, &th);
      cairo_new_path (cr);
      set_source (cr, c, 1);
      cairo_arc (cr, x + 5, y + th / 2.0, 4, 0, 2 * G_PI);
      cairo_fill (cr);
      draw_text (cr, layout, fg, 0.85, x + 14, y);
      x += 14 + tw + 18;
    }
  if (have_band)
    {
      g_autoptr(PangoLayout) layout = layout_for (self, _("Normal range"), TRUE);
      int tw, th;

      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, &band_color);
      cairo_rectangle (cr, x, y + 2, 10, th - 4);
      cairo_fill (cr);
      draw_text (cr, layout, fg, 0.85, x + 14, y);
    }
}

static void
draw_selection (HfTrendChart          *self,
                cairo_t               *cr,
                const graphene_rect_t *r,
                const GdkRGBA         *fg)
{
  static const GdkRGBA box = { 0.141, 0.141, 0.141, 0.92 };
  static const GdkRGBA white = { 1, 1, 1, 1 };
  HfTrendPoint *p = point_at (self, self->sel_series, self->sel_index);
  g_autofree char *text = describe_point (self, self->sel_series, self->sel_index);
  g_autoptr(PangoLayout) layout = NULL;
  double x, y, bx, by;
  int tw, th, w = gtk_widget_get_width (GTK_WIDGET (self));

  if (p == NULL)
    return;
  x = x_of (self, r, p->time);
  y = y_of (self, r, p->value);

  set_source (cr, fg, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, round (x) + 0.5, r->origin.y);
  cairo_line_to (cr, round (x) + 0.5, r->origin.y + r->size.height);
  cairo_stroke (cr);

  cairo_new_path (cr);
  set_source (cr, &series_colors[self->sel_series % G_N_ELEMENTS (series_colors)], 1);
  cairo_arc (cr, x, y, 6.5, 0, 2 * G_PI);
  cairo_fill_preserve (cr);
  set_source (cr, fg, 0.9);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);

  layout = layout_for (self, text, FALSE);
  pango_layout_get_pixel_size (layout, &tw, &th);
  bx = CLAMP (x - tw / 2.0 - 8, 4, MAX (4, w - tw - 20));
  by = y - th - 24 >= 0 ? y - th - 24 : y + 14;
  gdk_cairo_set_source_rgba (cr, &box);
  cairo_new_path (cr);
  cairo_arc (cr, bx + tw + 16 - 6, by + 6, 6, -G_PI / 2, 0);
  cairo_arc (cr, bx + tw + 16 - 6, by + th + 8 - 6, 6, 0, G_PI / 2);
  cairo_arc (cr, bx + 6, by + th + 8 - 6, 6, G_PI / 2, G_PI);
  cairo_arc (cr, bx + 6, by + 6, 6, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_fill (cr);
  draw_text (cr, layout, &white, 1, bx + 8, by + 4);
}

static void
hf_trend_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  HfTrendChart *self = HF_TREND_CHART (widget);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  graphene_rect_t r;
  GdkRGBA fg;
  double blo, bhi;
  gboolean have_band;
  cairo_t *cr;

  if (self->trend == NULL || w <= 0 || h <= 0)
    return;

  r = plot_rect (self);
  get_fg_color (self, &fg);
  have_band = band (self, &blo, &bhi);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));

  if (have_band)
    {
      double top = isnan (bhi) ? r.origin.y : y_of (self, &r, bhi);
      double bottom = isnan (blo) ? r.origin.y + r.size.height : y_of (self, &r, blo);

      gdk_cairo_set_source_rgba (cr, &band_color);
      cairo_rectangle (cr, r.origin.x, top, r.size.width, bottom - top);
      cairo_fill (cr);
    }

  draw_axes (self, cr, &r, &fg);
  draw_legend (self, cr, &fg, have_band);

  for (int i = 0; series_at (self, i) != NULL; i++)
    {
      HfTrendSeries *s = series_at (self, i);
      const GdkRGBA *c = &series_colors[i % G_N_ELEMENTS (series_colors)];

      cairo_new_path (cr);
      set_source (cr, c, 1);
      cairo_set_line_width (cr, 2);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      for (guint j = 0; j < s->points->len; j++)
        {
          HfTrendPoint *p = &g_array_index (s->points, HfTrendPoint, j);
          cairo_line_to (cr, x_of (self, &r, p->time), y_of (self, &r, p->value));
        }
      cairo_stroke (cr);
      /* Dots only where they stand apart; a dense series reads better as its line. */
      if (s->points->len * 8.0 > r.size.width)
        continue;
      for (guint j = 0; j < s->points->len; j++)
        {
          HfTrendPoint *p = &g_array_index (s->points, HfTrendPoint, j);
          cairo_arc (cr, x_of (self, &r, p->time), y_of (self, &r, p->value), 3.5, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }

  draw_selection (self, cr, &r, &fg);

  if (gtk_widget_has_visible_focus (widget))
    {
      set_source (cr, &series_colors[0], 0.6);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, 1, 1, w - 2, h - 2);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
hf_trend_chart_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 280;
      *natural = 640;
    }
  else
    {
      *minimum = 200;
      *natural = 320;
    }
}

/* }}} */

/* {{{ interaction */

static gboolean
nearest_point (HfTrendChart *self,
               double        x,
               double        y,
               int          *series,
               int          *index)
{
  graphene_rect_t r = plot_rect (self);
  double best = HIT_DISTANCE * HIT_DISTANCE;
  gboolean found = FALSE;

  for (int i = 0; series_at (self, i) != NULL; i++)
    {
      HfTrendSeries *s = series_at (self, i);
      for (guint j = 0; j < s->points->len; j++)
        {
          HfTrendPoint *p = &g_array_index (s->points, HfTrendPoint, j);
          double dx = x_of (self, &r, p->time) - x;
          double dy = y_of (self, &r, p->value) - y;
          /* Time matters more than value: a point in the same column wins. */
          double d = dx * dx + dy * dy / 4;

          if (d <= best)
            {
              best = d;
              *series = i;
              *index = (int) j;
              found = TRUE;
            }
        }
    }
  return found;
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           HfTrendChart             *self)
{
  int series, index;

  if (nearest_point (self, x, y, &series, &index))
    hf_trend_chart_select (self, series, index);
}

static void
leave_cb (GtkEventControllerMotion *motion,
          HfTrendChart             *self)
{
  if (!gtk_widget_has_focus (GTK_WIDGET (self)))
    hf_trend_chart_select (self, -1, -1);
}

static void
activate_selected (HfTrendChart *self)
{
  HfTrendPoint *p = point_at (self, self->sel_series, self->sel_index);

  if (p != NULL)
    g_signal_emit (self, signals[POINT_ACTIVATED], 0, p->record_id);
}

static void
released_cb (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             HfTrendChart    *self)
{
  int series, index;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (nearest_point (self, x, y, &series, &index))
    {
      hf_trend_chart_select (self, series, index);
      activate_selected (self);
    }
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HfTrendChart          *self)
{
  HfTrendSeries *s;
  int series = MAX (self->sel_series, 0);
  int index = self->sel_index;

  if (self->trend == NULL)
    return FALSE;
  s = series_at (self, series);
  if (s == NULL || s->points->len == 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      index = index < 0 ? (int) s->points->len - 1 : MAX (0, index - 1);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      index = index < 0 ? 0 : MIN ((int) s->points->len - 1, index + 1);
      break;
    case GDK_KEY_Home:
      index = 0;
      break;
    case GDK_KEY_End:
      index = (int) s->points->len - 1;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_Down:
      {
        int n = (int) self->trend->series->len;
        gint64 t;
        HfTrendSeries *other;

        if (n < 2)
          return FALSE;
        t = g_array_index (s->points, HfTrendPoint, MAX (index, 0)).time;
        series = (series + (keyval == GDK_KEY_Up ? n - 1 : 1)) % n;
        other = series_at (self, series);
        if (other == NULL || other->points->len == 0)
          return FALSE;
        /* The point of the other series closest in time. */
        index = 0;
        for (guint j = 1; j < other->points->len; j++)
          if (llabs (g_array_index (other->points, HfTrendPoint, j).time - t) <
              llabs (g_array_index (other->points, HfTrendPoint, index).time - t))
            index = (int) j;
        break;
      }
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      activate_selected (self);
      return TRUE;
    default:
      return FALSE;
    }
  hf_trend_chart_select (self, series, index);
  return TRUE;
}

/* }}} */

static void
hf_trend_chart_dispose (GObject *object)
{
  HfTrendChart *self = HF_TREND_CHART (object);

  g_clear_pointer (&self->trend, hf_trend_free);
  G_OBJECT_CLASS (hf_trend_chart_parent_class)->dispose (object);
}

static void
hf_trend_chart_class_init (HfTrendChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hf_trend_chart_dispose;
  widget_class->snapshot = hf_trend_chart_snapshot;
  widget_class->measure = hf_trend_chart_measure;

  /**
   * HfTrendChart::point-activated:
   * @record_id: the record the point came from
   *
   * A point was clicked, or Enter was pressed on it.
   */
  signals[POINT_ACTIVATED] =
    g_signal_new ("point-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_css_name (widget_class, "trendchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hf_trend_chart_init (HfTrendChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->sel_series = -1;
  self->sel_index = -1;

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  g_signal_connect (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  update_accessible (self);
}

GtkWidget *
hf_trend_chart_new (void)
{
  return g_object_new (HF_TYPE_TREND_CHART, NULL);
}

void
hf_trend_chart_set_trend (HfTrendChart *self,
                          HfTrend      *trend)
{
  g_return_if_fail (HF_IS_TREND_CHART (self));

  if (trend != NULL && (trend->series->len == 0 || trend->n_points == 0 ||
                        ((HfTrendSeries *) g_ptr_array_index (trend->series, 0))->points->len == 0))
    g_clear_pointer (&trend, hf_trend_free);
  g_clear_pointer (&self->trend, hf_trend_free);
  self->trend = trend;
  self->sel_series = -1;
  self->sel_index = -1;
  if (trend != NULL)
    compute_ranges (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const HfTrend *
hf_trend_chart_get_trend (HfTrendChart *self)
{
  g_return_val_if_fail (HF_IS_TREND_CHART (self), NULL);

  return self->trend;
}

void
hf_trend_chart_select (HfTrendChart *self,
                       int           series,
                       int           index)
{
  g_return_if_fail (HF_IS_TREND_CHART (self));

  if (point_at (self, series, index) == NULL)
    series = index = -1;
  if (series == self->sel_series && index == self->sel_index)
    return;
  self->sel_series = series;
  self->sel_index = index;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
hf_trend_chart_get_selected (HfTrendChart *self,
                             int          *series,
                             int          *index)
{
  g_return_val_if_fail (HF_IS_TREND_CHART (self), FALSE);

  if (series != NULL)
    *series = self->sel_series;
  if (index != NULL)
    *index = self->sel_index;
  return self->sel_index >= 0;
}

char *
hf_trend_chart_describe_selected (HfTrendChart *self)
{
  g_return_val_if_fail (HF_IS_TREND_CHART (self), NULL);

  return describe_point (self, self->sel_series, self->sel_index);
}
