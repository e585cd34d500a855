/* test-trend-chart.c — the trend chart, drawn for real under Xvfb and read back pixel by pixel
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With HF_SCREENSHOT_DIR set, the light and dark renderings are saved there as PNGs.
 */

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "hf-trend-chart.h"

#define WIDTH  720
#define HEIGHT 360

static void
add (HfTrendSeries *s,
     const char    *date,
     double         value,
     double         low,
     double         high,
     gint64         id)
{
  g_autofree char *iso = g_strconcat (date, "T00:00:00Z", NULL);
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (iso, NULL);
  HfTrendPoint p = { id, g_date_time_to_unix (t), g_strdup (date), value, low, high };

  g_array_append_val (s->points, p);
}

static void
clear_point (gpointer data)
{
  g_free (((HfTrendPoint *) data)->date);
}

static HfTrendSeries *
series_new (HfTrend    *trend,
            const char *name,
            const char *unit)
{
  HfTrendSeries *s = g_new0 (HfTrendSeries, 1);

  s->name = g_strdup (name);
  s->unit = g_strdup (unit);
  s->points = g_array_new (FALSE, TRUE, sizeof (HfTrendPoint));
  g_array_set_clear_func (s->points, clear_point);
  g_ptr_array_add (trend->series, s);
  return s;
}

static void
free_series (gpointer data)
{
  HfTrendSeries *s = data;

  g_free (s->name);
  g_free (s->unit);
  g_array_unref (s->points);
  g_free (s);
}

static HfTrend *
a1c_trend (void)
{
  HfTrend *trend = g_new0 (HfTrend, 1);
  HfTrendSeries *s;

  trend->code = g_strdup ("4548-4");
  trend->title = g_strdup ("Hemoglobin A1c");
  trend->series = g_ptr_array_new_with_free_func (free_series);
  s = series_new (trend, "Hemoglobin A1c", "%");
  add (s, "2018-01-15", 7.1, NAN, NAN, 11);
  add (s, "2019-03-02", 6.3, 4.0, 5.6, 12);
  add (s, "2020-06-30", 5.9, 4.0, 5.6, 13);
  add (s, "2021-09-10", 5.4, 4.0, 5.6, 14);
  trend->n_points = s->points->len;
  return trend;
}

static HfTrend *
pressure_trend (void)
{
  HfTrend *trend = g_new0 (HfTrend, 1);
  HfTrendSeries *sys, *dia;

  trend->code = g_strdup ("85354-9");
  trend->title = g_strdup ("Blood pressure");
  trend->series = g_ptr_array_new_with_free_func (free_series);
  sys = series_new (trend, "Systolic", "mm[Hg]");
  dia = series_new (trend, "Diastolic", "mm[Hg]");
  add (sys, "2020-02-01", 128, 90, 120, 1);
  add (sys, "2020-08-01", 121, 90, 120, 2);
  add (sys, "2021-02-01", 118, 90, 120, 3);
  add (dia, "2020-02-01", 84, 60, 80, 1);
  add (dia, "2020-08-01", 80, 60, 80, 2);
  add (dia, "2021-02-01", 76, 60, 80, 3);
  trend->n_points = 6;
  return trend;
}

typedef struct
{
  GtkWindow    *window;
  HfTrendChart *chart;
} Fixture;

static gboolean
frame_cb (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Lets the window lay out and draw what just changed: three frames. */
static void
wait_drawn (GtkWidget *widget)
{
  guint frames = 0;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint id;

  gtk_widget_queue_draw (widget);
  id = gtk_widget_add_tick_callback (widget, frame_cb, &frames, NULL);
  while (frames < 3 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, id);
  g_assert_cmpuint (frames, >=, 3);
  g_assert_cmpint (gtk_widget_get_width (widget), >, 0);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  f->chart = HF_TREND_CHART (hf_trend_chart_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->chart));
  gtk_window_set_default_size (f->window, WIDTH, HEIGHT);
  gtk_window_present (f->window);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  gtk_window_destroy (f->window);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
}

/* The chart as drawn, in 8-bit RGBA. */
static GBytes *
render (Fixture *f,
        int     *width,
        int     *height,
        gsize   *stride,
        const char *screenshot)
{
  GtkWidget *widget = GTK_WIDGET (f->window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (f->window));
  const char *dir = g_getenv ("HF_SCREENSHOT_DIR");
  guchar *pixels;

  wait_drawn (GTK_WIDGET (f->chart));
  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), *width, *height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, *width, *height));
  if (dir != NULL && screenshot != NULL)
    {
      g_autofree char *path = g_build_filename (dir, screenshot, NULL);
      g_mkdir_with_parents (dir, 0755);
      gdk_texture_save_to_png (texture, path);
    }
  *stride = (gsize) *width * 4;
  pixels = g_malloc (*stride * *height);
  gdk_texture_download (texture, pixels, *stride);   /* CAIRO_FORMAT_ARGB32: B G R A */
  return g_bytes_new_take (pixels, *stride * *height);
}

static void
pixel (GBytes *bytes,
       gsize   stride,
       int     x,
       int     y,
       guchar  rgb[3])
{
  const guchar *p = (const guchar *) g_bytes_get_data (bytes, NULL) + (gsize) y * stride + x * 4;

  rgb[0] = p[2];
  rgb[1] = p[1];
  rgb[2] = p[0];
}

