/* csv.h: reading delimited text (CSV, TSV, semicolon files, UCR's space-separated .txt) row by
 * row, and the numbers in it.
 *
 * A reader streams the file through a buffer of a few MB, so memory is bounded by the longest
 * row, not by the file. It detects a UTF-8 byte-order mark and the delimiter (comma, semicolon,
 * tab, or runs of spaces and tabs, from the first 64 KB: the one that splits every line into
 * the same number of fields), handles quoted fields ("a ""b"", c", newlines inside included),
 * CRLF and LF line ends, skips blank lines and trims spaces around unquoted fields. Every byte
 * read goes into a SHA-256, so the content hash of a dataset costs no second read.
 *
 * Errors name the file and the line: "ecg.csv: line 12: a quoted field is not closed".
 *
 * Memory: a reader owns its buffer; the cells csv_next returns point into it and are valid
 * until the next call (each is NUL-terminated, so it can be printed or given to strtod).
 * One thread per reader; readers share nothing. */
#ifndef AE_CSV_H
#define AE_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum csv_delim {
    CSV_DETECT = 0,
    CSV_COMMA = ',',
    CSV_SEMI = ';',
    CSV_TAB = '\t',
    CSV_SPACES = ' '
};

typedef struct csv_cell {
    char *s; /* the field's text, unquoted, NUL-terminated */
    int len;
    int quoted; /* it was in double quotes (so an empty one is "", not a missing value) */
} csv_cell;

typedef struct csv_row {
    const csv_cell *cells;
    int n;     /* cells in this row */
    long line; /* the line the row starts on, 1-based */
} csv_row;

typedef struct csv_reader csv_reader;

/* Opens path (which must be a regular file) for reading. delim: CSV_DETECT or one of the
 * others. On failure *out is NULL and err names the file. */
int csv_open(csv_reader **out, const char *path, int delim, ae_err *err);
/* The same over len bytes in memory (not copied: they must outlive the reader); name is used
 * in messages. */
int csv_open_mem(csv_reader **out, const void *data, size_t len, const char *name, int delim,
                 ae_err *err);
void csv_close(csv_reader *r);

/* The next row that is not blank: 1 and *row filled, 0 at the end of the file, -1 on an error
 * (a quoted field not closed, text after a closing quote, a row longer than 64 MB, a read
 * error). */
int csv_next(csv_reader *r, csv_row *row, ae_err *err);

/* The delimiter in use (detected or given). */
int csv_delim(const csv_reader *r);
/* Its name for messages: "comma", "semicolon", "tab", "spaces". */
const char *csv_delim_name(int delim);
/* The file's name as given. */
const char *csv_name(const csv_reader *r);
/* Bytes read so far. */
int64_t csv_bytes(const csv_reader *r);
/* About how many lines the file has (from its size and the first chunk's lines; a little
 * more rather than less), for sizing arrays once; 0 when unknown. */
int64_t csv_rows_hint(const csv_reader *r);
/* Reads whatever is left (without parsing it) and writes the SHA-256 of every byte of the
 * file as 64 hex digits. Returns -1 on a read error. */
int csv_sha256(csv_reader *r, char hex[65], ae_err *err);

/* A row kept past the next csv_next (the first row, until the second says whether it is a
 * header). Owns copies of the texts. */
typedef struct csv_saved {
    char **text;
    csv_cell *cells;
    int n;
    long line;
} csv_saved;
int csv_save(const csv_row *row, csv_saved *out, ae_err *err);
void csv_saved_free(csv_saved *s);
/* The saved row as a row (valid while s lives). */
csv_row csv_saved_row(const csv_saved *s);
/* Whether a first row is a header, judged by the second: one of its cells is not a number
 * where the second row has a number. */
int csv_is_header(const csv_saved *first, const csv_row *second);

/* Asks the kernel to back a large array being filled with huge pages (a tenth fewer CPU
 * seconds for a 50 MB array: the page faults of first touch); does nothing for small ones. */
void csv_huge_pages(void *p, size_t bytes);

/* ---- numbers ---- */

enum csv_num {
    CSV_NUM_OK = 0, /* a finite number that fits float32 */
    CSV_NUM_EMPTY,  /* nothing (or only spaces) */
    CSV_NUM_NAN,    /* nan, NaN, NA, N/A, null, None (any case): a missing value */
    CSV_NUM_INF,    /* inf, -Infinity, ... */
    CSV_NUM_RANGE,  /* a number beyond float32's range */
    CSV_NUM_BAD,    /* anything else */
};

/* Parses a whole cell as a decimal number (leading and trailing spaces allowed): [+-]digits
 * [.digits][e[+-]digits]. Exact for up to 19 significant digits and exponents up to 22 (the
 * double is then rounded once to float32 by the caller); strtod for the rest. */
int csv_number(const char *s, int len, double *out);

/* The problem with a cell, as "ecg.csv: line 12, column 3: 'abc' is not a number" (the text
 * made visible and cut to 40 bytes); returns -1. `what` ends the message. */
int csv_cell_fail(ae_err *err, const char *name, long line, int col, const csv_cell *c,
                  const char *what);

#endif
