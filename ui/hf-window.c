/* hf-window.c — the main window: one vault, from choosing it to unlocked
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "hf-settings.h"
#include "hf-window-private.h"

struct _HfWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  HfVault              *vault;
  gint64                last_activity;
  guint                 auto_lock_source;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkButton            *back_button;
  GtkButton            *pane_back_button;
  GtkButton            *import_button;
  GtkButton            *lock_button;
  GtkToggleButton      *search_button;
  GtkStack             *stack;
  HfChooserPage        *chooser_page;
  HfCreatePage         *create_page;
  HfUnlockPage         *unlock_page;
  HfVaultPage          *vault_page;
};

G_DEFINE_FINAL_TYPE (HfWindow, hf_window, ADW_TYPE_APPLICATION_WINDOW)

static void
update_header (HfWindow *self)
{
  GtkWidget *page = gtk_stack_get_visible_child (self->stack);
  const char *title = _("Healthfolio");
  const char *subtitle = NULL;
  gboolean can_go_back = FALSE;
  gboolean on_vault = page == GTK_WIDGET (self->vault_page);

  if (page == GTK_WIDGET (self->create_page))
    {
      title = _("New Vault");
      can_go_back = !hf_create_page_get_busy (self->create_page) &&
                    hf_chooser_page_get_n_vaults (self->chooser_page) > 0;
    }
  else if (page == GTK_WIDGET (self->unlock_page))
    {
      title = hf_unlock_page_get_title (self->unlock_page);
      subtitle = _("Locked");
      can_go_back = !hf_unlock_page_get_busy (self->unlock_page);
    }
  else if (page == GTK_WIDGET (self->vault_page))
    {
      title = hf_vault_page_get_title (self->vault_page);
      subtitle = hf_vault_page_get_subtitle (self->vault_page);
    }

  adw_window_title_set_title (self->window_title, title != NULL ? title : "");
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-vaults", can_go_back);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), can_go_back);
  gtk_widget_set_visible (GTK_WIDGET (self->lock_button), on_vault);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.go-back",
                                 on_vault && hf_vault_page_get_can_go_back (self->vault_page));
  gtk_widget_set_visible (GTK_WIDGET (self->pane_back_button),
                          on_vault && hf_vault_page_get_can_go_back (self->vault_page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import",
                                 on_vault && hf_vault_page_get_can_import (self->vault_page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-folder",
                                 on_vault && hf_vault_page_get_can_import (self->vault_page));
  /* Narrow, the header has room for little: import stays in the main menu. */
  gtk_widget_set_visible (GTK_WIDGET (self->import_button),
                          on_vault && !hf_vault_page_get_folded (self->vault_page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search",
                                 on_vault && hf_vault_page_get_can_search (self->vault_page));
  gtk_widget_set_visible (GTK_WIDGET (self->search_button), on_vault);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_button),
                            on_vault && hf_vault_page_get_can_search (self->vault_page));
}

static void
page_changed_cb (GObject    *object,
                 GParamSpec *pspec,
                 HfWindow   *self)
{
  update_header (self);
}

static void
show_page (HfWindow  *self,
           GtkWidget *page)
{
  gtk_stack_set_visible_child (self->stack, page);
  update_header (self);

  /* After the stack, which moves the focus to the first control it finds if the page before
   * had it. Pages without a control of their own to focus get the first one. */
  if (!gtk_widget_grab_focus (page) && gtk_widget_get_focus_child (page) == NULL)
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
}

static void
show_create (HfWindow *self)
{
  hf_create_page_reset (self->create_page);
  show_page (self, GTK_WIDGET (self->create_page));
}

/* Lists the vaults in the default folder, the one used last first. */
static GPtrArray *
reload_chooser (HfWindow *self)
{
  g_autofree char *dir = hf_vault_default_dir ();
  g_autoptr(GPtrArray) paths = hf_vault_list_paths (dir);
  g_autofree char *last = NULL;

  if (self->settings != NULL)
    last = g_settings_get_string (self->settings, "last-vault");

  hf_chooser_page_set_paths (self->chooser_page, paths, last);

  return g_steal_pointer (&paths);
}

