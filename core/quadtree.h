/* quadtree.h: the Barnes-Hut tree of a 2-D t-SNE layout and the repulsive forces it gives.
 *
 * Points are sorted by Morton (Z-order) code, so every cell of the tree is a contiguous range
 * of the sorted points. Nodes are stored in depth-first preorder, each with the index of the
 * node after its subtree, so a traversal is a loop over an array with no stack: accept a
 * cell (skip to `next`) when its full width is below theta times the distance to its centre
 * of mass, else step into it. Leaves hold up to QT_LEAF points and are summed exactly.
 * A cell that contains the point itself is never summarised.
 *
 * Two evaluations: quadtree_repulsion walks the tree once per point (the textbook method,
 * kept as a reference); quadtree_repulsion_leaves walks it once per leaf and lets all the
 * leaf's points share the list it collects, summed in float vectors (GCC vector extensions).
 * The second is the one t-SNE uses: ~3x faster at 10,000 points and slightly more accurate.
 *
 * Memory: a quadtree owns its arrays and reuses them from one build to the next.
 * quadtree_build is single-threaded; the repulsion functions may run in several threads at
 * once on disjoint ranges of a built tree (each thread with its own qt_scratch). */
#ifndef AE_QUADTREE_H
#define AE_QUADTREE_H

#include <stdint.h>

#include "err.h"

#ifndef QT_LEAF
#define QT_LEAF 32
#endif

typedef struct qt_node {
    double cx, cy; /* centre of mass */
    double w2;     /* squared width of the (square) cell */
    int start;     /* first point, in sorted order */
    int count;     /* points in the subtree */
    int next;      /* the node after this subtree in preorder */
    int leaf;      /* 1: no children, sum its points one by one */
} qt_node;

typedef struct quadtree {
    int n, nnodes, cap;
    qt_node *nodes;
    int32_t *order; /* order[s]: original index of the s-th point in Morton order */
    double *pos;    /* sorted positions, 2 per point */
    float *px, *py; /* the same in float, one array per axis, padded by 4 (leaf sums) */
    uint64_t *keys, *tmpkeys;
    int32_t *tmporder;
    int32_t *leaves; /* the leaf nodes, in Morton order */
    int nleaves, leafcap;
} quadtree;

/* A thread's interaction list for quadtree_repulsion_leaves (grown as needed). */
typedef struct qt_scratch {
    float *lx, *ly, *lm; /* pseudo-particles and points: position and mass */
    int32_t *li;         /* sorted index of a point, -1 for a summarised cell */
    int cap;
    int failed; /* an allocation failed: results of this call are not valid */
} qt_scratch;

/* Builds (or rebuilds) the tree of n points y (n x 2). */
int quadtree_build(quadtree *t, const double *y, int n, ae_err *err);

/* For the sorted points s in [s0, s1): with i = order[s], writes the repulsive force
 * sum_j w_ij^2 (y_i - y_j) into rep[2i], rep[2i+1] and sum_j w_ij into z[i], where
 * w_ij = 1 / (1 + |y_i - y_j|^2) and the sums run over all j != i, cells summarised by the
 * Barnes-Hut criterion with opening angle theta. */
void quadtree_repulsion(const quadtree *t, double theta, int s0, int s1, double *rep, double *z);

/* The same forces, computed leaf by leaf for the leaves [l0, l1) (of t->nleaves): one
 * traversal per leaf collects the cells that pass the criterion for every point of the leaf
 * (cell width < theta x distance from the leaf's bounding box to the cell's centre of mass;
 * so at least as accurate as the per-point criterion) and the points of the cells too close,
 * then each point of the leaf sums that list in float vectors, flushed to double every 64
 * entries. Several times faster than per-point traversal. Returns -1 if scratch could not
 * grow. */
int quadtree_repulsion_leaves(const quadtree *t, double theta, int l0, int l1, double *rep,
                              double *z, qt_scratch *scratch);
void qt_scratch_free(qt_scratch *s);

void quadtree_free(quadtree *t);

#endif
