/* paths.h: where aetui keeps its files.
 *
 * The run store is one file, found in this order: --db PATH, $AETUI_DB, then
 * $XDG_DATA_HOME/aetui/aetui.db (~/.local/share/aetui/aetui.db when XDG_DATA_HOME is unset or
 * not absolute). A run's files (checkpoints) live in the store's runs directory, which the
 * store knows (store_run_dir, db/store.h). Any thread; reads the environment, changes nothing
 * but the directories it is asked to make or remove. */
#ifndef AE_PATHS_H
#define AE_PATHS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The store's path into out (len bytes); opt is --db or NULL. */
int paths_db(const char *opt, char *out, size_t len, ae_err *err);
/* mkdir -p of the directory holding `file` (new directories mode 0700). */
int paths_mkdir_parent(const char *file, ae_err *err);
/* Removes dir and everything under it; a missing dir is not an error. Symbolic links are
 * removed, never followed. */
int paths_rm_tree(const char *dir, ae_err *err);

#endif