/* Counts pixels whose colour is close to R, G, B. */
static guint
count_color (GBytes *bytes,
             gsize   stride,
             int     width,
             int     height,
             int     r,
             int     g,
             int     b)
{
  guint n = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar c[3];
        pixel (bytes, stride, x, y, c);
        if (abs (c[0] - r) < 24 && abs (c[1] - g) < 24 && abs (c[2] - b) < 24)
          n++;
      }
  return n;
}

/* The ink of the value-axis labels against the background, in the margin left of the plot
 * where nothing else is drawn: positive when the text is lighter than the background. */
static int
label_contrast (GBytes *bytes,
                gsize   stride,
                int     height)
{
  guchar c[3];
  int bg, best = 0;

  pixel (bytes, stride, 2, height / 2, c);
  bg = c[0] + c[1] + c[2];
  for (int y = 40; y < height - 40; y++)
    for (int x = 4; x < 50; x++)
      {
        int d;
        pixel (bytes, stride, x, y, c);
        d = (c[0] + c[1] + c[2] - bg) / 3;
        if (abs (d) > abs (best))
          best = d;
      }
  return best;
}

static void
test_draws_line_and_band (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GBytes) light = NULL;
  int w, h;
  gsize stride;
  guint blue, green_band = 0;
  guchar c[3];

  hf_trend_chart_set_trend (f->chart, a1c_trend ());
  light = render (f, &w, &h, &stride, "trend-chart-light.png");

  /* The line and dots in the palette's blue. */
  blue = count_color (light, stride, w, h, 0x35, 0x84, 0xe4);
  g_test_message ("blue pixels: %u", blue);
  g_assert_cmpuint (blue, >, 200);

  /* The normal band (4–5.6) is green-tinted, the area above it (7.1 at the top) is not. */
  for (int y = 0; y < h; y++)
    {
      pixel (light, stride, w / 2, y, c);
      if (c[1] > c[0] + 12 && c[1] > c[2] + 12)
        green_band++;
    }
  g_test_message ("green rows in the middle column: %u of %d", green_band, h);
  g_assert_cmpuint (green_band, >, h / 8);
  g_assert_cmpuint (green_band, <, h / 2);
}

static void
test_dark_mode (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) light = NULL;
  g_autoptr(GBytes) dark = NULL;
  int w, h;
  gsize stride;

  hf_trend_chart_set_trend (f->chart, a1c_trend ());
  light = render (f, &w, &h, &stride, NULL);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  dark = render (f, &w, &h, &stride, "trend-chart-dark.png");

  /* Labels and axes follow the theme: light ink only in dark mode, dark ink only in light. */
  {
    int in_light = label_contrast (light, stride, h);
    int in_dark = label_contrast (dark, stride, h);

    g_test_message ("label contrast: light mode %d, dark mode %d", in_light, in_dark);
    g_assert_cmpint (in_light, <, -40);
    g_assert_cmpint (in_dark, >, 40);
  }
  g_assert_cmpuint (count_color (dark, stride, w, h, 0x35, 0x84, 0xe4), >, 200);
}

static void
test_selection (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *text = NULL;
  int series, index;

  hf_trend_chart_set_trend (f->chart, pressure_trend ());
  g_assert_false (hf_trend_chart_get_selected (f->chart, &series, &index));
  g_assert_null (hf_trend_chart_describe_selected (f->chart));

  hf_trend_chart_select (f->chart, 0, 0);
  text = hf_trend_chart_describe_selected (f->chart);
  g_assert_cmpstr (text, ==, "Systolic, 2020-02-01: 128 mm[Hg] (normal 90–120)");
  g_clear_pointer (&text, g_free);

  hf_trend_chart_select (f->chart, 1, 2);
  g_assert_true (hf_trend_chart_get_selected (f->chart, &series, &index));
  g_assert_cmpint (series, ==, 1);
  g_assert_cmpint (index, ==, 2);
  text = hf_trend_chart_describe_selected (f->chart);
  g_assert_cmpstr (text, ==, "Diastolic, 2021-02-01: 76 mm[Hg] (normal 60–80)");

  /* Out of range: nothing selected; a new trend clears the selection. */
  hf_trend_chart_select (f->chart, 5, 0);
  g_assert_false (hf_trend_chart_get_selected (f->chart, NULL, NULL));
  hf_trend_chart_select (f->chart, 0, 1);
  hf_trend_chart_set_trend (f->chart, a1c_trend ());
  g_assert_false (hf_trend_chart_get_selected (f->chart, NULL, NULL));

  {
    g_autoptr(GBytes) shot = NULL;
    int w, h;
    gsize stride;
    hf_trend_chart_set_trend (f->chart, pressure_trend ());
    hf_trend_chart_select (f->chart, 0, 1);
    shot = render (f, &w, &h, &stride, "trend-chart-pressure.png");
    /* Two series: blue and orange lines. */
    g_assert_cmpuint (count_color (shot, stride, w, h, 0xe6, 0x61, 0x00), >, 100);
  }
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  HfTrend *empty = g_new0 (HfTrend, 1);

  empty->series = g_ptr_array_new_with_free_func (free_series);
  hf_trend_chart_set_trend (f->chart, empty);
  g_assert_null (hf_trend_chart_get_trend (f->chart));
  wait_drawn (GTK_WIDGET (f->chart));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/hf/trend-chart/draws", Fixture, NULL, setup, test_draws_line_and_band, teardown);
  g_test_add ("/hf/trend-chart/dark", Fixture, NULL, setup, test_dark_mode, teardown);
  g_test_add ("/hf/trend-chart/selection", Fixture, NULL, setup, test_selection, teardown);
  g_test_add ("/hf/trend-chart/empty", Fixture, NULL, setup, test_empty, teardown);

  return g_test_run ();
}
