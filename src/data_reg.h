/* data_reg.h: your own datasets in the run store (store.h's store_dataset) and back to specs
 * (core/dspec.h): what `aetui data` and `aetui train --data / --dataset NAME` share.
 *
 * Main thread of the CLI (and the TUI's form reading names); the caller's store handle. */
#ifndef AE_DATA_REG_H
#define AE_DATA_REG_H

#include "dspec.h"
#include "store.h"

/* The record of spec (its name set) and what loading it showed (ds_spec_inspect). */
int data_reg_record(const ds_spec *spec, const ds_spec_info *info, store_dataset *d, ae_err *err);

/* The spec of a registered dataset: 1 found (spec filled, its name set), 0 not registered,
 * -1 on error. */
int data_reg_spec(store *st, const char *name, ds_spec *spec, ae_err *err);

/* Registers spec under its name for `train --data PATH`: when that name is taken by another
 * spec, under NAME-2, NAME-3, ... (spec->name updated); the same spec again is left as it is
 * (0, *added 0). Inspects the data (loads it) only when it registers. */
int data_reg_auto(store *st, ds_spec *spec, int threads, int *added, ae_err *err);

#endif
