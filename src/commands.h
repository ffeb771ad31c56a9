/* commands.h: the subcommands of the aetui program, one file each (src/cmd_<name>.c).
 * Each takes the arguments after the subcommand name (argv[0] is the subcommand) and returns
 * the process exit status: 0 success, 1 failure at run time, 2 bad usage or bad input. */
#ifndef AE_COMMANDS_H
#define AE_COMMANDS_H

int cmd_train(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
/* The run store's views and edits (issue 3). */
int cmd_runs(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_untag(int argc, char **argv);
int cmd_note(int argc, char **argv);
/* Latent analysis (issue 6): PCA or t-SNE layout of a .npy matrix as CSV. */
int cmd_embed(int argc, char **argv);
/* The PCA linear baseline of a dataset, cached in the run store (issue 6). */
int cmd_baseline(int argc, char **argv);
/* Checkpoints (issue 7): a run's encoder and whole model on new data. */
int cmd_encode(int argc, char **argv);
int cmd_reconstruct(int argc, char **argv);
/* A denoising run on noisy data, with --clean to measure it (issue 14). */
int cmd_denoise(int argc, char **argv);
/* Walks in a run's latent space (issue 14): src/cmd_walk.c. */
int cmd_interpolate(int argc, char **argv);
int cmd_traverse(int argc, char **argv);
int cmd_sample(int argc, char **argv);
/* The standard datasets downloaded, checked and unpacked (issue 12). */
int cmd_get(int argc, char **argv);
/* Other stores' runs merged into this one (issue 15). */
int cmd_import(int argc, char **argv);
/* Your own datasets registered in the run store by name (issue 12). */
int cmd_data(int argc, char **argv);
/* Anomaly detection (issue 13): a run's reconstruction error as an anomaly score. */
int cmd_score(int argc, char **argv);
/* A grid of training runs, on this machine or as a Slurm job array (issue 15). */
int cmd_sweep(int argc, char **argv);
/* The interactive interface (issue 4): `aetui` with no command, or `aetui tui`. */
int cmd_tui(int argc, char **argv);

#endif