static void
show_chooser (HfWindow *self)
{
  g_autoptr(GPtrArray) paths = reload_chooser (self);

  if (paths->len == 0)
    show_create (self);
  else
    show_page (self, GTK_WIDGET (self->chooser_page));
}

/* {{{ auto-lock */

static gboolean auto_lock_cb (gpointer user_data);

/* Sleeps until the limit would be reached without further input; input in between only moves
 * last_activity, and the wake-up then waits again for the rest. */
static void
auto_lock_schedule (HfWindow *self)
{
  guint minutes = hf_settings_get_auto_lock_minutes (self->settings);
  gint64 limit, idle;

  g_clear_handle_id (&self->auto_lock_source, g_source_remove);

  if (self->vault == NULL || minutes == 0)
    return;

  limit = (gint64) minutes * 60 * G_USEC_PER_SEC;
  idle = g_get_monotonic_time () - self->last_activity;

  if (idle >= limit)
    {
      g_autofree char *reason = NULL;

      reason = g_strdup_printf (ngettext ("Vault locked after %u minute without activity",
                                         "Vault locked after %u minutes without activity",
                                         minutes),
                                minutes);
      hf_window_lock (self, reason);
      return;
    }

  self->auto_lock_source = g_timeout_add_seconds ((guint) ((limit - idle) / G_USEC_PER_SEC) + 1,
                                                  auto_lock_cb, self);
}

static gboolean
auto_lock_cb (gpointer user_data)
{
  HfWindow *self = HF_WINDOW (user_data);

  self->auto_lock_source = 0;
  auto_lock_schedule (self);

  return G_SOURCE_REMOVE;
}

static void
auto_lock_minutes_changed_cb (HfWindow   *self,
                              const char *key,
                              GSettings  *settings)
{
  auto_lock_schedule (self);
}

static gboolean
input_event_cb (HfWindow                 *self,
                GdkEvent                 *event,
                GtkEventControllerLegacy *controller)
{
  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_MOTION_NOTIFY:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_TOUCHPAD_SWIPE:
    case GDK_TOUCHPAD_PINCH:
      self->last_activity = g_get_monotonic_time ();
      break;

    default:
      break;
    }

  return GDK_EVENT_PROPAGATE;
}

/* }}} */

static void
set_vault (HfWindow *self,
           HfVault  *vault)
{
  g_set_object (&self->vault, vault);
  hf_vault_page_set_vault (self->vault_page, vault);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", vault != NULL);

  if (vault != NULL && self->settings != NULL)
    g_settings_set_string (self->settings, "last-vault", hf_vault_get_path (vault));

  self->last_activity = g_get_monotonic_time ();
  auto_lock_schedule (self);
}

static void
vault_ready_cb (GtkWidget *page,
                HfVault   *vault,
                HfWindow  *self)
{
  set_vault (self, vault);
  show_page (self, GTK_WIDGET (self->vault_page));
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  hf_window_lock (HF_WINDOW (widget), NULL);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HfWindow *self = HF_WINDOW (widget);

  hf_vault_page_choose_files (self->vault_page, g_str_equal (action_name, "win.import-folder"));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HfWindow *self = HF_WINDOW (widget);

  hf_vault_page_set_search_mode (self->vault_page, TRUE);
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  hf_vault_page_go_back (HF_WINDOW (widget)->vault_page);
}

