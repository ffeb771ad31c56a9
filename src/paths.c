/* paths.c: locating the run store and the runs' directories (see paths.h). */
#include "paths.h"

#include <errno.h>
#include <ftw.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int paths_db(const char *opt, char *out, size_t len, ae_err *err)
{
    const char *env = getenv("AETUI_DB");
    if (opt && !*opt) /* a variable that expanded to nothing: never the default store instead */
        return ae_fail(err, "--db: empty value (leave --db out for the default store)");
    const char *p = opt ? opt : env && *env ? env : NULL;
    int n;
    if (p) {
        n = snprintf(out, len, "%s", p);
    } else {
        const char *xdg = getenv("XDG_DATA_HOME");
        if (xdg && xdg[0] == '/') {
            n = snprintf(out, len, "%s/aetui/aetui.db", xdg);
        } else {
            const char *home = getenv("HOME");
            if (!home || !*home) {
                struct passwd *pw = getpwuid(getuid());
                home = pw ? pw->pw_dir : NULL;
            }
            if (!home || !*home)
                return ae_fail(err, "no home directory to keep the run store in: give --db PATH "
                                    "or set AETUI_DB");
            n = snprintf(out, len, "%s/.local/share/aetui/aetui.db", home);
        }
    }
    if (n < 0 || (size_t)n >= len) return ae_fail(err, "run store path too long");
    return 0;
}

int paths_mkdir_parent(const char *file, ae_err *err)
{
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s", file) >= (int)sizeof dir)
        return ae_fail(err, "%s: path too long", file);
    char *slash = strrchr(dir, '/');
    if (!slash) return 0;
    *slash = 0;
    for (char *p = dir + 1;; p++) {
        int end = *p == 0;
        if (*p == '/' || end) {
            *p = 0;
            if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                return ae_fail(err, "%s: cannot create the directory: %s", dir, strerror(errno));
            if (end) break;
            *p = '/';
        }
    }
    struct stat sb;
    if (dir[0] && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        return ae_fail(err, "%s: not a directory", dir);
    return 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

int paths_rm_tree(const char *dir, ae_err *err)
{
    struct stat sb;
    if (lstat(dir, &sb) != 0) {
        if (errno == ENOENT) return 0;
        return ae_fail(err, "%s: %s", dir, strerror(errno));
    }
    if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return ae_fail(err, "%s: cannot remove: %s", dir, strerror(errno));
    return 0;
}