static gboolean
drop_cb (HfWindow      *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  GSList *files = g_value_get_boxed (value);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (gtk_stack_get_visible_child (self->stack) != GTK_WIDGET (self->vault_page) ||
      !hf_vault_page_get_can_import (self->vault_page))
    return FALSE;

  for (GSList *l = files; l != NULL; l = l->next)
    {
      char *path = g_file_get_path (l->data);

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  if (paths->len == 0)
    return FALSE;
  g_ptr_array_add (paths, NULL);

  hf_vault_page_import_files (self->vault_page, (const char * const *) paths->pdata);
  return TRUE;
}

static void
show_vaults_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  show_chooser (HF_WINDOW (widget));
}

/* From the first-run create page too: the chooser shows the demo vault being made. */
static void
create_demo_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HfWindow *self = HF_WINDOW (widget);

  reload_chooser (self);
  show_page (self, GTK_WIDGET (self->chooser_page));
  gtk_widget_activate_action (GTK_WIDGET (self->chooser_page), "chooser.create-demo", NULL);
}

static void
new_vault_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  show_create (HF_WINDOW (widget));
}

static void
open_vault_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  hf_window_open_path (HF_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static gboolean
hf_window_close_request (GtkWindow *window)
{
  HfWindow *self = HF_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (hf_window_parent_class)->close_request (window);
}

static void
hf_window_dispose (GObject *object)
{
  HfWindow *self = HF_WINDOW (object);

  /* A closed window leaves no vault open behind it; a vault an import is writing to is locked
   * by the import once its thread lets go. */
  if (self->vault != NULL && !hf_vault_page_get_importing (self->vault_page))
    hf_vault_lock (self->vault);
  g_clear_object (&self->vault);
  g_clear_handle_id (&self->auto_lock_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_WINDOW);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hf_window_parent_class)->dispose (object);
}

static void
hf_window_class_init (HfWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hf_window_dispose;
  window_class->close_request = hf_window_close_request;

  g_type_ensure (HF_TYPE_CHOOSER_PAGE);
  g_type_ensure (HF_TYPE_CREATE_PAGE);
  g_type_ensure (HF_TYPE_UNLOCK_PAGE);
  g_type_ensure (HF_TYPE_VAULT_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/healthfolio/Healthfolio/hf-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HfWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, pane_back_button);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, import_button);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, lock_button);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, chooser_page);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, create_page);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, unlock_page);
  gtk_widget_class_bind_template_child (widget_class, HfWindow, vault_page);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, vault_ready_cb);

  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.show-vaults", NULL, show_vaults_action);
  gtk_widget_class_install_action (widget_class, "win.create-demo", NULL, create_demo_action);
  gtk_widget_class_install_action (widget_class, "win.new-vault", NULL, new_vault_action);
  gtk_widget_class_install_action (widget_class, "win.open-vault", "s", open_vault_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.import-folder", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
}

static void
hf_window_init (HfWindow *self)
{
  GtkEventController *controller;
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_str_has_suffix (HF_APPLICATION_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = hf_settings_new ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));

      g_signal_connect_object (self->settings, "changed::auto-lock-minutes",
                               G_CALLBACK (auto_lock_minutes_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }

  /* Any input that reaches the window counts as activity for the auto-lock. */
  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "event", G_CALLBACK (input_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* Files dropped on the window are imported into the vault it shows. */
  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_swapped (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  g_object_bind_property (self->search_button, "active", self->vault_page, "search-mode",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", FALSE);
  update_header (self);
}

HfWindow *
hf_window_new (HfApplication *application)
{
  g_return_val_if_fail (HF_IS_APPLICATION (application), NULL);

  return g_object_new (HF_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * hf_window_show_vaults:
 * @self: a window
 *
 * Shows what fits the vaults in the default folder: the create page when there is none, the
 * unlock page when there is one, and the list to choose from when there are several.
 */
void
hf_window_show_vaults (HfWindow *self)
{
  g_autoptr(GPtrArray) paths = NULL;

  g_return_if_fail (HF_IS_WINDOW (self));

  paths = reload_chooser (self);

  if (paths->len == 1)
    hf_window_open_path (self, g_ptr_array_index (paths, 0));
  else
    show_chooser (self);
}

/**
 * hf_window_open_path:
 * @self: a window
 * @path: the vault's .hfvault file
 *
 * Shows the unlock page of the vault at @path, locking the vault the window had open.
 */
void
hf_window_open_path (HfWindow   *self,
                     const char *path)
{
  g_return_if_fail (HF_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  hf_window_lock (self, NULL);
  g_ptr_array_unref (reload_chooser (self));

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *message = g_strdup_printf (_("There is no vault at “%s”"), path);

      hf_window_add_toast (self, adw_toast_new (message));
      show_chooser (self);
      return;
    }

  hf_unlock_page_set_path (self->unlock_page, path);
  show_page (self, GTK_WIDGET (self->unlock_page));
}

/**
 * hf_window_is_free:
 * @self: a window
 *
 * Returns: whether the window can take another vault: none is unlocked in it and no key is
 *   being derived
 */
gboolean
hf_window_is_free (HfWindow *self)
{
  g_return_val_if_fail (HF_IS_WINDOW (self), FALSE);

  return self->vault == NULL &&
         !hf_unlock_page_get_busy (self->unlock_page) &&
         !hf_create_page_get_busy (self->create_page);
}

/**
 * hf_window_lock:
 * @self: a window
 * @reason: (nullable): why, shown as a toast
 *
 * Locks the window's vault, if one is unlocked: the database is closed, its keys are wiped,
 * what this application copied leaves the clipboard, and the window shows the vault's unlock
 * page.
 */
void
hf_window_lock (HfWindow   *self,
                const char *reason)
{
  g_autoptr(HfVault) vault = NULL;
  g_autofree char *path = NULL;
  gboolean importing;

  g_return_if_fail (HF_IS_WINDOW (self));

  if (self->vault == NULL)
    return;

  path = g_strdup (hf_vault_get_path (self->vault));
  vault = g_object_ref (self->vault);
  importing = hf_vault_page_get_importing (self->vault_page);
  /* Drops every model that reads the vault, and cancels an import: the import's thread holds
   * the connection until it has rolled back, and locks the vault itself when it is done. */
  set_vault (self, NULL);
  if (!importing)
    hf_vault_lock (vault);

  /* What was copied from the record (a value, the original JSON) leaves the clipboard with
   * the keys; what another application put there stays. */
  {
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));

    if (gdk_clipboard_is_local (clipboard))
      gdk_clipboard_set_content (clipboard, NULL);
  }

  hf_unlock_page_set_path (self->unlock_page, path);
  show_page (self, GTK_WIDGET (self->unlock_page));

  if (reason != NULL)
    hf_window_add_toast (self, adw_toast_new (reason));
}

/**
 * hf_window_add_toast:
 * @self: a window
 * @toast: (transfer full): the toast
 */
void
hf_window_add_toast (HfWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (HF_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

HfVault *
_hf_window_get_vault (HfWindow *self)
{
  return self->vault;
}

const char *
_hf_window_get_page_name (HfWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

HfChooserPage *
_hf_window_get_chooser_page (HfWindow *self)
{
  return self->chooser_page;
}

HfCreatePage *
_hf_window_get_create_page (HfWindow *self)
{
  return self->create_page;
}

HfUnlockPage *
_hf_window_get_unlock_page (HfWindow *self)
{
  return self->unlock_page;
}

HfVaultPage *
_hf_window_get_vault_page (HfWindow *self)
{
  return self->vault_page;
}

AdwWindowTitle *
_hf_window_get_title (HfWindow *self)
{
  return self->window_title;
}

/* Moves the last input back by @seconds and checks the auto-lock at once. */
void
_hf_window_pretend_idle (HfWindow *self,
                         guint     seconds)
{
  self->last_activity -= (gint64) seconds * G_USEC_PER_SEC;
  auto_lock_schedule (self);
}
